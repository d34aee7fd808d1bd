# -*- coding: utf-8 -*-
# Copyright: cloudbroker.alibaba contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The console logon of a RAM user: ``ram_login_profile``.

May touch: the user's login profile (CreateLoginProfile, UpdateLoginProfile, DeleteLoginProfile). Reads
GetLoginProfile, and GetPasswordPolicy in check mode to predict RAM's verdict on a password.

The password is a ``no_log`` option: never in a result or a diff (placeholders say that it was set), and
cut out of any error message RAM might echo it in.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import re

from ansible_collections.cloudbroker.alibaba.plugins.module_utils.ram.errors import RamError
from ansible_collections.cloudbroker.alibaba.plugins.module_utils.ram.names import check_name
from ansible_collections.cloudbroker.alibaba.plugins.module_utils.resource import InputError, Resource, TaskFailed

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


def get_login_profile(client, user_name, ignore=(MISSING_PROFILE,)):
    found = client.call("GetLoginProfile", ignore=ignore, UserName=user_name)
    return found.get("LoginProfile") if found is not None else None


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
    error.args = (error.describe(),)
    return error


def predict_password_verdict(client, user_name, password, action):
    """Check mode only: fail where ``action`` would fail with InvalidParameter.Password.TooWeak."""
    policy = client.call("GetPasswordPolicy").get("PasswordPolicy")
    problems = password_problems(password, policy)
    if problems:
        message = ("the password for %s does not satisfy the account's password policy; it needs %s (check mode, "
                   "predicted from GetPasswordPolicy)" % (user_name, ", ".join(problems)))
        raise TaskFailed("%s would fail: %s: %s" % (action, TOO_WEAK, message),
                         error=dict(action=action, code=TOO_WEAK, message=message, request_id=None, http_status=None))


def plan_flags(current, params):
    """Flags whose wanted value differs from the profile's (unset flags are never touched)."""
    return dict((option, params[option]) for option in FLAGS
                if params[option] is not None and current.get(option) != params[option])


def call_with_password(client, action, password, **params):
    try:
        return client.call(action, Password=password, **params)
    except RamError as error:
        raise scrub(error, password)


def ensure_present(task, client):
    """``(changed, password_updated, before, after)``."""
    params = task.params
    name = params["user_name"]
    current = get_login_profile(client, name)  # a missing user fails here with RAM's EntityNotExist.User
    flags = dict((FLAGS[o], params[o]) for o in FLAGS if params[o] is not None)
    if current is None:
        if not params["password"]:
            raise TaskFailed("User %s has no login profile yet: password is required to create one." % name)
        after = dict(user_name=name, **dict((o, params[o]) for o in FLAGS if params[o] is not None))
        if task.check_mode:
            predict_password_verdict(client, name, params["password"], "CreateLoginProfile")
        else:
            created = call_with_password(client, "CreateLoginProfile", params["password"],
                                         ignore=("EntityAlreadyExists.User.LoginProfile",), UserName=name, **flags)
            if created is None:  # created by a retried request
                after = profile_view(get_login_profile(client, name, ignore=()))
            else:
                after = profile_view(created.get("LoginProfile")) or after
        return True, True, {}, after

    before = profile_view(current)
    changes = plan_flags(before, params)
    set_password = params["update_password"] == "always" and bool(params["password"])
    after = dict(before, **changes)
    if (changes or set_password) and not task.check_mode:
        update = dict((FLAGS[o], v) for o, v in changes.items())
        if set_password:
            call_with_password(client, "UpdateLoginProfile", params["password"], UserName=name, **update)
        else:
            client.call("UpdateLoginProfile", UserName=name, **update)
        after = profile_view(get_login_profile(client, name, ignore=())) or after
    elif set_password:
        predict_password_verdict(client, name, params["password"], "UpdateLoginProfile")
    return bool(changes) or set_password, set_password, before, after


def ensure_absent(task, client):
    """``(changed, before, after)``; a missing user has no profile to delete."""
    name = task.params["user_name"]
    current = get_login_profile(client, name, ignore=(MISSING_PROFILE, MISSING_USER))
    if current is None:
        return False, {}, {}
    if not task.check_mode:  # deleted meanwhile (or by a retried request): the goal is met
        client.call("DeleteLoginProfile", ignore=(MISSING_PROFILE,), UserName=name)
    return True, profile_view(current), {}


def run_login_profile(task):
    params = task.params
    check_name("user", params["user_name"], "user_name")
    if params["password"] is not None and len(params["password"]) > MAX_PASSWORD_LENGTH:
        raise InputError("password is longer than RAM allows (%d characters at most)." % MAX_PASSWORD_LENGTH,
                         option="password")
    client = task.clients.ram
    password_updated = False
    if params["state"] == "present":
        changed, password_updated, before, after = ensure_present(task, client)
    else:
        changed, before, after = ensure_absent(task, client)
    result = dict(changed=changed, login_profile=after, password_updated=password_updated)
    if task.diff:
        diff_before, diff_after = dict(before), dict(after)
        if password_updated:
            if before:
                diff_before["password"] = PASSWORD_PLACEHOLDER
            diff_after["password"] = PASSWORD_SET_PLACEHOLDER
        result["diff"] = dict(before=diff_before, after=diff_after)
    return result


LOGIN_PROFILE = Resource(
    "ram_login_profile",
    dict(
        user_name=dict(type="str", required=True, aliases=["name"]),
        password=dict(type="str", no_log=True),
        update_password=dict(type="str", default="on_create", choices=["always", "on_create"], no_log=False),
        password_reset_required=dict(type="bool", no_log=False),
        mfa_bind_required=dict(type="bool"),
        state=dict(type="str", default="present", choices=["present", "absent"]),
    ),
    run_login_profile,
    services=("ram",),
)
