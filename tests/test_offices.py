"""Offices (sim.mechanisms.offices): the General Secretary is succeeded; the new CC elects the Secretariat."""

from __future__ import annotations

from datetime import date

import numpy as np
from helpers import small_model

from sim.mechanisms import offices
from sim.model.politics import secretariat_holder


def test_the_general_secretary_is_succeeded_not_left_vacant() -> None:
    model = small_model()
    stalin = model.leader_index["stalin"]
    model.leaders[stalin].apply_sanction("post_removal", model.month)
    assert secretariat_holder(model) is None
    offices.fill_general_secretary(model, date(1924, 5, 23), "13th Party Congress", removed=stalin)
    holder = secretariat_holder(model)
    assert holder is not None and holder != stalin


def test_the_new_cc_elects_the_secretariat_and_not_the_man_just_voted_out() -> None:
    model = small_model()
    stalin, zinoviev = model.leader_index["stalin"], model.leader_index["zinoviev"]
    for c in list(model.coalitions):
        model.coalitions.end(c, "test")
    model.central_committee.seat(np.full(50, zinoviev), np.full(50, zinoviev))  # the new CC is Zinoviev's
    offices.reelect_general_secretary(model, date(1925, 12, 18), "14th Party Congress")
    assert secretariat_holder(model) == zinoviev
    model.central_committee.seat(np.full(50, stalin), np.full(50, stalin))
    offices.reelect_general_secretary(model, date(1925, 12, 18), "14th Party Congress", barred=stalin)
    assert secretariat_holder(model) == zinoviev  # the barred cannot take it back the same day
