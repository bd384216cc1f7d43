"""Clean the reply case table, then hostile 256 KiB and 1 MiB inputs; show it is linear.

    .venv/bin/python bench/clean.py [--rounds 20] [--only-hostile]

Case table: every reply in tests/companion/replies (plain text through `clean_reply`, HTML
through `render_html` then `clean_reply`), `--rounds` times; replies cleaned per second
against `str.splitlines` over the same inputs in the same run (the baseline: reading the
lines at all), and the ratio.

Hostile inputs: each shape at 256 KiB and at 1 MiB. `clean_reply` reads only the first
MAX_INPUT_CHARS, so its time is bounded; the rules under it (`strip_quoted`, and
`render_html` for HTML) are timed on the whole input too, uncapped, to show they are linear:
the 1 MiB / 256 KiB time ratio should be about 4 (quadratic would be 16). Each time is also
printed as a ratio to `str.splitlines` over the same input.
"""

from __future__ import annotations

import argparse
import gc
import sys
import time
from collections.abc import Callable
from functools import partial
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from companion.mailtext.clean import clean_reply
from companion.mailtext.html_text import render_html
from companion.mailtext.quotes import strip_quoted

CASES = Path(__file__).resolve().parent.parent / "tests" / "companion" / "replies"
KIB = 1024
SIZES = (256 * KIB, 1024 * KIB)
# (name, is HTML, the repeated unit): each filled to the size by repeating the unit
HOSTILE = (
    ("one long line", False, "a"),
    ("quote markers", False, ">"),
    ("quoted lines", False, "> quoted line of the prompt\n"),
    ("short lines", False, "x\n"),
    ("attribution-like lines", False, "On Tue, 3 Nov 2026 at 09:00, a <b@c.de> said:\n"),
    ("wrapped attribution parts", False, "On Tue 3 Nov 2026 at 09:00 Peer <\n"),
    ("header-like lines", False, "From: a <b@c.de>\nSent: 3 Nov 2026 09:00\n"),
    ("mobile footers", False, "Sent from my iPhone\n"),
    ("pipe signature lines", False, "Name | Title | Company | +44 20 7946 0000\n"),
    ("rule lines", False, "-" * 70 + "\n\n"),
    ("cid placeholders", False, "[cid:image001.png@01DB2C3A.5F1E2B40]"),
    ("disclaimer openings", False, "\nThis email is confidential and intended only\n"),
    ("outside-sender banners", False, "CAUTION: This email originated from outside. "),
    ("colon-less wrote lines", False, "On Tue, 3 Nov 2026 a <b@c.de> wrote\n"),
    ("GroupWise-like lines", False, ">>> a <b@c.de> 11/3/2026 9:00 AM >> \n"),
    ("titled rules", False, "------ Summary ------\nFrom: a <b@c.de>\n"),
    ("register-like paragraphs", False, "\nSitz der Gesellschaft: Berlin\n"),
    ("CJK without spaces", False, "这周我把周报交给了小王他做得很好"),
    ("nested divs", True, "<div>"),
    ("blockquotes", True, "<blockquote>x"),
    ("unclosed comments", True, "<!--"),
    ("Outlook paragraphs", True, '<p class="MsoNormal">line</p>'),
)


def _case_table() -> list[tuple[str, bool]]:
    cases = []
    for path in sorted(CASES.iterdir()):
        if path.name.endswith(".expected.txt"):
            continue
        with path.open(encoding="utf-8", newline="") as handle:
            cases.append((handle.read(), path.suffix == ".html"))
    return cases


def _clean(text: str, is_html: bool) -> str:
    if is_html:
        rendered, cut = render_html(text)
        return clean_reply(rendered, cut_before=cut)[0]
    return clean_reply(text)[0]


def _seconds(work: Callable[[], object], repeat: int = 1) -> float:
    """Best of `repeat` runs, without the garbage collector (its passes over 100,000s of
    lines would be timed, not the work)."""
    best = float("inf")
    gc.collect()
    gc.disable()
    try:
        for _ in range(repeat):
            start = time.perf_counter()
            work()
            best = min(best, time.perf_counter() - start)
    finally:
        gc.enable()
    return best


def bench_case_table(rounds: int) -> None:
    cases = _case_table()
    count = len(cases) * rounds

    def clean_all() -> None:
        for _ in range(rounds):
            for text, is_html in cases:
                _clean(text, is_html)

    def split_all() -> None:
        for _ in range(rounds):
            for text, _is_html in cases:
                text.splitlines()

    cleaning = _seconds(clean_all)
    baseline = _seconds(split_all)
    print(f"case table: {len(cases)} replies x {rounds} rounds")
    print(f"  clean_reply      {count / cleaning:12,.0f} replies/s")
    print(f"  str.splitlines   {count / baseline:12,.0f} replies/s")
    print(f"  ratio            {cleaning / baseline:12,.1f}x the baseline's time")


def _fill(unit: str, size: int) -> str:
    return (unit * (size // len(unit) + 1))[:size]


def bench_hostile() -> None:
    print("hostile inputs: seconds at 256 KiB / 1 MiB, their ratio (linear ~4), x baseline")
    worst = 0.0
    for name, is_html, unit in HOSTILE:
        times: dict[int, tuple[float, float, float]] = {}
        for size in SIZES:
            text = _fill(unit, size)
            baseline = _seconds(text.splitlines, repeat=3)
            capped = _seconds(partial(_clean, text, is_html), repeat=3)
            rules_of: Callable[[str], object] = render_html if is_html else strip_quoted
            rules = _seconds(partial(rules_of, text), repeat=3)
            times[size] = (capped, rules, baseline)
        (c1, r1, _), (c4, r4, b4) = times[SIZES[0]], times[SIZES[1]]
        growth = r4 / r1 if r1 else 0.0
        worst = max(worst, growth)
        rules_name = "render_html" if is_html else "strip_quoted"
        print(
            f"  {name:26} clean_reply {c1:7.4f}/{c4:7.4f}s ({c4 / b4:6.0f}x)   "
            f"{rules_name} uncapped {r1:7.4f}/{r4:7.4f}s ratio {growth:4.1f} ({r4 / b4:6.0f}x)"
        )
    print(f"worst 1 MiB / 256 KiB ratio of the uncapped rules: {worst:.1f} (linear: ~4)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=20)
    parser.add_argument("--only-hostile", action="store_true")
    args = parser.parse_args()
    if not args.only_hostile:
        bench_case_table(args.rounds)
    bench_hostile()


if __name__ == "__main__":
    main()
