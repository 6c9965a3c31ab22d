"""A Politburo majority against the first office (sim.mechanisms.challenge): the CC decides."""

from __future__ import annotations

from datetime import date

import numpy as np
from helpers import _clear, exact_model

from sim.mechanisms import challenge
from sim.model.calendar import SessionSlot
from sim.model.core import PowerStruggleModel
from sim.model.leaders import Seat
from sim.model.politics import secretariat_holder

PLENUM = SessionSlot(date(1925, 4, 23), "CC plenum", "cc_plenum", 0, joint=False)


def _bloc_against_stalin(cc_backs: str) -> tuple[PowerStruggleModel, int, frozenset[int]]:
    """Trotsky, Zinoviev, Kamenev and Rykov against Stalin: four of the Politburo's seven full seats.

    Every CC member is `cc_backs`'s man; the bloc moves whenever it holds the majority.
    """
    model = exact_model(**{"mechanisms.institutions.proposal_rate": 1.0})
    _clear(model)
    idx = model.leader_index
    bloc = frozenset(idx[n] for n in ("trotsky", "zinoviev", "kamenev", "rykov"))
    model.coalitions.start(set(bloc), against=idx["stalin"])
    for k in bloc:
        model.leaders[k].ruthlessness = 1.0
    n = model.central_committee.n
    model.central_committee.seat(np.full(n, idx[cc_backs]), np.full(n, idx[cc_backs]))
    model.refresh_ruling()
    assert challenge.majority_bloc(model, idx["stalin"]) == bloc
    return model, idx["stalin"], bloc


class _Certain:
    """A stream whose every draw is 0: an event with any chance at all happens."""

    def random(self, size: int | None = None) -> float | np.ndarray:
        return 0.0 if size is None else np.zeros(size)


def _events(model: PowerStruggleModel, kind: str) -> list[dict[str, str]]:
    return [e for e in model.events if e["kind"] == kind]


def test_a_cc_of_his_men_upholds_the_first_secretary_and_the_movers_stand_charged() -> None:
    """June 1957: the Presidium's majority voted Khrushchev out; the CC of his secretaries reversed it."""
    model, stalin, bloc = _bloc_against_stalin("stalin")
    challenge.move_against_first_office(model, PLENUM)
    assert secretariat_holder(model) == stalin
    assert [e["detail"] for e in _events(model, "challenge")] == ["the Central Committee upholds stalin"]
    assert all(model.leaders[k].faction_act_month == model.month for k in bloc)  # an open factional act
    politburo_vote, cc_vote = [v for v in model.votes if v["motion"] == "gs_removal: stalin"]
    assert politburo_vote["for"] == 4 and cc_vote["for"] == 0 and cc_vote["against"] > 0


def test_the_cc_that_upholds_him_unseats_the_movers_who_do_not_recant() -> None:
    """June 1957: the plenum took Malenkov's, Molotov's and Kaganovich's Presidium seats before it rose."""
    model, stalin, bloc = _bloc_against_stalin("stalin")
    for k in bloc:
        model.leaders[k].compromise_willingness = 0.0  # none recants
    challenge.move_against_first_office(model, PLENUM)
    removed = {e["actor"] for e in _events(model, "politburo_removal")}
    assert removed == {model.leader_names[k] for k in bloc}
    assert all(model.leaders[k].pb_seat == Seat.NONE for k in bloc)
    assert not any(bloc & c.members for c in model.coalitions)  # the bloc broke at the vote
    assert model.politburo.vacancies == 4  # the leadership fills them at this plenum
    unseat = [v for v in model.votes if v["motion"].startswith("politburo_removal:")]
    assert len(unseat) == 4 and all(v["for"] > v["against"] for v in unseat)


def test_an_unseated_mover_loses_his_men_in_the_apparatus_as_after_any_sanction() -> None:
    """The seat lost at the plenum is a sanction like any other (`sanctions.carry_out`)."""
    model, stalin, bloc = _bloc_against_stalin("stalin")
    trotsky = model.leader_index["trotsky"]
    for k in bloc:
        model.leaders[k].compromise_willingness = 0.0
    apparatus = model.party.apparatus
    assert (apparatus.patrons() == trotsky).any()  # the army's political directorate is his
    model.streams["repression"] = _Certain()  # every client the sanction may move is moved
    challenge.move_against_first_office(model, PLENUM)
    assert not (apparatus.patrons() == trotsky).any()


def test_a_mover_who_recants_on_the_spot_keeps_his_seat() -> None:
    """Bulganin and Voroshilov recanted at the June 1957 plenum and kept their seats."""
    model, stalin, bloc = _bloc_against_stalin("stalin")
    idx = model.leader_index
    for k in bloc:
        model.leaders[k].compromise_willingness = 0.0
    model.leaders[idx["kamenev"]].compromise_willingness = 1.0
    model.streams["repression"] = _Certain()  # every draw falls under its chance
    challenge.move_against_first_office(model, PLENUM)
    assert model.leaders[idx["kamenev"]].capitulated
    assert model.leaders[idx["kamenev"]].pb_seat == Seat.FULL
    assert model.leaders[idx["trotsky"]].pb_seat == Seat.NONE


def test_a_cc_that_backs_the_movers_removes_him_and_elects_one_of_theirs() -> None:
    model, stalin, bloc = _bloc_against_stalin("zinoviev")
    challenge.move_against_first_office(model, PLENUM)
    assert _events(model, "gs_removal")[0]["actor"] == "stalin"
    assert secretariat_holder(model) in bloc


def test_without_a_politburo_majority_nobody_moves() -> None:
    model, stalin, bloc = _bloc_against_stalin("stalin")
    model.leaders[model.leader_index["rykov"]].pb_seat = Seat.NONE
    model.politburo.vacancies += 1  # his seat stands empty: three of seven
    assert challenge.majority_bloc(model, stalin) is None
    challenge.move_against_first_office(model, PLENUM)
    assert not _events(model, "challenge")
