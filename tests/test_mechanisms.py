"""Unit tests per mechanism: each does what docs/model.md says, measured on a small model."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from sim.mechanisms import alliances, appointment
from sim.model import PowerStruggleModel
from sim.politics import camp_of
from sim.scenario import MECHANISMS, load_scenario

ROOT = Path(__file__).resolve().parents[1]
HISTORICAL = ROOT / "scenarios" / "historical.toml"


def small_model(seed: int = 1, **overrides: object) -> PowerStruggleModel:
    return PowerStruggleModel(scenario=HISTORICAL, overrides={"delegates": 2000, **overrides}, rng=seed)


def test_appointment_raises_share_loyal_to_patron() -> None:
    model = small_model()
    stalin = model.leader_index["stalin"]
    before = float((model.pool.patron == stalin).mean())
    for _ in range(12):
        appointment.appoint(model)
    after = float((model.pool.patron == stalin).mean())
    assert after > before + 0.05


def test_appointment_switched_off_places_nobody() -> None:
    model = small_model(**{"mechanisms.appointment.enabled": False})
    patrons = model.pool.patron.copy()
    for _ in range(12):
        appointment.appoint(model)
    assert np.array_equal(patrons, model.pool.patron)


def test_appointees_come_to_back_their_patron() -> None:
    model = small_model()
    stalin = model.leader_index["stalin"]
    for _ in range(12):
        model.step()
    appointed = model.pool.patron == stalin
    share_among_appointees = float((model.pool.allegiance[appointed] == stalin).mean())
    share_among_others = float((model.pool.allegiance[~appointed] == stalin).mean())
    assert share_among_appointees > share_among_others + 0.2


def _twenty_months_of_partner_search_under_stalin(model: PowerStruggleModel) -> tuple[int, int, int]:
    """Stalin's camp dominates, Zinoviev and Kamenev hold the rest; run the partner search 20 times."""
    stalin, zin, kam = (model.leader_index[n] for n in ("stalin", "zinoviev", "kamenev"))
    model.pool.set_allegiance(slice(None), stalin)
    model.pool.set_allegiance(slice(0, 300), zin)
    model.pool.set_allegiance(slice(300, 500), kam)
    model.refresh_support()
    for _ in range(20):
        alliances.update(model)
        model.refresh_ruling()
    return stalin, zin, kam


def test_alliance_forms_against_the_strongest_rival() -> None:
    model = small_model(**{"initial_state.alliances": [], "mechanisms.alliances.form_rate": 1.0})
    # Make Stalin the dominant camp; Zinoviev and Kamenev are the leadership's target.
    stalin, zin, kam = _twenty_months_of_partner_search_under_stalin(model)
    camp = camp_of(model, zin)
    assert kam in camp and stalin not in camp
    assert any(c.against == stalin for c in model.coalitions if zin in c.members)


def test_alliance_refuses_a_partner_with_low_compromise_willingness() -> None:
    over = {
        "initial_state.alliances": [],
        "mechanisms.alliances.form_rate": 1.0,
        "parameter_uncertainty": 0.0,
        "leaders.kamenev.compromise_willingness": 0.0,
        "leaders.zinoviev.compromise_willingness": 0.0,
    }
    model = small_model(**over)
    stalin, zin, kam = _twenty_months_of_partner_search_under_stalin(model)
    assert kam not in camp_of(model, zin)


def test_troika_is_logged_on_the_start_date_as_an_input() -> None:
    model = small_model()
    first = model.events[0]
    assert first["kind"] == "alliance_formed"
    assert first["actor"] == "kamenev+stalin+zinoviev"
    assert first["date"] == "1924-01-01"


def test_funeral_absence_costs_legitimacy() -> None:
    absent = small_model(seed=3)
    present = PowerStruggleModel(
        scenario=HISTORICAL, overrides={"delegates": 2000, "events.funeral.absent": []}, rng=3
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
    assert motions[0]["body"] == "13th Party Congress"
    assert motions[0]["for"] + motions[0]["against"] == motions[0]["voting_delegates"]


def test_grain_crisis_moves_flexible_leaders_more() -> None:
    model = small_model()
    while model.running:
        model.step()
    s, b = model.leaders[model.leader_index["stalin"]], model.leaders[model.leader_index["bukharin"]]
    assert abs(s.position - s.params.ideology) > abs(b.position - b.params.ideology)


def test_sanctions_never_skip_rungs_and_respect_the_ladder() -> None:
    from sim.leaders import RUNG

    model = small_model(seed=5)
    while model.running:
        model.step()
    for leader in model.leaders:
        kinds = [e["kind"] for e in model.events if e["actor"] == leader.name and e["kind"] in RUNG]
        rungs = [RUNG[k] for k in kinds]
        assert rungs == sorted(rungs)


THE_RIGHT = ("bukharin", "rykov", "tomsky")


def _last(timeseries: dict[str, list[object]], leader: str, column: str) -> object:
    """A leader's last monthly value of `column` in a replicate's timeseries columns."""
    i = max(i for i, name in enumerate(timeseries["leader"]) if name == leader)
    return timeseries[column][i]


def _profile(scenario_overrides: dict[str, object]) -> np.ndarray:
    """Outcome profile over replicates.

    Stalin's final support, sanction and alliance counts, P(Stalin), the final support of Trotsky and
    Zinoviev, Stalin's final legitimacy and policy line, and how many of the Right lose their
    Politburo seats.
    """
    from sim.runner import replicate_seeds, simulate

    sc = load_scenario(HISTORICAL, {"delegates": 300, **scenario_overrides})
    rows = []
    for i, seed in enumerate(replicate_seeds(11, 24)):
        out = simulate(sc, seed, i)
        sanctions = sum(e["kind"] in ("censure", "politburo_removal", "party_expulsion") for e in out.events)
        rows.append(
            [
                out.summary["support_final_stalin"],
                sanctions,
                out.summary["n_alliances"],
                out.summary["winner"] == "stalin",
                out.summary["support_final_trotsky"] + out.summary["support_final_zinoviev"],
                _last(out.timeseries, "stalin", "legitimacy"),
                _last(out.timeseries, "stalin", "position"),
                sum(bool(out.summary[f"{name}__politburo_removal"]) for name in THE_RIGHT),
            ]
        )
    return np.array(rows, dtype=float).mean(axis=0)


@pytest.fixture(scope="module")
def baseline_profile() -> np.ndarray:
    return _profile({})


@pytest.mark.parametrize("mechanism", MECHANISMS)
def test_no_dead_mechanism(mechanism: str, baseline_profile: np.ndarray) -> None:
    off = _profile({f"mechanisms.{mechanism}.enabled": False})
    tolerance = np.array([0.02, 0.5, 0.3, 0.1, 0.02, 0.02, 0.05, 0.2])
    assert np.any(np.abs(off - baseline_profile) > tolerance), (mechanism, off, baseline_profile)


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


def test_the_congress_elects_a_cc_of_the_right_size_from_the_leaderships_slate() -> None:
    from datetime import date

    from sim.calendar import SessionSlot
    from sim.mechanisms.institutions import elect_central_committee

    model = small_model(seed=4)
    model.step()
    session = SessionSlot(date(1924, 5, 23), "13th Party Congress", "congress", 748, cc_full_members=53)
    followers = np.isin(model.pool.allegiance, sorted(model.ruling))
    shares = []
    for _ in range(20):
        elect_central_committee(model, session)
        assert int(model.pool.in_cc.sum()) == model.central_committee.size_for(53)
        shares.append(followers[model.pool.in_cc].mean())
    # The slate favours the leadership's followers beyond their share of the delegates.
    assert np.mean(shares) > followers.mean() + 0.05
