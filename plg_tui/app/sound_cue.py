"""The audible cue: a short tone through the shared computer's speakers (plg.toml `[sound]`).

The terminal bell is not heard in a video call; a tone from the speakers is, when the call
shares computer audio. It is played by the platform's own player (paplay or aplay on Linux,
afplay on macOS) in a thread, so the clock never waits for it: no maintained pure-Python
audio library plays a sound without native dependencies of its own. When no player is found,
or the player finds no audio device, the cue goes quiet and says so once.
"""

from __future__ import annotations

import io
import math
import shutil
import struct
import subprocess
import sys
import wave
from collections.abc import Callable
from dataclasses import dataclass

from plg_tui.core.settings import SoundSettings
from plg_tui.core.timers import RoundTimer

MACOS_SOUND = "/System/Library/Sounds/Glass.aiff"
PLAY_TIMEOUT = 5.0


def tone_wav(frequency: float = 880.0, seconds: float = 0.3, rate: int = 16000) -> bytes:
    """A short sine tone as a WAV file, faded in and out so it does not click."""
    count = int(seconds * rate)
    fade = max(1, count // 10)
    frames = bytearray()
    for n in range(count):
        envelope = min(1.0, n / fade, (count - n) / fade)
        sample = int(12000 * envelope * math.sin(2 * math.pi * frequency * n / rate))
        frames += struct.pack("<h", sample)
    out = io.BytesIO()
    with wave.open(out, "wb") as wav:
        wav.setnchannels(1)
        wav.setsampwidth(2)
        wav.setframerate(rate)
        wav.writeframes(bytes(frames))
    return out.getvalue()


@dataclass(frozen=True)
class Player:
    """A command that plays the cue; `stdin` is the tone, or empty when the command names a
    sound file of its own."""

    argv: tuple[str, ...]
    stdin: bytes


def find_player(
    settings: SoundSettings,
    which: Callable[[str], str | None] = shutil.which,
    platform: str = sys.platform,
) -> Player | None:
    """The configured command, else the platform's player; None when there is none."""
    if settings.command:
        return Player(settings.command, tone_wav())
    if platform == "darwin":
        path = which("afplay")
        return Player((path, MACOS_SOUND), b"") if path else None
    for name, options in (("paplay", ()), ("aplay", ("-q",))):
        path = which(name)
        if path:
            return Player((path, *options), tone_wav())
    return None


def play(player: Player) -> str | None:
    """Play the cue once (blocking: run it in a worker). None when it played, else why not."""
    name = player.argv[0].rsplit("/", 1)[-1]
    try:
        result = subprocess.run(
            player.argv,
            input=player.stdin,
            capture_output=True,
            timeout=PLAY_TIMEOUT,
            check=False,
        )
    except (OSError, subprocess.TimeoutExpired) as error:
        return f"Sound cue off: {name} could not be run ({type(error).__name__})."
    if result.returncode != 0:
        return f"Sound cue off: no audio device answered ({name} exited {result.returncode})."
    return None


class SoundCue:
    """When to play: a speaker's last minute starts, or their time is up. Quiet when off."""

    def __init__(self, settings: SoundSettings, which: Callable[[str], str | None] = shutil.which):
        self.player = find_player(settings, which) if settings.enabled else None
        self.note = ""
        if settings.enabled and self.player is None:
            self.note = "Sound cue off: no audio player found (paplay, aplay or afplay)."
        self._warned: set[tuple[int, int]] = set()

    @property
    def on(self) -> bool:
        return self.player is not None

    def last_minute_started(self, phase_index: int, timer: RoundTimer | None) -> bool:
        """True once per speaker, on the first tick of their running last minute."""
        if timer is None or not timer.running or not timer.in_last_minute:
            return False
        key = (phase_index, timer.current_index or 0)
        if key in self._warned:
            return False
        self._warned.add(key)
        return True

    def failed(self, reason: str) -> None:
        """The player could not play: stay quiet from now on."""
        self.player = None
        self.note = reason
