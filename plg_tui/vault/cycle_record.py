"""An earlier cycle of a group: what group.db's `cycles` table keeps once `plg group next` ran."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import asdict, dataclass
from typing import Any

from plg_tui.vault.records import GroupInfo, RecordError, cycle_of


def _text(record: Mapping[str, Any], name: str) -> str:
    value = record.get(name)
    return value if isinstance(value, str) else ""


def _tally(value: Any) -> dict[str, int] | None:
    if not isinstance(value, Mapping):
        return None
    return {str(k): v for k, v in value.items() if isinstance(v, int)}


@dataclass(frozen=True)
class CycleRecord:
    """An earlier cycle of a group, as it stood when `plg group next` started the following one."""

    cycle: int
    module: str
    module_title: str
    session1: str
    session2: str
    trust: str = ""
    session1_held: bool = False
    session2_held: bool = False
    trust_held: bool = False
    module_rating: dict[str, int] | None = None
    next_topic_votes: dict[str, int] | None = None
    started: str = ""
    ended: str = ""  # ISO UTC time the next cycle began

    @classmethod
    def from_info(cls, info: GroupInfo, ended: str) -> CycleRecord:
        return cls(
            cycle=info.cycle,
            module=info.module,
            module_title=info.module_title,
            session1=info.session1,
            session2=info.session2,
            trust=info.trust,
            session1_held=info.session1_held,
            session2_held=info.session2_held,
            trust_held=info.trust_held,
            module_rating=info.module_rating,
            next_topic_votes=info.next_topic_votes,
            started=info.cycle_started or info.created,
            ended=ended,
        )

    @classmethod
    def from_record(cls, record: Mapping[str, Any]) -> CycleRecord:
        return cls(
            cycle=cycle_of(record),
            module=_module(record),
            module_title=_text(record, "module_title"),
            session1=_text(record, "session1"),
            session2=_text(record, "session2"),
            trust=_text(record, "trust"),
            session1_held=bool(record.get("session1_held")),
            session2_held=bool(record.get("session2_held")),
            trust_held=bool(record.get("trust_held")),
            module_rating=_tally(record.get("module_rating")),
            next_topic_votes=_tally(record.get("next_topic_votes")),
            started=_text(record, "started"),
            ended=_text(record, "ended"),
        )

    def to_record(self) -> dict[str, Any]:
        return asdict(self)


def _module(record: Mapping[str, Any]) -> str:
    value = record.get("module")
    if not isinstance(value, str):
        raise RecordError("the 'module' field of a cycle is missing or not text")
    return value
