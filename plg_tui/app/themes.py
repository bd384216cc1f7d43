"""The default theme: high contrast, because thin colours blur in a video stream."""

from __future__ import annotations

from textual.theme import Theme

HIGH_CONTRAST = Theme(
    name="plg-high-contrast",
    primary="#FFD700",
    secondary="#00E5FF",
    accent="#FFD700",
    warning="#FFB000",
    error="#FF4D4D",
    success="#3DFF6E",
    foreground="#FFFFFF",
    background="#000000",
    surface="#000000",
    panel="#1C1C1C",
    boost="#262626",
    dark=True,
    variables={
        "footer-key-foreground": "#FFD700",
        "footer-description-foreground": "#FFFFFF",
        "block-cursor-background": "#FFD700",
        "block-cursor-foreground": "#000000",
        "input-cursor-background": "#FFFFFF",
    },
)
