#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: cloudbroker.alibaba contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r"""
module: ram_login_profile
short_description: Manage the console logon (login profile) of an Alibaba Cloud RAM user
version_added: 1.0.0
description:
  - Gives a RAM user console access with a password (C(CreateLoginProfile)), changes its logon flags
    or password (C(UpdateLoginProfile)), or takes console access away (C(DeleteLoginProfile)).
  - A user without a login profile can only use AccessKeys; only create one for people who need the
    console.
  - RAM never returns a password, so the module cannot tell whether a password differs from the one set.
    With the default O(update_password=on_create) the password is only used when the profile is
    created, and later runs report no change. With O(update_password=always) the password is sent on
    every run, and every run reports C(changed).
  - The logon flags that are not set are left alone (they are never reset to a default).
author:
  - cloudbroker.alibaba maintainers (@cloudbroker)
options:
  user_name:
    description: Logon name of the RAM user (it must exist).
    type: str
    required: true
    aliases: [name]
  password:
    description:
      - Console password. Required when the profile is created (O(state=present) and the user has no
        profile yet); otherwise it is used only with O(update_password=always).
      - At most 32 characters (checked before any call), and it must satisfy the account's password policy (M(cloudbroker.alibaba.ram_password_policy)); RAM
        refuses a weaker one with C(InvalidParameter.Password.TooWeak). In check mode the module checks
        the password against the policy itself (C(GetPasswordPolicy)), so that check mode fails where
        the real run would.
      - Never returned, logged or shown in a diff.
    type: str
  update_password:
    description:
      - V(on_create) - set the password only when the profile is created; idempotent.
      - V(always) - also replace the password of an existing profile, on every run (the module cannot
        compare passwords, so every run reports C(changed)).
    type: str
    choices: [always, on_create]
    default: on_create
  password_reset_required:
    description:
      - The user must change the password at the next logon. Not set means the current value stays
        (RAM's default on creation is V(false)).
    type: bool
  mfa_bind_required:
    description:
      - The user must bind an MFA device at the next logon. Not set means the current value stays (RAM's
        default on creation is V(false)). M(cloudbroker.alibaba.ram_user_mfa) binds one for the user instead.
    type: bool
  state:
    description:
      - V(present) creates or updates the login profile; V(absent) deletes it, which removes console
        access (AccessKeys keep working). Deleting a profile that does not exist, or of a user that does
        not exist, is no change.
    type: str
    choices: [present, absent]
    default: present
extends_documentation_fragment:
  - cloudbroker.alibaba.ram
  - cloudbroker.alibaba.attributes.actions
"""

EXAMPLES = r"""
- name: Console access for an operator, who must pick a new password and bind MFA at first logon
  cloudbroker.alibaba.ram_login_profile:
    user_name: alice
    password: "{{ vault_alice_initial_password }}"
    password_reset_required: true
    mfa_bind_required: true

- name: Reset the password (reports changed on every run)
  cloudbroker.alibaba.ram_login_profile:
    user_name: alice
    password: "{{ vault_alice_new_password }}"
    update_password: always

- name: Only flip a flag; the password stays as it is
  cloudbroker.alibaba.ram_login_profile:
    user_name: alice
    password_reset_required: false

- name: No console access for the marketplace's technical user
  cloudbroker.alibaba.ram_login_profile:
    user_name: marketplace-broker
    state: absent
"""

RETURN = r"""
login_profile:
  description:
    - The login profile after the run (as it would be, in check mode); empty when there is none.
    - The password is never returned.
  returned: always
  type: dict
  contains:
    user_name:
      description: Logon name.
      type: str
      sample: alice
    password_reset_required:
      description: Whether the user must change the password at the next logon.
      type: bool
    mfa_bind_required:
      description: Whether the user must bind an MFA device at the next logon.
      type: bool
    create_date:
      description: When the profile was created (UTC; absent in check mode before creation).
      type: str
      sample: "2026-11-23T10:00:00Z"
password_updated:
  description: Whether this run set the password (on creation, or with O(update_password=always)).
  returned: always
  type: bool
"""

import re

from ansible_collections.cloudbroker.alibaba.plugins.module_utils.legacy_ram import RamError, RamModule, validate_user_name

MISSING_PROFILE = "EntityNotExist.User.LoginProfile"
MISSING_USER = "EntityNotExist.User"
TOO_WEAK = "InvalidParameter.Password.TooWeak"
MAX_PASSWORD_LENGTH = 32  # RAM's limit, whatever the password policy says
PROFILE_FIELDS = ("user_name", "password_reset_required", "mfa_bind_required", "create_date")
FLAGS = {"password_reset_required": "PasswordResetRequired", "mfa_bind_required": "MFABindRequired"}
# What the diff shows instead of a password.
PASSWORD_PLACEHOLDER = "(not shown)"
PASSWORD_SET_PLACEHOLDER = "(set by this run, not shown)"


def profile_view(remote):
    remote = remote or {}
    view = dict(user_name=remote.get("UserName"), password_reset_required=remote.get("PasswordResetRequired"),
                mfa_bind_required=remote.get("MFABindRequired"), create_date=remote.get("CreateDate"))
    return dict((k, view[k]) for k in PROFILE_FIELDS if view[k] is not None)


def password_problems(password, policy):
    """The rules of a GetPasswordPolicy ``PasswordPolicy`` that ``password`` breaks (never the password itself)."""
    policy = policy or {}
    problems = []
    minimum = policy.get("MinimumPasswordLength") or 8
    if len(password) < minimum:
        problems.append("at least %d characters" % minimum)
    if len(password) > MAX_PASSWORD_LENGTH:
        problems.append("at most %d characters" % MAX_PASSWORD_LENGTH)
    if policy.get("RequireLowercaseCharacters") and not re.search(r"[a-z]", password):
        problems.append("a lowercase letter")
    if policy.get("RequireUppercaseCharacters") and not re.search(r"[A-Z]", password):
        problems.append("an uppercase letter")
    if policy.get("RequireNumbers") and not re.search(r"[0-9]", password):
        problems.append("a digit")
    if policy.get("RequireSymbols") and not re.search(r"[^A-Za-z0-9]", password):
        problems.append("a special character")
    return problems


def scrub(error, password):
    """A RamError whose message can be shown: any echo of the password is cut out."""
    if password and password in (error.message or ""):
        error.message = error.message.replace(password, "********")
    if error.code == TOO_WEAK:
        error.message = ("%s - the password does not satisfy the account's password policy "
                         "(see cloudbroker.alibaba.ram_password_policy)" % (error.message or "The password is too weak")
                         ).strip()
    return error


def check_password(client, user_name, password):
    """Check mode only: predict RAM's InvalidParameter.Password.TooWeak from the account's policy."""
    policy = client.call("GetPasswordPolicy").get("PasswordPolicy")
    problems = password_problems(password, policy)
    if problems:
        raise RamError("GetPasswordPolicy", code=TOO_WEAK,
                       message="the password for %s does not satisfy the account's password policy; it needs %s "
                               "(check mode, predicted from GetPasswordPolicy)" % (user_name, ", ".join(problems)))


def plan_flags(current, params):
    """Flags whose wanted value differs from the profile's (unset flags are never touched)."""
    return dict((option, params[option]) for option in FLAGS
                if params[option] is not None and current.get(option) != params[option])


def call_with_password(client, action, password, **params):
    try:
        return client.call(action, Password=password, **params)
    except RamError as error:
        raise scrub(error, password)


def ensure_present(module, client):
    params = module.params
    name = params["user_name"]
    current = client.get("GetLoginProfile", MISSING_PROFILE, UserName=name)
    flags = dict((FLAGS[o], params[o]) for o in FLAGS if params[o] is not None)
    if current is None:
        if not params["password"]:
            module.fail_json(msg="User %s has no login profile yet: password is required to create one." % name)
        after = dict(user_name=name, **dict((o, params[o]) for o in FLAGS if params[o] is not None))
        if module.check_mode:
            check_password(client, name, params["password"])
        else:
            try:
                created = call_with_password(client, "CreateLoginProfile", params["password"], UserName=name, **flags)
                after = profile_view(created.get("LoginProfile")) or after
            except RamError as error:
                if error.code != "EntityAlreadyExists.User.LoginProfile":  # created by a retried request
                    raise
                after = profile_view(client.call("GetLoginProfile", UserName=name).get("LoginProfile"))
        return True, True, {}, after

    before = profile_view(current.get("LoginProfile"))
    changes = plan_flags(before, params)
    set_password = params["update_password"] == "always" and bool(params["password"])
    after = dict(before, **changes)
    if (changes or set_password) and not module.check_mode:
        update = dict((FLAGS[o], v) for o, v in changes.items())
        if set_password:
            call_with_password(client, "UpdateLoginProfile", params["password"], UserName=name, **update)
        else:
            client.call("UpdateLoginProfile", UserName=name, **update)
        after = profile_view(client.call("GetLoginProfile", UserName=name).get("LoginProfile")) or after
    elif set_password:
        check_password(client, name, params["password"])
    return bool(changes) or set_password, set_password, before, after


def ensure_absent(module, client):
    name = module.params["user_name"]
    try:
        current = client.get("GetLoginProfile", MISSING_PROFILE, UserName=name)
    except RamError as error:
        if error.code == MISSING_USER:
            return False, {}, {}
        raise
    if current is None:
        return False, {}, {}
    if not module.check_mode:
        try:
            client.call("DeleteLoginProfile", UserName=name)
        except RamError as error:
            if error.code != MISSING_PROFILE:  # deleted meanwhile (or by a retried request)
                raise
    return True, profile_view(current.get("LoginProfile")), {}


def run_module(module):
    validate_user_name(module, module.params["user_name"])
    if module.params["password"] is not None and len(module.params["password"]) > MAX_PASSWORD_LENGTH:
        module.fail_json(msg="password is longer than RAM allows (%d characters at most)." % MAX_PASSWORD_LENGTH)
    client = module.ram
    password_updated = False
    if module.params["state"] == "present":
        changed, password_updated, before, after = ensure_present(module, client)
    else:
        changed, before, after = ensure_absent(module, client)
    result = dict(changed=changed, login_profile=after, password_updated=password_updated)
    if module._diff:
        diff_before, diff_after = dict(before), dict(after)
        if password_updated:
            if before:
                diff_before["password"] = PASSWORD_PLACEHOLDER
            diff_after["password"] = PASSWORD_SET_PLACEHOLDER
        result["diff"] = dict(before=diff_before, after=diff_after)
    return result


def main():
    module = RamModule(
        argument_spec=dict(
            user_name=dict(type="str", required=True, aliases=["name"]),
            password=dict(type="str", no_log=True),
            update_password=dict(type="str", default="on_create", choices=["always", "on_create"], no_log=False),
            password_reset_required=dict(type="bool", no_log=False),
            mfa_bind_required=dict(type="bool"),
            state=dict(type="str", default="present", choices=["present", "absent"]),
        ),
        supports_check_mode=True,
    )
    module.run(run_module)


if __name__ == "__main__":
    main()
