"""The whole survey path with real programs: pool import -> `plg survey send` to an aiosmtpd
sink (quiet hours per candidate) -> `plg-companion send` for the rest -> replies as Maildir
messages -> `plg-companion ingest` -> status and results; no reply's words kept anywhere."""

from __future__ import annotations

import email
import html
import subprocess
from datetime import UTC, datetime, timedelta
from email.message import EmailMessage
from pathlib import Path

from plg_tui.core.modules import list_modules
from tests.cli.test_group_cli import PLG
from tests.companion.team_month import email_toml
from tests.companion.test_cli import PROGRAM

MARKER = "ZEBRAMARKERQUILL"
POOL = (
    "name,email,title,level,reports_to,department,timezone\n"
    "Ada Lovelace,ada@example.org,EM,4,cto@example.org,Eng,Europe/Berlin\n"
    "Bob Byte,bob@example.org,Ops Lead,4,coo@example.org,Ops,Europe/London\n"
    "Cy Twombly,cy@example.org,Design Lead,3,cdo@example.org,Design,Asia/Tokyo\n"
    "Dee Dee,dee@example.org,Sales Lead,4,cso@example.org,Sales,America/New_York\n"
)
# a day ahead, 10:00 UTC: daytime in Berlin, London, Tokyo (19:00); 05:00 in New York
NOW = (datetime.now(UTC) + timedelta(days=3)).replace(hour=10, minute=0, second=0, microsecond=0)


def run(program: str, home: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [program, "--home", str(home), *args], capture_output=True, text=True, timeout=90
    )


def at(hours: float) -> str:
    return (NOW + timedelta(hours=hours)).isoformat()


def reply(to_message: EmailMessage, sender: str, body: str, html: bool = False) -> bytes:
    answer = EmailMessage()
    answer["From"] = sender
    answer["To"] = str(to_message["Reply-To"])
    answer["Subject"] = "Re: " + str(to_message["Subject"])
    answer["Message-ID"] = f"<{abs(hash(body))}@mail.example.org>"
    answer["In-Reply-To"] = str(to_message["Message-ID"])
    answer["Date"] = email.utils.format_datetime(NOW + timedelta(hours=6))
    answer.set_content(body, subtype="html" if html else "plain")
    return answer.as_bytes()


def deliver(maildir: Path, name: str, raw: bytes) -> None:
    for sub in ("new", "cur", "tmp"):
        (maildir / sub).mkdir(parents=True, exist_ok=True)
    (maildir / "new" / name).write_bytes(raw)


def test_import_survey_replies_status_results(tmp_path, smtp_server):
    home = tmp_path / "home"
    home.mkdir()
    (home / "plg.toml").write_text(email_toml(smtp_server))
    (tmp_path / "pool.csv").write_text(POOL)
    outputs = []

    def plg(*args: str) -> subprocess.CompletedProcess[str]:
        done = run(PLG, home, *args)
        outputs.append(done.stdout + done.stderr)
        return done

    assert plg("pool", "import", "q1", str(tmp_path / "pool.csv")).returncode == 0
    sent = plg("survey", "send", "q1", "--ask-times", "--now", at(0))
    assert sent.returncode == 0, sent.stderr
    assert "4 emails queued" in sent.stdout
    assert "pool q1: 3 sent, 1 waiting" in sent.stdout
    again = plg("survey", "send", "q1", "--now", at(0.5))
    assert "0 emails queued" in again.stdout  # at most once
    rest = run(str(PROGRAM), home, "send", "--now", at(6))  # 11:00 in New York
    assert "pool q1: 1 sent" in rest.stdout, rest.stdout + rest.stderr
    invitations = {
        m.message["To"].addresses[0].addr_spec: m.message for m in smtp_server.handler.messages
    }
    assert sorted(invitations) == [
        "ada@example.org",
        "bob@example.org",
        "cy@example.org",
        "dee@example.org",
    ]
    text = invitations["ada@example.org"].get_body(("plain",)).get_content()
    assert "reply with the numbers of up to three topics, most wanted first" in text.lower()
    titles = [module.title for module in list_modules()]  # the survey lists the library in order
    assert f"1. {titles[0]} — " in text
    assert f"{len(titles)}. {titles[-1]} — " in text
    assert "which times of day suit you" in text
    assert "+q1.90." in str(invitations["ada@example.org"]["Reply-To"])
    smtp_server.handler.messages.clear()

    maildir = tmp_path / "Maildir"
    deliver(maildir, "1", reply(
        invitations["ada@example.org"], "ada@example.org",
        "3, 1 please, mornings\n\nBest,\nAda\n-- \nAda Lovelace | +49 170 1234567\n\n"
        f"On Monday, plg wrote:\n> 1. Coaching your team\n> 2. {MARKER}\n",
    ))  # fmt: skip
    deliver(maildir, "2", reply(invitations["bob@example.org"], "bob@example.org", "No thanks"))
    deliver(maildir, "3", reply(
        invitations["cy@example.org"], "cy@example.org", f"whatever you think {MARKER}"
    ))  # fmt: skip
    deliver(maildir, "4", reply(
        invitations["dee@example.org"], "dee@example.org",
        f"<p>Thema 2 und dann 5</p><!-- {MARKER} --><blockquote>1. 4. 7.</blockquote>", html=True,
    ))  # fmt: skip
    ingest = run(str(PROGRAM), home, "ingest", "--maildir", str(maildir), "--now", at(7))
    outputs.append(ingest.stdout + ingest.stderr)
    assert ingest.returncode == 0, ingest.stderr
    assert not list((maildir / "new").iterdir())
    assert not list((maildir / "cur").iterdir())

    answers = {
        m.message["To"].addresses[0].addr_spec: m.message for m in smtp_server.handler.messages
    }
    ada_ack = answers["ada@example.org"].get_body(("plain",)).get_content().replace("\r\n", "\n")
    # topics 3 and 1 of the survey's list, in the order Ada gave them
    assert f"most wanted first:\n  3. {titles[2]}\n  1. {titles[0]}\n" in ada_ack
    assert "Times of day that suit you: morning." in ada_ack
    ada_html = answers["ada@example.org"].get_body(("html",)).get_content()
    assert f'<li value="3">{html.escape(titles[2])}</li>' in ada_html
    assert "not this time" in answers["bob@example.org"].get_body(("plain",)).get_content()
    retry = answers["cy@example.org"].get_body(("plain",)).get_content()
    assert "could not read your choice" in retry
    assert "3, 7, 1" in retry
    dee_ack = answers["dee@example.org"].get_body(("plain",)).get_content().replace("\r\n", "\n")
    assert f"most wanted first:\n  2. {titles[1]}\n  5. {titles[4]}\n" in dee_ack
    assert "Times of day" not in dee_ack

    status = plg("survey", "status", "q1")
    assert status.stdout.splitlines() == [
        "sent: 4", "answered: 2", "unreadable: 1", "declined: 1", "waiting: 0", "bounced: 0",
        "failed: 0", "queued: 0",
    ]  # fmt: skip
    # the champion sees why a message was not counted (never its words) and who sent it
    refused = plg("survey", "status", "q1", "--names").stdout.split("messages not counted")[1]
    [cy_line] = [line for line in refused.splitlines() if "cy@example.org" in line]
    assert cy_line.endswith("  cy@example.org  no topic numbers found"), cy_line
    assert MARKER not in refused
    assert "whatever" not in refused
    assert "asked to reply again" in refused
    outputs.append(refused)
    results = plg("survey", "results", "q1")
    lines = results.stdout.splitlines()
    # asked with --ask-times: Ada's "mornings" is counted where the champion plans the sessions
    assert lines[-1] == (
        "times of day that suit them (answers naming each): "
        "morning 1, midday 0, afternoon 0, evening 0"
    )
    assert lines[0] == "first\tscore\ttopic"
    assert "@" not in results.stdout  # never who chose what without --names
    named = plg("survey", "results", "q1", "--names")
    assert "Ada Lovelace" in named.stdout
    shown = plg("pool", "show", "q1")
    assert "unavailable" in shown.stdout  # Bob declined

    # a second reply replaces the first: Cy now answers readably
    deliver(maildir, "5", reply(invitations["cy@example.org"], "cy@example.org", "7"))
    assert (
        run(str(PROGRAM), home, "ingest", "--maildir", str(maildir), "--now", at(8)).returncode == 0
    )
    assert "answered: 3" in plg("survey", "status", "q1").stdout
    assert "unreadable: 0" in plg("survey", "status", "q1").stdout

    for path in home.rglob("*"):
        if path.is_file():
            assert MARKER.encode() not in path.read_bytes(), path
            assert b"whatever you think" not in path.read_bytes(), path
    assert not any(MARKER in out for out in outputs)


def test_remind_once_only_to_who_has_not_answered(tmp_path, smtp_server):
    home = tmp_path / "home"
    home.mkdir()
    (home / "plg.toml").write_text(email_toml(smtp_server))
    (tmp_path / "pool.csv").write_text(POOL)
    assert run(PLG, home, "pool", "import", "q1", str(tmp_path / "pool.csv")).returncode == 0
    assert run(PLG, home, "survey", "send", "q1", "--now", at(0)).returncode == 0
    assert run(str(PROGRAM), home, "send", "--now", at(6)).returncode == 0
    invitations = {m.message["To"].addresses[0].addr_spec: m.message for m in _sent(smtp_server)}
    maildir = tmp_path / "Maildir"
    deliver(maildir, "1", reply(invitations["ada@example.org"], "ada@example.org", "2"))
    assert (
        run(str(PROGRAM), home, "ingest", "--maildir", str(maildir), "--now", at(7)).returncode == 0
    )
    smtp_server.handler.messages.clear()
    first = run(PLG, home, "survey", "remind", "q1", "--now", at(24))
    assert "reminders queued: 3" in first.stdout, first.stdout + first.stderr
    assert "pool q1: 2 sent, 1 waiting" in first.stdout  # 05:00 in New York
    assert run(str(PROGRAM), home, "send", "--now", at(30)).returncode == 0
    reminded = sorted(m.message["To"].addresses[0].addr_spec for m in _sent(smtp_server))
    assert reminded == ["bob@example.org", "cy@example.org", "dee@example.org"]
    assert all("reminder" in str(m.message["Subject"]).lower() for m in _sent(smtp_server))
    again = run(PLG, home, "survey", "remind", "q1", "--now", at(31))
    assert "reminders queued: 0" in again.stdout


def _sent(smtp_server):
    return list(smtp_server.handler.messages)
