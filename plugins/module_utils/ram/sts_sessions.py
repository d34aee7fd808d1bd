# -*- coding: utf-8 -*-
# Copyright: cloudbroker.alibaba contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The STS sessions of one playbook run, shared by its tasks: one AssumeRole per role and run, not per task.

Every task of the action plugins runs in its own forked worker process, so a session the credential library
keeps in memory ends with the task, and each task that acts in a member account assumed its role again (two
or more AssumeRole calls per account in a run that changes nothing). On the controller, the tasks of one
``ansible-playbook`` run share its private temporary directory (``ansible-local-<pid>...``, mode 0700, made by
ansible-playbook and removed when the run ends): ``share_within(directory)``, called once in the main process by
the action shell, keeps each session there, in a file of mode 0600 named by a digest of what the session was
asked with (the caller's AccessKey ID and token, the role ARN, session name, external ID, duration, endpoint).
A module run in its own process (a delegated task) never shares: nothing is set there.

A session is reused while the credential library itself would use it (until 15 minutes before it expires) with
``MARGIN_SECONDS`` to spare for the task; otherwise the role is assumed again and the file replaced. A file that
cannot be read or written costs only that: the role is assumed as before.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import hashlib
import json
import os
import stat
import tempfile
import time

LIBRARY_STALE_SECONDS = 15 * 60  # the credential library refreshes a role session 15 minutes before it expires
MARGIN_SECONDS = 5 * 60  # what a task needs of the session's remaining life, beyond that
_DIRECTORY = {}  # "path": the run's private directory, set by share_within in the controller's main process


def share_within(directory):
    """Share sessions between the tasks of this run, in ``directory`` (ansible-playbook's private temporary
    directory). Only a directory of this user that no one else can read qualifies; returns whether it did."""
    try:
        info = os.stat(directory)
    except (OSError, TypeError):
        return False
    if not stat.S_ISDIR(info.st_mode) or info.st_uid != os.getuid() or info.st_mode & 0o077:
        return False
    _DIRECTORY["path"] = directory
    return True


def shared_directory():
    return _DIRECTORY.get("path")


def session_key(caller_key_id, caller_token, role_arn, session_name, external_id, duration, endpoint, policy=None):
    """The file name of a session: a digest of everything AssumeRole was asked with (no secret in it)."""
    asked = json.dumps([caller_key_id, caller_token or "", role_arn, session_name or "", external_id or "",
                        int(duration or 0), endpoint or "", policy or ""])
    return "sts-session-" + hashlib.sha256(asked.encode("utf-8")).hexdigest() + ".json"


def load(key, now=None):
    """The session kept under ``key`` as ``(access_key_id, access_key_secret, security_token, expiration)``, when
    one is kept and still good for a task; otherwise None."""
    directory = shared_directory()
    if not directory:
        return None
    try:
        with open(os.path.join(directory, key), encoding="utf-8") as handle:
            kept = json.load(handle)
        session = (kept["access_key_id"], kept["access_key_secret"], kept["security_token"], int(kept["expiration"]))
    except (OSError, ValueError, KeyError, TypeError):
        return None
    now = time.time() if now is None else now
    if session[3] - LIBRARY_STALE_SECONDS - MARGIN_SECONDS <= now:
        return None
    return session


def store(key, access_key_id, access_key_secret, security_token, expiration):
    """Keep a session under ``key`` (mode 0600, replaced atomically); returns whether it was kept."""
    directory = shared_directory()
    if not directory:
        return False
    try:
        handle, temporary = tempfile.mkstemp(prefix=".sts-", dir=directory)  # mode 0600
        with os.fdopen(handle, "w", encoding="utf-8") as out:
            json.dump(dict(access_key_id=access_key_id, access_key_secret=access_key_secret,
                           security_token=security_token, expiration=int(expiration)), out)
        os.replace(temporary, os.path.join(directory, key))
    except (OSError, TypeError, ValueError):
        return False
    return True
