"""The records group.db and the inbox hold, as frozen dataclasses: the vault's edge.

TinyDB stores plain JSON objects; each record type here converts to and from that form in
one place (`from_record` / `to_record`), so a caller reads `info.session1`, and a misspelt
field is an error at once instead of a silent None. `from_record` raises `RecordError` for a
record that lacks a field plg always writes; the vault turns that into `DamagedFile`.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import asdict, dataclass, field, fields
from typing import Any

from plg_tui.vocabulary import ParkingMark


class RecordError(ValueError):
    """A stored record lacks a field plg always writes, or holds the wrong type in it."""


def _required_text(record: Mapping[str, Any], name: str) -> str:
    value = record.get(name)
    if not isinstance(value, str):
        raise RecordError(f"the {name!r} field is missing or not text")
    return value


def _text(record: Mapping[str, Any], name: str, default: str = "") -> str:
    value = record.get(name)
    return value if isinstance(value, str) else default


def _optional_text(value: Any) -> str | None:
    return value if isinstance(value, str) else None


def _week(value: Any) -> int | None:
    return value if isinstance(value, int) and not isinstance(value, bool) else None


def _tally(value: Any) -> dict[str, int] | None:
    if not isinstance(value, Mapping):
        return None
    return {str(k): v for k, v in value.items() if isinstance(v, int)}


@dataclass(frozen=True)
class GroupInfo:
    """The group record: module, dates, time zone, what was held and decided."""

    slug: str
    group_id: str
    module: str
    module_title: str
    timezone: str
    session1: str  # local time in `timezone`, 2026-11-03T14:00
    session2: str
    call_link: str = ""
    created: str = ""
    session1_held: bool = False
    session2_held: bool = False
    trust_held: bool = False
    module_rating: dict[str, int] | None = None  # {"count": n, "sum": s}, set by session 2
    next_topic_votes: dict[str, int] | None = None  # module id -> votes, set by session 2
    trust: str = ""  # the trust-building session, local time like session1; "" if none
    ended: str = ""  # ISO time `plg group end` ended the group; "" while it runs
    # session kind -> how often its date or call link changed: the invitations' SEQUENCE
    invitation_sequences: dict[str, int] | None = None
    cycle: int = 1  # which module of the group's life this is; `plg group next` adds one
    cycle_started: str = ""  # ISO UTC time `plg group next` started it; "" for cycle 1

    @classmethod
    def from_record(cls, record: Mapping[str, Any]) -> GroupInfo:
        return cls(
            slug=_text(record, "slug"),
            group_id=_text(record, "group_id"),
            module=_required_text(record, "module"),
            module_title=_text(record, "module_title"),
            timezone=_text(record, "timezone", "UTC") or "UTC",
            session1=_required_text(record, "session1"),
            session2=_required_text(record, "session2"),
            # the companion refuses a link with control characters; keep what is stored
            call_link=str(record.get("call_link") or ""),
            created=_text(record, "created"),
            session1_held=bool(record.get("session1_held")),
            session2_held=bool(record.get("session2_held")),
            trust_held=bool(record.get("trust_held")),
            module_rating=_tally(record.get("module_rating")),
            next_topic_votes=_tally(record.get("next_topic_votes")),
            trust=_text(record, "trust"),
            ended=_text(record, "ended"),
            invitation_sequences=_tally(record.get("invitation_sequences")),
            cycle=cycle_of(record),
            cycle_started=_text(record, "cycle_started"),
        )

    def to_record(self) -> dict[str, Any]:
        return asdict(self)


def cycle_of(record: Mapping[str, Any]) -> int:
    """The cycle a stored record belongs to; records written before cycles existed are cycle 1."""
    value = record.get("cycle")
    if isinstance(value, int) and not isinstance(value, bool) and value >= 1:
        return value
    return 1


GROUP_INFO_FIELDS = frozenset(f.name for f in fields(GroupInfo))


@dataclass(frozen=True)
class Member:
    """A member as group.db keeps them (the roster row without its line number)."""

    name: str
    email: str  # lower-cased
    level: int = 0
    title: str = ""
    reports_to: str = ""
    department: str = ""
    timezone: str = ""  # "" means the group's time zone
    joined: str = ""  # ISO UTC time they were added after the group was formed; "" if founding

    @property
    def first_name(self) -> str:
        return self.name.split()[0] if self.name.split() else self.name

    @property
    def shown_name(self) -> str:
        return self.name or self.email

    @classmethod
    def from_record(cls, record: Mapping[str, Any]) -> Member:
        level = record.get("level")
        return cls(
            name=_text(record, "name"),
            email=_required_text(record, "email"),
            level=level if isinstance(level, int) else 0,
            title=_text(record, "title"),
            reports_to=_text(record, "reports_to"),
            department=_text(record, "department"),
            timezone=_text(record, "timezone"),
            joined=_text(record, "joined"),
        )

    def to_record(self) -> dict[str, Any]:
        return asdict(self)


@dataclass(frozen=True)
class Departure:
    """A member who left the group: who, and when (ISO UTC). Names stay out: the roster had them."""

    email: str
    at: str

    @classmethod
    def from_record(cls, record: Mapping[str, Any]) -> Departure:
        return cls(email=_required_text(record, "email"), at=_text(record, "at"))

    def to_record(self) -> dict[str, Any]:
        return asdict(self)


@dataclass(frozen=True)
class SealedItem:
    """One confidential item of group.db: its metadata in the clear, its text sealed.

    The metadata is bound into the seal, so `to_record` gives back exactly what is stored:
    an item whose stored fields have the wrong types keeps them and opens as damaged.
    """

    id: str
    kind: str
    member: str | None
    session: str | None
    created: str
    stored: Mapping[str, Any] = field(repr=False, compare=False)

    @classmethod
    def from_record(cls, record: Mapping[str, Any]) -> SealedItem:
        return cls(
            id=str(record.get("id", "")),
            kind=str(record.get("kind", "")),
            member=_optional_text(record.get("member")),
            session=_optional_text(record.get("session")),
            created=str(record.get("created", "")),
            stored=dict(record),
        )

    @property
    def cycle(self) -> int:
        return cycle_of(self.stored)

    @property
    def sealed(self) -> Any:
        """The sealed text as stored (base64 text in an item plg wrote)."""
        return self.stored.get("sealed")

    @property
    def auth(self) -> Any:
        """The session tag as stored (base64), None for an item written without one."""
        return self.stored.get("auth")

    def to_record(self) -> dict[str, Any]:
        return dict(self.stored)


@dataclass(frozen=True)
class Pairing:
    """Practice partners as decided once: by the session app, `plg group pairs`, or auto."""

    created: str
    groups: list[list[str]]
    source: str  # "session", "set" or "auto"
    cycle: int = 1

    @classmethod
    def from_record(cls, record: Mapping[str, Any]) -> Pairing:
        groups = record.get("groups")
        if not isinstance(groups, list):
            raise RecordError("the 'groups' field of a pairing is missing or not a list")
        return cls(
            created=_text(record, "created"),
            groups=[[str(e) for e in g] for g in groups if isinstance(g, list)],
            source=_text(record, "source"),
            cycle=cycle_of(record),
        )

    def to_record(self) -> dict[str, Any]:
        return asdict(self)


@dataclass(frozen=True)
class ParkingDecision:
    """The latest mark of one parking-lot item (by its id), and the session that gave it."""

    item: str
    mark: ParkingMark
    session: str
    at: str

    @classmethod
    def from_record(cls, record: Mapping[str, Any]) -> ParkingDecision:
        try:
            mark = ParkingMark(_required_text(record, "mark"))
        except ValueError as err:
            raise RecordError(f"a parking-lot mark is not one of next, done, drop: {err}") from None
        return cls(
            item=_required_text(record, "item"),
            mark=mark,
            session=_required_text(record, "session"),
            at=_text(record, "at"),
        )

    def to_record(self) -> dict[str, Any]:
        return {"item": self.item, "mark": str(self.mark), "session": self.session, "at": self.at}


@dataclass(frozen=True)
class JournalEntry:
    """One practice-journal entry the companion placed in the inbox, opened."""

    id: str
    member: str
    week: int | None  # None for an entry not tied to a practice week
    received: str  # ISO time the companion read it
    written: str  # the Date header, ISO, when it had one
    truncated: bool
    text: str
    cycle: int = 1

    @classmethod
    def from_record(cls, meta: Mapping[str, Any], text: str) -> JournalEntry:
        return cls(
            id=str(meta.get("id", "")),
            member=entry_member(meta),
            week=_week(meta.get("week")),
            received=str(meta.get("received") or meta.get("date") or ""),
            written=str(meta.get("written") or ""),
            truncated=bool(meta.get("truncated")),
            text=text,
            cycle=cycle_of(meta),
        )


def entry_member(meta: Mapping[str, Any]) -> str:
    """Whose journal an entry belongs to, lower-cased ("" if it names nobody)."""
    return str(meta.get("member") or meta.get("email") or "").lower()
