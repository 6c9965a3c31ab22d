"""Politburo members who are nobody's rival: agents with a patron, seats by the leadership's favour, votes."""

from __future__ import annotations

from pathlib import Path

import pytest

from sim.errors import InputError
from sim.mechanisms import institutions, politburo_vote
from sim.model.core import PowerStruggleModel
from sim.model.leaders import Seat
from sim.model.members import PolitburoMember
from sim.scenario import load_scenario

HISTORICAL = Path(__file__).resolve().parents[1] / "scenarios" / "historical.toml"


def _model(**overrides: object) -> PowerStruggleModel:
    base = {"party.scale": 0.05, "parameter_uncertainty": 0.0}
    return PowerStruggleModel(scenario=HISTORICAL, overrides={**base, **overrides}, rng=5)


def test_members_are_mesa_agents_with_the_seats_of_january_1924() -> None:
    model = _model()
    members = {m.name: m for m in model.agents_by_type[PolitburoMember]}
    assert {n for n, m in members.items() if m.seat == Seat.CANDIDATE} == {"kalinin", "molotov", "rudzutak"}
    assert members["voroshilov"].seat == Seat.NONE
    assert members["molotov"].patron == model.leader_index["stalin"]


def test_a_vacancy_goes_to_leaders_then_named_candidates_then_cadres_then_a_client() -> None:
    model = _model()
    body = model.politburo
    stalin, bukharin = model.leader_index["stalin"], model.leader_index["bukharin"]
    full_before = body.full_seats()
    body.enlarge_to(full_before + 6)
    assert body.vacancies == 6 and body.full_seats() == full_before + 6
    body.enlarge_to(3)  # a smaller Politburo removes nobody
    assert body.vacancies == 6
    ruling = [stalin, bukharin]
    assert body.fill_vacancy(ruling) == ("bukharin", "")  # a leader who is a candidate first
    taken = [body.fill_vacancy(ruling).who for _ in range(3)]
    assert taken == ["molotov", "kalinin", "rudzutak"]  # the named candidates, in roster order
    assert body.fill_vacancy(ruling) == ("voroshilov", "stalin")  # then a cadre his patron placed
    trotsky = model.leader_index["trotsky"]
    assert body.fill_vacancy([trotsky]) == ("", "trotsky")  # nobody named is Trotsky's man: a client
    assert body.vacancies == 0 and body.full_seats() == full_before + 6
    assert body.camp_seats(frozenset({stalin})) == 1 + 4  # his own seat and the four members he placed


def test_a_candidate_standing_with_the_leadership_comes_before_its_clients() -> None:
    model = _model()
    body = model.politburo
    stalin, bukharin = model.leader_index["stalin"], model.leader_index["bukharin"]
    body.enlarge_to(body.full_seats() + 2)
    assert body.fill_vacancy([stalin], [bukharin]) == ("bukharin", "")  # a leader, though not of the camp
    assert body.fill_vacancy([stalin], [bukharin]) == ("molotov", "stalin")  # then the camp's own men


def test_lenins_seat_goes_to_bukharin_who_stands_with_the_troika() -> None:
    """Record: Bukharin took Lenin's seat in June 1924; Molotov waited for January 1926."""
    model = _model()
    bukharin = model.leader_index["bukharin"]
    assert bukharin not in model.ruling and bukharin in institutions.standing_with_leadership(model)
    while model.month < 2:  # the plenum of 31 March 1924 fills the seat
        model.step()
    promoted = [e["actor"] for e in model.events if e["kind"] == "politburo_promotion"]
    assert promoted == ["bukharin"]


def test_a_pursued_or_sanctioned_leader_does_not_stand_with_the_leadership() -> None:
    model = _model()
    trotsky, bukharin = model.leader_index["trotsky"], model.leader_index["bukharin"]
    standing = institutions.standing_with_leadership(model)
    assert trotsky not in standing  # the Troika's target
    assert not set(standing) & model.ruling
    model.leaders[bukharin].apply_sanction("censure", model.month)
    assert bukharin not in institutions.standing_with_leadership(model)


def _stalin_against_trotsky(willingness: float = 1.0, **overrides: object) -> tuple[PowerStruggleModel, int]:
    """A Politburo of Stalin, Trotsky and Kalinin (Stalin's man); Kalinin's willingness as given."""
    model = _model(**overrides)
    stalin, trotsky = model.leader_index["stalin"], model.leader_index["trotsky"]
    for lead in model.leaders:
        if lead.index not in (stalin, trotsky):
            lead.pb_seat = Seat.NONE
    for c in list(model.coalitions):
        model.coalitions.end(c, "test")
    model.ruling = frozenset({stalin})
    kalinin = next(m for m in model.politburo.members if m.name == "kalinin")
    kalinin.seat, kalinin.compromise_willingness = Seat.FULL, willingness
    model.politburo.lenin_seat = False
    model.agenda = -0.7  # the left turn: Kalinin's line (0.35) lies nearer Trotsky's (-0.6)
    return model, trotsky


def test_a_members_wavering_decides_a_close_politburo_vote() -> None:
    off = {"mechanisms.information.enabled": False}  # no files: he wavers with his willingness alone
    loyal, trotsky = _stalin_against_trotsky(willingness=0.0, **off)
    assert politburo_vote.tally(loyal, trotsky) == (2, 1, 0)  # Kalinin votes with his patron
    wavering, trotsky = _stalin_against_trotsky(willingness=1.0, **off)
    assert politburo_vote.tally(wavering, trotsky) == (1, 2, 0)  # he votes his line, and the motion fails


def test_the_secretariats_files_hold_a_wavering_client() -> None:
    """Stalin's "special hold" on Kalinin: a client of the Secretariat's camp wavers less.

    With the files, a member of willingness 1 stays with his patron with chance foresight x control
    (0.5 x 0.9 for Stalin); without them, or once his patron's camp has lost the Secretariat, never.
    """

    def loyal_share(model: PowerStruggleModel, trotsky: int) -> float:
        return sum(politburo_vote.tally(model, trotsky) == (2, 1, 0) for _ in range(600)) / 600

    held, trotsky = _stalin_against_trotsky(willingness=1.0)
    info = held.cfg.mechanisms.information
    expected = info.foresight * info.strength * held.leaders[held.leader_index["stalin"]].appointment_control
    assert abs(loyal_share(held, trotsky) - expected) < 0.07
    free, trotsky = _stalin_against_trotsky(willingness=1.0, **{"mechanisms.information.enabled": False})
    assert loyal_share(free, trotsky) == 0.0
    lost, trotsky = _stalin_against_trotsky(willingness=1.0)
    lost.leaders[lost.leader_index["stalin"]].lose_post("general_secretary")
    assert loyal_share(lost, trotsky) == 0.0


def test_the_politburo_vote_draws_from_its_own_stream_only() -> None:
    model, trotsky = _stalin_against_trotsky(willingness=0.5)

    def others() -> dict[str, object]:
        return {name: rng.bit_generator.state for name, rng in model.streams.items() if name != "politburo"}

    before = others()
    for _ in range(20):
        politburo_vote.tally(model, trotsky)
    assert before == others()


def test_a_member_with_an_unknown_patron_is_refused() -> None:
    with pytest.raises(InputError, match="politburo_members.kalinin.patron"):
        load_scenario(HISTORICAL, {"initial_state.politburo_members.kalinin.patron": "lenin"})


def test_every_seat_taken_is_an_event_naming_the_patron() -> None:
    model = _model()
    while model.running:
        model.step()
    promotions = [e for e in model.events if e["kind"] == "politburo_promotion"]
    named = {m.name for m in model.politburo.members if m.seat == Seat.FULL}
    assert named and named <= {e["actor"] for e in promotions}  # each named member's promotion is logged
    molotov = next(e for e in promotions if e["actor"] == "molotov")
    assert molotov["detail"] == "placed by stalin" and molotov["body"]  # at a session, by his patron
    sessions = {s.date.isoformat() for slots in model.sessions.values() for s in slots}
    assert {e["date"] for e in promotions} <= sessions


def test_lenins_seat_is_not_filled_before_he_dies() -> None:
    model = _model()
    model.step()  # January 1924: the plenum of the 14th and the Conference of the 16th, before he dies
    assert model.politburo.lenin_seat and model.politburo.vacancies == 0
    assert not [e for e in model.events if e["kind"] == "politburo_promotion"]
    while model.month < 2:  # March: the plenum of 31 March 1924 fills it
        model.step()
    promoted = [e for e in model.events if e["kind"] == "politburo_promotion"]
    assert [e["date"] for e in promoted] == ["1924-03-31"] and not model.politburo.lenin_seat
