"""Benchmark: the companion's send path against a raw aiosmtplib loop and naive smtplib.

2,000 members' weekly emails go to a local aiosmtpd sink (a separate process). Measured in
the same run, over the same number of connections:

- companion: `send_due` end to end (plan, render, ledger marked "sending" in batches, send,
  ledger marked "sent"), for one group of 2,000 members;
- raw: the same messages, pre-rendered, sent by a bare aiosmtplib loop, twice: with
  `send_message` on EmailMessage objects (the usual way), and with `sendmail` on the exact
  pre-rendered bytes (nothing left to do but talk SMTP);
- naive: smtplib, one connection per message (a sample, extrapolated to msg/s).

Prints messages per second of each, the companion/raw ratio (target >= 0.8) and the
speed-up over naive smtplib. Usage: python bench/send.py [--members 2000] [--connections 4]
"""

from __future__ import annotations

import argparse
import asyncio
import smtplib
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import aiosmtplib

from companion.outbound.ledger import ledger_path
from companion.outbound.outbound_settings import load_outbound_settings
from companion.outbound.outbox import send_due
from companion.outbound.plan import compose_wire, load_group, new_message_id, plan_group
from plg_tui.core.groups import GroupSpec, create_group, open_for_operations
from plg_tui.core.home import init_home
from plg_tui.core.settings import load_settings
from plg_tui.vault.crypto import KdfParams
from plg_tui.vault.paths import DataHome
from plg_tui.vault.records import Member

SINK = r"""
import sys, time, threading
from aiosmtpd.controller import Controller
class Sink:
    count = 0
    async def handle_DATA(self, server, session, envelope):
        Sink.count += 1
        return "250 2.0.0 OK"
controller = Controller(Sink(), hostname="127.0.0.1", port=int(sys.argv[1]))
controller.start()
print("ready", flush=True)
sys.stdin.read()
controller.stop()
"""

SESSION1, SESSION2 = "2026-12-01T14:00", "2026-12-29T14:00"
WEEK1 = datetime(2026, 12, 2, 12, tzinfo=UTC)


def free_port() -> int:
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def make_home(root: Path, members: int, port: int, connections: int) -> Path:
    home = root / "home"
    init_home(home)
    roster = root / "roster.csv"
    roster.write_text(
        "name,email,title,level,reports_to,department,timezone\n"
        + "".join(
            f"Member {i},m{i}@example.org,Manager,5,boss{i}@example.org,Dept,UTC\n"
            for i in range(3)
        )
    )
    spec = GroupSpec(
        "bench", "giving-feedback", roster, SESSION1, SESSION2, timezone="UTC", allow_past=True
    )
    vault = create_group(home, spec, "bench passphrase", KdfParams(1024, 1, 1))
    # A real group has 3-6 members; one big roster exercises the batching in one ledger.
    vault.set_members(
        [
            Member(
                name=f"Member Nümber {i}",
                email=f"member{i}@example.org",
                level=5,
                title="Manager",
                reports_to=f"boss{i}@example.org",
                department="Dept",
                timezone="UTC",
            )
            for i in range(members)
        ]
    )
    vault.record_pairing(
        [[f"member{i}@example.org", f"member{i + 1}@example.org"] for i in range(0, members, 2)],
        "bench",
    )
    vault.close()
    (home / "plg.toml").write_text(
        '[email]\nfrom = "Peer Learning <plg@example.org>"\nreply_to = "journal@example.org"\n'
        f'[smtp]\nhost = "127.0.0.1"\nport = {port}\nsecurity = "none"\n'
        f"connections = {connections}\n"
    )
    return home


def prerendered(home: Path):
    outbound = load_outbound_settings(load_settings(home))
    group = load_group(home, "bench")
    return [
        compose_wire(
            group,
            outbound.email,
            m,
            message_id=new_message_id(group, outbound.email, m),
            now=WEEK1,
        )
        for m in plan_group(group, outbound.schedule)
        if m.kind == "weekly" and m.week == 1
    ]


async def raw_loop(messages, port: int, connections: int, *, as_bytes: bool) -> float:
    shares = [messages[i::connections] for i in range(connections)]

    async def one(share) -> None:
        client = aiosmtplib.SMTP(hostname="127.0.0.1", port=port, start_tls=False)
        await client.connect()
        for message in share:
            if as_bytes:
                await client.sendmail(message.sender, list(message.recipients), message.data)
            else:
                await client.send_message(message)
        await client.quit()

    start = time.perf_counter()
    await asyncio.gather(*(one(share) for share in shares))
    return time.perf_counter() - start


def fresh_ledger(home: Path) -> None:
    """Start a run from no ledger: remove it and its generation record (else plg refuses the
    missing ledger as a rollback)."""
    ledger_path(home, "bench").unlink(missing_ok=True)
    DataHome(home).group("bench").seen.unlink(missing_ok=True)


async def companion_run(home: Path) -> tuple[float, int]:
    fresh_ledger(home)
    outbound = load_outbound_settings(load_settings(home))
    start = time.perf_counter()
    report = await send_due(home, outbound, WEEK1, out=lambda line: None)
    elapsed = time.perf_counter() - start
    return elapsed, report.groups[0].sent


def naive(messages, port: int) -> float:
    start = time.perf_counter()
    for message in messages:
        with smtplib.SMTP("127.0.0.1", port) as client:
            client.send_message(message)
    return time.perf_counter() - start


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--members", type=int, default=2000)
    parser.add_argument("--connections", type=int, default=4)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--naive-sample", type=int, default=200)
    args = parser.parse_args()

    port = free_port()
    sink = subprocess.Popen(
        [sys.executable, "-c", SINK, str(port)],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert sink.stdout is not None
        assert sink.stdout.readline().strip() == "ready"
        with tempfile.TemporaryDirectory() as tmp:
            home = make_home(Path(tmp), args.members, port, args.connections)
            wires = prerendered(home)
            emails = [wire.as_email() for wire in wires]
            # Message count sanity: every member's week-1 email, nothing else.
            assert len(wires) == args.members, len(wires)
            # The group's pairing introductions are due too; mark them sent so both sides
            # send exactly the same 2,000 weekly emails.
            keys_vault = open_for_operations(home, "bench")
            keys = keys_vault.keys
            keys_vault.close()
            raw_times, bytes_times, ours_times = [], [], []
            for _ in range(args.rounds):
                raw_times.append(
                    asyncio.run(raw_loop(emails, port, args.connections, as_bytes=False))
                )
                bytes_times.append(
                    asyncio.run(raw_loop(wires, port, args.connections, as_bytes=True))
                )
                elapsed, sent = asyncio.run(companion_run_weekly_only(home, keys))
                assert sent == args.members, sent
                ours_times.append(elapsed)
            sample = emails[: args.naive_sample]
            naive_time = naive(sample, port)
    finally:
        if sink.stdin:
            sink.stdin.close()
        sink.wait(timeout=10)

    raw_rate = args.members / min(raw_times)
    bytes_rate = args.members / min(bytes_times)
    ours_rate = args.members / min(ours_times)
    naive_rate = len(sample) / naive_time
    print(f"members: {args.members}, connections: {args.connections}, best of {args.rounds}")
    print(f"raw aiosmtplib send_message loop (pre-rendered): {raw_rate:8.0f} msg/s")
    print(f"raw aiosmtplib sendmail loop (pre-encoded bytes): {bytes_rate:8.0f} msg/s")
    print(f"companion send_due (plan+render+ledger+send):    {ours_rate:8.0f} msg/s")
    print(f"naive smtplib, connect per message:              {naive_rate:8.0f} msg/s")
    print(f"ratio companion/raw send_message: {ours_rate / raw_rate:.2f} (target >= 0.8)")
    print(f"ratio companion/raw bytes:        {ours_rate / bytes_rate:.2f}")
    print(f"speed-up over naive smtplib: {ours_rate / naive_rate:.1f}x")
    return 0


async def companion_run_weekly_only(home: Path, keys) -> tuple[float, int]:
    """A run at week 1 with the pairing introductions already recorded as sent."""
    from companion.outbound.ledger import Ledger

    fresh_ledger(home)
    with Ledger.locked(home, keys) as ledger:
        for email in load_group(home, "bench").members:
            ledger.set_message(
                f"pairing:0:{email}", member=email, kind="pairing", week=0, state="sent"
            )
        ledger.save()
    outbound = load_outbound_settings(load_settings(home))
    start = time.perf_counter()
    report = await send_due(home, outbound, WEEK1, out=lambda line: None)
    elapsed = time.perf_counter() - start
    return elapsed, report.groups[0].sent


if __name__ == "__main__":
    sys.exit(main())
