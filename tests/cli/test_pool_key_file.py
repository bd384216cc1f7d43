"""A pool's key file swapped with another pool's, altered or truncated is refused with an
error naming the key file and how to fix it (not the generation record it fails to open); no
traceback, exit 1, and the pool opens again once its own key file is back."""

from __future__ import annotations

import base64
import json
import os

import pytest

from tests.cli.test_group_cli import run
from tests.cli.test_pool_cli import CSV


def _two_pools(tmp_path):
    home = tmp_path / "h"
    (tmp_path / "pool.csv").write_text(CSV)
    for name in ("q1", "q2"):
        result = run("--home", str(home), "pool", "import", name, str(tmp_path / "pool.csv"))
        assert result.returncode == 0, result.stderr
    return home, home / "keys" / "pools"


def _renamed_to_q1(keys):
    data = json.loads((keys / "q2.key").read_text())
    data["pool"] = "q1"  # another pool's key, relabelled to pass for this one
    return json.dumps(data)


def _other_key(keys):
    data = json.loads((keys / "q1.key").read_text())
    data["ops_key"] = base64.b64encode(os.urandom(32)).decode()
    return json.dumps(data)


@pytest.mark.parametrize(
    ("broken", "problem"),
    [
        (lambda keys: (keys / "q2.key").read_text(), "is pool 'q2's key file, not pool 'q1's"),
        (_renamed_to_q1, "does not open this pool's files"),
        (_other_key, "does not open this pool's files"),
        (lambda keys: '{"version": 1, "po', "damaged (unreadable)"),
    ],
)
@pytest.mark.parametrize("command", [("pool", "show", "q1"), ("survey", "status", "q1")])
def test_a_swapped_or_damaged_pool_key_file_is_named_with_its_fix(
    tmp_path, broken, problem, command
):
    home, keys = _two_pools(tmp_path)
    own = (keys / "q1.key").read_bytes()
    (keys / "q1.key").write_text(broken(keys))
    result = run("--home", str(home), *command)
    assert result.returncode == 1
    assert f"key file {keys / 'q1.key'}: {problem}" in result.stderr
    assert "from a backup" in result.stderr
    assert "plg pool purge q1 --yes" in result.stderr
    assert ".seen" not in result.stderr
    assert "Traceback" not in result.stderr
    (keys / "q1.key").write_bytes(own)
    assert run("--home", str(home), "pool", "show", "q1").returncode == 0


def test_a_pool_with_a_lost_key_can_be_purged_and_imported_again(tmp_path):
    home, keys = _two_pools(tmp_path)
    (keys / "q1.key").write_text(_other_key(keys))
    assert run("--home", str(home), "pool", "purge", "q1", "--yes").returncode == 0
    again = run("--home", str(home), "pool", "import", "q1", str(tmp_path / "pool.csv"))
    assert again.returncode == 0, again.stderr
