"""The HTML report in a real browser (Debian's chromium, headless): at 1024 px nothing spills
past the window and the charts are drawn; printed to PDF it is A4; and the page asks for
nothing from anywhere (no src, href or url() at all, no script)."""

from __future__ import annotations

import json
import re
import struct
from pathlib import Path

import pytest

from plg_tui.cli import main
from tests.browser import CHROMIUM, chromium
from tests.conftest import require_tool

pytestmark = pytest.mark.realclock  # a browser under libfaketime is not worth the trouble

A4_POINTS = (595, 842)

# Appended to a copy of the report only here: the report itself carries no script.
MEASURE = """
<script>
const width = document.documentElement.clientWidth;
let widest = 0;
for (const el of document.querySelectorAll("body *")) {
  widest = Math.max(widest, el.getBoundingClientRect().right);
}
const charts = [...document.querySelectorAll("figure svg")].map(svg => {
  const box = svg.getBoundingClientRect();
  const bars = [...svg.querySelectorAll("rect.bar")];
  return {width: box.width, height: box.height, right: box.right,
          drawn: bars.filter(b => b.getBoundingClientRect().width > 0).length};
});
const out = document.createElement("pre");
out.id = "measured";
out.textContent = JSON.stringify({
  width, scrollWidth: document.documentElement.scrollWidth, widest, charts});
document.body.appendChild(out);
</script>
"""


@pytest.fixture
def report_html(make_group, tmp_path: Path) -> Path:
    """Three groups: one before session 1, one mid-month, one rated and voted after session 2,
    with a long module title and many topics voted for."""
    make_group("before-session-one").close()
    middle = make_group("in-the-practice-month-with-a-rather-long-name")
    middle.save_session_state(
        "1",
        {
            "present": {"ada@example.org": True, "grace@example.org": True},
            "facilitator": "ada@example.org",
            "facilitation_recorded": True,
        },
    )
    middle.update_info(session1_held=True, module_title="A" * 300)
    middle.close()
    done = make_group("done")
    done.update_info(
        session1_held=True,
        session2_held=True,
        module_rating={"count": 4, "sum": 17},
        next_topic_votes={f"topic-number-{i}-with-a-long-identifier": i for i in range(1, 20)},
    )
    done.close()
    out = tmp_path / "report.html"
    assert main(["report", "--out", str(out)]) == 0
    return out


def test_the_report_asks_for_nothing_from_anywhere(report_html: Path) -> None:
    html = report_html.read_text(encoding="utf-8")
    assert not re.search(r"\b(src|href|srcset|action|xlink:href)\s*=", html, re.I)
    assert "url(" not in html
    assert "@import" not in html
    assert not re.search(r"https?://", html)
    assert "<script" not in html.lower()
    assert "<svg" in html


def test_at_1024px_nothing_overflows_and_the_charts_are_drawn(
    report_html: Path, tmp_path: Path
) -> None:
    require_tool(CHROMIUM is not None, "chromium")
    measured_page = tmp_path / "measured.html"
    measured_page.write_text(
        report_html.read_text(encoding="utf-8").replace("</body>", MEASURE + "</body>"),
        encoding="utf-8",
    )
    done = chromium(tmp_path, "--window-size=1024,768", "--dump-dom", measured_page.as_uri())
    found = re.search(r'<pre id="measured">(.*?)</pre>', done.stdout, re.S)
    assert found, done.stderr[-2000:]
    measured = json.loads(found.group(1).replace("&quot;", '"'))
    assert measured["width"] == 1024
    assert measured["scrollWidth"] <= 1024
    assert measured["widest"] <= 1024
    assert len(measured["charts"]) >= 3
    for chart in measured["charts"]:
        assert chart["width"] > 100
        assert chart["height"] > 20
        assert chart["right"] <= 1024
    assert sum(chart["drawn"] for chart in measured["charts"]) >= 3

    png = tmp_path / "report.png"
    done = chromium(tmp_path, "--window-size=1024,768", f"--screenshot={png}", report_html.as_uri())
    assert png.exists(), done.stderr[-2000:]
    header = png.read_bytes()[:24]
    assert header[:8] == b"\x89PNG\r\n\x1a\n"
    width, _height = struct.unpack(">II", header[16:24])
    assert width == 1024


def test_printed_to_pdf_it_is_a4(report_html: Path, tmp_path: Path) -> None:
    require_tool(CHROMIUM is not None, "chromium")
    pdf = tmp_path / "report.pdf"
    done = chromium(
        tmp_path, "--no-pdf-header-footer", f"--print-to-pdf={pdf}", report_html.as_uri()
    )
    assert pdf.exists(), done.stderr[-2000:]
    data = pdf.read_bytes()
    assert data.startswith(b"%PDF")
    boxes = re.findall(rb"/MediaBox\s*\[\s*0 0 ([\d.]+) ([\d.]+)\s*\]", data)
    assert boxes
    for width, height in boxes:
        assert (round(float(width)), round(float(height))) == A4_POINTS
