"""Open votes at Congresses and Conferences, cast by delegation: a machine delivers; fear silences dissent."""

from __future__ import annotations

from pathlib import Path

import numpy as np

from sim.mechanisms import appointment
from sim.model.core import PowerStruggleModel
from sim.model.party.delegations import vote

HISTORICAL = Path(__file__).resolve().parents[1] / "scenarios" / "historical.toml"
FEAR = "mechanisms.delegate_choice.fear"


def _zinoviev_in_opposition(**overrides: object) -> tuple[PowerStruggleModel, np.ndarray]:
    """January 1924's model with Zinoviev, still Leningrad's boss, alone against Stalin: the sides."""
    model = PowerStruggleModel(
        scenario=HISTORICAL, overrides={"parameter_uncertainty": 0.0, **overrides}, rng=4
    )
    for c in list(model.coalitions):
        model.coalitions.end(c, "test")
    side = np.zeros(len(model.leaders), dtype=np.int8)
    side[model.leader_index["stalin"]] = 1
    side[model.leader_index["zinoviev"]] = -1
    return model, side


def test_leningrad_turns_once_its_boss_is_stripped_of_his_post() -> None:
    model, _ = _zinoviev_in_opposition()
    apparatus = model.party.apparatus
    leningrad = apparatus.names.index("leningrad")
    zinoviev, stalin = model.leader_index["zinoviev"], model.leader_index["stalin"]
    model.ruling = frozenset({stalin})
    appointment.place_secretaries(model, stalin)
    assert apparatus.secretaries[leningrad].patron == zinoviev  # his boss holds the post: closed
    model.leaders[zinoviev].apply_sanction("post_removal", model.month)
    placed = 0
    for _ in range(5):  # Kirov came within weeks of the 14th Congress
        appointment.place_secretaries(model, stalin)
        placed += apparatus.secretaries[leningrad].patron == stalin
    assert apparatus.secretaries[leningrad].patron == stalin and placed >= 4


def test_fear_keeps_dissenters_from_voting_against_in_the_open() -> None:
    model, side = _zinoviev_in_opposition(**{FEAR: 2.0})
    for sec in model.party.apparatus.secretaries:  # weak secretaries: the members speak for themselves
        sec.patron, sec.loyalty = -1, 0.0
    seats = np.full(len(model.party.apparatus.secretaries), 50)
    model.fear = 0.0
    calm = sum(d.no for d in vote(model, seats, side))
    model.fear = 1.0
    afraid = sum(d.no for d in vote(model, seats, side))
    assert afraid < calm
    assert calm > 0


def test_the_delegations_draw_from_the_party_stream_only() -> None:
    model, side = _zinoviev_in_opposition()
    seats = np.full(len(model.party.apparatus.secretaries), 8)

    def others() -> dict[str, object]:
        return {name: rng.bit_generator.state for name, rng in model.streams.items() if name != "party"}

    before = others()
    for _ in range(5):
        vote(model, seats, side)
    assert before == others()


def test_in_an_open_discussion_the_members_vote_their_own_views_under_fear() -> None:
    from sim.model.party.discussion import members_vote

    model, side = _zinoviev_in_opposition()
    yes, no, abstain, members = members_vote(model, side)
    assert members == round(model.party.members.n / model.party.scale)
    assert yes + no + abstain == members and min(yes, no, abstain) >= 0
    assert no > 0  # Zinoviev's following votes against where it dares
    model.fear = 2.0
    assert members_vote(model, side)[1] < no


def test_a_discussion_in_the_calendar_is_a_members_vote_on_the_line() -> None:
    session = {"date": "1924-02-01", "body": "Pre-congress discussion", "kind": "discussion"}
    model = PowerStruggleModel(
        scenario=HISTORICAL,
        overrides={"calendar.sessions": [session]},
        rng=3,
    )
    for _ in range(2):
        model.step()
    rows = [v for v in model.votes if v["body"] == "Pre-congress discussion"]
    assert len(rows) == 1 and rows[0]["motion"] == "leadership line"
    assert rows[0]["voting_delegates"] > 400_000  # the party's members, not a delegation
    assert any(e["kind"] == "discussion" for e in model.events)
