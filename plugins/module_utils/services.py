# -*- coding: utf-8 -*-
# Copyright: cloudbroker.alibaba contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The services a resource may talk to, and what both shells need of them.

A resource names its services (``Resource.services``: ``ram``, ``marketplace``). For each, this file
knows the shared connection options and the rules across them (merged into the resource's argument spec
by ``argument_spec_for``), the checks the spec cannot express (``validate_service_options``, run before
the resource, so a bad endpoint or a negative retry count never reaches the network), and how to build
its clients (``Clients``, on first use).
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from ansible_collections.cloudbroker.alibaba.plugins.module_utils.resource import Task, execute


# Each service's room is imported only by the resources that use it: a marketplace module does not pay
# for the Alibaba Cloud SDK. (The action shell imports both once, in the controller's main process.)
def _ram():
    from ansible_collections.cloudbroker.alibaba.plugins.module_utils.ram import connection

    return connection


def _marketplace():
    from ansible_collections.cloudbroker.alibaba.plugins.module_utils.marketplace import options

    return options


def _service(name):
    """``(options, rules, validate)`` of a service."""
    if name == "ram":
        room = _ram()
        return room.RAM_OPTIONS, room.RAM_RULES, room.validate_ram_options
    if name == "marketplace":
        room = _marketplace()
        return room.MARKETPLACE_OPTIONS, {}, room.validate_marketplace_options
    raise KeyError("unknown service %r" % name)


def expected_failures(services):
    """Exceptions (besides ``CloudError``) the libraries behind ``services`` report expected failures with."""
    return _ram().CREDENTIAL_FAILURES if "ram" in services else ()


def services_spec(services):
    """``(options, rules)`` shared by ``services``: what ``Resource.module_kwargs`` merges in."""
    options, rules = {}, {}
    for name in services:
        service_options, service_rules, _validate = _service(name)
        options.update(service_options)
        for rule, value in service_rules.items():
            rules.setdefault(rule, []).extend(value)
    return options, rules


def argument_spec_for(resource):
    """The keyword arguments of ``AnsibleModule`` (and of the action shell's validator) for ``resource``."""
    return resource.module_kwargs(services_spec)


def validate_service_options(resource, params):
    for name in resource.services:
        _service(name)[2](params)


class Clients:
    """The clients of one task, each built on first use from the task's options."""

    def __init__(self, params, task):
        self._params = params
        self._task = task
        self._ram = None
        self._marketplace = None

    @property
    def ram_connection(self):
        if self._ram is None:
            self._ram = _ram().RamConnection(self._params)
        return self._ram

    @property
    def ram(self):
        return self.ram_connection.ram

    @property
    def sts(self):
        return self.ram_connection.sts

    @property
    def marketplace(self):
        if self._marketplace is None:
            self._marketplace = _marketplace().client_from_options(self._params, on_secret=self._task.add_secret)
            if not self._params.get("validate_certs", True):
                self._task.warn("validate_certs is false: the certificate of %s is not verified, so anyone on the "
                                "path can read the API key and the secrets sent. Give its CA with ca_path instead."
                                % self._marketplace.url)
        return self._marketplace


def run_resource(resource, params, check_mode=False, diff=False, no_log=False):
    """Validate the service options, run the resource; returns ``(result, task)``. Both shells call this."""
    task = Task(params, check_mode=check_mode, diff=diff, connect=Clients, no_log=no_log)

    def run(current):
        validate_service_options(resource, current.params)
        return resource.run(current)

    return execute(run, task, expected=expected_failures(resource.services)), task
