"""How each kind of captured item is named on screen."""

from __future__ import annotations

from plg_tui.vocabulary import CaptureKind

# What each capture kind is called where the app offers it, in the order it offers them.
CAPTURE_LABELS: dict[CaptureKind, str] = {
    CaptureKind.CHALLENGE: "Challenge",
    CaptureKind.COMMITMENT: "Commitment (what I will practise)",
    CaptureKind.REFLECTION: "Reflection",
    CaptureKind.GROUND_RULES: "Ground rule",
    CaptureKind.NOTES: "Facilitator's notes",
    CaptureKind.PARKING: "Parking lot (off-topic, for later)",
}
# How a sealed item is named in a confirmation ("Sealed the commitment for Ada").
CAPTURE_NOUNS: dict[CaptureKind, str] = {
    CaptureKind.CHALLENGE: "challenge",
    CaptureKind.COMMITMENT: "commitment",
    CaptureKind.REFLECTION: "reflection",
    CaptureKind.GROUND_RULES: "ground rule",
    CaptureKind.NOTES: "note",
    CaptureKind.PARKING: "parking-lot item",
}
