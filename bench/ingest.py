"""Ingest 5,000 replies from a Maildir; compare with only parsing the same messages.

    .venv/bin/python bench/ingest.py [--count 5000] [--hostile-bytes 1048576] [--hostile-only]

Prints replies per second for the whole path (parse, route and verify the token, clean the
text, seal it, write one file atomically with fsync, move new/ -> cur/) against reading and
parsing the same files with `email.message_from_bytes`, in the same run, and the ratio.

Then the hostile replies: one message each, as large as the ingester accepts (1 MiB), whose
text is one long line, a run of ">" quote markers, 100,000 short lines, or hostile HTML
(deep nesting, a huge attribute, unclosed tags and comments). Each goes the whole path
once and its time is printed; the target is under 1 s each.
"""

from __future__ import annotations

import argparse
import email
import os
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from companion.inbound.inbound_message import MAX_MESSAGE_BYTES
from companion.inbound.ingester import Ingester
from companion.inbound.local_sources import ingest_maildir
from companion.tokens import make_token
from plg_tui.core.groups import GroupSpec, create_group
from plg_tui.core.home import init_home
from plg_tui.vault.crypto import KdfParams
from plg_tui.vault.keys import load_operations_keys

SAMPLES = Path(__file__).resolve().parent.parent / "tests" / "companion" / "messages"
REPLIES = (
    "gmail_reply.eml",
    "outlook_desktop.eml",
    "iphone_reply.eml",
    "thunderbird_signature.eml",
    "html_only_list.eml",
    "with_attachment.eml",
)
ROSTER = (
    "name,email,title,level,reports_to,department,timezone\n"
    "Ada Lovelace,ada@example.org,Engineering Manager,5,cto@example.org,Eng,Europe/London\n"
    "Grace Hopper,grace@example.org,Engineering Manager,5,cto@example.org,Eng,America/New_York\n"
    "Linus Park,linus@example.org,QA Lead,5,vpq@example.org,Quality,Asia/Tokyo\n"
    "Mei Chen,mei@example.org,Operations Manager,5,coo@example.org,Ops,Asia/Kolkata\n"
    "Tomás Ruiz,tomas@example.org,Support Manager,5,coo@example.org,Support,Europe/Madrid\n"
)
MEMBERS = ("ada", "grace", "linus", "mei", "tomas")
HOSTILE_TARGET_SECONDS = 1.0
# (name, content type, the repeated unit, what opens and closes the body); "header" puts
# the unit in the Subject and References headers instead, with a one-line body
HOSTILE_CASES = (
    ("single line", "plain", "a", ("", "")),
    ("single line of word.dots", "plain", "a.", ("", "")),
    ("> quote markers", "plain", ">", ("", "")),
    ("~100,000 short lines", "plain", "a b c d e\n", ("", "")),
    ("html deep nesting", "html", "<div>", ("", "")),
    ("html one huge attribute", "html", "a", ('<a href="', '">x</a>')),
    ("html unclosed tags", "html", "<a ", ("", "")),
    ("html unclosed comments", "html", "<!--", ("<p>", "")),
    ("html 350,000 empty tags", "html", "<p>", ("", "")),
    ("html one tag, many attributes", "html", "b=c ", ("<a ", ">x")),
    ("html 1 MiB pre", "html", "a\n", ("<pre>", "")),
    ("encoded-word headers", "header", "=?utf-8?q?a?= ", ("", "")),
    ("unclosed encoded-word headers", "header", "=?u?q?", ("", "")),
    ("address-like headers", "header", "<a@", ("", "")),
)


def build(root: Path, count: int) -> tuple[Path, Path]:
    home = root / "home"
    init_home(home)
    roster = root / "roster.csv"
    roster.write_text(ROSTER, encoding="utf-8")
    spec = GroupSpec(
        slug="bench",
        module_id="giving-feedback",
        roster=roster,
        session1="2026-12-01T14:00",
        session2="2026-12-29T14:00",
        timezone="Europe/Berlin",
        allow_past=True,
    )
    # a cheap KDF: only unlocking by passphrase uses it, and ingesting never does
    create_group(home, spec, "bench passphrase 1", kdf=KdfParams(1024, 1, 1)).close()
    keys = load_operations_keys(home, "bench")
    maildir = root / "Maildir"
    for sub in ("new", "cur", "tmp"):
        (maildir / sub).mkdir(parents=True)
    templates = [(SAMPLES / name).read_text(encoding="utf-8") for name in REPLIES]
    for index in range(count):
        member = f"{MEMBERS[index % len(MEMBERS)]}@example.org"
        week = 1 + index % 4
        token = make_token(keys, member, week, (datetime.now(UTC) + timedelta(days=30)).date())
        text = (
            templates[index % len(templates)]
            .replace("@@MSGID@@", f"{token}.{index:08x}@example.org")
            .replace("@@TOKEN@@", token)
            .replace("@@FROM@@", member)
        )
        # each reply its own Message-ID (or, where the sample has none, its own body)
        text = text.replace("Message-ID: <", f"Message-ID: <{index}.", 1).replace(
            "Message-Id: <", f"Message-Id: <{index}.", 1
        )
        (maildir / "new" / f"{1_800_000_000 + index}.M{index}P1.bench").write_text(
            text, encoding="utf-8"
        )
    return home, maildir


def parse_only(maildir: Path) -> float:
    started = time.perf_counter()
    for name in sorted(os.listdir(maildir / "new")):
        with open(maildir / "new" / name, "rb") as handle:
            email.message_from_bytes(handle.read())
    return time.perf_counter() - started


def hostile_message(
    token: str, index: int, kind: str, unit: str, ends: tuple[str, str], size: int
) -> bytes:
    if kind == "header":
        head = hostile_message(token, index, "plain", "Fine.", ends, 1024)
        room = (size - len(head)) // 2 - 40
        unit_run = (unit * (room // len(unit) + 1))[:room].encode()
        return b"Subject: " + unit_run + b"\r\nReferences: " + unit_run + b"\r\n" + head
    head = (
        f"From: ada@example.org\r\nTo: journal+{token}@example.org\r\n"
        f"Message-ID: <hostile.{index}@example.org>\r\nDate: Tue, 8 Dec 2026 18:41:57 +0100\r\n"
        f"Subject: Re: week 1\r\nMIME-Version: 1.0\r\n"
        f"Content-Type: text/{kind}; charset=utf-8\r\nContent-Transfer-Encoding: 8bit\r\n\r\n"
    ).encode()
    opening, closing = (part.encode() for part in ends)
    room = size - len(head) - len(opening) - len(closing)
    body = (unit.encode() * (room // len(unit) + 1))[:room]
    return head + opening + body + closing


def hostile(size: int) -> list[tuple[str, float, str]]:
    """(case, seconds, outcome) for each hostile reply of `size` bytes, whole path, one by one."""
    timings = []
    with tempfile.TemporaryDirectory(prefix="plg-bench-hostile-") as folder:
        home, _ = build(Path(folder), 0)
        token = make_token(
            load_operations_keys(home, "bench"),
            "ada@example.org",
            1,
            (datetime.now(UTC) + timedelta(days=30)).date(),
        )
        ingester = Ingester(
            home, now=datetime.now(UTC), source="maildir", acknowledge=False, log=lambda _: None
        )
        # the first message pays for opening the group's files: not part of any case
        ingester.receive(hostile_message(token, -1, "plain", "Fine.", ("", ""), 1024))
        for index, (name, kind, unit, ends) in enumerate(HOSTILE_CASES):
            raw = hostile_message(token, index, kind, unit, ends, size)
            started = time.perf_counter()
            outcome = ingester.receive(raw)
            timings.append((name, time.perf_counter() - started, outcome.action))
    return timings


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=5000)
    parser.add_argument("--hostile-bytes", type=int, default=MAX_MESSAGE_BYTES)
    parser.add_argument("--hostile-only", action="store_true")
    args = parser.parse_args()
    if not args.hostile_only and throughput(args.count):
        return 1
    print(f"hostile replies, {args.hostile_bytes} bytes each, whole path:")
    for name, seconds, action in hostile(args.hostile_bytes):
        over = "  OVER TARGET" if seconds > HOSTILE_TARGET_SECONDS else ""
        print(f"  {name:28s} {seconds:8.3f} s  ({action}){over}", flush=True)
    return 0


def throughput(count: int) -> int:
    with tempfile.TemporaryDirectory(prefix="plg-bench-ingest-") as folder:
        home, maildir = build(Path(folder), count)
        parse_seconds = parse_only(maildir)
        ingester = Ingester(
            home, now=datetime.now(UTC), source="maildir", acknowledge=False, log=lambda _: None
        )
        started = time.perf_counter()
        result = ingest_maildir(ingester, maildir)
        ingest_seconds = time.perf_counter() - started
        placed = result.counts.get("placed", 0)
        if placed != count or result.handled != count:
            print(f"unexpected result: {result.summary()}", file=sys.stderr)
            return 1
    parse_rate = count / parse_seconds
    ingest_rate = count / ingest_seconds
    print(f"replies:             {count}")
    print(f"parse only:          {parse_rate:10.0f} messages/s  ({parse_seconds:.2f} s)")
    print(f"ingest (sealed):     {ingest_rate:10.0f} replies/s   ({ingest_seconds:.2f} s)")
    print(f"ratio ingest/parse:  {ingest_rate / parse_rate:10.3f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
