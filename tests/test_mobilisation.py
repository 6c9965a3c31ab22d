"""Mobilisation (sim.mechanisms.mobilisation): a faction is built in steps, at the pace of the will."""

from __future__ import annotations

from helpers import small_model


def test_a_targeted_leader_with_the_will_organises_a_faction_and_one_without_never_does() -> None:
    from sim.mechanisms import mobilisation
    from sim.model.politics import leadership_target

    def organised(will: float) -> bool:
        model = small_model(**{"parameter_uncertainty": 0.0, "mechanisms.mobilisation.rate": 1.0})
        target = sorted(leadership_target(model))[0]
        model.leaders[target].mobilisation = will
        for _ in range(24):
            mobilisation.organise(model)
        return model.leaders[target].mobilised

    assert organised(1.0)
    assert not organised(0.0)


def test_a_faction_is_built_in_steps_at_a_pace_set_by_the_will() -> None:
    from sim.mechanisms import mobilisation
    from sim.model.politics import leadership_target

    def months_to_faction(will: float, steps: int, seed: int = 1) -> int:
        over = {"parameter_uncertainty": 0.0, "mechanisms.mobilisation.rate": 0.25}
        model = small_model(seed, **over, **{"mechanisms.mobilisation.steps": steps})
        target = sorted(leadership_target(model))[0]
        model.leaders[target].mobilisation = will
        for month in range(1, 121):
            mobilisation.organise(model)
            if model.leaders[target].mobilised:
                return month
        return 999

    # A fully determined leader takes one step a month (4 x 0.25 x 1 = 1): his faction comes in month 4.
    assert months_to_faction(1.0, 4) == 4
    # A reluctant one (will 0.5^2 = 0.25: a step a month with probability 0.25) takes months more.
    assert months_to_faction(0.5, 4) > 4


def test_a_bloc_organises_at_its_boldest_partners_own_pace_not_faster() -> None:
    from helpers import _united_opposition

    from sim.mechanisms import mobilisation

    model = small_model(**{"parameter_uncertainty": 0.0})
    _, trotsky, zinoviev = _united_opposition(model)
    t, z = model.leaders[trotsky], model.leaders[zinoviev]
    t.mobilisation, z.mobilisation = 0.2, 0.6
    # Alone each needs the will and the nerve; in the bloc both build at Zinoviev's pace as his own.
    assert mobilisation.will(model, trotsky, allied=False) == 0.2**2
    assert mobilisation.will(model, trotsky, allied=True) == 0.6**2
    assert mobilisation.will(model, zinoviev, allied=True) == mobilisation.will(model, zinoviev, allied=False)
    # Two reluctant men together are no bolder than the bolder of them alone.
    z.mobilisation = 0.2
    assert mobilisation.will(model, trotsky, allied=True) == mobilisation.will(model, trotsky, allied=False)
