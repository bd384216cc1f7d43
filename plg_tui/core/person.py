"""A roster member as a live session knows them."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Person:
    """A stable key (the email) and a name."""

    key: str
    name: str

    @property
    def first_name(self) -> str:
        parts = self.name.split()
        return parts[0] if parts else self.name
