# -*- coding: utf-8 -*-
# Copyright: cloudbroker.alibaba contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Runs cloudbroker.alibaba.marketplace_business_entity_info on the controller (see plugin_utils/action_shell.py)."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from ansible_collections.cloudbroker.alibaba.plugins.module_utils.marketplace.entities import BUSINESS_ENTITY_INFO
from ansible_collections.cloudbroker.alibaba.plugins.plugin_utils.action_shell import ResourceAction


class ActionModule(ResourceAction):
    RESOURCE = BUSINESS_ENTITY_INFO
