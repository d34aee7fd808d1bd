# -*- coding: utf-8 -*-
# Copyright: cloudbroker.alibaba contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Asset accounts of the marketplace: ``marketplace_asset_account`` and ``marketplace_asset_account_info``.

May touch: the asset account itself (``POST accounts``, ``PUT accounts/{id}`` with ``modelVersion``,
``DELETE accounts/{id}``); the info twin only reads. Both return ``views.account_view``.

``known_account`` (state=present): the account as a read earlier in the play returned it. When it shows the
account exactly as wanted, the task reports no change without a request; anything else is decided on a
fresh read (writes always carry the ``modelVersion`` of that read).
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from ansible_collections.cloudbroker.alibaba.plugins.module_utils.marketplace.api import (
    ACCOUNT_ID_RE,
    account_name,
    create_account,
    delete_account,
    derive_account_id,
    find_accounts_by_name,
    get_account,
    list_accounts,
    resolve_account,
    update_account,
)
from ansible_collections.cloudbroker.alibaba.plugins.module_utils.marketplace.transport import MarketplaceError
from ansible_collections.cloudbroker.alibaba.plugins.module_utils.marketplace.views import account_view, status_to_wire
from ansible_collections.cloudbroker.alibaba.plugins.module_utils.resource import InputError, Resource, TaskFailed

DIFF_FIELDS = ("account_id", "name", "description", "provider_code", "account_type", "user_type", "status",
               "master_account_id", "account_number")
ACCOUNT_NUMBER_HELP = ("Alibaba Cloud has no account number in the broker's sense, but the broker requires at least 8 "
                       "digits: use the Alibaba Cloud account UID (16 digits)")


# --------------------------------------------------------------------------------------------
# marketplace_asset_account
# --------------------------------------------------------------------------------------------

def check_account_options(params):
    """Input checks, before any request."""
    name, account_id = params["name"], params["account_id"]
    if params["state"] == "present" and not name:
        raise InputError("name is required with state=present.", option="name")
    if params["state"] == "absent" and not (name or account_id):
        raise InputError("name or account_id is required with state=absent.")
    if name is not None and not 1 <= len(name) <= 255:
        raise InputError("name must be 1-255 characters long.", option="name")
    if account_id is not None and not ACCOUNT_ID_RE.match(account_id):
        raise InputError("Invalid account_id %r: 1-128 characters, letters, digits, '_', '.' or '-'." % account_id,
                         option="account_id")
    number = params["account_number"]
    if number is None:
        return
    if params["provider_code"] == "alibaba":
        if not (number.isascii() and number.isdigit() and len(number) >= 8):
            raise InputError("account_number must be at least 8 digits for provider alibaba, got %r. %s."
                             % (number, ACCOUNT_NUMBER_HELP), option="account_number")
    elif not number:
        raise InputError("account_number must not be empty.", option="account_number")


def find_account(params, client):
    """(current account or None, the id to use)."""
    provider = params["provider_code"]
    if params["account_id"]:
        return get_account(client, params["account_id"]), params["account_id"]
    name = params["name"]
    derived = derive_account_id(provider, name)
    current = get_account(client, derived)
    if current is not None:
        if account_name(current) != name:
            raise TaskFailed("The account id %r derived from name %r belongs to the account named %r; set account_id "
                             "to manage one of them." % (derived, name, account_name(current)))
        return current, derived
    matches = find_accounts_by_name(client, name, provider, ("asset",))
    if len(matches) > 1:
        raise TaskFailed("%d asset accounts of provider %s are named %r (ids %s); set account_id."
                         % (len(matches), provider, name, ", ".join(sorted(m["accountId"] for m in matches))))
    if matches:
        return matches[0], matches[0]["accountId"]
    return None, derived


def resolve_master(task, client, own_id):
    """The parentAccountId wanted: None (leave alone), "" (unlink) or the master's id."""
    reference = task.params["master_account"]
    if reference is None or reference == "":
        return reference
    provider = task.params["provider_code"]
    master = resolve_account(client, reference, provider, user_types=("asset", "billing"))
    if master is None and task.check_mode:
        task.warn("Master account %r does not exist (yet): check mode links to it as if it did." % reference)
        return reference if ACCOUNT_ID_RE.match(reference) else derive_account_id(provider, reference)
    if master is None:
        raise TaskFailed("Master account %r not found (by id or by name among the provider's asset and billing "
                         "accounts you can see)." % reference)
    master_id = master["accountId"]
    if master_id == own_id:
        raise TaskFailed("An account cannot be its own master account (%s)." % master_id)
    master_type = (master.get("basicInfo") or {}).get("accountType")
    if master_type != "master":
        raise TaskFailed("Account %r (%s) is not a master account (accountType %r)." % (reference, master_id, master_type))
    return master_id


def wanted_basic(params, parent_id):
    """The basicInfo fields the options set (None values: leave alone)."""
    return dict(accountName=params["name"], description=params["description"], accountType=params["account_type"],
                isActive=status_to_wire(params["status"]), parentAccountId=parent_id)


def apply_changes(current, basic_changes, account_number):
    """The (basicInfo, advancedInfo) the account should have; equal to the current ones when nothing changes."""
    basic = dict(current.get("basicInfo") or {})
    for key, value in basic_changes.items():
        if value is None:
            continue
        if value == "" and key in ("parentAccountId", "description"):
            basic.pop(key, None)
        else:
            basic[key] = value
    advanced = dict(current.get("advancedInfo") or {})
    if account_number is not None:
        advanced["accountNumber"] = account_number
    return basic, advanced


def diff_view(account):
    if not account:
        return {}
    view = account_view(account, include_credentials=False)
    return dict((key, view.get(key)) for key in DIFF_FIELDS)


def create(task, client, account_id, parent_id):
    params = task.params
    provider = params["provider_code"]
    if params["account_number"] is None:
        raise TaskFailed("account_number is required to create account %r (%s). %s."
                         % (params["name"], account_id, ACCOUNT_NUMBER_HELP))
    basic = dict(accountName=params["name"], serviceProviderType=provider, serviceProviderCode=provider,
                 accountType=params["account_type"] or "subaccount",
                 isActive=status_to_wire(params["status"] or "Active"), userType="asset")
    if params["description"]:
        basic["description"] = params["description"]
    if parent_id:
        basic["parentAccountId"] = parent_id
    payload = dict(accountId=account_id, basicInfo=basic, advancedInfo=dict(accountNumber=params["account_number"]))
    if task.check_mode:
        return dict(payload, credentials=[]), True
    return create_account(client, payload)


def update(task, client, current, parent_id):
    """PUT the changes with modelVersion; on a version conflict read again and retry once. Returns (account, changed)."""
    params = task.params
    account_id = current["accountId"]
    provider = params["provider_code"]
    current_provider = (current.get("basicInfo") or {}).get("serviceProviderCode")
    if current_provider != provider:
        raise TaskFailed("Account %s belongs to provider %r, not %r; set provider_code or choose another account."
                         % (account_id, current_provider, provider))
    for attempt in (1, 2):
        basic, advanced = apply_changes(current, wanted_basic(params, parent_id), params["account_number"])
        if basic == (current.get("basicInfo") or {}) and advanced == (current.get("advancedInfo") or {}):
            return current, False
        if task.check_mode:
            return dict(current, basicInfo=basic, advancedInfo=advanced), True
        payload = dict(accountId=account_id, basicInfo=basic, advancedInfo=advanced)
        if current.get("modelVersion") is not None:
            payload["modelVersion"] = current["modelVersion"]
        try:
            return update_account(client, account_id, payload), True
        except MarketplaceError as error:
            if error.status != 409 or error.translate_code != "CO409_MODEL_VERSION_CONFLICT" or attempt == 2:
                raise
        current = get_account(client, account_id)
        if current is None:
            raise TaskFailed("Account %s was deleted while it was being updated." % account_id)
    return current, False  # not reached


def known_as_wire(view):
    """An account view -> the ``basicInfo`` / ``advancedInfo`` it was made from, to compare with what is
    wanted (``apply_changes``); never sent to the broker."""
    basic = dict(accountName=view.get("name"), description=view.get("description"),
                 serviceProviderType=view.get("provider_type"), serviceProviderCode=view.get("provider_code"),
                 accountType=view.get("account_type"), isActive=status_to_wire(view.get("status")),
                 userType=view.get("user_type"), parentAccountId=view.get("master_account_id"))
    advanced = dict(view.get("advanced_info") or {})
    if view.get("account_number") is not None:
        advanced["accountNumber"] = view["account_number"]
    return dict(basicInfo=dict((k, v) for k, v in basic.items() if v is not None), advancedInfo=advanced)


def settled_account(params):
    """``known_account`` when it is this account (same id, name and provider) and exactly as wanted, else
    ``None``. Makes no request: a master account given by name, for instance, is left to a fresh read."""
    known = params["known_account"]
    if not known:
        return None
    wanted_id = params["account_id"] or derive_account_id(params["provider_code"], params["name"])
    if "credentials" not in known or known.get("account_id") != wanted_id \
            or known.get("name") != params["name"] or known.get("provider_code") != params["provider_code"]:
        return None
    parent_id = params["master_account"]
    if parent_id not in (None, "", known.get("master_account_id")):
        return None
    current = known_as_wire(known)
    basic, advanced = apply_changes(current, wanted_basic(params, parent_id), params["account_number"])
    if basic != current["basicInfo"] or advanced != current["advancedInfo"]:
        return None
    return known


def ensure_present(task, client):
    current, account_id = find_account(task.params, client)
    parent_id = resolve_master(task, client, account_id)
    if current is None:
        account, changed = create(task, client, account_id, parent_id)
        if changed:
            return True, {}, account
        current = account  # created meanwhile by somebody else (409): reconcile it like any existing account
    before = diff_view(current)
    account, changed = update(task, client, current, parent_id)
    return changed, before, account


def ensure_absent(task, client):
    current, _account_id = find_account(task.params, client)
    if current is None:
        return False, {}, {}
    if not task.check_mode:
        delete_account(client, current["accountId"])
    return True, diff_view(current), {}


def run_account(task):
    check_account_options(task.params)
    known = settled_account(task.params) if task.params["state"] == "present" else None
    if known is not None:  # the view already is the result: nothing to change, nothing to read
        result = dict(changed=False, account=known)
        if task.diff:
            before = dict((key, known.get(key)) for key in DIFF_FIELDS)
            result["diff"] = dict(before=before, after=dict(before))
        return result
    client = task.clients.marketplace
    if task.params["state"] == "present":
        changed, before, account = ensure_present(task, client)
    else:
        changed, before, account = ensure_absent(task, client)
    # the diff shows the fields an account is managed by, the result the whole account
    result = dict(changed=changed, account=account_view(account) if account else {})
    if task.diff:
        result["diff"] = dict(before=before, after=diff_view(account))
    return result


ACCOUNT = Resource(
    "marketplace_asset_account",
    dict(
        name=dict(type="str", aliases=["account_name"]),
        account_id=dict(type="str"),
        description=dict(type="str"),
        account_number=dict(type="str"),
        account_type=dict(type="str", choices=["subaccount", "master"]),
        master_account=dict(type="str"),
        status=dict(type="str", choices=["Active", "Inactive"]),
        state=dict(type="str", default="present", choices=["present", "absent"]),
        known_account=dict(type="dict"),
    ),
    run_account,
    services=("marketplace",),
)


# --------------------------------------------------------------------------------------------
# marketplace_asset_account_info
# --------------------------------------------------------------------------------------------

def run_account_info(task):
    params = task.params
    client = task.clients.marketplace
    provider = params["provider_code"]
    if params["account_id"]:
        account = get_account(client, params["account_id"])
        accounts = [account] if account else []
    else:
        accounts = None
        if params["name"]:  # an account this collection made has the derived id: one GET instead of a scan
            account = get_account(client, derive_account_id(provider, params["name"]))
            if account and account_name(account) == params["name"] \
                    and (account.get("basicInfo") or {}).get("userType") == params["user_type"]:
                accounts = [account]
        if accounts is None:
            accounts = list_accounts(client, params["user_type"], provider)
    if params["name"]:
        accounts = [a for a in accounts if account_name(a) == params["name"]]
    if params["status"]:
        wire = status_to_wire(params["status"])
        accounts = [a for a in accounts if (a.get("basicInfo") or {}).get("isActive") == wire]
    views = [account_view(a, include_credentials=params["include_credentials"]) for a in accounts]
    if params["include_credentials"] and params["credential_name"]:
        for view in views:
            view["credentials"] = [c for c in view["credentials"] if c["name"] == params["credential_name"]]
    return dict(changed=False, accounts=views)


ACCOUNT_INFO = Resource(
    "marketplace_asset_account_info",
    dict(
        account_id=dict(type="str"),
        name=dict(type="str", aliases=["account_name"]),
        user_type=dict(type="str", default="asset", choices=["asset", "billing", "system"]),
        status=dict(type="str", choices=["Active", "Inactive"]),
        include_credentials=dict(type="bool", default=True),
        credential_name=dict(type="str"),
    ),
    run_account_info,
    services=("marketplace",),
)
