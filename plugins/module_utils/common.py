# -*- coding: utf-8 -*-
# Copyright: cloudbroker.alibaba contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Helpers with no remote side, shared by the RAM and marketplace rooms."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import functools
import json
import os
import re
import tempfile

COLLECTION_NAME = "cloudbroker.alibaba"


def missing_directory(path):
    """The directory ``write_private_json`` would write ``path`` in, when it does not exist (else ``None``): checked
    with the other input, before the first remote call, not when the file is written after them."""
    directory = os.path.dirname(os.path.abspath(os.path.expanduser(path)))
    return None if os.path.isdir(directory) else directory


def write_private_json(path, content, prefix=".cloudbroker-"):
    """Write ``content`` as JSON to ``path`` atomically, readable by the owner only (never a moment with wider
    rights): for one-time secrets such as a new AccessKey or an MFA seed."""
    directory = os.path.dirname(os.path.abspath(path))
    handle, tmp_path = tempfile.mkstemp(dir=directory, prefix=prefix)
    try:
        os.fchmod(handle, 0o600)
        with os.fdopen(handle, "w") as stream:
            json.dump(content, stream, indent=2, sort_keys=True)
        os.replace(tmp_path, path)
    except BaseException:
        if os.path.exists(tmp_path):
            os.unlink(tmp_path)
        raise


@functools.lru_cache(maxsize=None)  # the files do not change while a process runs: read them once
def collection_version():
    """The collection's version, read where it is kept: ``MANIFEST.json`` of an installed collection, or
    ``galaxy.yml`` of a checkout. ``None`` where neither is at hand (a module's payload on a remote host)."""
    root = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
    try:
        with open(os.path.join(root, "MANIFEST.json"), encoding="utf-8") as handle:
            return json.load(handle)["collection_info"]["version"]
    except (OSError, ValueError, KeyError, TypeError):
        pass
    try:
        with open(os.path.join(root, "galaxy.yml"), encoding="utf-8") as handle:
            for line in handle:
                found = re.match(r"^version:\s*['\"]?([^'\"\s#]+)", line)
                if found:
                    return found.group(1)
    except OSError:
        pass
    return None


def user_agent():
    """``cloudbroker.alibaba/<version>`` (the name alone when the version is not at hand)."""
    version = collection_version()
    return "%s/%s" % (COLLECTION_NAME, version) if version else COLLECTION_NAME
