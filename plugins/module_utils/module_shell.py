# -*- coding: utf-8 -*-
# Copyright: cloudbroker.alibaba contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The module shell: run a resource as an Ansible module (``plugins/modules/<name>.py``).

This is what runs when the task's connection is not local (a task delegated to a jump host, for instance);
on the controller the action plugin of the same name runs the same resource in-process
(``plugin_utils/action_shell.py``). Both validate with ``argument_spec_for(resource)`` and return what
``run_resource`` returns.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from ansible.module_utils.basic import AnsibleModule

from ansible_collections.cloudbroker.alibaba.plugins.module_utils.services import argument_spec_for, run_resource


def run_as_module(resource):
    module = AnsibleModule(supports_check_mode=True, **argument_spec_for(resource))
    result, task = run_resource(resource, module.params, check_mode=module.check_mode, diff=module._diff,
                                no_log=module.no_log)
    module.no_log_values.update(task.secrets)
    for warning in task.warnings:
        module.warn(warning)
    if result.get("failed"):
        result.pop("failed")
        module.fail_json(**result)
    module.exit_json(**result)
