"""The survey's closing day, with the real programs: sending again keeps the survey's topics and
closing day; a reply after the closing day is answered once with "the survey has closed" and
not counted; `--closes` reopens it."""

from __future__ import annotations

from datetime import timedelta

from tests.cli.test_group_cli import PLG
from tests.companion.team_month import email_toml
from tests.companion.test_cli import PROGRAM
from tests.companion.test_survey_path import NOW, POOL, at, deliver, reply, run

ERIN = "Erin Ease,erin@example.org,HR Lead,4,chro@example.org,HR,Europe/Berlin\n"
CLOSES = (NOW + timedelta(days=2)).date()


def test_sending_again_keeps_topics_and_closing_day(tmp_path, smtp_server):
    home = tmp_path / "home"
    home.mkdir()
    (home / "plg.toml").write_text(email_toml(smtp_server))
    (tmp_path / "pool.csv").write_text(POOL)
    assert run(PLG, home, "pool", "import", "q1", str(tmp_path / "pool.csv")).returncode == 0
    first = run(
        PLG, home, "survey", "send", "q1", "--modules", "delegating,giving-feedback",
        "--closes", CLOSES.isoformat(), "--now", at(0),
    )  # fmt: skip
    assert first.returncode == 0, first.stderr
    (tmp_path / "pool.csv").write_text(POOL + ERIN)  # one more candidate, asked the same
    assert run(PLG, home, "pool", "import", "q1", str(tmp_path / "pool.csv")).returncode == 0
    again = run(PLG, home, "survey", "send", "q1", "--now", at(1))
    assert again.returncode == 0, again.stderr
    assert f"2 topics, closes {CLOSES}; 1 email queued" in again.stdout
    closed = run(PLG, home, "survey", "send", "q1", "--now", at(24 * 3))
    assert closed.returncode == 1
    assert f"closed on {CLOSES}" in closed.stderr
    assert "--closes YYYY-MM-DD" in closed.stderr
    assert "Traceback" not in closed.stderr


def test_a_reply_after_the_closing_day_is_answered_once_and_not_counted(tmp_path, smtp_server):
    home = tmp_path / "home"
    home.mkdir()
    (home / "plg.toml").write_text(email_toml(smtp_server))
    (tmp_path / "pool.csv").write_text(POOL)
    assert run(PLG, home, "pool", "import", "q1", str(tmp_path / "pool.csv")).returncode == 0
    sent = run(PLG, home, "survey", "send", "q1", "--closes", CLOSES.isoformat(), "--now", at(0))
    assert sent.returncode == 0, sent.stderr
    ada = next(
        m.message
        for m in smtp_server.handler.messages
        if m.message["To"].addresses[0].addr_spec == "ada@example.org"
    )
    smtp_server.handler.messages.clear()
    maildir = tmp_path / "Maildir"
    deliver(maildir, "1", reply(ada, "ada@example.org", "2, 1"))
    deliver(maildir, "2", reply(ada, "ada@example.org", "1 after all"))
    late = run(str(PROGRAM), home, "ingest", "--maildir", str(maildir), "-v", "--now", at(72))
    assert late.returncode == 0, late.stderr
    assert "the survey has closed" in late.stdout
    [answer] = [m.message for m in smtp_server.handler.messages]  # one answer for two replies
    assert "closed" in str(answer["Subject"]).lower()
    text = answer.get_body(("plain",)).get_content()
    assert f"closed on {CLOSES.strftime('%A %-d %B %Y')}" in text
    status = run(PLG, home, "survey", "status", "q1").stdout
    assert "answered: 0" in status
    assert "unreadable: 0" in status

    # reopened: the same reply now counts
    reopen = (NOW + timedelta(days=5)).date().isoformat()
    assert (
        run(PLG, home, "survey", "send", "q1", "--closes", reopen, "--now", at(73)).returncode == 0
    )
    deliver(maildir, "3", reply(ada, "ada@example.org", "2, 1 again"))
    assert (
        run(str(PROGRAM), home, "ingest", "--maildir", str(maildir), "--now", at(74)).returncode
        == 0
    )
    assert "answered: 1" in run(PLG, home, "survey", "status", "q1").stdout


def test_survey_emails_sent_by_an_ingest_keep_the_quiet_hours_of_plg_toml(tmp_path, smtp_server):
    home = tmp_path / "home"
    home.mkdir()
    # quiet until noon: at 10:00 UTC only Tokyo (19:00) may be written to
    schedule = "\n[schedule]\nquiet_start = 20\nquiet_end = 12\n"
    (home / "plg.toml").write_text(email_toml(smtp_server) + schedule)
    (tmp_path / "pool.csv").write_text(POOL)
    assert run(PLG, home, "pool", "import", "q1", str(tmp_path / "pool.csv")).returncode == 0
    sent = run(PLG, home, "survey", "send", "q1", "--now", at(0))
    assert "pool q1: 1 sent, 3 waiting" in sent.stdout, sent.stdout + sent.stderr
    [cy] = [m.message for m in smtp_server.handler.messages]
    smtp_server.handler.messages.clear()
    maildir = tmp_path / "Maildir"
    deliver(maildir, "1", reply(cy, "cy@example.org", "2"))
    # 10:30 UTC: 11:30 in Berlin, 10:30 in London: daytime by default, quiet by plg.toml
    ingest = run(str(PROGRAM), home, "ingest", "--maildir", str(maildir), "--now", at(0.5))
    assert ingest.returncode == 0, ingest.stderr
    to = [m.message["To"].addresses[0].addr_spec for m in smtp_server.handler.messages]
    assert to == ["cy@example.org"]  # the acknowledgement only
