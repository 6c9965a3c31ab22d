"""sim.model.party: members as arrays, secretaries as agents, delegations chosen per session."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from sim.model.core import PowerStruggleModel
from sim.model.party.delegations import apportion, vote
from sim.model.party.membership import LINE_BINS, MemberPopulation, line_bin

ROOT = Path(__file__).resolve().parents[1]
HISTORICAL = ROOT / "scenarios" / "historical.toml"


@given(
    st.integers(min_value=0, max_value=2000),
    st.lists(st.integers(min_value=0, max_value=10_000), min_size=1, max_size=120),
)
def test_apportion_gives_every_seat_in_proportion(seats: int, weights: list[int]) -> None:
    w = np.array(weights, dtype=float)
    out = apportion(seats, w)
    assert out.sum() == seats and (out >= 0).all()
    if w.sum() > 0:
        exact = seats * w / w.sum()
        assert (np.abs(out - exact) < 1.0 + 1e-9).all()  # largest remainders: never a whole seat off


def test_member_table_follows_additions_and_purges() -> None:
    rng = np.random.default_rng(1)
    pop = MemberPopulation(n_orgs=5, capacity=10)
    org = rng.integers(0, 5, 500).astype(np.int16)
    line = rng.uniform(-1, 1, 500).astype(np.float32)
    pop.add(org, line, joined=0, full_from=6)
    pop.remove(np.arange(0, 500, 3))
    assert pop.n == 500 - len(range(0, 500, 3))
    want = np.zeros((5, LINE_BINS), dtype=np.int64)
    np.add.at(want, (pop.org[: pop.n].astype(np.intp), line_bin(pop.line[: pop.n])), 1)
    assert (pop.table == want).all()
    assert pop.candidates(5) == pop.n and pop.candidates(6) == 0


def test_a_purge_keeps_exactly_the_members_it_did_not_pick() -> None:
    rng = np.random.default_rng(3)
    pop = MemberPopulation(n_orgs=4, capacity=8)
    pop.add(rng.integers(0, 4, 300).astype(np.int16), rng.uniform(-1, 1, 300).astype(np.float32), 0, 0)
    pop.joined[:300] = np.arange(300)  # a row's identity, to follow it through the purge
    picked = np.sort(rng.choice(300, size=40, replace=False))
    pop.remove(np.concatenate([picked, picked[:5]]))  # a row named twice is removed once
    kept = np.setdiff1d(np.arange(300), picked)
    assert pop.n == 260 and sorted(pop.joined[: pop.n].tolist()) == kept.tolist()


def _run(overrides: dict | None = None, seed: int = 2) -> PowerStruggleModel:
    model = PowerStruggleModel(scenario=HISTORICAL, overrides=overrides or {}, rng=seed)
    while model.running:
        model.step()
    return model


def test_the_rolls_follow_the_record() -> None:
    model = _run()
    rows = {r["date"]: r["members"] + r["candidates"] for r in model.party.rows}
    for when, real in (("1924-01-01", 446_089), ("1924-05-01", 735_881), ("1925-12-01", 1_088_000)):
        assert rows[when] == pytest.approx(real, rel=0.10), when
    recruits = model.party.rows[-1]["recruits"]
    without = _run({"events.lenin_enrolment.enabled": False}).party.rows[-1]["recruits"]
    assert recruits - without == pytest.approx(241_591, abs=2)  # the Enrolment's recruits, and only they


def test_the_secretariat_places_secretaries_only_with_its_lever() -> None:
    stalin = 0
    placed = _run().party.apparatus
    frozen = _run({"leaders.stalin.appointment_control": 0.0}).party.apparatus
    assert placed.secretary_shares()[stalin] > 0.6
    assert frozen.secretary_shares()[stalin] == pytest.approx(round(0.37 * 90) / 90, abs=0.012)
    assert frozen.placed == 0


def test_the_kept_patrons_and_bosses_are_what_the_secretaries_say_every_month() -> None:
    """The patrons kept through placements (updated in a copy) and the bosses against a plain reading."""
    model = PowerStruggleModel(scenario=HISTORICAL, rng=5)
    apparatus = model.party.apparatus
    seen = 0
    while model.running:
        before = apparatus.patrons()
        kept = before.copy()
        model.step()
        plain = np.array([s.patron for s in apparatus.secretaries])
        assert apparatus.patrons().tolist() == plain.tolist()
        assert before.tolist() == kept.tolist()  # an array read before a placement keeps what it read
        bosses = [apparatus.boss_of(o) for o in range(len(apparatus.specs))]
        assert apparatus.bosses().tolist() == bosses
        seen += int((plain != kept).any())
    assert seen > 10  # placements happened in many months


def test_a_delegation_votes_with_its_secretarys_patron() -> None:
    model = PowerStruggleModel(scenario=HISTORICAL, rng=3)
    model.step()
    apparatus = model.party.apparatus
    leningrad = apparatus.names.index("leningrad")
    assert apparatus.secretaries[leningrad].patron_name == "zinoviev"
    seats = np.zeros(len(apparatus.secretaries), dtype=np.int64)
    seats[leningrad] = 60
    side = np.zeros(len(model.leaders), dtype=np.int8)
    side[model.leader_index["stalin"]] = 1
    side[model.leader_index["zinoviev"]] = -1
    (cast,) = vote(model, seats, side)
    assert (cast.delegates, cast.no, cast.yes) == (60, 60, 0)  # Leningrad at the 14th Congress
    side[model.leader_index["zinoviev"]] = 1
    (cast,) = vote(model, seats, side)
    assert cast.yes == 60
