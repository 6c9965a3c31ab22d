"""The event kinds a target may name: those of events.csv that happen to a person.

A target naming a kind the model never writes could never be met, and would look like a model that
misses the record; so a misspelt kind is refused at load with the nearest valid one. The sessions and
the exogenous events (`congress`, `lenin_death`, ...) have no actor and are inputs, not outcomes.
`tests/test_record.py` runs the shipped scenarios and checks this list against what the model writes.
"""

from __future__ import annotations

from sim.model.leaders import LADDER

#: Every kind of events.csv whose `actor` is one person, in the order a reader meets them.
EVENT_KINDS: tuple[str, ...] = (
    *LADDER[1:],  # censure ... exile_abroad: the sanctions ladder
    "gs_removal",
    "gs_appointed",
    "politburo_promotion",
    "secretary_placed",
    "mobilisation",
    "factional_act",
    "truce",
    "ultimatum",
    "capitulation",
    "readmission",
    "arrest",  # a police chief arrested by the Politburo's order (sim.mechanisms.organs)
    "consolidation",  # the winner, dated at the month his hold became final
)
