"""Propaganda (sim.mechanisms.propaganda): the leadership's campaign and the answer of a faction."""

from __future__ import annotations

from helpers import small_model


def test_a_campaign_costs_its_target_standing_and_an_answered_one_costs_less() -> None:
    from sim.mechanisms import propaganda
    from sim.model.politics import leadership_target

    def hit(mobilised: bool, **over: object) -> float:
        model = small_model(**{"parameter_uncertainty": 0.0, **over})
        target = sorted(leadership_target(model))[0]
        model.leaders[target].mobilised = mobilised
        model.leaders[target].standing = 0.5
        propaganda.campaign(model)
        recovered = 0.5 + model.cfg.mechanisms.propaganda.recovery * 0.5  # recovery comes first
        return recovered - model.leaders[target].standing

    assert hit(False) > 0.005
    assert 0 < hit(True) < hit(False)  # answer_effect: a mobilised target answers back
    assert hit(False, **{"mechanisms.propaganda.enabled": False}) == 0  # only recovery without it
