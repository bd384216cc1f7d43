"""The one place paths to a group's files are built: every builder checks the group name."""

from __future__ import annotations

from pathlib import Path

import pytest

from plg_tui.core.groups import SLUG
from plg_tui.vault.errors import VaultError
from plg_tui.vault.group import group_dir
from plg_tui.vault.keys import keyfile_path, keyring_path
from plg_tui.vault.paths import BadGroupName, checked_slug

BUILDERS = [group_dir, keyring_path, keyfile_path]
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
    assert group_dir(tmp_path, name) == tmp_path / "groups" / name
    assert keyring_path(tmp_path, name) == tmp_path / "groups" / name / "keyring"
    assert keyfile_path(tmp_path, name) == tmp_path / "keys" / f"{name}.key"
    for path in (group_dir(tmp_path, name), keyfile_path(tmp_path, name)):
        assert path.resolve().is_relative_to(tmp_path.resolve())
    assert checked_slug(name) == name


def test_create_uses_the_same_rule():
    assert all(SLUG.match(name) is None for name in BAD)
    assert SLUG.match("eng-managers-q1")


def test_a_name_that_is_not_text_is_refused(tmp_path):
    with pytest.raises(BadGroupName):
        group_dir(tmp_path, Path("team"))  # type: ignore[arg-type]
