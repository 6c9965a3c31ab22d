"""The strict pydantic base and the one formatter of validation errors, for scenario and experiment files.

A misspelt key, a missing value and a bad value each become the one line `<file>: <key path>: what was
expected (got ...)` that the CLI prints. A misspelt key lists the keys its table takes and suggests the
nearest, found by walking the model the error came from.
"""

from __future__ import annotations

import re
import types
import typing
from collections.abc import Mapping
from typing import Any

from pydantic import BaseModel, ConfigDict, RootModel, ValidationError

from sim.names import expected_one_of


class StrictModel(BaseModel):
    """Unknown keys are errors (a typo must not pass silently) and validated data is immutable."""

    model_config = ConfigDict(extra="forbid", frozen=True)


def first_error(exc: ValidationError) -> dict[str, Any]:
    """Report a misspelt key before the 'missing' error it causes: the typo is the real mistake."""
    errors = exc.errors()
    return dict(next((e for e in errors if e.get("type") == "extra_forbidden"), errors[0]))


def _strict_models() -> dict[str, type[BaseModel]]:
    """Every StrictModel subclass by class name (a ValidationError names its model only by `title`)."""
    found: dict[str, type[BaseModel]] = {}
    todo: list[type[BaseModel]] = [StrictModel]
    while todo:
        cls = todo.pop()
        found.setdefault(cls.__name__, cls)
        todo.extend(cls.__subclasses__())
    return found


def _unwrap(annotation: Any) -> list[Any]:
    """The alternatives of an annotation: `X | None` -> [X, None], `Annotated[X, ...]` -> [X]."""
    origin = typing.get_origin(annotation)
    if origin is typing.Annotated:
        return _unwrap(typing.get_args(annotation)[0])
    if origin in (typing.Union, types.UnionType):
        return [alt for arg in typing.get_args(annotation) for alt in _unwrap(arg)]
    return [annotation]


#: Tables whose entries are typed unions: the entry's type (the union's tag) in an error's location is
#: dropped from the key path it prints (`events.testament.published`, not `events.testament.letter...`).
TAGGED_TABLES: dict[str, tuple[str, ...]] = {"events": ("death", "funeral", "enrolment", "letter", "shock")}


def _drop_tags(loc: tuple[str | int, ...]) -> tuple[tuple[str | int, ...], str | None]:
    """The location without a typed entry's tag, and the tag (None if there was none)."""
    for i in range(2, len(loc)):
        if loc[i] in TAGGED_TABLES.get(str(loc[i - 2]), ()):
            return loc[:i] + loc[i + 1 :], str(loc[i])
    return loc, None


def _tagged(annotation: Any, tag: str | None) -> list[Any]:
    """The alternatives of an annotation; of a typed union, the one whose `type` is the tag."""
    alts = _unwrap(annotation)
    if tag is None:
        return alts
    typed = [a for a in alts if isinstance(a, type) and issubclass(a, BaseModel) and _tag(a) == tag]
    return typed or alts


def _step(annotation: Any, part: str | int, tag: str | None = None) -> Any | None:
    """The annotation one location step further down (a field of a model, an item of a dict or array)."""
    for alt in _tagged(annotation, tag):
        if isinstance(alt, type) and issubclass(alt, RootModel):
            root = alt.model_fields["root"].annotation
            return _step(root, part, tag)
        if isinstance(alt, type) and issubclass(alt, BaseModel):
            field = alt.model_fields.get(str(part))
            if field is not None:
                return field.annotation
            continue
        origin, args = typing.get_origin(alt), typing.get_args(alt)
        if origin is dict and len(args) == 2:
            return args[1]
        if origin in (list, tuple) and args and isinstance(part, int):
            return args[0]
    return None


def _tag(cls: type[BaseModel]) -> Any:
    field = cls.model_fields.get("type")
    return field.default if field is not None else None


def keys_at(model: type[BaseModel], loc: tuple[str | int, ...], tag: str | None = None) -> list[str] | None:
    """The keys the table at `loc` (the location of a key in it) accepts, or None if not a model."""
    annotation: Any = model
    for part in loc[:-1]:
        annotation = _step(annotation, part)
        if annotation is None:
            return None
    for alt in _tagged(annotation, tag):
        if isinstance(alt, type) and issubclass(alt, BaseModel):
            return list(alt.model_fields)
    return None


_ARRAY_TYPES = {"tuple_type", "list_type", "set_type", "frozen_set_type"}

#: pydantic's type errors in the words of the other lines ("expected ..."). A switch takes TOML's true or
#: false only: "yes", 1 or "off" would otherwise pass silently (pydantic's lax booleans).
_EXPECTED = {
    "bool_type": "expected true or false",
    "int_from_float": "expected a whole number",
    "int_parsing": "expected a whole number",
    "int_type": "expected a whole number",
    "float_parsing": "expected a number",
    "float_type": "expected a number",
    "string_type": "expected a string",
}


def expected_words(err: Mapping[str, Any]) -> str | None:
    """A type error or a word not among the allowed ones, as `expected ... (got ...)`; else None."""
    kind = err.get("type", "")
    got = err.get("input")
    if kind in _EXPECTED:
        return f"{_EXPECTED[kind]} (got {got!r})"
    if kind == "literal_error" and isinstance(got, str):  # one of a few words: offer the nearest
        options = re.findall(r"'([^']*)'", str(err.get("ctx", {}).get("expected", "")))
        if options:
            words = expected_one_of(got, options)
            if words.endswith("?)"):  # `expected one of a, b (did you mean a?)`
                return words.replace(" (did you mean", f" (got {got!r}; did you mean", 1)
            return f"{words} (got {got!r})"
    return None


def format_validation(
    where: str,
    exc: ValidationError,
    keys: str = "the documented keys (see README)",
    model: type[BaseModel] | None = None,
) -> str:
    """One line naming the file, the key path and what was expected.

    An unknown key lists the keys of its table with the nearest suggested; `keys` says where keys are
    documented, for when the table cannot be found (`model` defaults to the one the error names).
    """
    err = first_error(exc)
    shown_loc = tuple(p for p in err.get("loc", ()) if not str(p).startswith(("list[", "function-")))
    raw_loc, tag = _drop_tags(shown_loc)
    loc = ".".join(str(p) for p in raw_loc)
    prefix = f"{loc}: " if loc else ""
    kind = err.get("type", "")
    if kind == "extra_forbidden":
        model = model or _strict_models().get(exc.title)
        valid = keys_at(model, raw_loc, tag) if model is not None and raw_loc else None
        if valid:
            return f"{where}: {prefix}unknown key: {expected_one_of(str(raw_loc[-1]), valid)}"
        return f"{where}: {prefix}unknown key: expected one of {keys}"
    if kind == "missing":
        return f"{where}: {prefix}missing: expected a value"
    if kind == "union_tag_invalid":  # a typed entry's kind (an event's `type`) that is not one of the kinds
        ctx = err.get("ctx", {})
        field = str(ctx.get("discriminator", "type")).strip("'")
        tags = [t.strip().strip("'") for t in str(ctx.get("expected_tags", "")).split(",") if t.strip()]
        return f"{where}: {loc}.{field}: {ctx.get('tag')!r}: {expected_one_of(str(ctx.get('tag')), tags)}"
    got = err.get("input")
    shown = "" if isinstance(got, dict | list | tuple) else f" (got {got!r})"
    if kind in _ARRAY_TYPES:
        example = f"[{got!r}]" if isinstance(got, str | int | float) else "[...]"
        return f"{where}: {prefix}expected an array, e.g. {example.replace(chr(39), chr(34))}{shown}"
    expected = expected_words(err)
    if expected is not None:
        return f"{where}: {prefix}{expected}"
    msg = err.get("msg", "invalid value").removeprefix("Value error, ")
    if "(got " in msg:  # the validator already says what it got
        shown = ""
    return f"{where}: {prefix}{msg}{shown}"
