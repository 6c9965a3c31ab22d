"""Capitulation (sim.mechanisms.capitulation): recanting, the truce, the bloc that recants together."""

from __future__ import annotations

import pytest
from helpers import _clear, _shares, _united_opposition, exact_model, small_model

from sim.mechanisms import capitulation
from sim.model.core import PowerStruggleModel
from sim.model.leaders import RUNG


def test_capitulation_has_no_threshold_but_follows_willingness() -> None:
    model = small_model()
    trotsky, zinoviev = model.leader_index["trotsky"], model.leader_index["zinoviev"]
    for k in (trotsky, zinoviev):
        model.leaders[k].rung = RUNG["cc_removal"]
    low, high = capitulation.propensity(model, trotsky), capitulation.propensity(model, zinoviev)
    assert 0.0 < low < high


def test_recanting_disbands_the_faction_and_costs_standing() -> None:
    model = small_model()
    trotsky = model.leader_index["trotsky"]
    leader = model.leaders[trotsky]
    leader.mobilised, leader.rung = True, RUNG["politburo_removal"]
    followers = float(model.support[trotsky])
    capitulation.recant(model, trotsky)
    assert leader.capitulated and not leader.mobilised and leader.standing == pytest.approx(0.5)
    assert model.support[trotsky] == pytest.approx(followers / 2)  # as many as the standing he gave up


def test_a_member_of_a_bloc_weighs_recanting_with_its_least_willing_partner() -> None:
    model = exact_model(3)
    _, trotsky, zinoviev = _united_opposition(model)
    z, t = model.leaders[zinoviev], model.leaders[trotsky]
    assert capitulation.resolve(model, zinoviev) == pytest.approx(t.compromise_willingness)
    assert capitulation.resolve(model, trotsky) == pytest.approx(t.compromise_willingness)
    together = capitulation.propensity(model, zinoviev)
    _clear(model)  # the bloc is broken: he weighs his own willingness again
    assert capitulation.resolve(model, zinoviev) == pytest.approx(z.compromise_willingness)
    assert capitulation.propensity(model, zinoviev) > 2 * together


def _sanctioned(model: PowerStruggleModel, name: str, kind: str) -> int:
    k = model.leader_index[name]
    model.leaders[k].apply_sanction(kind, model.month)
    model.refresh_ruling()
    return k


def test_a_willing_leader_just_sanctioned_recants_and_leaves_his_bloc() -> None:
    from sim.mechanisms import capitulation

    over = {"parameter_uncertainty": 0.0, "mechanisms.repression.recant_on_sanction": 1.0}
    model = small_model(**over)
    model.step()
    stalin, zin, kam = (model.leader_index[n] for n in ("stalin", "zinoviev", "kamenev"))
    model.set_support(_shares({stalin: 1.0}))  # Stalin's camp rules; the bloc holds no hope
    model.coalitions.start({zin, kam}, against=stalin)
    for k in (zin, kam):  # a bloc recants together (with its least willing member): both are willing
        model.leaders[k].compromise_willingness = 1.0
    model.leaders[zin].mobilised = True
    _sanctioned(model, "zinoviev", "cc_removal")  # the next step is his party card: the stake is whole
    assert capitulation.propensity(model, zin) == pytest.approx(1.0)
    assert capitulation.weigh_after_sanction(model, zin)
    z = model.leaders[zin]
    assert z.capitulated and not z.mobilised and not z.declared_opposition
    assert z.capitulated_month == model.month
    assert not any(zin in c.members for c in model.coalitions)
    assert any(e["kind"] == "capitulation" and e["actor"] == "zinoviev" for e in model.events)


def test_a_beaten_faction_may_call_a_truce_and_keep_its_views() -> None:
    from sim.mechanisms import capitulation, defiance

    over = {"parameter_uncertainty": 0.0, "mechanisms.repression.recant_on_sanction": 1.0}
    model = small_model(**over)
    model.step()
    stalin, trot, zin = (model.leader_index[n] for n in ("stalin", "trotsky", "zinoviev"))
    model.set_support(_shares({stalin: 1.0}))  # no hope
    model.coalitions.start({trot, zin}, against=stalin)
    model.leaders[trot].compromise_willingness = 0.0  # he will never recant: the bloc recants with him
    model.leaders[zin].compromise_willingness = 1.0  # his partner carries the truce
    for k in (trot, zin):
        model.leaders[k].mobilised = True
    _sanctioned(model, "trotsky", "politburo_removal")
    assert capitulation.propensity(model, trot) == 0.0
    assert capitulation.truce_propensity(model, trot) == pytest.approx(
        capitulation.stake(RUNG["politburo_removal"])
    )
    model.leaders[trot].compromise_willingness = 0.0
    calls = [capitulation.weigh_after_sanction(model, trot) for _ in range(30)]
    assert not any(calls)  # a truce is not a capitulation
    t, z = model.leaders[trot], model.leaders[zin]
    assert not t.mobilised and not z.mobilised and t.organising == 0 and not t.capitulated
    assert any(e["kind"] == "truce" and e["actor"] == "trotsky" for e in model.events)
    assert any(trot in c.members for c in model.coalitions)  # the bloc and its platform stand
    assert not defiance.appealed_to_ranks(model, trot)  # the CC seat waits for a new open act


def test_out_of_the_central_committee_a_faction_calls_no_truce() -> None:
    from sim.mechanisms import capitulation

    over = {"parameter_uncertainty": 0.0, "mechanisms.repression.recant_on_sanction": 1.0}
    model = small_model(**over)
    model.step()
    stalin, trot, zin = (model.leader_index[n] for n in ("stalin", "trotsky", "zinoviev"))
    model.set_support(_shares({stalin: 1.0}))
    model.coalitions.start({trot, zin}, against=stalin)
    model.leaders[trot].compromise_willingness = 0.0  # the bloc will not recant with him
    model.leaders[zin].compromise_willingness = 1.0  # but would carry a truce
    model.leaders[trot].mobilised = True
    _sanctioned(model, "trotsky", "cc_removal")
    assert not model.leaders[trot].in_cc
    assert capitulation.truce_propensity(model, trot) == pytest.approx(1.0)
    for _ in range(30):
        capitulation.weigh_after_sanction(model, trot)
    assert model.leaders[trot].mobilised  # he goes to the streets, as on 7 November 1927
    assert not any(e["kind"] == "truce" for e in model.events)


def test_an_unwilling_leader_never_recants_and_an_expelled_penitent_is_readmitted() -> None:
    from sim.mechanisms import capitulation, repression

    model = small_model(parameter_uncertainty=0.0)
    model.step()
    t = _sanctioned(model, "trotsky", "party_expulsion")
    model.leaders[t].compromise_willingness = 0.0  # willingness 0: propensity 0, whatever his hope
    assert capitulation.propensity(model, t) == 0.0
    assert not capitulation.weigh_after_sanction(model, t)
    z = _sanctioned(model, "zinoviev", "party_expulsion")
    capitulation.recant(model, z)
    months = model.cfg.mechanisms.repression.readmission_months
    for m in range(months + 1):
        model.month += 1
        repression.monthly(model)
        assert model.leaders[z].readmitted == (m + 1 >= months)
    assert not model.leaders[t].capitulated


def test_a_penitent_in_internal_exile_is_readmitted_but_not_one_abroad() -> None:
    """Radek and Preobrazhensky recanted in Siberian exile in 1929 and were readmitted; nobody abroad was."""
    from sim.mechanisms import capitulation, repression

    model = small_model(parameter_uncertainty=0.0)
    model.step()
    z = _sanctioned(model, "zinoviev", "internal_exile")
    k = _sanctioned(model, "kamenev", "exile_abroad")
    for who in (z, k):
        capitulation.recant(model, who)
    months = model.cfg.mechanisms.repression.readmission_months
    for _ in range(months):
        model.month += 1
        repression.monthly(model)
    assert model.leaders[z].readmitted
    assert not model.leaders[k].readmitted
    readmitted = [e["actor"] for e in model.events if e["kind"] == "readmission"]
    assert readmitted == ["zinoviev"]


def test_what_follows_a_session_is_never_dated_before_it() -> None:
    """A recantation, exile or warning that a session's sanction prompted is dated after it.

    The monthly steps run after the month's sessions; logged on the 15th, an internal exile once
    appeared before the expulsion of the 26th that it followed, and a recantation before its sanction.
    """
    import pandas as pd
    from helpers import HISTORICAL

    import sim

    events = sim.run_scenario(HISTORICAL, replicates=40, seed=20261127, workers=1).events
    events["date"] = pd.to_datetime(events["date"])
    events["month"] = events["date"].dt.to_period("M")
    ladder = events[
        events["kind"].isin(["censure", "post_removal", "politburo_removal", "cc_removal", "party_expulsion"])
    ]
    # The first blow of the month is the earliest that can have prompted them.
    first_blow = ladder.groupby(["replicate", "actor", "month"])["date"].min().rename("blow")
    # Personal steps only: a truce is the bloc's, dated at the blow on whichever partner prompted it.
    after = events[events["kind"].isin(["capitulation", "internal_exile", "ultimatum", "exile_abroad"])]
    paired = after.join(first_blow, on=["replicate", "actor", "month"], how="inner")
    assert len(paired) > 5  # the replay has such months (expulsions followed by exile or recanting)
    early = paired[paired["date"] < paired["blow"]]
    assert early.empty, early[["replicate", "actor", "kind", "date", "blow"]].head().to_string()


def test_what_precedes_a_session_is_never_dated_after_it() -> None:
    """A faction organised or acting in a month is dated no later than the month's first session.

    Factions organise and act in the monthly steps before the month's sessions, which may sanction them
    for it. Logged on the 15th, a faction's act once appeared the day after the plenum of the 14th
    that had charged it.
    """
    import pandas as pd
    from helpers import HISTORICAL

    import sim

    events = sim.run_scenario(HISTORICAL, replicates=40, seed=20261127, workers=1).events
    events["date"] = pd.to_datetime(events["date"])
    events["month"] = events["date"].dt.to_period("M")
    sessions = events[events["kind"].isin(["cc_plenum", "conference", "congress"])]
    first_session = sessions.groupby(["replicate", "month"])["date"].min().rename("session")
    moves = events[events["kind"].isin(["factional_act", "mobilisation"])]
    paired = moves.join(first_session, on=["replicate", "month"], how="inner")
    assert (paired["session"].dt.day < 15).any()  # the calendar has sessions before the 15th
    late = paired[paired["date"] > paired["session"]]
    assert late.empty, late[["replicate", "actor", "kind", "date", "session"]].head().to_string()
