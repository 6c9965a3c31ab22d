"""Who defends the General Secretary when the testament is read (sim.mechanisms.defence)."""

from __future__ import annotations

from datetime import date

from helpers import small_model

from sim.mechanisms import defence


def test_partners_defend_the_general_secretary_as_they_fear_the_enemy() -> None:
    model = small_model()
    stalin, trotsky, zinoviev = (model.leader_index[n] for n in ("stalin", "trotsky", "zinoviev"))
    # The Troika against Trotsky: Zinoviev defends Stalin more readily the stronger Trotsky's camp.
    weak = defence.defence_probability(model, zinoviev, stalin, trotsky)
    model.support[:] = 0.0
    model.support[[trotsky, stalin]] = (0.6, 0.1)
    model.support_list = model.support.tolist()
    model.cache.structure_changed()
    model.cache.support_changed(b"test")
    strong = defence.defence_probability(model, zinoviev, stalin, trotsky)
    assert 0.0 < weak < strong < 1.0


def test_an_undefended_general_secretary_voted_out_loses_his_bloc() -> None:
    model = small_model()
    stalin, zinoviev, kamenev = (model.leader_index[n] for n in ("stalin", "zinoviev", "kamenev"))
    model.distrust[:] = 0.0
    defence.break_bloc(model, stalin, frozenset({kamenev}), date(1924, 5, 23))
    blocs = [c.members for c in model.coalitions]
    assert {stalin, kamenev} in blocs and not any(zinoviev in m for m in blocs)
    assert model.distrust[stalin, zinoviev] > 0.0 and model.distrust[stalin, kamenev] == 0.0
