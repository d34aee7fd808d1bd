# -*- coding: utf-8 -*-
# Copyright: cloudbroker.alibaba contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r"""
name: resource_directory
short_description: One host per account of an Alibaba Cloud Resource Directory
version_added: 1.1.0
description:
  - Reads the Resource Directory of the management account (Resource Manager API 2020-03-31, official SDK
    C(alibabacloud-resourcemanager20200331)) and makes one host per member account, with the role ARN to
    assume in it, so that one central identity onboards every account (C(playbooks/onboard.yml) honours
    C(cloudbroker_assume_role_arn) per host).
  - Filters - folders, statuses, name or ID patterns, the management account in or out.
  - Host variables - C(cloudbroker_account_id), C(cloudbroker_account_display_name), C(cloudbroker_account_name),
    C(cloudbroker_folder_id), C(cloudbroker_folder_path) (folder names from the root, C(Engineering/Production);
    empty for the root folder), C(cloudbroker_join_method) (C(created) or C(invited)), C(cloudbroker_account_status),
    C(cloudbroker_account_type), C(cloudbroker_management_account), C(cloudbroker_management_account_id),
    C(cloudbroker_resource_directory_id) and, for member accounts, C(cloudbroker_assume_role_arn)
    (C(acs:ram::<account id>:role/<role_name>)). The management account has no role ARN - the central
    identity acts in it directly.
  - Groups - C(rd_master) (the management account), C(rd_members) (every member account),
    C(rd_members_invited) (members that joined by invitation, which have no access role until someone creates
    it) and C(rd_reachable) (the accounts the central identity reaches as they are - the management account and
    the members created in the directory). C(playbooks/onboard_directory.yml) onboards by these groups; its
    first play adds an invited member to C(rd_reachable) once its role can be assumed.
  - V(keyed_groups), V(groups) and V(compose) work as in C(amazon.aws.aws_ec2), on these variables.
  - The credentials and endpoints are those of the collection's RAM modules, with the same environment
    variables (E(ALIBABA_CLOUD_ACCESS_KEY_ID), E(ALIBABA_CLOUD_RESOURCEMANAGER_ENDPOINT),
    E(ALIBABA_CLOUD_CA_BUNDLE), ...) when not set in the inventory file. Use a RAM user or role of the
    management account with C(AliyunResourceDirectoryReadOnlyAccess).
  - The inventory file name must end in C(resource_directory.yml) or C(resource_directory.yaml).
author:
  - cloudbroker.alibaba maintainers (@cloudbroker)
options:
  plugin:
    description: The name of this plugin; it makes the file an inventory of this plugin.
    type: str
    required: true
    choices: [cloudbroker.alibaba.resource_directory]
  role_name:
    description: Name of the role to assume in each member account.
    type: str
    default: ResourceDirectoryAccountAccessRole
  hostnames:
    description: What names the hosts - the account's display name or its ID.
    type: str
    choices: [display_name, account_id]
    default: display_name
  folders:
    description:
      - Only accounts in (or below) these folders - paths of folder names from the root
        (C(Engineering/Production)) or folder IDs (C(fd-...)). Empty - every folder.
    type: list
    elements: str
    default: []
  statuses:
    description:
      - Only accounts in these states (C(CreateSuccess), C(InviteSuccess), ...). Empty - every state.
    type: list
    elements: str
    default: []
  account_patterns:
    description: Only accounts whose display name or ID matches one of these shell patterns. Empty - all.
    type: list
    elements: str
    default: []
  exclude_account_patterns:
    description: Leave out accounts whose display name or ID matches one of these shell patterns.
    type: list
    elements: str
    default: []
  include_management_account:
    description: Make a host of the management account too (without a role ARN).
    type: bool
    default: false
extends_documentation_fragment:
  - constructed
  - inventory_cache
  - cloudbroker.alibaba.ram
"""

EXAMPLES = r"""
# examples/resource_directory/inventory.resource_directory.yml
plugin: cloudbroker.alibaba.resource_directory
folders: [Engineering]
exclude_account_patterns: ["*-sandbox"]
keyed_groups:
  - key: cloudbroker_folder_path.split('/')[0] | default('root', true)
    prefix: folder
  - key: cloudbroker_join_method
    prefix: joined
groups:
  production: cloudbroker_folder_path is search('Production')
compose:
  cloudbroker_assume_role_session_name: "'onboarding-' ~ cloudbroker_account_id"
cache: true
cache_plugin: ansible.builtin.jsonfile
cache_connection: ~/.cache/cloudbroker-inventory
"""

from ansible.errors import AnsibleParserError
from ansible.module_utils.common.arg_spec import ArgumentSpecValidator
from ansible.plugins.inventory import BaseInventoryPlugin, Cacheable, Constructable

from ansible_collections.cloudbroker.alibaba.plugins.module_utils.ram import connection
from ansible_collections.cloudbroker.alibaba.plugins.module_utils.ram.directory import (
    account_facts,
    account_groups,
    read_directory,
    select_accounts,
)
from ansible_collections.cloudbroker.alibaba.plugins.module_utils.resource import CloudError, InputError


class InventoryModule(BaseInventoryPlugin, Constructable, Cacheable):
    NAME = "cloudbroker.alibaba.resource_directory"

    def verify_file(self, path):
        return super(InventoryModule, self).verify_file(path) and path.endswith(
            ("resource_directory.yml", "resource_directory.yaml"))

    def parse(self, inventory, loader, path, cache=True):
        super(InventoryModule, self).parse(inventory, loader, path, cache)
        self._read_config_data(path)
        cache_key = self.get_cache_key(path)
        use_cache = self.get_option("cache") and cache
        update_cache = self.get_option("cache") and not cache
        data = None
        if use_cache:
            try:
                data = self._cache[cache_key]
            except KeyError:
                update_cache = True
        if data is None:
            data = self._read_directory()
        if update_cache:
            self._cache[cache_key] = data
        self._populate(data)

    def _connection_options(self):
        """The RAM options of the file, completed from the environment and defaults as the modules do."""
        given = dict((name, self.get_option(name)) for name in connection.RAM_OPTIONS)
        given = dict((name, value) for name, value in given.items() if value is not None)
        validator = ArgumentSpecValidator(connection.RAM_OPTIONS, **connection.RAM_RULES)
        result = validator.validate(given)
        if result.error_messages:
            raise AnsibleParserError("%s: %s" % (self.NAME, "; ".join(result.error_messages)))
        params = result.validated_parameters
        try:
            connection.validate_ram_options(params)
        except InputError as error:
            raise AnsibleParserError("%s: %s" % (self.NAME, error.message))
        return params

    def _read_directory(self):
        if not connection.HAS_RAM_SDK:
            raise AnsibleParserError("%s needs the Alibaba Cloud SDK (alibabacloud-resourcemanager20200331, "
                                     "alibabacloud-credentials): %s" % (self.NAME, connection.RAM_SDK_IMPORT_ERROR))
        params = self._connection_options()
        try:
            return read_directory(connection.RamConnection(params).resourcemanager)
        except (CloudError, connection.CredentialException) as error:
            message = error.describe() if isinstance(error, CloudError) else str(error)
            raise AnsibleParserError("%s: reading the Resource Directory failed: %s" % (self.NAME, message))

    def _populate(self, data):
        accounts = select_accounts(
            data["accounts"], folders=self.get_option("folders"), statuses=self.get_option("statuses"),
            patterns=self.get_option("account_patterns"), exclude_patterns=self.get_option("exclude_account_patterns"),
            include_management=self.get_option("include_management_account"))
        strict = self.get_option("strict")
        for account in accounts:
            host = account[self.get_option("hostnames")]
            self.inventory.add_host(host)
            facts = account_facts(account, data["directory"], self.get_option("role_name"))
            for name, value in facts.items():
                self.inventory.set_variable(host, name, value)
            for group in account_groups(account):
                self.inventory.add_child(self.inventory.add_group(group), host)
            self._set_composite_vars(self.get_option("compose"), facts, host, strict=strict)
            self._add_host_to_composed_groups(self.get_option("groups"), facts, host, strict=strict)
            self._add_host_to_keyed_groups(self.get_option("keyed_groups"), facts, host, strict=strict)
