"""Information (sim.mechanisms.information): the records sharpen attacks, blunt moves against their holder."""

from __future__ import annotations

from helpers import small_model


def test_the_records_sharpen_attacks_and_blunt_moves_against_their_holder() -> None:
    from sim.mechanisms.information import attack_multiplier, foresight_discount
    from sim.model.politics import camp_of

    model = small_model(**{"parameter_uncertainty": 0.0})
    stalin, trotsky = model.leader_index["stalin"], model.leader_index["trotsky"]
    holders, others = camp_of(model, stalin), frozenset({trotsky})
    assert attack_multiplier(model, holders) > 1.0 and attack_multiplier(model, others) == 1.0
    assert foresight_discount(model, holders) < 1.0 and foresight_discount(model, others) == 1.0
    off = small_model(**{"parameter_uncertainty": 0.0, "mechanisms.information.enabled": False})
    assert attack_multiplier(off, camp_of(off, stalin)) == 1.0
    assert foresight_discount(off, camp_of(off, stalin)) == 1.0
