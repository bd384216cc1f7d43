"""The one place paths to a group's files are built: every builder checks the group name."""

from __future__ import annotations

from pathlib import Path

import pytest

from plg_tui.core.groups import SLUG
from plg_tui.vault.errors import VaultError
from plg_tui.vault.paths import BadGroupName, DataHome, checked_slug

GROUP_PATHS = ["folder", "keyring", "key_file", "seen", "in_use", "group_db", "ledger_db"]
GROUP_PATHS += ["ledger_wal", "inbox", "quarantine", "staging", "seen_lock"]
BUILDERS = [
    lambda home, slug, name=name: getattr(DataHome(home).group(slug), name) for name in GROUP_PATHS
]
BAD = [
    "..",
    "../victim",
    "../../victim",
    "/etc",
    "team/../../x",
    "team/inbox",
    "",
    ".hidden",
    "-starts-with-hyphen",
    "Team",
    "team\n",
    "team\x00",
    "tëam",
    "team\u202e",
    "a" * 49,
    "team ",
    "١٢٣",  # Arabic-Indic digits are digits to \d, not to the rule
]


@pytest.mark.parametrize("builder", BUILDERS)
@pytest.mark.parametrize("name", BAD)
def test_a_bad_name_never_becomes_a_path(builder, name, tmp_path):
    with pytest.raises(BadGroupName) as caught:
        builder(tmp_path, name)
    message = str(caught.value)
    assert "use lowercase letters, digits and hyphens" in message
    assert repr(name)[:60] in message
    assert isinstance(caught.value, VaultError)
    # the message is one printable line even for a name with control or bidi characters
    assert message.isprintable()


@pytest.mark.parametrize("name", ["team", "eng-managers-q1", "a", "0", "a" * 48, "x-"])
def test_good_names_stay_inside_the_data_home(name, tmp_path):
    assert DataHome(tmp_path).group(name).folder == tmp_path / "groups" / name
    assert DataHome(tmp_path).group(name).keyring == tmp_path / "groups" / name / "keyring"
    assert DataHome(tmp_path).group(name).key_file == tmp_path / "keys" / f"{name}.key"
    for path in (DataHome(tmp_path).group(name).folder, DataHome(tmp_path).group(name).key_file):
        assert path.resolve().is_relative_to(tmp_path.resolve())
    assert checked_slug(name) == name


def test_create_uses_the_same_rule():
    assert all(SLUG.match(name) is None for name in BAD)
    assert SLUG.match("eng-managers-q1")


def test_a_name_that_is_not_text_is_refused(tmp_path):
    with pytest.raises(BadGroupName):
        DataHome(tmp_path).group(Path("team"))  # type: ignore[arg-type]


def test_every_path_under_the_data_home_is_built_by_data_home(tmp_path):
    home = DataHome(tmp_path)
    team = home.group("team")
    assert home.settings_file == tmp_path / "plg.toml"
    assert (home.groups_folder, home.keys_folder, home.modules_folder) == (
        tmp_path / "groups",
        tmp_path / "keys",
        tmp_path / "modules",
    )
    assert (team.group_db, team.ledger_db, team.ledger_wal) == (
        tmp_path / "groups" / "team" / "group.db",
        tmp_path / "groups" / "team" / "ledger.db",
        tmp_path / "groups" / "team" / "ledger.wal",
    )
    assert (team.entries("inbox"), team.entries("quarantine")) == (team.inbox, team.quarantine)
    assert (team.seen, team.seen_lock, team.in_use) == (
        tmp_path / "keys" / "team.seen",
        tmp_path / "keys" / "team.seen.lock",
        tmp_path / "keys" / "team.inuse.lock",
    )
    with pytest.raises(ValueError, match="not an entry folder"):
        team.entries("../keys")
