"""`plg report` over many groups against `plg group list` over the same data home.

Both read every group with its operations key; the report also reads the companion's ledger
and the inbox's entry metadata and renders the table and charts. 500 groups are generated
once (a cheap KDF: the passphrase is never asked by either command), a third of them with
session 1 held and attendance taken, a third with a ledger of sent emails, a tenth rated and
voted after session 2. Each command runs as its own process, alternating, and the medians are
compared.

    .venv/bin/python bench/report.py [--groups 500] [--runs 5]
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from companion.outbound.ledger import Ledger
from plg_tui.core.groups import GroupSpec, create_group
from plg_tui.core.home import init_home
from plg_tui.vault.crypto import KdfParams

ROSTER = (
    "name,email,title,level,reports_to,department,timezone\n"
    "Ada Lovelace,ada@example.org,Manager,5,cto@example.org,Eng,Europe/London\n"
    "Grace Hopper,grace@example.org,Manager,5,cto@example.org,Eng,America/New_York\n"
    "Linus Park,linus@example.org,Lead,4,vpq@example.org,QA,Asia/Tokyo\n"
    "Mei Chen,mei@example.org,Manager,5,coo@example.org,Ops,Europe/Berlin\n"
)
MEMBERS = ("ada@example.org", "grace@example.org", "linus@example.org", "mei@example.org")
PROGRAM = "import sys; from plg_tui.cli import main; sys.exit(main(sys.argv[1:]))"


def make_home(root: Path, groups: int) -> Path:
    home = root / "home"
    init_home(home)
    roster = root / "roster.csv"
    roster.write_text(ROSTER, encoding="utf-8")
    for n in range(groups):
        spec = GroupSpec(
            slug=f"group-{n:04d}",
            module_id="giving-feedback",
            roster=roster,
            session1="2026-12-01T14:00",
            session2="2026-12-29T14:00",
            timezone="Europe/Berlin",
            allow_past=True,
        )
        vault = create_group(home, spec, "bench passphrase", KdfParams(1024, 1, 1))
        if n % 3 == 0:
            present = {email: email != MEMBERS[-1] for email in MEMBERS}
            state = {"present": present, "facilitator": MEMBERS[0], "facilitation_recorded": True}
            vault.save_session_state("1", state)
            vault.update_info(session1_held=True)
        if n % 10 == 0:
            vault.update_info(
                session2_held=True,
                module_rating={"count": 4, "sum": 16},
                next_topic_votes={"active-listening": 3, "delegation": 1},
            )
        if n % 3 == 1:
            with Ledger.locked(home, vault.keys) as ledger:
                for week in (1, 2):
                    for email in MEMBERS:
                        ledger.set_message(
                            f"weekly:{week}:{email}", member=email, kind="weekly", week=week,
                            state="sent",
                        )  # fmt: skip
                ledger.save()
        vault.close()
    return home


def timed(home: Path, *argv: str) -> float:
    start = time.perf_counter()
    subprocess.run(
        [sys.executable, "-c", PROGRAM, "--home", str(home), *argv],
        check=True,
        stdout=subprocess.DEVNULL,
    )
    return time.perf_counter() - start


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--groups", type=int, default=500, help="groups to generate (default 500)")
    parser.add_argument("--runs", type=int, default=5, help="runs of each command (default 5)")
    args = parser.parse_args()
    commands = {
        "plg group list": ("group", "list"),
        "plg report": ("report",),
        "plg report --format html": ("report", "--format", "html"),
    }
    with tempfile.TemporaryDirectory(prefix="plg-bench-report-") as root:
        started = time.perf_counter()
        home = make_home(Path(root), args.groups)
        print(f"generated {args.groups} groups in {time.perf_counter() - started:.1f} s")
        for argv in commands.values():  # warm the file cache once
            timed(home, *argv)
        times: dict[str, list[float]] = {name: [] for name in commands}
        for _ in range(args.runs):
            for name, argv in commands.items():
                times[name].append(timed(home, *argv))
    medians = {name: statistics.median(values) for name, values in times.items()}
    for name, values in times.items():
        print(
            f"{name:<26} median {medians[name] * 1000:8.1f} ms"
            f"  (min {min(values) * 1000:.1f}, max {max(values) * 1000:.1f}, n={len(values)})"
        )
    base = medians["plg group list"]
    for name in ("plg report", "plg report --format html"):
        print(f"ratio {name} / plg group list: {medians[name] / base:.2f}x")
    return 0


if __name__ == "__main__":
    sys.exit(main())
