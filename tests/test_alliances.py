"""Alliances (sim.mechanisms.alliances): the compatibility matrix, forming, breaking along the fault line."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import numpy as np
from helpers import _clear, _shares, exact_model, small_model
from hypothesis import given, settings
from hypothesis import strategies as st

from sim.mechanisms import alliances
from sim.mechanisms.alliances import camp_compatibility, compatibility, compatibility_matrix
from sim.model.core import PowerStruggleModel
from sim.model.leaders import RUNG
from sim.model.politics import Coalition, camp_of

HISTORICAL = str(Path(__file__).resolve().parents[1] / "scenarios" / "historical.toml")
_MODEL = PowerStruggleModel(scenario=HISTORICAL, overrides={"party.scale": 0.01}, rng=0)
N = len(_MODEL.leaders)

unit = st.floats(0.0, 1.0)


@settings(max_examples=60, deadline=None)
@given(
    positions=st.lists(st.floats(-1.0, 1.0), min_size=N, max_size=N),
    willingness=st.lists(unit, min_size=N, max_size=N),
    distrust=st.lists(unit, min_size=N * N, max_size=N * N),
    camp=st.sets(st.integers(0, N - 1), min_size=2, max_size=N),
)
def test_matrix_equals_pairwise_compatibility(
    positions: list[float], willingness: list[float], distrust: list[float], camp: set[int]
) -> None:
    model = _MODEL
    for leader, x, cw in zip(model.leaders, positions, willingness, strict=True):
        leader.position, leader.compromise_willingness = x, cw
    model.distrust = np.array(distrust).reshape(N, N)
    matrix = compatibility_matrix(model)
    for a in range(N):
        for b in range(N):
            assert abs(matrix[a][b] - compatibility(model, a, b)) < 1e-12
    assert abs(camp_compatibility(model, camp, matrix) - camp_compatibility(model, camp)) < 1e-12


def test_compatibility_falls_with_distance_and_distrust() -> None:
    model = PowerStruggleModel(scenario=HISTORICAL, overrides={"party.scale": 0.01}, rng=1)
    a, b = 0, 1
    before = compatibility(model, a, b)
    model.distrust[a, b] += 0.3
    assert compatibility(model, a, b) < before
    model.leaders[b].position = model.leaders[a].position + 1.5
    assert compatibility(model, a, b) < before - 0.3


def test_a_boss_fights_with_his_machine_until_a_congress_condemns_his_line() -> None:
    import copy

    from sim.mechanisms import alliances

    model = copy.deepcopy(_MODEL)
    zinoviev, trotsky, stalin = (model.leader_index[n] for n in ("zinoviev", "trotsky", "stalin"))
    assert model.party.apparatus.runs_organisation(zinoviev)  # Leningrad's boss in January 1924
    assert alliances.relies_on_machine(model, {zinoviev, model.leader_index["kamenev"]})
    assert not alliances.relies_on_machine(model, {trotsky})  # PUR is a CC department: no machine
    for c in list(model.coalitions):
        model.coalitions.end(c, "test")
    model.ruling = frozenset({stalin})
    before = len(list(model.coalitions))
    for _ in range(30):  # Zinoviev, targeted, would take Trotsky as a partner if he could
        alliances._seek_partner(model, zinoviev, alliances._Month(model))
    assert len(list(model.coalitions)) == before
    model.condemned.add(zinoviev)  # the 14th Congress upholds the line against him
    assert not alliances.relies_on_machine(model, {zinoviev})


def test_the_grain_crisis_raises_the_policy_pressure_on_a_bloc() -> None:
    model = small_model()
    bloc = {model.leader_index["stalin"], model.leader_index["bukharin"]}
    before = alliances.policy_pressure(model, bloc)
    model._shock("grain_crisis", model.cfg.events.grain_crisis)
    assert model.agrarian_salience > 0.8
    assert alliances.policy_pressure(model, bloc) > before


def test_a_bloc_whose_enemy_recanted_may_break() -> None:
    model = small_model(
        **{
            "mechanisms.alliances.dissolve_rate": 1.0,
            "mechanisms.alliances.rivalry": 10.0,
            "mechanisms.alliances.quarrels": 1,
        }
    )
    trotsky = model.leader_index["trotsky"]
    assert any(c.against == trotsky for c in model.coalitions)
    alliances._dissolve(model)
    assert any(c.against == trotsky for c in model.coalitions)  # a live threat holds the Troika
    model.leaders[trotsky].capitulated = True
    alliances._dissolve(model)
    assert not any(c.against == trotsky for c in model.coalitions)


def test_an_enemy_out_of_office_is_spent_only_once_no_organised_faction_stands_with_him() -> None:
    """Trotsky quiet out of office in 1925 was spent; the United Opposition out of office was not."""
    model = small_model()
    trotsky = model.leader_index["trotsky"]
    leader = model.leaders[trotsky]
    assert not alliances.enemy_spent(model, trotsky)  # in office: a live enemy
    leader.rung = RUNG["post_removal"]
    leader.mobilised = False
    assert alliances.enemy_spent(model, trotsky)  # stripped and keeping discipline
    leader.mobilised = True
    assert not alliances.enemy_spent(model, trotsky)  # stripped, but his faction fights on
    leader.rung = RUNG["party_expulsion"]
    assert alliances.enemy_spent(model, trotsky)  # out of the party, faction or not
    leader.rung, leader.mobilised, leader.capitulated = RUNG["post_removal"], True, True
    assert alliances.enemy_spent(model, trotsky)  # recanted


def test_a_bloc_whose_reason_is_gone_breaks_at_its_third_quarrel_not_its_first() -> None:
    """A split is made, not declared: at a sure quarrel a month, the Troika lasts three months."""
    over = {"mechanisms.alliances.dissolve_rate": 1.0, "mechanisms.alliances.rivalry": 10.0}
    model = small_model(**over)
    assert model.cfg.mechanisms.alliances.quarrels == 3  # the historical value is the default
    trotsky = model.leader_index["trotsky"]
    troika = next(c for c in model.coalitions if c.against == trotsky)
    for _ in range(4):
        alliances._dissolve(model)  # a live enemy: no quarrel
    assert troika.quarrels == 0 and troika in list(model.coalitions)
    model.leaders[trotsky].capitulated = True
    alliances._dissolve(model)
    alliances._dissolve(model)
    assert troika.quarrels == 2 and troika in list(model.coalitions)
    alliances._dissolve(model)
    assert troika not in list(model.coalitions)


def test_a_bloc_keeps_its_quarrels_when_its_enemy_revives() -> None:
    """Quarrels are not undone: the Troika's rift of June 1924 outlived its closing ranks that autumn."""
    over = {"mechanisms.alliances.dissolve_rate": 1.0, "mechanisms.alliances.rivalry": 10.0}
    model = small_model(**over)
    trotsky = model.leader_index["trotsky"]
    troika = next(c for c in model.coalitions if c.against == trotsky)
    model.leaders[trotsky].capitulated = True
    alliances._dissolve(model)
    alliances._dissolve(model)
    assert troika.quarrels == 2
    model.leaders[trotsky].capitulated = False  # the enemy is a live threat again: no quarrel
    alliances._dissolve(model)
    assert troika.quarrels == 2 and troika in list(model.coalitions)
    model.leaders[trotsky].capitulated = True
    alliances._dissolve(model)
    assert troika not in list(model.coalitions)  # the third quarrel, counting those before the revival


def test_quarrels_keep_the_mean_wait_and_narrow_its_spread() -> None:
    """Three quarrels at three times the chance: about the one-shot hazard's mean wait, less spread."""
    rate = 0.12

    def waits(quarrels: int) -> np.ndarray:
        over = {"mechanisms.alliances.dissolve_rate": rate, "mechanisms.alliances.quarrels": quarrels}
        model = small_model(**over)
        out = []
        for _ in range(3000):
            c = Coalition(members={0, 1}, against=2, since=date(1925, 1, 1))
            month = 1
            while not alliances.quarrel(model, c, pressure=1.0):
                month += 1
            out.append(month)
        return np.array(out)

    one, three = waits(1), waits(3)
    assert abs(one.mean() - 1 / rate) < 0.6 and abs(three.mean() - 1 / rate) < 0.6
    assert three.std() < 0.7 * one.std()


def _big_troika(model: PowerStruggleModel) -> dict[str, int]:
    """Stalin, Zinoviev, Kamenev and the Right against a Trotsky who has just recanted (the enemy spent)."""
    idx = {n: model.leader_index[n] for n in ("stalin", "zinoviev", "kamenev", "bukharin", "rykov", "tomsky")}
    _clear(model)
    model.coalitions.start(set(idx.values()), against=model.leader_index["trotsky"])
    model.leaders[model.leader_index["trotsky"]].capitulated = True
    # Stalin heads the bloc's following (as by 1925): Stalin, Trotsky, Zinoviev, Kamenev, the Right.
    model.set_support(np.array([0.40, 0.05, 0.20, 0.10, 0.10, 0.08, 0.07]))
    return idx


def test_the_fault_line_runs_between_the_ruthless_rival_and_the_head() -> None:
    model = exact_model(3)
    idx = _big_troika(model)
    members = set(idx.values())
    top = alliances.head(model, frozenset(members))
    assert top == idx["stalin"]
    leavers = alliances.fault_line(model, members, top)
    assert leavers == {idx["zinoviev"], idx["kamenev"]}


def test_a_bloc_breaking_along_its_fault_line_splits_into_two_blocs_facing_each_other() -> None:
    """The head keeps the Right against Zinoviev; Zinoviev and Kamenev leave together against Stalin."""
    over = {
        "mechanisms.alliances.dissolve_rate": 1.0,
        "mechanisms.alliances.rivalry": 10.0,
        "mechanisms.alliances.quarrels": 1,
    }
    split = exact_model(3, **over)
    idx = _big_troika(split)
    alliances._dissolve(split)
    blocs = {frozenset(c.members): c.against for c in split.coalitions}
    assert blocs == {
        frozenset({idx["stalin"], idx["bukharin"], idx["rykov"], idx["tomsky"]}): idx["zinoviev"],
        frozenset({idx["zinoviev"], idx["kamenev"]}): idx["stalin"],
    }
    assert split.distrust[idx["stalin"], idx["zinoviev"]] > split.distrust[idx["stalin"], idx["bukharin"]]


def _twenty_months_of_partner_search_under_stalin(
    model: PowerStruggleModel, kamenev_exposed: bool = True
) -> tuple[int, int, int]:
    """Stalin's camp dominates, Zinoviev and Kamenev hold the rest; run the partner search 20 times.

    Kamenev is in the leadership's sights (censured) unless `kamenev_exposed` is false.
    """
    stalin, zin, kam = (model.leader_index[n] for n in ("stalin", "zinoviev", "kamenev"))
    model.set_support(_shares({stalin: 0.7, zin: 0.2, kam: 0.1}))
    model.condemned.add(zin)  # a Congress has condemned his line: Leningrad's boss seeks partners
    if kamenev_exposed:
        model.leaders[kam].apply_sanction("censure", model.month)
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


def test_a_safe_man_does_not_join_a_bloc_against_the_leadership() -> None:
    """Kamenev, neither targeted nor sanctioned nor in opposition, keeps his place by keeping with it."""
    over = {"initial_state.alliances": [], "mechanisms.alliances.form_rate": 1.0}
    model = small_model(**over)
    stalin, zin, kam = _twenty_months_of_partner_search_under_stalin(model, kamenev_exposed=False)
    assert kam not in camp_of(model, zin)
    exposed = small_model(**over)
    stalin, zin, kam = _twenty_months_of_partner_search_under_stalin(exposed)
    assert kam in camp_of(exposed, zin)


def _stalin_threatened_inside_the_leadership(sanctioned: bool) -> tuple[PowerStruggleModel, int]:
    """Bukharin's camp grows inside the leadership; Zinoviev and Kamenev are the only partners left."""
    model = exact_model(3, **{"initial_state.alliances": [], "mechanisms.alliances.form_rate": 1.0})
    s, z, k, b = (model.leader_index[n] for n in ("stalin", "zinoviev", "kamenev", "bukharin"))
    _clear(model)
    for name in ("trotsky", "rykov", "tomsky"):
        model.leaders[model.leader_index[name]].capitulated = True
    model.set_support(_shares({s: 0.42, b: 0.38, z: 0.12, k: 0.08}))
    if sanctioned:
        for m in (z, k):
            model.leaders[m].apply_sanction("politburo_removal", model.month)
    model.refresh_ruling()
    for _ in range(20):
        alliances.update(model)
        model.refresh_ruling()
    return model, s


def test_the_leadership_takes_no_partner_the_party_has_sanctioned() -> None:
    """The ban on factions: Stalin, threatened inside the leadership, courts only unsanctioned men."""
    free, s = _stalin_threatened_inside_the_leadership(sanctioned=False)
    assert len(camp_of(free, s)) > 1
    banned, s = _stalin_threatened_inside_the_leadership(sanctioned=True)
    assert camp_of(banned, s) == frozenset({s})
    z, k = (banned.leader_index[n] for n in ("zinoviev", "kamenev"))
    assert alliances.crosses_the_ban(banned, {s, z})
    assert not alliances.crosses_the_ban(banned, {z, k})  # the sanctioned may combine among themselves


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


def test_zinoviev_and_kamenev_leave_the_troika_together_and_in_open_opposition() -> None:
    """A Troika whose head keeps nobody: the two who leave form the New Opposition against him."""
    over = {
        "mechanisms.alliances.dissolve_rate": 1.0,
        "mechanisms.alliances.rivalry": 10.0,
        "mechanisms.alliances.quarrels": 1,
    }
    model = exact_model(3, **over)
    s, z, k, t = (model.leader_index[n] for n in ("stalin", "zinoviev", "kamenev", "trotsky"))
    _clear(model)
    model.coalitions.start({s, z, k}, against=t)
    model.leaders[t].capitulated = True  # the enemy is spent
    # Stalin heads the bloc and, with the Right, holds the majority: the leadership.
    model.set_support(np.array([0.40, 0.05, 0.20, 0.10, 0.10, 0.08, 0.07]))
    assert alliances.fault_line(model, {s, z, k}, s) == {z, k}
    alliances._dissolve(model)
    blocs = {frozenset(c.members): c.against for c in model.coalitions}
    assert blocs == {frozenset({z, k}): s}
    assert s in model.ruling  # Stalin alone still leads: the new bloc stands against the leadership
    assert model.leaders[z].declared_opposition and model.leaders[k].declared_opposition


def test_a_leader_who_never_sat_in_the_politburo_is_nobodys_main_rival_until_he_does() -> None:
    from sim.model.leaders import RUNG, Seat
    from sim.model.politics import leadership_target, main_threat

    model = exact_model()
    _clear(model)
    stalin, trotsky, bukharin = (model.leader_index[n] for n in ("stalin", "trotsky", "bukharin"))
    model.set_support(_shares({stalin: 0.5, bukharin: 0.3, trotsky: 0.2}))
    outsider = model.leaders[bukharin]
    outsider.pb_seat = Seat.NONE  # a rising man outside the Politburo, as Zhukov in 1953
    model.refresh_ruling()
    assert main_threat(model, stalin) == frozenset({trotsky})  # the weaker contender, not the outsider
    assert bukharin not in leadership_target(model)
    outsider.pb_seat = Seat.CANDIDATE  # promoted: now he contends
    model.refresh_ruling()
    assert main_threat(model, stalin) == frozenset({bukharin})
    outsider.pb_seat, outsider.rung = Seat.NONE, RUNG["politburo_removal"]  # removed: he still contends
    model.refresh_ruling()
    assert main_threat(model, stalin) == frozenset({bukharin})
