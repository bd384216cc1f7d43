"""What both programs' command lines share: a description line for every command, and a quiet
end when the reader of their output goes away (`plg report | head`)."""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Callable, Sequence

# What a shell reports for a program ended by SIGPIPE: the reader left, nothing went wrong here.
EXIT_READER_GONE = 128 + 13


def describe_commands(parser: argparse.ArgumentParser) -> None:
    """Give every subcommand without a description its one-line help as the description, so
    `COMMAND --help` always says what the command does."""
    for action in parser._actions:
        if not isinstance(action, argparse._SubParsersAction):
            continue
        helps = {choice.dest: choice.help for choice in action._choices_actions}
        for name, sub in action.choices.items():
            if not sub.description and helps.get(name):
                text = str(helps[name])
                sub.description = text[0].upper() + text[1:] + ("" if text.endswith(".") else ".")
            describe_commands(sub)


def _silence_stdout() -> None:
    # Python flushes stdout once more at exit; pointing it at /dev/null keeps that flush from
    # reporting the same broken pipe again.
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, sys.stdout.fileno())
    os.close(devnull)


def quiet_when_reader_leaves(run: Callable[[], int]) -> int:
    """Run a command; if whoever reads its output stops reading, end quietly."""
    try:
        code = run()
        sys.stdout.flush()
        return code
    except BrokenPipeError:
        _silence_stdout()
        return EXIT_READER_GONE
    except SystemExit:
        try:
            sys.stdout.flush()
        except BrokenPipeError:
            _silence_stdout()
        raise


def global_options_first(words: Sequence[str], option: str = "--home") -> list[str]:
    """The words with `option VALUE` (or `option=VALUE`) moved before the command, so
    `plg init --home DIR` means `plg --home DIR init`, as people type it."""
    rest, front = list(words), []
    index = 0
    while index < len(rest) and rest[index] != "--":
        word = rest[index]
        if word == option and index + 1 < len(rest):
            front += rest[index : index + 2]
            del rest[index : index + 2]
        elif word.startswith(option + "="):
            front.append(rest.pop(index))
        else:
            index += 1
    return front + rest
