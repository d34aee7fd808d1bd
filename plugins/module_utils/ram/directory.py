# -*- coding: utf-8 -*-
# Copyright: cloudbroker.alibaba contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""A Resource Directory, read with the management account's credentials (Resource Manager 2020-03-31).

Read only: GetResourceDirectory, ListFoldersForParent, ListAccounts. ``read_directory`` returns plain
dicts (cacheable as JSON) of every account with its folder path; ``account_facts`` turns one into the
host variables of the ``cloudbroker.alibaba.resource_directory`` inventory plugin, ``account_groups`` into its
groups.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import fnmatch

DEFAULT_ACCESS_ROLE = "ResourceDirectoryAccountAccessRole"
JOINED_BY_INVITATION = "invited"  # ListAccounts JoinMethod: "created" (in the directory) or "invited"

# The groups of the directory's accounts (playbooks/onboard_directory.yml onboards them by these):
GROUP_MASTER = "rd_master"  # the management account (the marketplace's master account)
GROUP_MEMBERS = "rd_members"  # every member account
GROUP_REACHABLE = "rd_reachable"  # the central identity acts in it as it is: the management account, created members
GROUP_MEMBERS_INVITED = "rd_members_invited"  # joined by invitation: no access role unless someone made it
PAGE_SIZE = 100  # ListAccounts / ListFoldersForParent: 1-100


def _pages(client, action, wrapper, item, **params):
    """All items of a PageNumber/PageSize paged Resource Manager action."""
    items, page = [], 1
    while True:
        body = client.call(action, PageNumber=page, PageSize=PAGE_SIZE, **params)
        found = (body.get(wrapper) or {}).get(item) or []
        items.extend(found)
        if not found or len(items) >= int(body.get("TotalCount") or 0):
            return items
        page += 1


def read_folders(client, root_folder_id):
    """``{folder id: path}`` of every folder below the root (``""`` for the root itself)."""
    paths = {root_folder_id: ""}
    pending = [root_folder_id]
    while pending:
        parent = pending.pop(0)
        for folder in _pages(client, "ListFoldersForParent", "Folders", "Folder", ParentFolderId=parent):
            prefix = paths[parent]
            paths[folder["FolderId"]] = (prefix + "/" if prefix else "") + folder["FolderName"]
            pending.append(folder["FolderId"])
    return paths


def read_directory(client):
    """``{"directory": {...}, "accounts": [...]}``: the directory and its accounts with their folder path."""
    directory = client.call("GetResourceDirectory")["ResourceDirectory"]
    folders = read_folders(client, directory["RootFolderId"])
    accounts = []
    for account in _pages(client, "ListAccounts", "Accounts", "Account"):
        accounts.append(dict(
            account_id=account["AccountId"], display_name=account.get("DisplayName") or "",
            account_name=account.get("AccountName") or "", folder_id=account.get("FolderId"),
            folder_path=folders.get(account.get("FolderId"), ""), join_method=account.get("JoinMethod"),
            status=account.get("Status"), type=account.get("Type"),
            management=account["AccountId"] == directory["MasterAccountId"]))
    return dict(directory=dict(id=directory["ResourceDirectoryId"], master_account_id=directory["MasterAccountId"],
                               root_folder_id=directory["RootFolderId"]), accounts=accounts)


def in_folders(account, folders):
    """The account is in (or below) one of ``folders`` (paths such as ``Engineering/Production``, or IDs)."""
    if not folders:
        return True
    path = account["folder_path"]
    for folder in folders:
        wanted = folder.strip("/")
        if account["folder_id"] == folder or path == wanted or path.startswith(wanted + "/") or wanted == "":
            return True
    return False


def matches_any(account, patterns):
    return any(fnmatch.fnmatchcase(account["display_name"], pattern)
               or fnmatch.fnmatchcase(account["account_id"], pattern) for pattern in patterns)


def select_accounts(accounts, folders=(), statuses=(), patterns=(), exclude_patterns=(), include_management=False):
    """The accounts the filters keep, in directory order."""
    selected = []
    for account in accounts:
        if account["management"] and not include_management:
            continue
        if not in_folders(account, folders):
            continue
        if statuses and account["status"] not in statuses:
            continue
        if patterns and not matches_any(account, patterns):
            continue
        if exclude_patterns and matches_any(account, exclude_patterns):
            continue
        selected.append(account)
    return selected


def account_facts(account, directory, role_name=DEFAULT_ACCESS_ROLE):
    """Host variables of one account. The management account gets no role ARN: the central identity acts
    in it directly (Alibaba Cloud refuses AssumeRole to root, and the management account has no access role)."""
    facts = dict(
        cloudbroker_account_id=account["account_id"],
        cloudbroker_account_display_name=account["display_name"],
        cloudbroker_account_name=account["account_name"],
        cloudbroker_folder_id=account["folder_id"],
        cloudbroker_folder_path=account["folder_path"],
        cloudbroker_join_method=account["join_method"],
        cloudbroker_account_status=account["status"],
        cloudbroker_account_type=account["type"],
        cloudbroker_management_account=account["management"],
        cloudbroker_management_account_id=directory["master_account_id"],
        cloudbroker_resource_directory_id=directory["id"],
    )
    if not account["management"]:
        facts["cloudbroker_assume_role_arn"] = "acs:ram::%s:role/%s" % (account["account_id"], role_name)
    return facts


def account_groups(account):
    """The groups of one account. A member created in the directory has ResourceDirectoryAccountAccessRole, made
    by the directory; a member that joined by invitation has no such role until someone creates it
    (playbooks/rd_access_role.yml adds it to ``rd_reachable`` once the role can be assumed)."""
    if account["management"]:
        return [GROUP_MASTER, GROUP_REACHABLE]
    if account["join_method"] == JOINED_BY_INVITATION:
        return [GROUP_MEMBERS, GROUP_MEMBERS_INVITED]
    return [GROUP_MEMBERS, GROUP_REACHABLE]
