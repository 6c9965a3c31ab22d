"""Every documented key across its documented range, edges included: it runs, or it is one line (exit 2).

The ranges are the schema's own bounds (the same the README and docs/parameters.md state), so a new
key is covered the day it is declared. Each value is set alone on the historical scenario.
"""

from __future__ import annotations

import math
import typing
from pathlib import Path
from typing import Any

import annotated_types
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pydantic import BaseModel, RootModel
from pydantic.fields import FieldInfo

import sim
from sim.errors import InputError
from sim.scenario import ScenarioModel, known_paths, load_scenario

ROOT = Path(__file__).resolve().parents[1]
HISTORICAL = ROOT / "scenarios" / "historical.toml"


def _field(path: str) -> FieldInfo | None:
    """The schema field a dotted path of the scenario names (through tables and dicts of tables)."""
    annotation: Any = ScenarioModel
    info: FieldInfo | None = None
    for part in path.split("."):
        if isinstance(annotation, type) and issubclass(annotation, RootModel):  # the typed events
            annotation = annotation.model_fields["root"].annotation
        if typing.get_origin(annotation) is typing.Annotated:  # a typed union: the type with that key
            alts = typing.get_args(typing.get_args(annotation)[0])
            annotation = next((a for a in alts if part in a.model_fields), alts[0])
        if isinstance(annotation, type) and issubclass(annotation, BaseModel):
            info = annotation.model_fields.get(part)
            if info is None:
                return None
            annotation = info.annotation
        elif typing.get_origin(annotation) is dict:
            annotation = typing.get_args(annotation)[1]
            info = None
        else:
            return None
    return info


def _bounds(info: FieldInfo) -> tuple[float, float, bool, bool] | None:
    """(low, high, low open, high open) of a bounded number, else None."""
    low = high = None
    low_open = high_open = False
    for meta in info.metadata:
        if isinstance(meta, annotated_types.Ge):
            low = meta.ge
        elif isinstance(meta, annotated_types.Gt):
            low, low_open = meta.gt, True
        elif isinstance(meta, annotated_types.Le):
            high = meta.le
        elif isinstance(meta, annotated_types.Lt):
            high, high_open = meta.lt, True
    if low is None or high is None:
        return None
    return float(low), float(high), low_open, high_open


def documented_keys() -> dict[str, tuple[type, float, float, bool, bool]]:
    """Every numeric leaf of the historical scenario with a documented (bounded) range."""
    data = load_scenario(HISTORICAL).resolved()
    keys = {}
    for path in sorted(known_paths(data)):
        info = _field(path)
        if info is None or info.annotation not in (int, float):
            continue
        bounds = _bounds(info)
        if bounds is not None:
            keys[path] = (info.annotation, *bounds)
    return keys


KEYS = documented_keys()


def edges(path: str) -> list[int | float]:
    """The lowest and highest documented values (just inside an open bound)."""
    kind, low, high, low_open, high_open = KEYS[path]
    step = 1 if kind is int else 1e-6
    lo = low + step if low_open else low
    hi = high - step if high_open else high
    return [int(lo), int(hi)] if kind is int else [lo, hi]


def one_line_naming(err: InputError, path: str) -> None:
    """One line that names the key, or the table whose cross-check it broke (e.g. blocs' shares)."""
    text = str(err)
    assert "\n" not in text and path.split(".")[0] in text and "Traceback" not in text, text


def check(path: str, value: int | float) -> None:
    """Run one replicate with the value set: success, or an InputError of one line naming the key."""
    try:
        res = sim.run_scenario(HISTORICAL, replicates=1, seed=11, workers=1, overrides={path: value})
    except InputError as err:
        one_line_naming(err, path)
        return
    assert len(res.summary) == 1


def test_the_range_covers_every_kind_of_key() -> None:
    tables = {p.split(".")[0] for p in KEYS}
    assert {"leaders", "mechanisms", "party", "events", "calendar", "consolidation"} <= tables
    assert len(KEYS) > 100


@pytest.mark.parametrize("path", sorted(KEYS))
def test_every_edge_validates_or_is_one_line(path: str) -> None:
    """Loading is cheap: every key's two edges, each alone."""
    for value in edges(path):
        try:
            load_scenario(HISTORICAL, {path: value})
        except InputError as err:
            one_line_naming(err, path)


@st.composite
def key_and_value(draw: st.DrawFn) -> tuple[str, int | float]:
    path = draw(st.sampled_from(sorted(KEYS)))
    kind, low, high, _, _ = KEYS[path]
    lo, hi = edges(path)
    if kind is int:
        inside = st.integers(int(lo), int(hi))
    else:
        inside = st.floats(lo, hi, allow_nan=False, allow_infinity=False)
    value = draw(st.one_of(st.sampled_from([lo, hi]), inside))  # edges as often as the inside
    assert math.isfinite(value)
    return path, value


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(key_and_value())
def test_documented_values_run(case: tuple[str, int | float]) -> None:
    check(*case)


@pytest.mark.parametrize(
    ("path", "value"),
    [("party.scale", 1.0), ("party.members", 50_000_000), ("mechanisms.mobilisation.steps", 12)],
)
def test_the_extremes_that_once_crashed_or_could(path: str, value: int | float) -> None:
    check(path, value)
