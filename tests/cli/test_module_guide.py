"""`plg modules guide` and `plg modules show`: the whole module as a facilitator reads it, in
text, Markdown and printable HTML; printed by a real browser on A4 and on Letter, no phase is
cut across a page away from its heading."""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest

from plg_tui.cli import main
from plg_tui.core.facilitation_notes import HOW_TO_FACILITATE
from plg_tui.core.modules import load_module, load_trust_session
from tests.browser import CHROMIUM, chromium
from tests.conftest import require_tool

MODULE = "giving-feedback"
PAPER_POINTS = {"a4": (595, 842), "letter": (612, 792)}


def _flat(text: str) -> str:
    return " ".join(text.split())


def champions_module(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, *edits: tuple[str, str]
) -> None:
    """A champion's own copy of the module in the data home, with `edits` made to its text."""
    home = tmp_path / "home"
    (home / "modules").mkdir(parents=True)
    text = load_module(MODULE).path.read_text(encoding="utf-8")
    for old, new in edits:
        assert old in text
        text = text.replace(old, new)
    (home / "modules" / f"{MODULE}.toml").write_text(text, encoding="utf-8")
    monkeypatch.setenv("PLG_HOME", str(home))


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str]:
    code = main(["modules", *args])
    captured = capsys.readouterr()
    return code, captured.out + captured.err


@pytest.mark.parametrize("kind", ["text", "markdown", "html"])
def test_the_guide_holds_the_whole_module(kind: str, capsys: pytest.CaptureFixture[str]) -> None:
    code, out = run(capsys, "guide", MODULE, "--format", kind)
    assert code == 0, out
    flat = _flat(re.sub(r"\\(.)", r"\1", out)).replace("&#39;", "'").replace("&#34;", '"')
    module = load_module(MODULE)
    for phase in (*module.session1, *module.session2):
        assert _flat(phase.script) in flat, phase.name
    for technique in module.techniques:
        assert technique.name in flat
        for step in technique.steps:
            assert _flat(step) in flat
    for week in module.weeks:
        assert _flat(week.tip) in flat
        assert _flat(week.prompt) in flat
    for question in module.reflection_questions:
        assert question in flat
    for note in HOW_TO_FACILITATE:
        assert note.heading in flat
    assert "0:08" in flat  # phases carry their start within the call


def test_the_guide_writes_a_file_by_its_suffix(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "guide.md"
    code, said = run(capsys, "guide", MODULE, "--out", str(out))
    assert code == 0
    assert "markdown" in said
    assert out.read_text(encoding="utf-8").startswith("# Giving feedback")
    code, said = run(capsys, "guide", MODULE, "--out", str(tmp_path / "no" / "x.html"))
    assert code != 0
    assert "does not exist" in said


def test_an_unknown_module_names_the_known_ones(capsys: pytest.CaptureFixture[str]) -> None:
    code, out = run(capsys, "guide", "../etc/passwd")
    assert code != 0
    assert "no module '../etc/passwd'" in out
    assert MODULE in out
    assert "Traceback" not in out


def test_a_champions_module_cannot_turn_into_markup(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    champions_module(
        tmp_path,
        monkeypatch,
        (
            'title = "Giving feedback that lands"',
            'title = "<script>alert(1)</script> [x](http://e.vil)"',
        ),
    )
    code, html = run(capsys, "guide", MODULE, "--format", "html")
    assert code == 0
    assert "<script>" not in html
    assert "&lt;script&gt;" in html
    code, markdown = run(capsys, "guide", MODULE, "--format", "markdown")
    assert "\\<script\\>" in markdown
    assert "\\[x\\]" in markdown


def test_show_prints_every_phase_script_and_the_trust_session(
    capsys: pytest.CaptureFixture[str],
) -> None:
    code, out = run(capsys, "show", MODULE)
    assert code == 0
    flat = _flat(out)
    for phase in (*load_module(MODULE).session1, *load_module(MODULE).session2):
        assert _flat(phase.script) in flat
    code, out = run(capsys, "show", "trust-building")
    assert code == 0
    for phase in load_trust_session().phases:
        assert _flat(phase.script) in _flat(out)


def test_the_html_asks_for_nothing_from_anywhere(capsys: pytest.CaptureFixture[str]) -> None:
    code, html = run(capsys, "guide", MODULE, "--format", "html")
    assert code == 0
    assert not re.search(r"\b(src|href|srcset|action)\s*=", html, re.I)
    assert "url(" not in html
    assert "<script" not in html.lower()
    assert "@media print" in html
    assert "break-inside: avoid" in html


def _pages(pdf: Path) -> list[str]:
    done = subprocess.run(
        ["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True, check=True
    )
    return [_flat(page) for page in done.stdout.split("\f") if page.strip()]


@pytest.mark.realclock
@pytest.mark.parametrize("paper", ["a4", "letter"])
def test_printed_each_phase_stays_with_its_heading(
    paper: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    require_tool(CHROMIUM is not None, "chromium")
    require_tool(shutil.which("pdftotext") is not None, "pdftotext (poppler-utils)")
    html = tmp_path / "guide.html"
    code, _ = run(capsys, "guide", MODULE, "--paper", paper, "--out", str(html))
    assert code == 0
    pdf = tmp_path / "guide.pdf"
    done = chromium(tmp_path, "--no-pdf-header-footer", f"--print-to-pdf={pdf}", html.as_uri())
    assert pdf.exists(), done.stderr[-2000:]
    boxes = re.findall(rb"/MediaBox\s*\[\s*0 0 ([\d.]+) ([\d.]+)\s*\]", pdf.read_bytes())
    assert {(round(float(w)), round(float(h))) for w, h in boxes} == {PAPER_POINTS[paper]}
    pages = _pages(pdf)
    assert 5 <= len(pages) <= 16, len(pages)
    module = load_module(MODULE)
    for agenda in (module.session1, module.session2):
        start = 0
        for phase in agenda:
            words = phase.script.split()
            clock = f"{start // 60}:{start % 60:02d}"
            # the heading line, then the script's opening words, all on one page with its end
            opening = re.escape(
                f"{clock} {phase.name} {phase.minutes} min · {phase.kind} {' '.join(words[:6])}"
            )
            ending = " ".join(words[-6:])
            whole = [
                n for n, page in enumerate(pages) if re.search(opening, page) and ending in page
            ]
            assert whole, (phase.name, clock)
            start += phase.minutes
    for note in HOW_TO_FACILITATE:  # the how-to-facilitate page comes before the agendas
        assert any(note.heading in page for page in pages[:2])


def test_escape_sequences_in_a_champions_module_never_reach_the_terminal(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    # TOML escapes: an OSC 52 clipboard write and a colour, as a careless editor might paste
    champions_module(
        tmp_path,
        monkeypatch,
        ("Giving feedback that lands", "Feedback \\u001b]52;c;ZXZpbA==\\u0007 now"),
        ('name = "SBI:', 'name = "\\u001b[31mSBI:'),
    )
    for args in (
        ["list"],
        ["show", MODULE],
        ["guide", MODULE],
        ["guide", MODULE, "--format", "markdown"],
    ):
        code, out = run(capsys, *args)
        assert code == 0, (args, out)
        assert "\x1b" not in out, args
        assert "\x07" not in out, args
        assert "Feedback" in out
