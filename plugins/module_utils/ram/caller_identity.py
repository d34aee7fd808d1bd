# -*- coding: utf-8 -*-
# Copyright: cloudbroker.alibaba contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Who the credentials belong to: STS ``GetCallerIdentity`` (needs no permission; reads only)."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from ansible_collections.cloudbroker.alibaba.plugins.module_utils.ram.names import snake

ROOT_IDENTITY_TYPE = "Account"  # GetCallerIdentity's IdentityType for the root (billing) account


def get_caller_identity(sts_client):
    """STS GetCallerIdentity as a snake_case dict plus ``is_root`` (identity type ``Account``)."""
    found = sts_client.call("GetCallerIdentity")
    identity = dict((key, value) for key, value in snake(found).items() if key != "request_id")
    identity["is_root"] = identity.get("identity_type") == ROOT_IDENTITY_TYPE
    return identity
