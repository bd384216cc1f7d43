"""The module library: load and validate the learning content in ``modules/<id>.toml``.

A module file describes one management topic: techniques, the two 90-minute session
agendas, four practice weeks and the reflection questions. One extra file,
``trust-building.toml`` (``kind = "trust"``), describes the optional trust-building session.
The schema is documented in ``modules/README.md``.

The dataclasses are in `module_model` and the validator (every problem at once, with file,
field and line) in `module_checks`; this module finds and loads the files.
"""

from __future__ import annotations

from importlib import resources
from pathlib import Path

from plg_tui.core.module_checks import check_parsed
from plg_tui.core.module_model import (
    TRUST_ID,
    Module,
    ModuleError,
    Problem,
    TrustSession,
)
from plg_tui.vault.paths import DataHome

# --------------------------------------------------------------------------- locations


def bundled_modules_dir() -> Path:
    """The modules shipped with plg: the checkout's ``modules/`` or the wheel's copy."""
    checkout = Path(__file__).resolve().parents[2] / "modules"
    if checkout.is_dir():
        return checkout
    return Path(str(resources.files("plg_tui") / "bundled_modules"))


def module_dirs(home: Path | None = None) -> list[Path]:
    """Directories to read modules from, bundled first, then ``<home>/modules`` if present."""
    dirs = [bundled_modules_dir()]
    if home is not None:
        own = DataHome(Path(home)).modules_folder
        if own.is_dir():
            dirs.append(own)
    return dirs


# --------------------------------------------------------------------------- loading


def load_module_file(path: Path) -> Module:
    """Load one module file; raises ModuleError listing every problem."""
    value, problems = check_parsed(Path(path))
    if problems:
        raise ModuleError(problems)
    if not isinstance(value, Module):
        raise ModuleError([Problem(Path(path), "kind", "is a trust session, not a module")])
    return value


def _load_trust_file(path: Path) -> TrustSession:
    value, problems = check_parsed(path)
    if problems:
        raise ModuleError(problems)
    if not isinstance(value, TrustSession):
        raise ModuleError([Problem(path, "kind", 'must be "trust" for the trust session')])
    return value


def _module_files(home: Path | None) -> dict[str, Path]:
    """Module id (file stem) -> file; a champion's own file overrides a bundled one."""
    files: dict[str, Path] = {}
    for directory in module_dirs(home):
        for file in sorted(directory.glob("*.toml")):
            files[file.stem] = file
    return files


def list_modules(home: Path | None = None) -> list[Module]:
    """Every module (not the trust session), sorted by id; ModuleError if any is broken."""
    modules: list[Module] = []
    problems: list[Problem] = []
    for module_id, file in sorted(_module_files(home).items()):
        if module_id == TRUST_ID:
            continue
        try:
            modules.append(load_module_file(file))
        except ModuleError as error:
            problems.extend(error.problems)
    if problems:
        raise ModuleError(problems)
    return modules


class UnknownModuleError(ModuleError):
    """No module has this id: the message is about the id, not about a file."""

    def __str__(self) -> str:
        return self.problems[0].message


def load_module(module_id: str, home: Path | None = None) -> Module:
    """The module with this id; ModuleError naming the known ids if there is none."""
    files = _module_files(home)
    files.pop(TRUST_ID, None)
    if module_id not in files:
        known = ", ".join(sorted(files)) or "none"
        raise UnknownModuleError(
            [
                Problem(
                    module_dirs(home)[-1],
                    "id",
                    f"no module {module_id!r}; known modules: {known}",
                )
            ]
        )
    return load_module_file(files[module_id])


def load_trust_session(home: Path | None = None) -> TrustSession:
    """The shared trust-building session (a champion's own copy wins over the bundled one)."""
    file = _module_files(home).get(TRUST_ID)
    if file is None:
        raise ModuleError([Problem(bundled_modules_dir(), TRUST_ID, f"{TRUST_ID}.toml is missing")])
    return _load_trust_file(file)
