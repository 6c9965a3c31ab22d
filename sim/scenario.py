"""Scenario files: TOML with `base` inheritance, dotted overrides and validation in one place.

A scenario holds inputs only: the calendar, exogenous events, counterfactual switches, the state of
January 1924 and the parameters. Outcomes (votes, alliances after the start, sanctions) are never inputs.
"""

from __future__ import annotations

import hashlib
import json
import tomllib
from collections.abc import Mapping
from datetime import date
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from sim.errors import InputError

Unit = Field(ge=0.0, le=1.0)


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class LeaderParams(_Strict):
    """One leader's parameters; all in [0, 1] except ideology in [-1, 1]."""

    appointment_control: float = Unit
    charisma: float = Unit
    compromise_willingness: float = Unit
    organisational_skill: float = Unit
    ruthlessness: float = Unit
    ideology: float = Field(ge=-1.0, le=1.0)
    flexibility: float = Unit
    lenin_legitimacy: float = Unit
    mobilisation: float = Unit
    vulnerability: float = Unit
    politburo: Literal["full", "candidate", "none"] = "none"
    posts: tuple[str, ...] = ()
    home_bloc: str = ""


class Bloc(_Strict):
    """A region or institution whose delegates share a home organisation."""

    share: float = Field(gt=0.0, le=1.0)
    ideology: float = Field(ge=-1.0, le=1.0)


class Session(_Strict):
    """A scheduled Congress, Conference or CC plenum (an input: the calendar, not its outcome).

    A plenum's voters are the CC of the day, so it takes no `voting_delegates`; `joint = true` marks a
    joint plenum of the CC and the Central Control Commission, the body that removes CC members and
    expels (see docs/model.md, institutions).
    """

    date: date
    body: str
    kind: Literal["congress", "conference", "plenum"]
    voting_delegates: int = Field(default=0, ge=0)
    cc_full_members: int = Field(default=0, ge=0)
    joint: bool = False

    @model_validator(mode="after")
    def _delegates_for_votes(self) -> Session:
        if self.kind != "plenum" and self.voting_delegates <= 0:
            raise ValueError(f"voting_delegates: expected a positive number for a {self.kind}")
        return self


class Calendar(_Strict):
    """Dated sessions plus the rule that schedules CC plenums between them.

    The rule (one plenum every `cc_plenum_interval_months`) applies only to calendars that list no
    session of kind `plenum`; a calendar that lists plenums gets exactly those.
    """

    sessions: tuple[Session, ...]
    cc_plenum_interval_months: int = Field(default=3, ge=1, le=12)
    initial_cc_full_members: int = Field(default=40, gt=0)


class Alliance(_Strict):
    """An alliance already in force at the start (an input: the Troika dates from 1923)."""

    members: tuple[str, ...] = Field(min_length=2)
    against: str


class InitialState(_Strict):
    """The state of January 1924."""

    appointee_share: float = Unit
    alliances: tuple[Alliance, ...] = ()
    politburo_client_seats: dict[str, int] = Field(default_factory=dict)
    # Salience of the agrarian question in [0, 1] at the start: how much policy distance costs a bloc.
    agrarian_salience: float = Field(default=0.2, ge=0.0, le=1.0)


class DatedEvent(_Strict):
    """An exogenous event with a date and an on/off switch."""

    date: date
    enabled: bool = True


class FuneralEvent(DatedEvent):
    """Lenin's funeral: who stood by the coffin is an input (Trotsky was away in Sukhum)."""

    absent: tuple[str, ...] = ()


class EnrolmentEvent(_Strict):
    """The Lenin Enrolment: mass recruitment through the apparatus."""

    enabled: bool = True
    start: date
    end: date
    delegate_share: float = Unit


class TestamentEvent(DatedEvent):
    """Lenin's testament and how the CC handles it.

    `published = true` makes the CC publish it (the counterfactual switch); with `false` the CC keeps
    it to delegation heads unless an organised faction forces its reading.
    """

    published: bool = False
    criticism: dict[str, float] = Field(default_factory=dict)


class ShockEvent(DatedEvent):
    """A shock that moves the policy agenda and the climate of fear."""

    agenda_shift: float = Field(default=0.0, ge=-2.0, le=2.0)
    fear_boost: float = Field(default=0.0, ge=0.0, le=1.0)
    # How much the shock raises the salience of the agrarian question (grain, the pace of industry).
    agrarian_salience: float = Field(default=0.0, ge=0.0, le=1.0)


class Events(_Strict):
    """Every exogenous event of the window."""

    lenin_death: DatedEvent
    funeral: FuneralEvent
    lenin_enrolment: EnrolmentEvent
    testament: TestamentEvent
    war_scare: ShockEvent
    grain_crisis: ShockEvent


class Mechanism(_Strict):
    """A mechanism switch and a scale; subclasses add the mechanism's own named parameters."""

    enabled: bool = True
    strength: float = Field(default=1.0, ge=0.0, le=10.0)


class AppointmentParams(Mechanism):
    """1. The circular flow of power: the Secretariat places loyal cadres."""

    monthly_rate: float = Unit
    targeting: float = Field(ge=0.0, le=20.0)
    loyalty_lag_months: int = Field(ge=1, le=60)
    regional_rate: float = Unit
    home_protection: float = Unit
    appointee_spread: float = Field(gt=0.0, le=2.0)


class InformationParams(Mechanism):
    """2. Records: sharper attacks and foresight of opponents' moves."""

    attack_bonus: float = Field(ge=0.0, le=5.0)
    foresight: float = Unit


class PropagandaParams(Mechanism):
    """3. Campaigns against the main rival and control of the press."""

    damage: float = Unit
    answer_effect: float = Unit
    legitimacy_damage: float = Unit
    recovery: float = Unit
    press_decay: float = Unit


class LegacyParams(Mechanism):
    """4. Lenin's legacy: the cult, the funeral and the testament."""

    cult_rate: float = Unit
    funeral_bonus: float = Unit
    funeral_penalty: float = Unit
    testament_defection: float = Field(ge=0.0, le=5.0)
    forced_reading: float = Unit


class ChoiceParams(Mechanism):
    """5. How delegates re-weigh their allegiance (weights of a random-utility choice)."""

    reconsider_rate: float = Unit
    patronage: float = Field(ge=0.0, le=20.0)
    bloc: float = Field(ge=0.0, le=20.0)
    ideology: float = Field(ge=0.0, le=20.0)
    charisma: float = Field(ge=0.0, le=20.0)
    legitimacy: float = Field(ge=0.0, le=20.0)
    bandwagon: float = Field(ge=0.0, le=20.0)
    fear: float = Field(ge=0.0, le=20.0)
    inertia: float = Field(ge=0.0, le=20.0)
    noise: float = Field(gt=0.0, le=20.0)


class AllianceParams(Mechanism):
    """6. Coalitions against the strongest rival, dissolved when the threat fades."""

    form_rate: float = Unit
    threshold: float = Unit
    distance_weight: float = Field(ge=0.0, le=5.0)
    ideology_weight: float = Field(ge=0.0, le=10.0)
    threat_min: float = Unit
    threat_floor: float = Unit
    dissolve_rate: float = Unit
    betrayal: float = Unit
    distrust_decay: float = Unit
    majority: float = Unit
    # Once its common enemy is spent, a bloc's monthly hazard of breaking is dissolve_rate x
    # min(1, policy_cost x agrarian salience x policy distance / mean compromise willingness).
    policy_cost: float = Field(default=3.0, ge=0.0, le=20.0)
    # ... or, if larger, rivalry x the head's share of the bloc x its most ruthless junior's ruthlessness^2.
    rivalry: float = Field(default=3.0, ge=0.0, le=10.0)


class InstitutionParams(Mechanism):
    """7. Sessions, votes and the sanctions ladder."""

    proposal_rate: float = Unit
    min_months_between_sanctions: int = Field(ge=0, le=60)
    proceedings_months: int = Field(ge=0, le=60)
    slate_bias: float = Field(ge=0.0, le=20.0)


class MobilisationParams(Mechanism):
    """8. Factions and platforms, and the charge of factionalism they hand the majority."""

    rate: float = Unit
    faction_pull: float = Field(ge=0.0, le=20.0)
    reach: float = Field(gt=0.0, le=2.0)
    factionalism_charge: float = Field(ge=0.0, le=10.0)
    shield: float = Unit
    # Added to the will to organise: x (1 - compromise willingness) x share of the ladder already taken.
    desperation: float = Field(default=0.5, ge=0.0, le=5.0)


class RepressionParams(Mechanism):
    """9. Erasure, demotion of the losing side, exile; capitulation as the way out."""

    erasure: float = Unit
    demotion: float = Unit
    internal_exile_rate: float = Unit
    exile_abroad_rate: float = Unit
    min_months_before_abroad: int = Field(ge=0, le=60)
    capitulation_rate: float = Unit
    readmission_months: int = Field(ge=0, le=60)
    # Share of standing a leader loses by recanting (he keeps his place, not his voice).
    recant_standing_loss: float = Field(default=0.5, ge=0.0, le=1.0)
    # Scale of the chance to recant right after a sanction passes (times his propensity, in [0, 1]).
    recant_on_sanction: float = Field(default=0.5, ge=0.0, le=1.0)


class ShockParams(Mechanism):
    """10. Exogenous shocks and the policy drift of flexible leaders."""

    drift_rate: float = Unit
    delegate_drift: float = Unit
    fear_decay: float = Unit


MECHANISMS: tuple[str, ...] = (
    "appointment",
    "information",
    "propaganda",
    "legacy",
    "delegate_choice",
    "alliances",
    "institutions",
    "mobilisation",
    "repression",
    "shocks",
)


class Mechanisms(_Strict):
    """The ten mechanisms of the brief, each switchable and scalable."""

    appointment: AppointmentParams
    information: InformationParams
    propaganda: PropagandaParams
    legacy: LegacyParams
    delegate_choice: ChoiceParams
    alliances: AllianceParams
    institutions: InstitutionParams
    mobilisation: MobilisationParams
    repression: RepressionParams
    shocks: ShockParams


class Consolidation(_Strict):
    """The rule that says who won."""

    delegate_share: float = Field(default=2 / 3, gt=0.5, le=1.0)
    rival_following: float = Field(default=0.10, gt=0.0, le=1.0)


class ScenarioModel(_Strict):
    """The whole validated scenario."""

    name: str = ""
    description: str = ""
    start: date
    end: date
    delegates: int = Field(gt=0, le=5_000_000)
    parameter_uncertainty: float = Field(default=0.05, ge=0.0, le=0.5)
    initial_agenda: float = Field(default=0.0, ge=-1.0, le=1.0)
    leaders: dict[str, LeaderParams]
    blocs: dict[str, Bloc]
    initial_state: InitialState
    calendar: Calendar
    events: Events
    mechanisms: Mechanisms
    consolidation: Consolidation = Consolidation()

    @model_validator(mode="after")
    def _cross_checks(self) -> ScenarioModel:
        if self.end <= self.start:
            raise ValueError(f"end: expected a date after start {self.start}")
        if len(self.leaders) < 2:
            raise ValueError("leaders: expected at least two leaders")
        for name, lp in self.leaders.items():
            if lp.home_bloc and lp.home_bloc not in self.blocs:
                raise ValueError(f"leaders.{name}.home_bloc: expected one of {sorted(self.blocs)}")
        total = sum(b.share for b in self.blocs.values())
        if total > 1.0 + 1e-9:
            raise ValueError(f"blocs: expected shares summing to at most 1 (got {total:.3f})")
        for i, al in enumerate(self.initial_state.alliances):
            for who in (*al.members, al.against):
                if who not in self.leaders:
                    raise ValueError(f"initial_state.alliances.{i}: unknown leader {who!r}")
        for who in self.initial_state.politburo_client_seats:
            if who not in self.leaders:
                raise ValueError(f"initial_state.politburo_client_seats.{who}: unknown leader")
        for who in (*self.events.funeral.absent, *self.events.testament.criticism):
            if who not in self.leaders:
                raise ValueError(f"events: unknown leader {who!r}")
        self._check_dates()
        return self

    def _check_dates(self) -> None:
        inside = [
            ("events.lenin_death.date", self.events.lenin_death.date),
            ("events.funeral.date", self.events.funeral.date),
            ("events.lenin_enrolment.start", self.events.lenin_enrolment.start),
            ("events.lenin_enrolment.end", self.events.lenin_enrolment.end),
            ("events.testament.date", self.events.testament.date),
            ("events.war_scare.date", self.events.war_scare.date),
            ("events.grain_crisis.date", self.events.grain_crisis.date),
        ]
        inside += [(f"calendar.sessions.{i}.date", s.date) for i, s in enumerate(self.calendar.sessions)]
        for key, when in inside:
            if not self.start <= when <= self.end:
                raise ValueError(f"{key}: expected a date within {self.start}..{self.end} (got {when})")


class Scenario:
    """A validated scenario with its provenance (file, sha256) for the manifest."""

    def __init__(self, model: ScenarioModel, source: Path | None, sha256: str) -> None:
        self.model = model
        self.source = source
        self.sha256 = sha256

    @property
    def name(self) -> str:
        """The scenario's name: its `name` key, else the file stem, else 'custom'."""
        if self.model.name:
            return self.model.name
        return self.source.stem if self.source else "custom"

    def resolved(self) -> dict[str, Any]:
        """The whole scenario after inheritance and overrides, as JSON-able data."""
        return self.model.model_dump(mode="json")


# --- loading ---------------------------------------------------------------------------------------


_TOML_CACHE: dict[tuple[str, int, int], dict[str, Any]] = {}


def copy_tree(value: Any) -> Any:
    """Copy the tables and arrays of parsed TOML; leaves (numbers, strings, dates) are immutable.

    Several times faster than a deep copy, which matters when a notebook or a sweep loads the same
    scenario for every run.
    """
    if isinstance(value, dict):
        return {k: copy_tree(v) for k, v in value.items()}
    if isinstance(value, list):
        return [copy_tree(v) for v in value]
    return value


def _read_toml(path: Path) -> dict[str, Any]:
    """Parse a TOML file; a file unchanged since its last parse (same mtime and size) is not re-read."""
    try:
        st = path.stat()
    except OSError:
        st = None
    key = (str(path.resolve()), st.st_mtime_ns, st.st_size) if st else None
    if key in _TOML_CACHE:
        return copy_tree(_TOML_CACHE[key])
    data = _parse_toml(path)
    if key is not None:
        _TOML_CACHE[key] = copy_tree(data)
    return data


def _parse_toml(path: Path) -> dict[str, Any]:
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise InputError(f"{path}: file not found: expected a scenario TOML file") from None
    except OSError as exc:
        raise InputError(f"{path}: cannot read: {exc.strerror}") from None
    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise InputError(f"{path}: malformed TOML: {exc}") from None


def deep_merge(base: Mapping[str, Any], over: Mapping[str, Any]) -> dict[str, Any]:
    """Merge `over` into a copy of `base`: tables merge key by key, everything else replaces."""
    out = copy_tree(dict(base))
    for key, value in over.items():
        if isinstance(value, Mapping) and isinstance(out.get(key), Mapping):
            out[key] = deep_merge(out[key], value)
        else:
            out[key] = copy_tree(value)
    return out


def _resolve_file(path: Path, chain: tuple[Path, ...] = ()) -> dict[str, Any]:
    path = path.resolve()
    if path in chain:
        cycle = " -> ".join(p.name for p in (*chain, path))
        raise InputError(
            f"{chain[-1]}: base: circular inheritance ({cycle}): expected a chain ending without base"
        )
    data = _read_toml(path)
    base = data.pop("base", None)
    if base is None:
        return data
    if not isinstance(base, str) or not base:
        raise InputError(f"{path}: base: expected a relative path string to another scenario file")
    base_path = path.parent / base
    if not base_path.exists():
        raise InputError(f"{path}: base: file {base_path} not found: expected an existing scenario file")
    return deep_merge(_resolve_file(base_path, (*chain, path)), data)


def _leader_check(data: Mapping[str, Any], where: str, base_leaders: set[str]) -> None:
    """A leader absent from the base must be declared whole, so a typo cannot invent a leader."""
    required = {n for n, f in LeaderParams.model_fields.items() if f.is_required()}
    for name, params in (data.get("leaders") or {}).items():
        if name in base_leaders or not isinstance(params, Mapping):
            continue
        missing = required - set(params)
        if missing and len(missing) < len(required):
            raise InputError(
                f"{where}: leaders.{name}: unknown leader (known: {', '.join(sorted(base_leaders))}); "
                f"a new leader must give all of {', '.join(sorted(required))}"
            )


def _format_validation(where: str, exc: ValidationError) -> str:
    err = exc.errors()[0]
    loc = ".".join(str(p) for p in err.get("loc", ()))
    msg = err.get("msg", "invalid value").removeprefix("Value error, ")
    if err.get("type") == "extra_forbidden":
        return f"{where}: {loc}: unknown key: expected one of the documented keys (see README)"
    if err.get("type") == "missing":
        return f"{where}: {loc}: missing: expected a value"
    got = err.get("input")
    shown = "" if isinstance(got, dict | list) else f" (got {got!r})"
    prefix = f"{loc}: " if loc else ""
    return f"{where}: {prefix}{msg}{shown}"


def parse_assignment(text: str) -> tuple[str, Any]:
    """Parse `dotted.path=value`; the value is read as a TOML literal when it is one, else as a string."""
    if "=" not in text:
        raise InputError(f"--set {text}: expected dotted.path=value")
    path, raw = (s.strip() for s in text.split("=", 1))
    if not path or any(not part for part in path.split(".")):
        raise InputError(f"--set {text}: expected dotted.path=value with a non-empty path")
    try:
        value = tomllib.loads(f"v = {raw}")["v"]
    except tomllib.TOMLDecodeError:
        value = raw
    return path, value


def known_paths(data: Mapping[str, Any] | Scenario, prefix: str = "") -> set[str]:
    """Every dotted path of a resolved scenario that an override may set (leaves and tables)."""
    if isinstance(data, Scenario):
        data = data.resolved()
    paths: set[str] = set()
    for key, value in data.items():
        path = f"{prefix}{key}"
        paths.add(path)
        if isinstance(value, Mapping):
            paths |= known_paths(value, f"{path}.")
    return paths


def apply_overrides(data: dict[str, Any], overrides: Mapping[str, Any], where: str) -> dict[str, Any]:
    """Set each dotted path; a path that the scenario does not have is an error, not a new key."""
    out = copy_tree(data)
    valid = known_paths(out)
    for path, value in overrides.items():
        if path not in valid:
            top = path.split(".")[0]
            hint = "a leader of the scenario" if top == "leaders" else "a documented key"
            raise InputError(f"{where}: override {path}: unknown key path: expected {hint}")
        node = out
        *parents, leaf = path.split(".")
        for part in parents:
            node = node[part]
        node[leaf] = value
    return out


def _validate(data: Mapping[str, Any], where: str) -> ScenarioModel:
    try:
        return ScenarioModel.model_validate(data)
    except ValidationError as exc:
        raise InputError(_format_validation(where, exc)) from None


_SCENARIO_CACHE: dict[tuple[Any, ...], Scenario] = {}


def _cache_key(source: Path, overrides: Mapping[str, Any] | None) -> tuple[Any, ...] | None:
    """Key of a file scenario's validated result, or None when it cannot be pinned down.

    The key holds the file and its base chain as they are on disk (path, mtime, size) and the
    overrides.
    """
    chain: list[tuple[str, int, int]] = []
    path = source
    while len(chain) < 32:
        try:
            resolved = path.resolve()
            st = resolved.stat()
        except OSError:
            return None
        file_key = (str(resolved), st.st_mtime_ns, st.st_size)
        parsed = _TOML_CACHE.get(file_key)
        if parsed is None:
            return None
        chain.append(file_key)
        base = parsed.get("base")
        if not isinstance(base, str):
            break
        path = resolved.parent / base
    else:
        return None
    try:
        frozen = json.dumps(dict(overrides or {}), sort_keys=True, default=str)
    except (TypeError, ValueError):
        return None
    return (str(source), tuple(chain), frozen)


def load_scenario(
    source: str | Path | Mapping[str, Any], overrides: Mapping[str, Any] | None = None
) -> Scenario:
    """Load, inherit, override and validate a scenario; raise InputError with one line on any problem.

    A file scenario is validated once per process for given overrides while neither it nor its
    bases change on disk (validated scenarios are immutable, so they can be shared).
    """
    key = None if isinstance(source, Mapping) else _cache_key(Path(source), overrides)
    if key is not None and key in _SCENARIO_CACHE:
        return _SCENARIO_CACHE[key]
    scenario = _load_scenario(source, overrides)
    if key is None and not isinstance(source, Mapping):  # the files are parsed now
        key = _cache_key(Path(source), overrides)
    if key is not None:
        if len(_SCENARIO_CACHE) >= 256:
            _SCENARIO_CACHE.clear()
        _SCENARIO_CACHE[key] = scenario
    return scenario


def _load_scenario(
    source: str | Path | Mapping[str, Any], overrides: Mapping[str, Any] | None = None
) -> Scenario:
    if isinstance(source, Mapping):
        where = "<scenario mapping>"
        raw = dict(source)
        path = None
        if "base" in raw:
            raise InputError(
                f"{where}: base: expected a file scenario for inheritance (load the base file instead)"
            )
    else:
        path = Path(source)
        where = str(path)
        raw = _resolve_file(path)
        _leader_check(_read_toml(path.resolve()), where, set(_resolve_base_leaders(path)))
    model = _validate(raw, where)
    if overrides:
        data = apply_overrides(model.model_dump(mode="json"), overrides, where)
        model = _validate(data, f"{where} (with overrides)")
    if path is not None:
        digest = hashlib.sha256(path.read_bytes()).hexdigest()
    else:
        digest = hashlib.sha256(json.dumps(raw, sort_keys=True, default=str).encode()).hexdigest()
    return Scenario(model, path, digest)


def _resolve_base_leaders(path: Path) -> list[str]:
    data = _read_toml(path.resolve())
    base = data.get("base")
    if not isinstance(base, str):
        return list((data.get("leaders") or {}).keys())
    return list(_resolve_file(path.resolve().parent / base).get("leaders", {}).keys())
