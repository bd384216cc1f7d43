"""How each kind of captured item is named on screen."""

from __future__ import annotations

CAPTURE_KINDS: dict[str, str] = {
    "challenge": "Challenge",
    "commitment": "Commitment (what I will practise)",
    "reflection": "Reflection",
    "ground_rules": "Ground rule",
    "notes": "Facilitator's notes",
    "parking": "Parking lot (off-topic, for later)",
}
# How a sealed item is named in a confirmation ("Sealed the commitment for Ada").
CAPTURE_NOUNS: dict[str, str] = {
    "challenge": "challenge",
    "commitment": "commitment",
    "reflection": "reflection",
    "ground_rules": "ground rule",
    "notes": "note",
    "parking": "parking-lot item",
}
