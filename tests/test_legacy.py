"""Lenin's legacy (sim.mechanisms.legacy): the funeral, the cult and the testament."""

from __future__ import annotations

import pytest
from helpers import HISTORICAL, exact_model, small_model

from sim.mechanisms import legacy
from sim.model.core import PowerStruggleModel


def test_funeral_absence_costs_legitimacy() -> None:
    absent = small_model(seed=3)
    present = PowerStruggleModel(
        scenario=HISTORICAL, overrides={"party.scale": 0.05, "events.funeral.absent": []}, rng=3
    )
    for m in (absent, present):
        m.step()  # January 1924: death and funeral
    t = absent.leader_index["trotsky"]
    assert present.leaders[t].legitimacy > absent.leaders[t].legitimacy + 0.1


def test_published_testament_brings_a_vote_on_the_general_secretary() -> None:
    model = small_model(**{"events.testament.published": True})
    while model.running:
        model.step()
    motions = [v for v in model.votes if v["motion"].startswith("retain general secretary")]
    assert len(motions) == 1
    assert motions[0]["body"] == "CC plenum"  # the CC the 13th Congress elected, as in May 1924
    assert motions[0]["for"] + motions[0]["against"] == motions[0]["voting_delegates"]


def test_with_the_legacy_switch_off_a_read_letter_brings_no_vote() -> None:
    """The vote on the General Secretary is the legacy mechanism's: off, the letter moves nothing."""
    model = small_model(**{"events.testament.published": True, "mechanisms.legacy.enabled": False})
    while model.running:
        model.step()
    assert not [v for v in model.votes if v["motion"].startswith("retain general secretary")]
    assert not [e for e in model.events if e["kind"] == "gs_removal" and "testament" in e["detail"]]


def test_an_organised_faction_forces_the_testament_reading() -> None:
    over = {
        "parameter_uncertainty": 0.0,
        "mechanisms.legacy.forced_reading": 1.0,
        # p = forced_reading x strength x organisational_skill x standing: certain while standing >= 1/3
        "mechanisms.legacy.strength": 3.0,
        "leaders.trotsky.organisational_skill": 1.0,
    }
    forced = small_model(**over)
    forced.leaders[forced.leader_index["trotsky"]].mobilised = True
    quiet = small_model(**over)  # same, but nobody organises a faction
    quiet.leaders[quiet.leader_index["trotsky"]].mobilisation = 0.0
    for m in (forced, quiet):
        for _ in range(5):  # January to May 1924
            m.step()
    kinds = {e["kind"] for e in forced.events}
    assert "testament_published" in kinds
    assert any(e["kind"] == "testament_published" and e["actor"] == "trotsky" for e in forced.events)
    assert "testament_handled" in {e["kind"] for e in quiet.events}
    assert "testament_published" not in {e["kind"] for e in quiet.events}


def test_the_funeral_shares_a_fixed_pool_among_those_present_and_the_absent_lose() -> None:
    model = exact_model(**{"events.funeral.absent": ["trotsky"]})
    mech = model.cfg.mechanisms.legacy
    before = {lead.name: lead.legitimacy for lead in model.leaders}
    legacy.funeral(model, model.cfg.events.funeral)
    trotsky = model.leaders[model.leader_index["trotsky"]]
    assert trotsky.legitimacy == pytest.approx(
        max(0.0, before["trotsky"] - mech.funeral_penalty * mech.strength)
    )
    assert trotsky.mantle == 0.0
    present = [lead for lead in model.leaders if lead.name != "trotsky"]
    total = sum(before[lead.name] for lead in present)
    pool = mech.funeral_bonus * mech.strength * len(model.leaders)
    for lead in present:  # each gains his share of the pool, by legitimacy (capped at 1)
        assert lead.legitimacy == pytest.approx(
            min(1.0, before[lead.name] + pool * before[lead.name] / total)
        )
    # the mantle: his share of the pool (by the legitimacy he brought) relative to an even share
    for lead in present:
        assert lead.mantle == pytest.approx(len(model.leaders) * before[lead.name] / total)
    assert sum(lead.mantle for lead in present) == pytest.approx(len(model.leaders))
    stalin, zinoviev = (model.leaders[model.leader_index[n]] for n in ("stalin", "zinoviev"))
    assert (stalin.mantle > zinoviev.mantle) == (before["stalin"] > before["zinoviev"])


def test_an_absent_heirs_share_goes_to_the_others() -> None:
    gains = {}
    for absent in ([], ["trotsky"]):
        model = exact_model(**{"events.funeral.absent": absent})
        stalin = model.leaders[model.leader_index["stalin"]]
        before = stalin.legitimacy
        legacy.funeral(model, model.cfg.events.funeral)
        gains[bool(absent)] = stalin.legitimacy - before
    assert gains[True] > gains[False] > 0


def test_the_cult_feeds_only_the_leadership_and_only_after_lenins_death() -> None:
    model = exact_model()
    before = [lead.legitimacy for lead in model.leaders]
    legacy.cult(model)  # Lenin alive: no cult yet
    assert [lead.legitimacy for lead in model.leaders] == before
    model.lenin_dead = True
    legacy.cult(model)
    mech = model.cfg.mechanisms.legacy
    for k, lead in enumerate(model.leaders):
        if k in model.ruling:
            want = before[k] + mech.cult_rate * mech.strength * lead.mantle * (1.0 - before[k])
            assert lead.legitimacy == pytest.approx(want)
        else:
            assert lead.legitimacy == before[k]


def test_the_cult_is_off_with_its_mechanism() -> None:
    model = exact_model(**{"mechanisms.legacy.enabled": False})
    model.lenin_dead = True
    before = [lead.legitimacy for lead in model.leaders]
    legacy.cult(model)
    legacy.funeral(model, model.cfg.events.funeral)
    assert [lead.legitimacy for lead in model.leaders] == before
