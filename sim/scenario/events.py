"""The scenario's exogenous events: typed entries keyed by name.

A death, a funeral, a recruitment drive, a letter naming leaders, a shock. Inputs only: what the model
makes of them is the mechanisms' business.
"""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any, Literal

from pydantic import ConfigDict, Field, RootModel, StrictBool, model_validator

from sim.validation import StrictModel


class DatedEvent(StrictModel):
    """An exogenous event with a date and an on/off switch.

    `detail` is the words its row carries in events.csv; the 1924 events keep the words they had.
    """

    date: date
    enabled: StrictBool = True
    detail: str = ""


class DeathEvent(DatedEvent):
    """A leader's death (Lenin's in 1924; Stalin's in 1953): the cult of his memory starts.

    `seat` says whether he holds a full Politburo seat until he dies (Lenin did; the Presidium of
    5 March 1953 was named without Stalin), so that the seat falls vacant at his death.
    """

    type: Literal["death"] = "death"
    seat: StrictBool = True


class FuneralEvent(DatedEvent):
    """A funeral: who stood by the coffin is an input (Trotsky was away in Sukhum)."""

    type: Literal["funeral"] = "funeral"
    absent: tuple[str, ...] = ()
    place: str = "Red Square"


class EnrolmentEvent(StrictModel):
    """A recruitment drive through the apparatus (the Lenin Enrolment is one).

    `recruits` is the drive's size in real members (241,591 admitted as candidates by the 13th
    Congress); they join the party's rolls (`sim.model.party`) day by day between `start` and `end`.
    """

    type: Literal["enrolment"] = "enrolment"
    enabled: StrictBool = True
    start: date
    end: date
    recruits: int = Field(default=241_591, ge=0, le=10_000_000)
    detail: str = ""


class LetterEvent(DatedEvent):
    """A letter naming leaders, and how the CC handles it (Lenin's testament is one).

    `published = true` makes the CC publish it (the counterfactual switch); with `false` the CC keeps
    it to delegation heads unless an organised faction forces its reading.
    """

    type: Literal["letter"] = "letter"
    published: StrictBool = False
    criticism: dict[str, float] = Field(default_factory=dict)


#: The old name of the letter's class (the testament is a letter).
TestamentEvent = LetterEvent


class ShockEvent(DatedEvent):
    """A shock that moves the policy agenda and the climate of fear."""

    type: Literal["shock"] = "shock"
    agenda_shift: float = Field(default=0.0, ge=-2.0, le=2.0)
    fear_boost: float = Field(default=0.0, ge=0.0, le=1.0)
    # How much the shock raises the salience of the agrarian question (grain, the pace of industry).
    agrarian_salience: float = Field(default=0.0, ge=0.0, le=1.0)


Event = Annotated[
    DeathEvent | FuneralEvent | EnrolmentEvent | LetterEvent | ShockEvent, Field(discriminator="type")
]

#: The 1924 events' keys, their types and the words their rows carry: a 1924 file names neither.
LEGACY_EVENTS: dict[str, tuple[str, str]] = {
    "lenin_death": ("death", "Lenin dies at Gorki"),
    "funeral": ("funeral", ""),
    "lenin_enrolment": ("enrolment", "mass recruitment"),
    "testament": ("letter", ""),
    "war_scare": ("shock", "Britain breaks off relations"),
    "grain_crisis": ("shock", "procurements fall short"),
}
EVENT_TYPES: tuple[str, ...] = ("death", "funeral", "enrolment", "letter", "shock")


class Events(RootModel[dict[str, Event]]):
    """Every exogenous event of the window, keyed by its name; each entry is typed (`type`).

    Types: `death` (a leader dies), `funeral`, `enrolment` (a recruitment drive), `letter` (a letter
    naming leaders, such as the testament) and `shock` (the war scare, the grain crisis, Hungary in
    1956). A 1924 key (`testament`, `funeral`, ...) needs no `type`: its name gives it, so the dotted
    paths `events.testament.published` and the like keep working. `events.<name>` reads an entry.
    """

    model_config = ConfigDict(frozen=True)

    @model_validator(mode="before")
    @classmethod
    def _types_from_names(cls, data: Any) -> Any:
        if not isinstance(data, dict):
            return data
        out = {}
        for name, entry in data.items():
            if isinstance(entry, dict) and name in LEGACY_EVENTS:
                kind, detail = LEGACY_EVENTS[name]
                entry = {"type": kind, **({"detail": detail} if detail else {}), **entry}
            elif isinstance(entry, dict) and "type" not in entry:
                raise ValueError(f"{name}.type: expected one of {', '.join(EVENT_TYPES)}")
            out[name] = entry
        return out

    def __getattr__(self, name: str) -> Any:
        if name.startswith("_"):
            return super().__getattr__(name)  # type: ignore[misc]
        try:
            return self.root[name]
        except KeyError:
            raise AttributeError(f"events has no entry {name!r}") from None

    def of_type(self, kind: str) -> list[tuple[str, Any]]:
        """The entries of one type, with their names, in the file's order."""
        return [(name, ev) for name, ev in self.root.items() if ev.type == kind]

    def items(self) -> list[tuple[str, Any]]:
        """Every entry with its name."""
        return list(self.root.items())
