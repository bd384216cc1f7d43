"""A whole programme, end to end, with faults (issue 6).

Real programs and real servers: `plg init` / `plg group create` / `plg group purge` as
subprocesses, session 1 in the session app (Pilot), the practice month as hourly
`plg-companion run --now` steps (in-process `main`, one subprocess SIGKILLed mid-batch) against
aiosmtpd and Dovecot, members replying from Gmail/Outlook/Apple Mail, session 2 in a real
terminal (tmux) killed mid-round and resumed.

Product findings are collected with `expect` and asserted together at the end, so one broken
promise does not hide the others; the test fails while any is broken.
"""

from __future__ import annotations

import os
import re
import shutil
import signal
import subprocess
import sys
import time
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from email import policy
from email.parser import BytesParser
from email.utils import getaddresses
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from companion.outbound.quiet_hours import in_quiet_hours, out_of_quiet_hours
from companion.outbound.schedule import Recipient, ScheduleSettings, plan
from plg_tui.vault.keys import load_operations_keys
from tests.app.helpers import next_phase
from tests.calendar_checks import check_invitation
from tests.companion.conftest_imap import dovecot  # noqa: F401 - fixture
from tests.companion.imap_server import CuttingProxy
from tests.companion.list_header_checks import header_problems
from tests.conftest import require_tool
from tests.e2e.harness import (
    Arrival,
    MailClient,
    Member,
    ProgrammeClock,
    RestartableSmtp,
    StampingHandler,
    enospc_under,
    find_markers,
    run_companion,
)

# realclock: its Dovecot, IMAP proxy and tmux terminal time out under libfaketime's clock
pytestmark = [pytest.mark.slow, pytest.mark.realclock]

BIN = Path(sys.executable).parent
PLG, COMPANION = str(BIN / "plg"), str(BIN / "plg-companion")
SLUG = "prog"
PASSPHRASE = "harbour tundra pencil violet 7"
BERLIN = "Europe/Berlin"
SESSION1 = datetime(2026, 10, 22, 14, 0, tzinfo=ZoneInfo(BERLIN))  # Thu, EU DST ends 25 Oct
SESSION2 = datetime(2026, 11, 19, 14, 0, tzinfo=ZoneInfo(BERLIN))  # 4 weeks; US DST ends 1 Nov
SMTP_DOWN = datetime(2026, 10, 30, 0, 0, tzinfo=UTC)  # week 2, 30 hours
SMTP_UP = SMTP_DOWN + timedelta(hours=30)
WEEK1_REPLIES_AT = datetime(2026, 10, 24, 8, 0, tzinfo=UTC)  # delivered together: IMAP cut
DISK_FULL_AT = datetime(2026, 11, 10, 2, 0, tzinfo=UTC)  # nothing due that hour
HOUR = timedelta(hours=1)
UNSUBSCRIBE_URL = "https://plg.example.org/unsubscribe"

MEMBERS = [
    Member("Ilse Quandtmark", "ilse@example.org", BERLIN, "gmail", "de"),
    Member("Jonas Vreeling", "jonas@example.org", BERLIN, "outlook", "de"),
    Member("Kara Winslowe", "kara@example.org", "America/New_York", "apple", "en"),
    Member("Luis Oberfeldt", "luis@example.org", "America/New_York", "gmail", "en"),
    Member("Meera Thakkarsh", "meera@example.org", "Asia/Kolkata", "outlook", "en"),
]
BY_EMAIL = {m.email: m for m in MEMBERS}
ABSENT = "luis@example.org"  # misses session 1
STOPPER = "kara@example.org"  # replies STOP to week 3
OUT_OF_OFFICE = ("luis@example.org", 2)
FORGED_FOR = ("meera@example.org", 1)
# member -> weeks answered with a genuine journal entry
GENUINE = {
    "ilse@example.org": (1, 2, 3, 4),
    "jonas@example.org": (1, 2, 3, 4),
    "kara@example.org": (1, 2),
    "luis@example.org": (1, 3),
    "meera@example.org": (1, 2, 3, 4),
}
REPLY_DELAY_HOURS = {m.email: 2 + i for i, m in enumerate(MEMBERS)}
INTRO_REPLIER = "jonas@example.org"  # answers the introduction with Reply all (Outlook)
# the midway "have you and your partner met?": who answers what (Kara and Luis do not)
PARTNER_CHECK_ANSWERS = {
    "ilse@example.org": "Ja, letzte Woche!",
    "jonas@example.org": "noch nicht",
    "meera@example.org": "Yes, on Tuesday",
}


class Findings:
    """Product promises checked along the way; the test fails at the end if any broke."""

    def __init__(self) -> None:
        self.broken: list[str] = []

    def expect(self, condition: object, message: str) -> bool:
        if not condition:
            self.broken.append(message)
        return bool(condition)


class SessionClock:
    """Monotonic seconds moved by the test; `wall` follows from a fixed programme instant."""

    def __init__(self, wall_start: datetime) -> None:
        self.now = 1000.0
        self.start = self.now
        self.wall_start = wall_start.timestamp()

    def __call__(self) -> float:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += seconds

    def wall(self) -> float:
        return self.wall_start + (self.now - self.start)


def marker(tag: str) -> str:
    return f"MK{tag}{uuid.uuid4().hex[:10].upper()}"


def kind_of(arrival: Arrival) -> tuple[str, int]:
    subject = str(arrival.message["Subject"])
    if m := re.match(r"Week (\d) of 4", subject):
        return "weekly", int(m.group(1))
    if "practice partner" in subject:
        return "pairing", 0
    if subject.endswith("met yet?"):
        return "partner_check", 2
    if subject.startswith("Your reply went to the companion"):
        return "intro_hint", 0
    if subject.startswith("Session 2 of"):
        return "reminder", 0
    if m := re.match(r"Saved: your journal entry(?: for week (\d))?", subject):
        return "ack", int(m.group(1) or 0)
    if subject.startswith("Paused:"):
        return "stop_confirm", 0
    if m := re.match(r"Invitation: .*, session (\d),", subject):
        return "invitation", int(m.group(1))
    return "unknown:" + subject, 0


def run_program(*args: str, env: dict[str, str] | None = None, timeout: float = 60):
    return subprocess.run(
        list(args), capture_output=True, text=True, timeout=timeout, env=env or dict(os.environ)
    )


@dataclass
class Scene:
    home: Path
    temp: Path
    findings: Findings
    markers: list[str]

    def scan(self, phase: str, *more: Path) -> None:
        """Markers in the data home, the temp dir, and `more` (the mail store, once every
        reply has been ingested)."""
        leaks = find_markers(self.markers, self.home, self.temp, *more)
        self.findings.expect(
            not leaks,
            f"{phase}: confidential text readable on disk: "
            + ", ".join(sorted({f"{p.relative_to(p.anchor)} ({m[:6]}…)" for p, m in leaks})[:5]),
        )


# -- session 1 in the session app ---------------------------------------------------------------


async def run_session1(home: Path, findings: Findings, markers: list[str]) -> None:
    from plg_tui.app.app import PlgApp
    from plg_tui.app.screens.agenda import AgendaScreen
    from plg_tui.app.screens.close_session1 import CloseSession1Screen
    from plg_tui.app.screens.lobby import LobbyScreen

    clock = SessionClock(SESSION1)
    app = PlgApp(
        home, SLUG, kind="1", passphrase=PASSPHRASE, clock=clock, wall=clock.wall, rng_seed=3
    )
    present = [m.email for m in MEMBERS if m.email != ABSENT]
    async with app.run_test(size=(100, 30)) as pilot:
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert isinstance(app.screen, LobbyScreen)
        absent_row = [m.email for m in MEMBERS].index(ABSENT)
        await pilot.press(*["down"] * absent_row, "space", *["up"] * absent_row)
        for member in MEMBERS:
            if member.email != ABSENT:
                await pilot.press("a")
            await pilot.press("down")
        await pilot.press("s")
        await pilot.pause()
        assert isinstance(app.screen, AgendaScreen)
        model = app.controller.model
        assert model.rounds[0].members == present

        # Check-in round: each present member speaks a minute
        await pilot.press("space")
        for _ in present:
            clock.advance(60)
            await pilot.press("n")
        clock.advance(30)
        await next_phase(pilot)
        assert model.phase.captures == "challenge"
        timer = model.round
        await pilot.press("space")
        for email in present:
            assert timer.current.member == email
            clock.advance(150)
            await pilot.press("c")
            await pilot.pause()
            challenge = marker("CH")
            markers.append(challenge)
            app.screen.query_one("#capture-member").value = email
            app.screen.query_one("#capture-text").value = f"My challenge: {challenge}"
            await pilot.press("enter", "escape")
            await pilot.pause()
            await pilot.press("n")
        findings.expect(
            timer.slots[0].used == 150.0, "session 1: the round timer did not follow the clock"
        )
        while model.phase.captures != "commitment":
            clock.advance(60)
            await next_phase(pilot)
        await pilot.press("c")
        await pilot.pause()
        for email in present:
            commitment = marker("CO")
            markers.append(commitment)
            app.screen.query_one("#capture-kind").value = "commitment"
            app.screen.query_one("#capture-member").value = email
            app.screen.query_one("#capture-text").value = f"I will {commitment}"
            await pilot.press("enter")
            await pilot.pause()
        await pilot.press("escape")
        for _ in range(10):
            if isinstance(app.screen, CloseSession1Screen):
                break
            clock.advance(60)
            await next_phase(pilot)
        assert isinstance(app.screen, CloseSession1Screen)
        pairs = [list(g) for g in model.pairs]
        placed = sorted(e for g in pairs for e in g)
        findings.expect(
            sorted(len(g) for g in pairs) == [2, 3] and placed == sorted(BY_EMAIL),
            "session 1 close: the pairs suggested for four present members and one absent "
            f"should be a trio and a pair covering all five; got {pairs}",
        )
        await pilot.press("d")
        app.screen.query_one("#date-input").value = SESSION2.strftime("%Y-%m-%dT%H:%M")
        await pilot.press("enter", "f")
        await pilot.pause()


# -- the scenario ---------------------------------------------------------------------------------


def test_a_whole_programme_with_faults(
    tmp_path: Path,
    isolated_environment: Path,
    dovecot,  # noqa: F811
) -> None:
    import asyncio

    require_tool(shutil.which("tmux") is not None, "tmux")
    started = time.monotonic()
    home = isolated_environment
    temp = Path(os.environ["TMPDIR"])
    inputs = tmp_path / "inputs"  # the champion's own files, outside the data home
    inputs.mkdir()
    findings = Findings()
    markers = [m.name for m in MEMBERS] + [m.name.split()[1] for m in MEMBERS]
    scene = Scene(home, temp, findings, markers)

    # 1. plg init, settings, plg group create (real programs) -------------------------------
    done = run_program(PLG, "--home", str(home), "init")
    assert done.returncode == 0, done.stderr
    handler = StampingHandler()
    clock = ProgrammeClock(SESSION1)
    handler.clock = clock
    smtp = RestartableSmtp(handler)
    proxy = CuttingProxy(dovecot.imaps_port)
    (inputs / "imap-password").write_text(dovecot.password)
    settings = (home / "plg.toml").read_text()
    settings = settings.replace(
        "[email]\n",
        '[email]\nfrom = "Peer Learning <plg@example.org>"\nreply_to = "journal@example.org"\n'
        f'unsubscribe_url = "{UNSUBSCRIBE_URL}"\n',
        1,
    )
    settings = settings.replace("[smtp]\n", smtp.toml(connections=1), 1)
    settings = settings.replace(
        "[imap]\n",
        "[imap]\n"
        f'host = "127.0.0.1"\nport = {proxy.port}\nsecurity = "tls"\n'
        f'username = "{dovecot.username}"\npassword_file = "{inputs / "imap-password"}"\n'
        f'ca_file = "{dovecot.cert}"\ntimeout = 5\n',
        1,
    )
    (home / "plg.toml").write_text(settings)
    roster = inputs / "roster.csv"
    roster.write_text(
        "name,email,title,level,reports_to,department,timezone\n"
        + "".join(
            f"{m.name},{m.email},Team Lead,4,boss{i}@example.org,Dept {i},{m.timezone}\n"
            for i, m in enumerate(MEMBERS)
        ),
        encoding="utf-8",
    )
    (inputs / "passphrase").write_text(PASSPHRASE + "\n")
    done = run_program(
        PLG, "--home", str(home), "group", "create", SLUG, "--module", "giving-feedback",
        "--roster", str(roster), "--session1", SESSION1.strftime("%Y-%m-%dT%H:%M"),
        "--session2", SESSION2.strftime("%Y-%m-%dT%H:%M"), "--timezone", BERLIN, "--allow-past",
        "--passphrase-file", str(inputs / "passphrase"),
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    scene.scan("after group create")

    # 2. session 1 in the session app -----------------------------------------------------------
    asyncio.run(run_session1(home, findings, markers))
    scene.scan("after session 1")

    from plg_tui.vault.group import GroupVault, iter_entries, open_entry
    from plg_tui.vault.keys import unlock
    from plg_tui.vault.paths import INBOX, QUARANTINE

    keys = unlock(home, SLUG, PASSPHRASE)
    vault = GroupVault(home, keys)
    info = vault.info()
    findings.expect(info.session1_held is True, "session 1 was not recorded as held")
    findings.expect(
        info.session2 == SESSION2.strftime("%Y-%m-%dT%H:%M"),
        f"session 2 date not confirmed: {info.session2}",
    )
    findings.expect(
        len(vault.items(kind="challenge", session="1")) == 4
        and len(vault.items(kind="commitment", session="1")) == 4,
        "session 1: four challenges and four commitments should be sealed in the vault",
    )
    vault.close()

    # 3. the practice month: hourly companion runs, members replying, faults ------------------
    expected = plan(
        SESSION1, SESSION2, [Recipient(m.email, m.timezone) for m in MEMBERS], ScheduleSettings()
    )
    for message in expected:
        if message.kind == "weekly":
            local = message.send_at.astimezone(ZoneInfo(BY_EMAIL[message.member].timezone))
            assert (local.hour, local.minute) == (9, 0), message  # DST-proof plan

    mail = MailClient(dovecot.append)
    pending: list[tuple[datetime, object]] = []  # (deliver at, action)
    seen_arrivals = 0
    stop_sent_at: datetime | None = None
    imap_cut_checked = False
    kill_done = False
    uncertain_report = ""
    imap_baseline = 0
    steps = 0

    def reply_text(member: str, week: int) -> str:
        tag = marker(f"J{member[:2].upper()}{week}")
        markers.append(tag)
        return (
            f"This week I tried the opening twice. {tag} The second time felt easier.\n\n"
            "Next week I want to ask more questions first."
        )

    def plan_introduction_reply(arrival: Arrival) -> None:
        """The partner's answer goes to the partners (Reply-To); the Reply-all copy that
        reaches the companion must become a hint, never a journal entry."""
        original, who = arrival.message, BY_EMAIL[arrival.recipient]
        tag = marker("INTRO")
        markers.append(tag)
        text = f"Thursday 16:00 my time for our first call? {tag}"
        written = BytesParser(policy=policy.SMTP).parsebytes(
            mail.compose(who, original, text, clock.now)
        )
        to = {a.lower() for _, a in getaddresses([str(written["To"])])}
        findings.expect(
            to == {a.lower() for _, a in getaddresses([str(original["Reply-To"])])}
            and to.isdisjoint({"plg@example.org", "journal@example.org", who.email})
            and len(to) >= 1,
            f"a reply to the introduction should go to the partners only, went to {sorted(to)}",
        )
        pending.append(
            (clock.now + timedelta(hours=1), lambda: mail.reply_all(who, original, text, clock.now))
        )

    def plan_replies(arrival: Arrival) -> None:
        kind, week = kind_of(arrival)
        member = arrival.recipient
        if kind == "pairing" and member == INTRO_REPLIER:
            plan_introduction_reply(arrival)
        if kind == "partner_check" and member in PARTNER_CHECK_ANSWERS:
            tag = marker("PC")  # the words must never be stored anywhere
            markers.append(tag)
            answer = f"{PARTNER_CHECK_ANSWERS[member]} {tag}"
            who, original = BY_EMAIL[member], arrival.message
            at = clock.now + timedelta(hours=REPLY_DELAY_HOURS[member])
            pending.append(
                (at, lambda: mail.reply(who, original, answer, clock.now, None, "partner-check"))
            )
        if kind != "weekly":
            return
        at = clock.now + timedelta(hours=REPLY_DELAY_HOURS[member])
        if week == 1:
            at = max(at, WEEK1_REPLIES_AT)
        original = arrival.message
        who = BY_EMAIL[member]
        if week in GENUINE[member]:
            text = reply_text(member, week)
            pending.append((at, lambda: mail.reply(who, original, text, clock.now, week)))
        if (member, week) == OUT_OF_OFFICE:
            ooo = marker("OOO")
            markers.append(ooo)
            pending.append(
                (
                    clock.now + timedelta(hours=1),
                    lambda: mail.out_of_office(
                        who, original, f"I am out of the office until Monday. {ooo}", clock.now
                    ),
                )
            )
        if (member, week) == FORGED_FOR:
            forged = marker("FORGE")
            markers.append(forged)
            pending.append(
                (
                    at,
                    lambda: mail.forged(
                        who, original, f"Meera is doing badly. {forged}", clock.now,
                        sender="mallory@elsewhere.example",
                    ),
                )
            )  # fmt: skip
        if member == STOPPER and week == 3:
            pending.append((at, lambda: mail.reply(who, original, "STOP", clock.now, 3, "stop")))

    for now in clock.hours_until(SESSION2.astimezone(UTC) + timedelta(hours=2)):
        steps += 1
        # members' mail programs
        for item in [p for p in pending if p[0] <= now]:
            pending.remove(item)
            sent = item[1]()
            if sent.kind == "stop":
                stop_sent_at = now
        # faults
        if now == SMTP_DOWN:
            smtp.down()
        if now == SMTP_UP:
            smtp.up()
        if not kill_done and now == SESSION1.astimezone(UTC) + timedelta(hours=2):
            # the pairing batch: SIGKILL the real program once the server has a message
            kill_done = True
            before = handler.count()
            handler.hold_after_accept = 1.0
            process = subprocess.Popen(
                [COMPANION, "--home", str(home), "run", "--now", now.isoformat()],
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
            )
            deadline = time.monotonic() + 30
            while handler.count() == before and time.monotonic() < deadline:
                time.sleep(0.02)
            time.sleep(0.2)
            process.send_signal(signal.SIGKILL)
            process.wait()
            handler.hold_after_accept = 0.0
            killed_batch = handler.count() - before
            assert 1 <= killed_batch <= 2, f"the kill landed after {killed_batch} messages"
            scene.scan("after the SIGKILLed companion run")
            # the next cron run comes an hour later
            status = run_companion_status(home, now)
            uncertain_report = status
            continue
        if now == WEEK1_REPLIES_AT - timedelta(hours=1):
            # what one run with nothing to fetch reads from the server: the cut goes past it
            proxy.bytes_from_server = 0
            result = run_companion(home, now)
            imap_baseline = proxy.bytes_from_server
        elif now == WEEK1_REPLIES_AT:
            # the IMAP server drops the connection in the middle of fetching the replies
            waiting = len(dovecot.uids("INBOX", "UNSEEN"))
            placed_before = len(list(iter_entries(home, keys, INBOX)))
            proxy.cut_after = imap_baseline + 1500
            result = run_companion(home, now)
            proxy.cut_after = None
            imap_cut_checked = True
            assert waiting >= 5, waiting
            findings.expect(
                result.code == 75 and "will retry" in result.err,
                f"IMAP cut mid-fetch: the run should stop early and retry ({result.err!r})",
            )
            findings.expect(
                proxy.bytes_from_server >= imap_baseline + 1500
                and len(list(iter_entries(home, keys, INBOX))) - placed_before < waiting,
                "IMAP cut mid-fetch: the cut did not land between the first and last reply",
            )
        elif now == DISK_FULL_AT:
            check_disk_full(home, keys, findings, markers)
            ledger = home / "groups" / SLUG / "ledger.db"
            before_ledger = ledger.read_bytes()
            with enospc_under(home) as refused:
                result = run_companion(home, now)
            findings.expect(
                refused and result.code != 0 and "No space left on device" in result.err,
                f"disk full: the companion run should fail clearly ({result.code}, {result.err!r})",
            )
            findings.expect(
                ledger.read_bytes() == before_ledger, "disk full: the ledger was changed"
            )
            scene.scan("after disk full")
        else:
            result = run_companion(home, now)
            if smtp.is_up:
                findings.expect(
                    result.code == 0,
                    f"{now:%m-%d %H:%M}: run exited {result.code}: {result.err.strip()[:200]}",
                )
        # the new arrivals: members read their mail
        with handler.lock:
            new = handler.arrivals[seen_arrivals:]
            seen_arrivals = len(handler.arrivals)
        for arrival in new:
            plan_replies(arrival)
        if steps % (24 * 7) == 0:
            scene.scan(f"practice month, {now:%Y-%m-%d}")
    assert imap_cut_checked
    assert kill_done
    assert not pending
    kinds = [r.kind for r in mail.sent]
    assert kinds.count("genuine") == sum(len(w) for w in GENUINE.values())
    assert kinds.count("stop") == kinds.count("out-of-office") == kinds.count("forged") == 1
    # every reply was ingested, so none is left in the mailbox: Dovecot's store holds no words
    left = dovecot.uids("INBOX")
    findings.expect(not left, f"{len(left)} replies left in the IMAP folder after ingestion")
    assert dovecot.mail_root is not None
    scene.scan("end of the practice month", dovecot.mail_root)
    month_seconds = time.monotonic() - started

    # -- deliveries ------------------------------------------------------------------------
    arrivals = list(handler.arrivals)
    by_key: dict[tuple[str, str, int], list[Arrival]] = {}
    for arrival in arrivals:
        kind, week = kind_of(arrival)
        by_key.setdefault((arrival.recipient, kind, week), []).append(arrival)
    findings.expect(
        not [k for k in by_key if k[1].startswith("unknown")],
        f"unknown messages sent: {[k for k in by_key if k[1].startswith('unknown')]}",
    )
    assert stop_sent_at is not None
    for message in expected:
        got = by_key.get((message.member, message.kind, message.week), [])
        label = f"{message.kind} week {message.week} to {message.member}"
        after_stop = message.member == STOPPER and message.send_at >= stop_sent_at
        if after_stop and message.kind != "reminder":  # STOP pauses practice, not the meeting
            findings.expect(not got, f"{label}: sent after the member replied STOP")
            continue
        if not findings.expect(len(got) == 1, f"{label}: arrived {len(got)} times, not once"):
            continue
        arrival = got[0]
        zone = ZoneInfo(BY_EMAIL[message.member].timezone)
        if message.kind == "weekly" and message.week == 2:
            # late, inside the grace window, and never into the member's night
            latest = out_of_quiet_hours(SMTP_UP, zone, ScheduleSettings())
            findings.expect(
                arrival.at == latest and arrival.at < message.expires_at,
                f"{label}: after the SMTP outage it should go out at {latest:%m-%d %H:%M}Z, "
                f"went at {arrival.at:%m-%d %H:%M}Z",
            )
        else:
            slack = timedelta(hours=2 if message.kind == "pairing" else 1)
            # what the SIGKILLed batch left waits for the member's morning if it is night
            woken = out_of_quiet_hours(message.send_at + slack - HOUR, zone, ScheduleSettings())
            latest = max(message.send_at + slack, woken + HOUR)
            findings.expect(
                message.send_at <= arrival.at < latest,
                f"{label}: due {message.send_at:%m-%d %H:%M}Z, arrived {arrival.at:%m-%d %H:%M}Z",
            )
        date_header = arrival.message["Date"].datetime
        findings.expect(
            date_header == arrival.at,
            f"{label}: Date header {date_header} is not the send time {arrival.at}",
        )
    # New since the invitations: each member's calendar invitation for session 2, once, on the
    # companion's first run (session 1 had been held before it first ran, so none for it).
    for member in BY_EMAIL:
        invitations = by_key.get((member, "invitation", 2), [])
        if findings.expect(len(invitations) == 1, f"{member}: {len(invitations)} invitations"):
            invitation = check_invitation(invitations[0].message)  # type: ignore[arg-type]
            findings.expect(
                invitation.start == SESSION2.astimezone(UTC) and invitation.sequence == 0,
                f"{member}: the invitation is for {invitation.start}, SEQUENCE "
                f"{invitation.sequence}",
            )
    findings.expect(
        not [k for k in by_key if k[1] == "invitation" and k[2] != 2],
        "an invitation for a session already held",
    )
    for member, weeks in GENUINE.items():
        for week in weeks:
            acks = by_key.get((member, "ack", week), [])
            findings.expect(len(acks) == 1, f"ack week {week} to {member}: {len(acks)} sent")
    extra_acks = [k for k in by_key if k[1] == "ack" and k[2] not in GENUINE.get(k[0], ())]
    findings.expect(not extra_acks, f"acknowledgements for no genuine entry: {extra_acks}")
    to_stopper_after = [kind_of(a) for a in handler.to(STOPPER) if a.at >= stop_sent_at]
    findings.expect(
        to_stopper_after == [("stop_confirm", 0), ("reminder", 0)],
        f"after STOP the member should get one confirmation and the session reminder only, "
        f"got {to_stopper_after}",
    )
    for arrival in arrivals:  # a late email waits for the morning; a notice answers at once
        kind, _week = kind_of(arrival)
        local = arrival.at.astimezone(ZoneInfo(BY_EMAIL[arrival.recipient].timezone))
        findings.expect(
            kind in ("ack", "stop_confirm") or not in_quiet_hours(local.hour, ScheduleSettings()),
            f"{kind} to {arrival.recipient} sent at {local:%H:%M} local, in quiet hours",
        )
    findings.expect(
        re.search(r"uncertain: pairing introduction to \S+@example.org", uncertain_report)
        is not None,
        f"status after the SIGKILL should name the uncertain message: {uncertain_report!r}",
    )

    # -- journal -----------------------------------------------------------------------------
    from plg_tui.vault.entries import read_journal

    journal = read_journal(home, keys)
    findings.expect(not journal.damaged, f"damaged journal entries: {journal.damaged!r}")
    entries = journal.entries
    genuine = [r for r in mail.sent if r.kind == "genuine"]
    for reply in genuine:
        matching = [
            (entry, entry.text)
            for entry in entries
            if entry.member == reply.member and entry.week == reply.week
        ]
        findings.expect(
            len(matching) == 1 and matching[0][1].strip() == reply.text.strip(),
            f"journal week {reply.week} of {reply.member}: {len(matching)} entries; "
            f"clean text expected, got {[t[:120] for _m, t in matching]!r}",
        )
    findings.expect(
        len(entries) == len(genuine),
        f"{len(entries)} journal entries for {len(genuine)} genuine replies",
    )
    others = [
        r for r in mail.sent if r.kind in ("out-of-office", "forged", "reply-all", "partner-check")
    ]
    for reply in others:
        tag = re.search(r"MK\w+", reply.text).group(0)
        findings.expect(
            not any(tag in entry.text for entry in entries),
            f"the {reply.kind} reply became a journal entry",
        )
    findings.expect(
        kinds.count("reply-all") == 1
        and len(by_key.get((INTRO_REPLIER, "intro_hint", 0), [])) == 1
        and not [k for k in by_key if k[1] == "intro_hint" and k[0] != INTRO_REPLIER],
        "the Reply-all copy of the introduction reply should get its sender one hint",
    )
    partner_counts = run_companion_status(home, clock.now)
    findings.expect(
        "partners met: 2 yes, 1 not yet, 2 no answer" in partner_counts,
        f"the partner check should be counted in status: {partner_counts!r}",
    )
    quarantined = list(iter_entries(home, keys, QUARANTINE))
    findings.expect(
        [q["reason"] for q in quarantined] == ["sender is not the member"],
        f"the forgery should be quarantined once: {[q['reason'] for q in quarantined]}",
    )
    if quarantined:
        findings.expect(
            "FORGE" in open_entry(keys, QUARANTINE, quarantined[0]),
            "the quarantined item is not the forged reply",
        )

    # 4. session 2 in a real terminal: killed mid-round, resumed, a journal shown ------------
    scene.scan("before session 2")
    session2_journal_on_screen(home, tmp_path, findings, entries)
    scene.scan("after session 2")

    # 4b. the second cycle: a vote, a leaver, a newcomer, module 2's month (issue 12) --------
    from tests.e2e.second_cycle import run_second_cycle

    markers += run_second_cycle(
        home, SLUG, inputs, keys, ABSENT, STOPPER, MEMBERS, findings.expect,
        run_program, PLG, handler, clock, kind_of,
    )  # fmt: skip
    scene.scan("after the second cycle", dovecot.mail_root)
    # every email of both cycles, whatever its kind, carries the list headers and went out
    # with its own bounce address as envelope sender
    operations_keys = load_operations_keys(home, SLUG)
    for arrival in list(handler.arrivals):
        problems = header_problems(
            arrival.data,
            arrival.mail_from,
            arrival.recipient,
            operations_keys,
            unsubscribe_url=UNSUBSCRIBE_URL,
        )
        findings.expect(not problems, f"{kind_of(arrival)} to {arrival.recipient}: {problems}")

    # 5. purge (real program) --------------------------------------------------------------
    done = run_program(PLG, "--home", str(home), "group", "purge", SLUG, "--yes")
    findings.expect(done.returncode == 0, f"purge failed: {done.stderr}")
    scene.markers = markers + [m.email for m in MEMBERS] + [SLUG + "/"]
    scene.scan("after purge", dovecot.mail_root)
    leftovers = [p for p in home.rglob("*") if SLUG in p.name]
    findings.expect(not leftovers, f"after purge these remain: {leftovers}")
    after = run_companion(home, clock.now)
    findings.expect(after.code == 0, f"a companion run after purge failed: {after.err}")

    smtp.down()
    proxy.close()
    elapsed = time.monotonic() - started
    print(f"programme: {steps} hourly runs, month {month_seconds:.0f}s, total {elapsed:.0f}s")
    assert not findings.broken, "\n".join(findings.broken)


def run_companion_status(home: Path, now: datetime) -> str:
    import contextlib
    import io

    from companion.cli import main

    out = io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(io.StringIO()):
        main(["--home", str(home), "status", SLUG, "--now", now.isoformat()])
    return out.getvalue()


def check_disk_full(home: Path, keys, findings: Findings, markers: list[str]) -> None:
    """A vault write that hits ENOSPC leaves the previous vault and says so clearly."""
    from plg_tui.vault.errors import DiskWriteError
    from plg_tui.vault.group import GroupVault

    db = home / "groups" / SLUG / "group.db"
    before = db.read_bytes()
    vault = GroupVault(home, keys)
    items_before = len(vault.items())
    note = marker("NOTE")
    markers.append(note)
    error: Exception | None = None
    with enospc_under(home) as refused:
        try:
            vault.add_item("note", f"a note {note}", session="2")
        except Exception as err:  # the kind is what is checked
            error = err
    vault.close()
    findings.expect(refused, "disk full: the vault write never reached os.write")
    findings.expect(
        isinstance(error, DiskWriteError)
        and "No space left on device" in str(error)
        and "previous version is intact" in str(error)
        and note not in str(error),
        f"disk full: expected a clear DiskWriteError, got {type(error).__name__}: {error}",
    )
    findings.expect(db.read_bytes() == before, "disk full: group.db was changed")
    stray = [p.name for p in db.parent.iterdir() if p.name.endswith(".tmp")]
    findings.expect(not stray, f"disk full: temp files left behind: {stray}")
    reopened = GroupVault(home, keys)
    findings.expect(
        len(reopened.items()) == items_before, "disk full: the vault lost or gained items"
    )
    reopened.close()


def session2_journal_on_screen(
    home: Path, tmp_path: Path, findings: Findings, entries: list
) -> None:
    from tests.app.test_terminal import Terminal, agree_and_start

    env = {
        **os.environ,
        "TERM": "xterm-256color",
        "PLG_PASSPHRASE": PASSPHRASE,
    }
    term = Terminal(env)
    try:
        term.start("s2", f"{PLG} --home {home} session {SLUG} --kind 2")
        agree_and_start(term, "s2")
        term.keys("s2", "]")  # nobody spoke in the check-in: leaving it asks first
        term.wait_for("s2", lambda s: "Leave this round?" in s)
        term.keys("s2", "y")
        term.wait_for("s2", lambda s: "Reflection round" in s)
        term.keys("s2", "Space")
        time.sleep(1.2)
        second = MEMBERS[1]
        term.keys("s2", "n")
        term.wait_for("s2", lambda s: f"▶ {second.name.split()[0]}" in s)
        time.sleep(1.0)
        os.kill(term.pane_pid("s2"), signal.SIGKILL)
        deadline = time.monotonic() + 10
        while term.alive("s2") and time.monotonic() < deadline:
            time.sleep(0.1)

        term.start("again", f"{PLG} --home {home} session {SLUG} --resume")
        # the killed app could not remove its lock: the new one offers to take over
        term.wait_for("again", lambda s: "open elsewhere" in s)
        term.keys("again", "t")
        term.wait_for("again", lambda s: "Take over this group's session?" in s)
        term.keys("again", "y")
        text = term.wait_for("again", lambda s: "Paused on resume" in s, timeout=30)
        findings.expect(
            "Reflection round" in text and second.name in text,
            f"session 2 resume: not back in the reflection round with {second.name}:\n{text}",
        )
        term.keys("again", "j")
        term.wait_for("again", lambda s: "journal on the shared screen" in s)
        term.keys("again", "y")
        own = [entry.text for entry in entries if entry.member == second.email]
        tags = [re.search(r"MK\w+", t).group(0) for t in own]
        try:
            shown = term.wait_for("again", lambda s: any(tag in s for tag in tags))
        except AssertionError as err:
            findings.expect(False, f"session 2: the journal was not shown: {err}")
            shown = ""
        for noise in ("Gesendet:", "Von:", "schrieb", "> "):
            findings.expect(noise not in shown, f"session 2 journal shows quoted text {noise!r}")
        term.keys("again", "Escape", "C-q")
        term.wait_for("again", lambda s: "Quit the session app?" in s)
        term.keys("again", "y")
        deadline = time.monotonic() + 10
        while term.alive("again") and time.monotonic() < deadline:
            time.sleep(0.1)
    finally:
        term.close()
