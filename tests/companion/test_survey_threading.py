"""The survey's answers to a candidate's reply ("We noted: …", "we could not read your
choice", "the survey has closed") thread under that reply as the journal's acknowledgements
do: In-Reply-To its Message-ID, References its References plus that id (the last ten). The
thread is recorded with the queued answer, so one sent later (a retry) carries it too."""

from __future__ import annotations

from datetime import timedelta

from tests.cli.test_group_cli import PLG
from tests.companion.team_month import email_toml
from tests.companion.test_cli import PROGRAM
from tests.companion.test_survey_path import NOW, POOL, at, deliver, reply, run

EARLIER = [f"<earlier{n}@mail.example.org>" for n in range(12)]


def _threaded_reply(to_message, sender: str, body: str, message_id: str) -> bytes:
    raw = reply(to_message, sender, body)
    head, _, rest = raw.partition(b"\n\n")
    lines = [
        line
        for line in head.split(b"\n")
        if not line.lower().startswith((b"message-id:", b"references:"))
    ]
    lines += [f"Message-ID: {message_id}".encode(), f"References: {' '.join(EARLIER)}".encode()]
    return b"\n".join(lines) + b"\n\n" + rest


def _surveyed(tmp_path, smtp_server, closes=None):
    home = tmp_path / "home"
    home.mkdir()
    (home / "plg.toml").write_text(email_toml(smtp_server))
    (tmp_path / "pool.csv").write_text(POOL)
    assert run(PLG, home, "pool", "import", "q1", str(tmp_path / "pool.csv")).returncode == 0
    extra = ("--closes", closes.isoformat()) if closes else ()
    sent = run(PLG, home, "survey", "send", "q1", *extra, "--now", at(0))
    assert sent.returncode == 0, sent.stderr
    invitations = {
        m.message["To"].addresses[0].addr_spec: m.message for m in smtp_server.handler.messages
    }
    smtp_server.handler.messages.clear()
    return home, invitations


def _thread_of(message) -> tuple[str, list[str]]:
    return str(message["In-Reply-To"]), str(message["References"]).split()


def _expected(message_id: str) -> list[str]:
    return [*EARLIER, message_id][-10:]


def test_the_answers_to_a_reply_thread_under_it(tmp_path, smtp_server):
    home, invitations = _surveyed(tmp_path, smtp_server)
    maildir = tmp_path / "Maildir"
    ada, bob = invitations["ada@example.org"], invitations["bob@example.org"]
    deliver(
        maildir, "1", _threaded_reply(ada, "ada@example.org", "2, 1", "<ada-1@mail.example.org>")
    )
    deliver(maildir, "2", _threaded_reply(bob, "bob@example.org", "hm", "<bob-1@mail.example.org>"))
    ingest = run(str(PROGRAM), home, "ingest", "--maildir", str(maildir), "--now", at(7))
    assert ingest.returncode == 0, ingest.stderr
    # (Dee's invitation goes too: New York's quiet hours are over by then)
    answers = {
        m.message["To"].addresses[0].addr_spec: m.message
        for m in smtp_server.handler.messages
        if m.message["In-Reply-To"]
    }
    assert set(answers) == {"ada@example.org", "bob@example.org"}
    assert "could not read" in answers["bob@example.org"].get_body(("plain",)).get_content()
    for who in ("ada", "bob"):
        message_id = f"<{who}-1@mail.example.org>"
        assert _thread_of(answers[f"{who}@example.org"]) == (message_id, _expected(message_id))


def test_a_retried_answer_carries_the_same_thread(tmp_path, smtp_server):
    home, invitations = _surveyed(tmp_path, smtp_server)
    maildir = tmp_path / "Maildir"
    ada = invitations["ada@example.org"]
    deliver(maildir, "1", _threaded_reply(ada, "ada@example.org", "1", "<ada-2@mail.example.org>"))
    (home / "plg.toml").write_text(email_toml(smtp_server).split("[smtp]")[0])  # no server
    ingest = run(str(PROGRAM), home, "ingest", "--maildir", str(maildir), "--now", at(7))
    assert ingest.returncode == 0, ingest.stderr
    assert smtp_server.handler.messages == []  # queued, waiting for a server
    (home / "plg.toml").write_text(email_toml(smtp_server))
    later = run(str(PROGRAM), home, "send", "--now", at(8))
    assert later.returncode == 0, later.stderr
    [answer] = [m.message for m in smtp_server.handler.messages if m.message["In-Reply-To"]]
    assert answer["To"].addresses[0].addr_spec == "ada@example.org"
    assert "ada-2" not in answer.get_body(("plain",)).get_content()
    assert _thread_of(answer) == ("<ada-2@mail.example.org>", _expected("<ada-2@mail.example.org>"))


def test_the_survey_has_closed_threads_under_the_late_reply(tmp_path, smtp_server):
    home, invitations = _surveyed(tmp_path, smtp_server, closes=(NOW + timedelta(days=1)).date())
    maildir = tmp_path / "Maildir"
    ada = invitations["ada@example.org"]
    deliver(maildir, "1", _threaded_reply(ada, "ada@example.org", "3", "<late-1@mail.example.org>"))
    late = run(str(PROGRAM), home, "ingest", "--maildir", str(maildir), "--now", at(72))
    assert late.returncode == 0, late.stderr
    [answer] = [m.message for m in smtp_server.handler.messages if m.message["In-Reply-To"]]
    assert "closed" in str(answer["Subject"]).lower()
    assert _thread_of(answer) == (
        "<late-1@mail.example.org>",
        _expected("<late-1@mail.example.org>"),
    )
