"""Launching a programme, end to end with the real programs: a pool imported, the topic
survey emailed through an SMTP sink, replies ingested from a Maildir, the results read, groups
formed around what people asked for, and each roster fed to `plg group create` unchanged."""

from __future__ import annotations

import pytest

from plg_tui.core.modules import list_modules
from tests.cli.test_group_cli import PASS, PLG
from tests.companion.team_month import email_toml
from tests.companion.test_cli import PROGRAM
from tests.companion.test_survey_path import at, deliver, reply, run
from tests.dates import SESSION1, SESSION2

pytest.importorskip("ortools")

ZONES = ("Europe/Berlin", "Europe/London", "Europe/Madrid", "Europe/Paris")
DEPARTMENTS = ("Eng", "Ops", "Sales", "Finance", "People", "Support", "Product", "Legal")
# who wants what: four ask for delegating first, four for giving feedback
WISHES = ("delegating", "giving-feedback") * 4


def pool_csv() -> str:
    rows = ["name,email,title,level,reports_to,department,timezone"]
    for number, department in enumerate(DEPARTMENTS):
        rows.append(
            f"Member {chr(65 + number)},m{number}@example.org,Lead,4,boss{number}@example.org,"
            f"{department},{ZONES[number % len(ZONES)]}"
        )
    # the manager of member A sits in the pool too: they may never share a group
    rows.append("Boss Zero,boss0@example.org,Director,5,vp@example.org,Eng,Europe/Berlin")
    return "\n".join(rows) + "\n"


def test_from_a_pool_to_created_groups(tmp_path, smtp_server):
    home = tmp_path / "home"
    home.mkdir()
    (home / "plg.toml").write_text(email_toml(smtp_server))
    (tmp_path / "pool.csv").write_text(pool_csv())
    assert run(PLG, home, "pool", "import", "launch", str(tmp_path / "pool.csv")).returncode == 0

    sent = run(PLG, home, "survey", "send", "launch", "--now", at(0))  # 10:00 UTC: all awake
    assert sent.returncode == 0, sent.stderr
    invitations = {
        m.message["To"].addresses[0].addr_spec: m.message for m in smtp_server.handler.messages
    }
    assert len(invitations) == len(DEPARTMENTS) + 1

    ids = [module.id for module in list_modules()]
    number = {
        module_id: ids.index(module_id) + 1 for module_id in ("delegating", "giving-feedback")
    }
    maildir = tmp_path / "Maildir"
    for index, wish in enumerate(WISHES):
        other = "giving-feedback" if wish == "delegating" else "delegating"
        answer = f"{number[wish]}, {number[other]}\n\nThanks!\n-- \nMember {chr(65 + index)}"
        deliver(
            maildir,
            str(index),
            reply(invitations[f"m{index}@example.org"], f"m{index}@example.org", answer),
        )
    # the boss wants delegating too, like their report Member A
    boss_answer = f"{number['delegating']}, {number['giving-feedback']}"
    boss_reply = reply(invitations["boss0@example.org"], "boss0@example.org", boss_answer)
    deliver(maildir, "boss", boss_reply)
    ingested = run(str(PROGRAM), home, "ingest", "--maildir", str(maildir), "--now", at(6))
    assert ingested.returncode == 0, ingested.stderr

    status = run(PLG, home, "survey", "status", "launch").stdout.splitlines()
    assert status == [
        "sent: 9", "answered: 9", "unreadable: 0", "declined: 0", "waiting: 0", "bounced: 0",
        "failed: 0", "queued: 0",
    ]  # fmt: skip
    results = run(PLG, home, "survey", "results", "launch").stdout
    first_choices = {
        line.split("\t")[2].split(" ")[0]: int(line.split("\t")[0])
        for line in results.splitlines()[1:3]
    }
    assert first_choices == {"delegating": 5, "giving-feedback": 4}

    out = tmp_path / "groups"
    formed = run(
        PLG, home, "form", "launch", "--min", "3", "--max", "5", "--seed", "7", "--out", str(out)
    )
    assert formed.returncode == 0, formed.stderr
    assert "9 of 9 candidates placed" in formed.stdout, formed.stdout
    rosters = sorted(out.glob("g*.csv"))
    assert {roster.stem.split("-", 1)[1] for roster in rosters} == {"delegating", "giving-feedback"}
    for roster in rosters:  # everyone sits in the group of their first choice
        module = roster.stem.split("-", 1)[1]
        members = [line.split(",")[1] for line in roster.read_text().splitlines()[1:]]
        assert all(WISHES[int(email[1])] == module for email in members if email[0] == "m")
        assert not {"m0@example.org", "boss0@example.org"} <= set(members)  # reporting line

    (tmp_path / "pass").write_text(PASS + "\n")
    for index, roster in enumerate(rosters, 1):
        module = roster.stem.split("-", 1)[1]
        created = run(
            PLG, home, "group", "create", f"launch-{index}", "--module", module,
            "--roster", str(roster), "--session1", SESSION1, "--session2", SESSION2,
            "--timezone", "Europe/Berlin", "--passphrase-file", str(tmp_path / "pass"),
        )  # fmt: skip
        assert created.returncode == 0, created.stderr
    listed = run(PLG, home, "group", "list").stdout
    assert "launch-1" in listed
    assert "launch-2" in listed
