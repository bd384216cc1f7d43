"""Debian's chromium, headless, as the tests drive it (the report and the facilitator guide)."""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from pathlib import Path

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")


def chromium(tmp_path: Path, *args: str) -> subprocess.CompletedProcess[str]:
    assert CHROMIUM is not None
    # chromium's singleton socket lives in TMPDIR and must fit a 108-byte socket path, which
    # pytest's per-test folders do not
    short_tmp = Path(tempfile.mkdtemp(prefix="plg-chromium-", dir="/tmp"))
    try:
        return _run_chromium(tmp_path, short_tmp, *args)
    finally:
        shutil.rmtree(short_tmp, ignore_errors=True)


def _run_chromium(tmp_path: Path, short_tmp: Path, *args: str) -> subprocess.CompletedProcess[str]:
    assert CHROMIUM is not None
    return subprocess.run(
        [
            CHROMIUM,
            "--headless",
            "--no-sandbox",  # tests may run as root in a container
            "--disable-gpu",
            "--hide-scrollbars",
            "--no-first-run",
            f"--user-data-dir={tmp_path / 'chromium-profile'}",
            *args,
        ],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
        env={**os.environ, "TMPDIR": str(short_tmp)},
    )
