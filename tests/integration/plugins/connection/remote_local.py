# -*- coding: utf-8 -*-
# Copyright: cloudbroker.alibaba contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""A connection that runs commands on this machine but does not call itself local.

Tests use it to make the collection's action plugins take the path they take for a delegated task (a jump
host): execute the module of the same name through the connection, as AnsiballZ, in a new interpreter.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = """
name: remote_local
short_description: run on this machine, as if it were a remote host (tests only)
description:
  - The local connection under another name, so that action plugins see a non-local transport.
author: cloudbroker.alibaba maintainers (@cloudbroker)
extends_documentation_fragment:
  - connection_pipelining
options: {}
"""

from ansible.plugins.connection.local import Connection as LocalConnection


class Connection(LocalConnection):
    transport = "remote_local"
