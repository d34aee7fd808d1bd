"""Units of plugins/module_utils/common.py."""

import json
import os
import re
import stat

import pytest

from ansible_collections.cloudbroker.alibaba.plugins.module_utils.common import (
    collection_version,
    user_agent,
    write_private_json,
)


def test_private_json_replaces_a_wider_file_atomically_with_mode_0600(tmp_path):
    path = tmp_path / "secret.json"
    path.write_text("old")
    os.chmod(path, 0o644)
    write_private_json(str(path), {"access_key_secret": "s3cret"})
    assert json.loads(path.read_text()) == {"access_key_secret": "s3cret"}
    assert stat.S_IMODE(os.stat(path).st_mode) == 0o600
    assert [p.name for p in tmp_path.iterdir()] == ["secret.json"]  # no temporary file left


def test_private_json_leaves_nothing_behind_when_writing_fails(tmp_path):
    path = tmp_path / "secret.json"
    with pytest.raises(TypeError, match="not JSON serializable"):
        write_private_json(str(path), {"not": object()})
    assert list(tmp_path.iterdir()) == []


def test_the_version_comes_from_galaxy_yml_in_a_checkout():
    galaxy = os.path.join(os.path.dirname(__file__), "..", "..", "..", "..", "galaxy.yml")
    with open(galaxy, encoding="utf-8") as handle:
        version = re.search(r"^version:\s*(\S+)", handle.read(), re.M).group(1)
    assert collection_version() == version
    assert user_agent() == "cloudbroker.alibaba/%s" % version
