"""Account-wide settings (password policy, security preference, alias) and STS GetCallerIdentity.

``SetPasswordPolicy`` sets the whole policy: a parameter left out takes its default again (the SDK
docs say so for ``HardExpiry``; applied to all). ``SetSecurityPreference`` changes only what it is
given. The alias defaults to the account id; ``ClearAccountAlias`` restores that.
"""

import re

from .api import STS_VERSION, action
from .errors import invalid_parameter
from .store import DEFAULT_PASSWORD_POLICY, DEFAULT_SECURITY_PREFERENCE

# SetPasswordPolicy integer parameters -> (low, high)
PASSWORD_POLICY_RANGES = {"MinimumPasswordLength": (8, 32), "MaxPasswordAge": (0, 1095),
                          "PasswordReusePrevention": (0, 24), "MaxLoginAttemps": (0, 32)}
ALIAS_RE = re.compile(r"^[a-z0-9](?:[a-z0-9]|-(?!-))*[a-z0-9]$")

# GetSecurityPreference groups its flags by topic
PREFERENCE_GROUPS = {
    "AccessKeyPreference": ("AllowUserToManageAccessKeys",),
    "LoginProfilePreference": ("AllowUserToChangePassword", "EnableSaveMFATicket", "LoginNetworkMasks",
                               "LoginSessionDuration"),
    "MFAPreference": ("AllowUserToManageMFADevices",),
    "PublicKeyPreference": ("AllowUserToManagePublicKeys",),
}


@action("GetPasswordPolicy")
def get_password_policy(ctx):
    return {"PasswordPolicy": ctx.store.account()["password_policy"]}


@action("SetPasswordPolicy")
def set_password_policy(ctx):
    policy = {}
    for name, default in DEFAULT_PASSWORD_POLICY.items():
        if isinstance(default, bool):
            policy[name] = ctx.params.flag(name, default)
        else:
            low, high = PASSWORD_POLICY_RANGES[name]
            policy[name] = ctx.params.number(name, default, low, high)
    ctx.store.set_account("password_policy", policy)
    return {"PasswordPolicy": policy}


def preference_view(preference):
    return {"SecurityPreference": {group: {name: preference[name] for name in names}
                                   for group, names in PREFERENCE_GROUPS.items()}}


@action("GetSecurityPreference")
def get_security_preference(ctx):
    return preference_view(ctx.store.account()["security_preference"])


@action("SetSecurityPreference")
def set_security_preference(ctx):
    preference = ctx.store.account()["security_preference"]
    for name, default in DEFAULT_SECURITY_PREFERENCE.items():
        if isinstance(default, bool):
            value = ctx.params.flag(name)
        elif name == "LoginSessionDuration":
            value = ctx.params.number(name, None, 1, 24)
        else:
            value = ctx.params.text(name, 512)
        if value is not None:
            preference[name] = value
    ctx.store.set_account("security_preference", preference)
    return preference_view(preference)


@action("GetAccountAlias")
def get_account_alias(ctx):
    return {"AccountAlias": ctx.store.account()["alias"] or ctx.account_id}


@action("SetAccountAlias")
def set_account_alias(ctx):
    alias = ctx.params.required("AccountAlias")
    if not 3 <= len(alias) <= 32:
        raise invalid_parameter("AccountAlias", "Length")
    if not ALIAS_RE.match(alias):
        raise invalid_parameter("AccountAlias", "Format")
    ctx.store.set_account("alias", alias)
    return {}


@action("ClearAccountAlias")
def clear_account_alias(ctx):
    ctx.store.set_account("alias", None)
    return {}


@action("GetCallerIdentity", version=STS_VERSION, public=True)
def get_caller_identity(ctx):
    user, session = ctx.caller.user, ctx.caller.session
    if session is not None:
        role_id = session["role_id"]
        return {"IdentityType": "AssumedRoleUser", "AccountId": ctx.account_id,
                "UserId": "%s:%s" % (role_id, session["session_name"]),
                "PrincipalId": "%s:%s" % (role_id, session["session_name"]), "RoleId": role_id,
                "Arn": ctx.caller.arn(ctx.account_id)}
    if user is None:
        return {"IdentityType": "Account", "AccountId": ctx.account_id, "UserId": ctx.account_id,
                "PrincipalId": ctx.account_id, "Arn": "acs:ram::%s:root" % ctx.account_id}
    return {"IdentityType": "RAMUser", "AccountId": ctx.account_id, "UserId": user["user_id"],
            "PrincipalId": user["user_id"], "Arn": "acs:ram::%s:user/%s" % (ctx.account_id, user["name"])}
