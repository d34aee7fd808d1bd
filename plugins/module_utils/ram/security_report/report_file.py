# -*- coding: utf-8 -*-
# Copyright: cloudbroker.alibaba contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Writing the security report's file (``summary_file``): only when its content changes, atomically.

The only file the report writes. A new file gets mode 0644 (it holds no secret); a file that is replaced
keeps its mode. The temporary file is made in the target's directory, so the final rename is atomic.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import os
import stat
import tempfile

from ansible_collections.cloudbroker.alibaba.plugins.module_utils.resource import InputError, TaskFailed

NEW_FILE_MODE = 0o644


def check_report_path(path):
    """Refuse a directory, or a path whose directory cannot be made or written (checked before any remote call,
    and again before writing)."""
    if os.path.isdir(path):
        raise InputError("summary_file %s is a directory; give a file path such as %s"
                         % (path, os.path.join(path, "report.md")), option="summary_file")
    existing = os.path.dirname(path) or "."
    while not os.path.exists(existing):  # the directories missing are made when the report is written
        existing = os.path.dirname(existing)
    if not os.path.isdir(existing):
        raise InputError("summary_file %s cannot be written: %s is not a directory" % (path, existing),
                         option="summary_file")
    if not os.access(existing, os.W_OK | os.X_OK) or (os.path.exists(path) and not os.access(path, os.W_OK)):
        raise InputError("summary_file %s cannot be written: no write permission in %s" % (path, existing),
                         option="summary_file")


def read_report(path):
    """The current content of ``path`` (None when there is no file)."""
    check_report_path(path)
    if not os.path.exists(path):
        return None
    with open(path, "r", encoding="utf-8", errors="replace") as handle:
        return handle.read()


def write_report(path, content, check_mode=False):
    """Write ``content`` to ``path`` when it differs (not in check mode); returns ``(changed, before)``."""
    before = read_report(path)
    if before == content:
        return False, before
    if check_mode:
        return True, before
    directory = os.path.dirname(path) or "."
    try:
        mode = stat.S_IMODE(os.stat(path).st_mode) if before is not None else NEW_FILE_MODE
        os.makedirs(directory, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=".%s." % os.path.basename(path), suffix=".tmp", dir=directory)
        try:
            with os.fdopen(fd, "w", encoding="utf-8") as handle:
                handle.write(content)
            os.chmod(tmp, mode)
            os.replace(tmp, path)
        finally:
            if os.path.exists(tmp):
                os.unlink(tmp)
    except OSError as exc:
        raise TaskFailed("cannot write summary_file %s: %s" % (path, exc))
    return True, before
