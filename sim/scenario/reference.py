"""The parameter reference: every behavioural parameter's key, default, bounds and meaning, from the schema.

docs/parameters.md is this table (`python -m sim.scenario.reference` prints it, and a test keeps the two
equal), so a default or a bound is written in one place: `sim/scenario/behaviour.py` (and the
`[party]` inputs in `sim/scenario/schema.py`).
"""

from __future__ import annotations

from typing import Any

from annotated_types import Ge, Gt, Le, Lt
from pydantic import BaseModel

from sim.scenario.schema import Consolidation, Mechanisms, Party

#: The tables of behavioural parameters, with the model class that declares each.
TABLES: tuple[tuple[str, type[BaseModel]], ...] = (
    ("mechanisms", Mechanisms),
    ("consolidation", Consolidation),
)
#: The inputs of the party's structure and growth (its organisations and drives are scenario data).
INPUTS: tuple[tuple[str, type[BaseModel]], ...] = (("party", Party),)


#: What the fields every mechanism has mean.
GENERIC = {"enabled": "the mechanism is on", "strength": "scale of the mechanism's effect"}


def _bounds(metadata: list[Any], annotation: Any) -> str:
    if annotation is bool:
        return "true or false"
    parts = []
    for m in metadata:
        if isinstance(m, Ge):
            parts.append(f">= {m.ge:g}")
        elif isinstance(m, Gt):
            parts.append(f"> {m.gt:g}")
        elif isinstance(m, Le):
            parts.append(f"<= {m.le:g}")
        elif isinstance(m, Lt):
            parts.append(f"< {m.lt:g}")
    return ", ".join(parts)


def _default(value: Any) -> str:
    if isinstance(value, bool):
        return str(value).lower()
    if isinstance(value, float):
        return "2/3" if abs(value - 2 / 3) < 1e-12 else f"{value:g}"
    return str(value)


def rows(prefix: str, model: type[BaseModel]) -> list[tuple[str, str, str, str]]:
    """(key, default, bounds, meaning) for every scalar field under `prefix`, nested models included."""
    out: list[tuple[str, str, str, str]] = []
    for name, field in model.model_fields.items():
        annotation = field.annotation
        key = f"{prefix}.{name}"
        if isinstance(annotation, type) and issubclass(annotation, BaseModel):
            out += rows(key, annotation)
        elif annotation in (int, float, bool):
            meaning = field.description or GENERIC.get(name, "")
            out.append((key, _default(field.default), _bounds(field.metadata, annotation), meaning))
    return out


def markdown(tables: tuple[tuple[str, type[BaseModel]], ...] = TABLES + INPUTS) -> str:
    """The reference as a markdown table."""
    lines = ["| key | default | bounds | meaning |", "|---|---|---|---|"]
    for prefix, model in tables:
        lines += [f"| `{k}` | {d} | {b} | {m} |" for k, d, b, m in rows(prefix, model)]
    return "\n".join(lines) + "\n"


HEADER = """# Parameters

Every behavioural parameter, declared once, with its default, its bounds and its meaning, in
`sim/scenario/behaviour.py` (the `[party]` inputs in `sim/scenario/schema.py`); this page is generated
from them (`python -m sim.scenario.reference > docs/parameters.md`; a test keeps the two equal). The
defaults are the historical scenario's values, and a scenario or `--set` may change any of them. The
party's organisations and drives (`party.organisations`, `party.drives`) are scenario data: see
`scenarios/historical.toml`. Why each mechanism has its form: docs/model.md §7.

"""


def page() -> str:
    """docs/parameters.md: the header and the table."""
    return HEADER + markdown()


if __name__ == "__main__":
    print(page(), end="")
