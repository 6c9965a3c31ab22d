"""The Congress's verdict on Lenin's letter (sim/mechanisms/verdict.py) and Trotsky's road through it."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from sim.calendar import SessionSlot
from sim.leaders import RUNG
from sim.mechanisms import defiance, institutions, offices, staffing, verdict
from sim.model import PowerStruggleModel
from sim.politics import secretariat_holder

ROOT = Path(__file__).resolve().parents[1]
HISTORICAL = ROOT / "scenarios" / "historical.toml"
FIGHTS = ROOT / "scenarios" / "trotsky_fights.toml"


def small_model(scenario: Path = HISTORICAL, seed: int = 1, **overrides: object) -> PowerStruggleModel:
    return PowerStruggleModel(scenario=scenario, overrides={"delegates": 2000, **overrides}, rng=seed)


def _stalin_repudiated(model: PowerStruggleModel) -> tuple[int, int, int]:
    stalin, trotsky, zinoviev = (model.leader_index[n] for n in ("stalin", "trotsky", "zinoviev"))
    model.leaders[trotsky].mobilised = True
    verdict.record(model, stalin, frozenset({zinoviev}))
    model.refresh_ruling()
    return stalin, trotsky, zinoviev


def test_a_leadership_the_congress_repudiated_moves_no_sanctions_until_the_next_congress() -> None:
    model = small_model(**{"mechanisms.institutions.proposal_rate": 1.0})
    stalin, trotsky, zinoviev = _stalin_repudiated(model)
    assert stalin in model.ruling  # the Troika still has the largest following
    assert not verdict.may_move_sanctions(model)
    session = SessionSlot(date(1924, 6, 2), "CC plenum", "cc_plenum", 0, joint=False)
    for _ in range(5):
        institutions.hold_session(model, session)
    assert not [v for v in model.votes if ":" in v["motion"]]  # no sanction put to the vote
    assert model.leaders[trotsky].rung == 0
    verdict.congress_opens(model)  # the next Congress ends the verdict
    assert model.verdict is None and verdict.may_move_sanctions(model)


def test_the_congress_that_voted_him_out_elects_the_cc_from_its_majority_slate() -> None:
    model = small_model()
    stalin, trotsky, zinoviev = _stalin_repudiated(model)
    slate = verdict.slate(model)
    assert stalin not in slate and zinoviev not in slate and trotsky in slate
    model.month += 1  # at a later Congress the slate is the leadership's again
    assert verdict.slate(model) == model.ruling


def test_only_a_faction_organised_before_the_vote_is_upheld() -> None:
    model = small_model()
    stalin, trotsky, zinoviev = _stalin_repudiated(model)
    kamenev = model.leader_index["kamenev"]
    model.leaders[kamenev].mobilised = True  # organised after the vote
    assert verdict.vindicated(model, trotsky)
    assert not verdict.vindicated(model, kamenev)
    assert not verdict.vindicated(model, zinoviev)  # a defender of the man voted out


def test_switched_off_no_verdict_is_recorded() -> None:
    model = small_model(**{"mechanisms.legacy.congress_verdict": False})
    _stalin_repudiated(model)
    assert model.verdict is None
    assert model.leader_index["stalin"] in model.ruling


def test_an_upheld_faction_is_not_charged_with_factionalism() -> None:
    """Censured, in post and organised: charged, he would lose his office; upheld, he keeps his seat."""

    def sanctions_against_trotsky(upheld: bool) -> int:
        model = small_model(**{"mechanisms.institutions.proposal_rate": 1.0})
        stalin, trotsky = model.leader_index["stalin"], model.leader_index["trotsky"]
        leader = model.leaders[trotsky]
        leader.mobilised = True
        leader.rung = RUNG["post_removal"]  # next: removal from the Politburo, which needs the charge
        for c in list(model.coalitions):
            model.coalitions.end(c, "test")  # the Troika broke at the vote
        zinoviev = model.leader_index["zinoviev"]
        n = model.pool.n
        model.pool.set_allegiance(slice(None), zinoviev)  # Zinoviev leads with half the delegates
        model.pool.set_allegiance(slice(0, int(0.3 * n)), stalin)
        model.pool.set_allegiance(slice(int(0.3 * n), int(0.5 * n)), trotsky)
        model.refresh_support()
        if upheld:
            # The Congress voted Stalin out undefended: Zinoviev's camp now leads, against Trotsky.
            verdict.record(model, stalin, frozenset())
            model.refresh_ruling()
        assert model.ruling == {zinoviev}
        session = SessionSlot(date(1924, 6, 2), "CC plenum", "cc_plenum", 0, joint=False)
        voters = institutions.voters_for(model, session)
        for _ in range(20):
            defiance.offend(model, trotsky)  # his faction acts again each time (the renewed offence)
            institutions._move_sanction(model, session, voters, trotsky)
            leader.last_sanction_month = -99
        return leader.rung

    assert sanctions_against_trotsky(upheld=False) >= RUNG["politburo_removal"]
    assert sanctions_against_trotsky(upheld=True) == RUNG["post_removal"]


def test_a_holder_the_congress_barred_is_not_elected_again_the_same_day() -> None:
    model = small_model()
    stalin, trotsky = model.leader_index["stalin"], model.leader_index["trotsky"]
    for c in list(model.coalitions):
        model.coalitions.end(c, "test")
    model.leaders[stalin].lose_post("general_secretary")
    model.leaders[trotsky].take_post("general_secretary")  # elected when the Congress voted Stalin out
    zinoviev = model.leader_index["zinoviev"]
    n = model.pool.n
    model.pool.set_allegiance(slice(None), stalin)
    model.pool.set_allegiance(slice(0, n // 4), zinoviev)
    model.refresh_support()
    model.pool.in_cc[:] = True  # the new CC: Stalin's men, and Zinoviev's; none of Trotsky's
    offices.reelect_general_secretary(model, date(1924, 5, 23), "13th Party Congress", barred=stalin)
    assert secretariat_holder(model) == zinoviev


def test_an_organised_faction_works_the_secretariat_for_its_leader() -> None:
    model = small_model()
    trotsky, stalin = model.leader_index["trotsky"], model.leader_index["stalin"]
    leader = model.leaders[trotsky]
    assert staffing.secretariat_control(model, trotsky) == leader.appointment_control
    leader.mobilised = True
    assert staffing.secretariat_control(model, trotsky) == max(
        leader.appointment_control, leader.organisational_skill
    )
    assert staffing.secretariat_control(model, trotsky) > leader.appointment_control
    model.leaders[stalin].mobilised = True
    assert staffing.secretariat_control(model, stalin) == model.leaders[stalin].appointment_control
    off = small_model(**{"mechanisms.appointment.faction_staffing": 0.0})
    off.leaders[trotsky].mobilised = True
    assert staffing.secretariat_control(off, trotsky) == off.leaders[trotsky].appointment_control
    bare = small_model(**{"leaders.trotsky.appointment_control": 0.0})
    bare.leaders[trotsky].mobilised = True
    # a scenario that gives him no lever leaves none to staff
    assert staffing.secretariat_control(bare, trotsky) == bare.leaders[trotsky].appointment_control


def test_in_trotsky_fights_the_congress_votes_stalin_out_and_its_verdict_binds_until_the_next() -> None:
    """Where the Congress votes Stalin out, the verdict stands from the 13th Congress to the 14th."""
    seen = 0
    for seed in range(3):
        model = small_model(FIGHTS, seed=seed)
        stalin = model.leader_index["stalin"]
        months: list[str] = []
        while model.running:
            model.step()
            if model.verdict is not None:
                months.append(model.date_iso)
                assert stalin in model.verdict.repudiated
        if months:
            seen += 1
            assert months[0] == "1924-05-01" and months[-1] == "1925-11-01"
    assert seen >= 2
