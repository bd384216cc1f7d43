"""Every `--help` of both programs: each option says what it is for and, when it takes a
value, what it is when not given; each command has a description line; and output piped into
a reader that stops early (`| head`) ends quietly."""

from __future__ import annotations

import argparse
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from companion.cli import build_parser as companion_parser
from plg_tui.cli import build_parser as plg_parser

FLAG_ACTIONS = (
    argparse._StoreTrueAction,
    argparse._StoreFalseAction,
    argparse._StoreConstAction,
    argparse._HelpAction,
    argparse._VersionAction,
)


def walk(
    parser: argparse.ArgumentParser, path: str
) -> Iterator[tuple[str, argparse.ArgumentParser]]:
    yield path, parser
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            for name, sub in action.choices.items():
                yield from walk(sub, f"{path} {name}")


PARSERS = [*walk(plg_parser(), "plg"), *walk(companion_parser(), "plg-companion")]


def options(parser: argparse.ArgumentParser) -> Iterator[argparse.Action]:
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction | argparse._HelpAction):
            continue
        if action.help == argparse.SUPPRESS:
            continue
        yield action


@pytest.mark.parametrize(("path", "parser"), PARSERS, ids=[p for p, _ in PARSERS])
def test_every_option_is_described_and_states_its_default(
    path: str, parser: argparse.ArgumentParser
) -> None:
    problems = []
    for action in options(parser):
        name = "/".join(action.option_strings) or action.dest
        if not (action.help and action.help.strip()):
            problems.append(f"{path} {name}: no help text")
            continue
        takes_value = action.option_strings and not isinstance(action, FLAG_ACTIONS)
        if takes_value and not action.required and "default" not in action.help.lower():
            problems.append(f"{path} {name}: help states no default")
    assert not problems, "\n".join(problems)


@pytest.mark.parametrize(("path", "parser"), PARSERS, ids=[p for p, _ in PARSERS])
def test_every_command_has_a_description(path: str, parser: argparse.ArgumentParser) -> None:
    assert (parser.description or "").strip(), f"{path}: no description line"


@pytest.mark.parametrize(
    "argv",
    [
        ["plg", "--help"],
        ["plg", "report", "--help"],
        ["plg", "report"],
        ["plg-companion", "--help"],
        ["plg-companion", "cron"],
    ],
)
def test_output_piped_into_head_ends_quietly(argv: list[str], data_home: Path) -> None:
    """A reader that closes the pipe early: no BrokenPipeError, no traceback, no error line."""
    program = str(Path(sys.executable).with_name(argv[0]))
    writer = subprocess.Popen(
        [program, "--home", str(data_home), *argv[1:]],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    assert writer.stdout is not None
    writer.stdout.close()  # as `head` does once it has its lines: here before the first
    _out, err = writer.communicate(timeout=60)
    assert b"Traceback" not in err
    assert b"BrokenPipe" not in err
    assert b"Exception ignored" not in err
    assert b"error" not in err.lower()


def test_the_readme_names_the_cron_interval_plg_companion_cron_uses() -> None:
    (cron,) = [sub for path, sub in PARSERS if path == "plg-companion cron"]
    (every,) = [a for a in cron._actions if a.dest == "every"]
    readme = (Path(__file__).resolve().parents[1] / "README.md").read_text(encoding="utf-8")
    assert f"every {every.default} minutes" in readme
    assert "every hour" not in readme
