"""The calendar (sim/model/calendar.py): the record's plenums, and plenums by rule where none are listed."""

from __future__ import annotations

from datetime import date

from helpers import small_model


def test_listed_plenums_replace_the_rule_and_keep_their_dates() -> None:
    model = small_model()
    plenums = [s for slots in model.sessions.values() for s in slots if s.kind == "cc_plenum"]
    listed = {s.date for s in model.cfg.calendar.sessions if s.kind == "plenum"}
    assert {s.date for s in plenums} == listed and date(1927, 10, 21) in listed
    joint = {s.date for s in plenums if s.joint}
    assert date(1927, 11, 12) in joint and date(1928, 7, 4) not in joint


def test_a_calendar_without_plenums_gets_them_by_rule() -> None:
    model = small_model()
    sessions = [s for s in model.cfg.calendar.sessions if s.kind != "plenum"]
    ruled = small_model(**{"calendar.sessions": [s.model_dump() for s in sessions]})
    plenums = [s for slots in ruled.sessions.values() for s in slots if s.kind == "cc_plenum"]
    assert plenums and all(s.date.day == 15 and s.joint for s in plenums)


def test_a_congress_is_a_joint_session_and_a_conference_is_not() -> None:
    model = small_model()
    slots = [s for ss in model.sessions.values() for s in ss]
    congresses = [s for s in slots if s.kind == "congress"]
    conferences = [s for s in slots if s.kind == "conference"]
    assert congresses and all(s.joint for s in congresses)
    # A Conference takes no CC seat and no party card (sim.mechanisms.institutions checks `joint`).
    assert conferences and not any(s.joint for s in conferences)
