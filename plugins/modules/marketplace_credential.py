#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: cloudbroker.alibaba contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r"""
module: marketplace_credential
short_description: Manage a credential of a cloud broker marketplace account
version_added: 1.0.0
description:
  - Creates, updates or deletes one credential of an asset account in the cloud broker's marketplace
    (UI - the account's I(Add Credential) dialog) - its purpose, status, secret and the business
    entities (organizations, teams, custom contexts) whose users may use it.
  - The secret is either an Alibaba Cloud AccessKey (O(access_key_id) and O(access_key_secret)) that the
    broker stores in its vault (UI - I(Create New or Update Credential in Vault)), or the id of a
    credential already in the vault (O(credential_ref_id)).
  - B(Idempotent secrets.) The broker never needs the secret twice - with the default
    O(update_secret=on_create) the secret is sent only when the credential is created or when the stored
    access key ID differs from O(access_key_id) (a rotated key). The secret itself is never compared, so
    re-running a play does not change anything.
  - The credential is found by O(name) among the credentials that the account's read carries (one
    C(GET accounts/{id}), no list request).
  - Options that are not set leave the current value alone.
  - Secrets are never returned, shown in a diff or in an error, although the broker returns them on every
    read; the credential's access key ID is returned (RV(credential.access_key_id)).
author:
  - cloudbroker.alibaba contributors (@cloudbroker)
options:
  account:
    description:
      - The asset account the credential belongs to, by id or by name (among the asset accounts of
        O(provider_code)); see M(cloudbroker.alibaba.marketplace_asset_account).
      - With O(state=present) a missing account is an error, except in check mode (it may be created by an
        earlier task of the same play); with O(state=absent) there is then nothing to delete.
    type: str
    required: true
    aliases: [account_id, account_name]
  name:
    description: Name of the credential (C(credentialName)), unique within the account; 1-255 characters.
    type: str
    required: true
    aliases: [credential_name]
  purpose:
    description:
      - What the broker uses the credential for. Any of V(Provisioning) (the marketplace provisions with
        it), V(Asset Ingestion), V(Asset Discovery); the wire values V(provisioning), V(assetIngestion),
        V(assetDiscovery) are accepted as well (case and spaces do not matter).
      - Required when the credential is created. The order does not matter.
    type: list
    elements: str
  status:
    description: V(Active) or V(Inactive) (sent as C(Active) / C(InActive)). V(Active) on creation when not set.
    type: str
    choices: [Active, Inactive]
  access_key_id:
    description:
      - ID of the Alibaba Cloud AccessKey the broker should use (stored with O(access_key_secret) in the
        broker's vault). Mutually exclusive with O(credential_ref_id).
      - Required with O(access_key_secret). Without a secret it is enough when the credential already
        stores this access key ID (the usual second run, when the key's secret is no longer at hand).
    type: str
  access_key_secret:
    description:
      - Secret of O(access_key_id). Sent only as O(update_secret) says; never returned or logged.
    type: str
  update_secret:
    description:
      - V(on_create) - send O(access_key_secret) only when the credential is created, or when the stored
        access key ID differs from O(access_key_id) (or the credential used a vault reference until now).
        A re-run with the same key changes nothing.
      - V(always) - send O(access_key_secret) on every run (it cannot be compared); the task then always
        reports a change. Use it to repair a secret that was changed outside Ansible.
    type: str
    choices: [on_create, always]
    default: on_create
  credential_ref_id:
    description:
      - Id of a credential reference already in the broker's vault (UI - I(Credential Reference ID)),
        used instead of O(access_key_id)/O(access_key_secret). It must exist and be visible to the caller
        (checked before it is sent).
    type: str
    aliases: [cref_id]
  business_entities:
    description:
      - Organizations, teams and custom contexts whose users may use the credential (UI - I(Associate this
        credential with a business entity)). Each item is an entity's id or its name; unknown ones fail
        the task before any change, listing the entities the caller may use (one C(businessEntities)
        request, made only when this option is set).
      - A user who is not a broker admin must name at least one of his own teams or organizations,
        otherwise he could not see the credential afterwards.
      - Without O(purge_business_entities) the entities are added to the current ones. Not set leaves the
        associations alone.
      - With O(business_entity_catalog), names and ids are resolved against that catalogue and no
        C(businessEntities) request is made.
    type: dict
    suboptions:
      organizations:
        description: Organizations (ids or names).
        type: list
        elements: str
      teams:
        description: Teams (ids or names).
        type: list
        elements: str
      custom_contexts:
        description: Custom contexts (ids or names).
        type: list
        elements: str
  purge_business_entities:
    description:
      - Make the associations exactly O(business_entities) - remove every organization, team and custom
        context that is not listed (a kind left out of O(business_entities) is emptied). Only used when
        O(business_entities) is set; O(business_entities={}) with this removes all associations.
    type: bool
    default: false
  business_entity_catalog:
    description:
      - The business-entity catalogue, as RV(cloudbroker.alibaba.marketplace_business_entity_info#module:business_entities)
        returned it (the organizations, teams and custom contexts, each a list of C(id) and C(name)).
      - Read once per run with M(cloudbroker.alibaba.marketplace_business_entity_info) and handed to every
        credential task, so a run of many accounts reads the catalogue once.
      - When set, O(business_entities) is resolved against it and the task makes no C(businessEntities)
        request; unknown or ambiguous names fail as they would against a fresh read. It is checked before
        any request - a value of another shape (the whole registered result, for instance) fails naming this
        option. Read it with the same O(username) as this task's, since users may see different entities.
      - Not set - the catalogue is read (one request) when a wanted entity is not associated with the
        credential yet.
    type: dict
  test_connection:
    description:
      - After the changes, ask the broker to test the stored credential against Alibaba Cloud
        (C(credentialsValidator), which signs an STS C(GetCallerIdentity) with the key). The test changes
        nothing, so it does not affect C(changed); O(test_connection_when) says whether it runs on every
        run or only after a change.
      - When a new secret is to be sent (a new credential, or another key), the key is first tested
        I(inline), before it is stored - a key the provider rejects never replaces the stored one; the task
        fails naming the provider's error, and the credential is left as it was. That test is the task's
        test (RV(test_connection.stage=before_store)); the stored key is not tested a second time.
      - A test the broker cannot run because the provider throttles or fails (C(CO502_PROVIDER_UNREACHABLE))
        is retried within O(max_retries) and O(retry_timeout).
      - If the provider rejects the key, the task fails with the provider's error code (for example
        C(InvalidAccessKeyId.Inactive) for a deactivated key) in the message and in
        RV(test_connection.error_code). Skipped in check mode and with O(state=absent).
    type: bool
    default: false
  test_connection_when:
    description:
      - With O(test_connection=true) - V(always) tests on every run; V(changed) tests only when the task
        created or changed the credential (a re-run that changes nothing makes no test, and no request to
        Alibaba Cloud).
    type: str
    choices: [always, changed]
    default: always
  known_account:
    description:
      - The asset account as a read earlier in the play returned it - an item of C(accounts) of
        M(cloudbroker.alibaba.marketplace_asset_account_info) (with its default C(include_credentials=true)),
        or C(account) of M(cloudbroker.alibaba.marketplace_asset_account).
      - When it is the account named by O(account) and shows the credential exactly as wanted, the task
        reports no change without reading the account again (a no-change run of many accounts saves a
        request per account). In every other case the account is read again and the changes are worked
        out from that read, so a view that has become stale can delay a change to the next run, but
        never causes a wrong write.
    type: dict
  check_key_owner:
    description:
      - Before an AccessKey secret is sent to the broker, find out who the key belongs to (STS
        C(GetCallerIdentity) signed with the key, at O(sts_endpoint)) and refuse a key of the root
        (billing) account unless O(allow_root_access_key=true).
      - A key whose owner cannot be verified (rejected key, STS unreachable) is stored with a warning.
      - Needs C(alibabacloud-sts20150401) and C(alibabacloud-tea-openapi) only when a secret is sent.
    type: bool
    default: true
  allow_root_access_key:
    description:
      - Accept an AccessKey of the root (billing) account. The onboarding guide warns that linking the
        billing account "will give everyone in your company full access to everything"; a RAM user is
        sufficient.
    type: bool
    default: false
  sts_endpoint:
    description:
      - STS endpoint for O(check_key_owner), as a host or C(http(s)://host[:port]).
      - If not set, E(ALIBABA_CLOUD_STS_ENDPOINT); the default is C(sts.aliyuncs.com).
    type: str
  sts_ca_path:
    description:
      - PEM file of CA certificates to trust, besides the SDK's bundle, for the STS call of O(check_key_owner)
        (an STS endpoint behind a private CA, such as a TLS-inspecting proxy); the RAM modules' C(ca_path).
      - If not set, E(ALIBABA_CLOUD_CA_BUNDLE).
    type: path
  state:
    description: V(present) creates or updates the credential; V(absent) deletes it.
    type: str
    choices: [present, absent]
    default: present
extends_documentation_fragment:
  - cloudbroker.alibaba.marketplace
  - cloudbroker.alibaba.attributes.actions
notes:
  - Writes need a broker admin or the user who created the account; other users get a clean permission error.
seealso:
  - module: cloudbroker.alibaba.marketplace_asset_account
  - module: cloudbroker.alibaba.marketplace_credential_info
  - module: cloudbroker.alibaba.marketplace_business_entity_info
  - module: cloudbroker.alibaba.ram_access_key
"""

EXAMPLES = r"""
- name: Store the marketplace user's AccessKey, for two teams, and test it
  cloudbroker.alibaba.marketplace_credential:
    account: Alibaba Cloud production
    name: prod-provisioning
    purpose: [Provisioning]
    access_key_id: "{{ broker_key.access_key.access_key_id }}"
    access_key_secret: "{{ broker_key.access_key_secret | default(omit) }}"  # only there when the key is new
    business_entities:
      organizations: [org-engineering]
      teams: [Team A, team-b]
      custom_contexts: [Production]
    purge_business_entities: true
    test_connection: true
  register: prod_credential

# Many accounts in one play: the catalogue read once, every credential resolved against it.
- name: Read the business-entity catalogue once for the play
  cloudbroker.alibaba.marketplace_business_entity_info:
  run_once: true
  register: catalogue

- name: Credential of each account (no businessEntities request per account)
  cloudbroker.alibaba.marketplace_credential:
    account: "{{ inventory_hostname }}"
    name: "{{ inventory_hostname }}-provisioning"
    purpose: [Provisioning]
    access_key_id: "{{ broker_key.access_key.access_key_id }}"
    access_key_secret: "{{ broker_key.access_key_secret | default(omit) }}"
    business_entities:
      teams: [Team A]
    business_entity_catalog: "{{ catalogue.business_entities }}"

- name: Use a credential reference that is already in the vault
  cloudbroker.alibaba.marketplace_credential:
    account: alibaba-analytics
    name: analytics-discovery
    purpose: [Asset Discovery, Asset Ingestion]
    credential_ref_id: alibaba-analytics-readonly
    business_entities:
      teams: [team-platform]

- name: Deactivate it
  cloudbroker.alibaba.marketplace_credential:
    account: alibaba-analytics
    name: analytics-discovery
    status: Inactive

- name: Remove it
  cloudbroker.alibaba.marketplace_credential:
    account: alibaba-analytics
    name: analytics-discovery
    state: absent
"""

RETURN = r"""
credential:
  description:
    - The credential as it is after the run (as it would be, in check mode). Empty after deletion.
    - It never holds a secret.
  returned: always
  type: dict
  contains:
    id:
      description: Id the broker gave the credential (absent in check mode before creation).
      type: str
    name:
      description: Name of the credential.
      type: str
      sample: prod-provisioning
    account_id:
      description: Id of the account.
      type: str
      sample: alibaba-alibaba-cloud-production
    account_name:
      description: Name of the account.
      type: str
    purpose:
      description: Purposes, as the UI names them.
      type: list
      elements: str
      sample: [Provisioning]
    status:
      description: C(Active) or C(Inactive).
      type: str
    access_key_id:
      description: The AccessKey ID stored with the credential (null for a vault reference).
      type: str
      sample: LTAI5tExampleKeyId
    secret_stored:
      description: Whether a secret (or a vault reference) is stored with the credential.
      type: bool
    credential_ref_id:
      description: The vault reference the credential uses (null when it stores an AccessKey).
      type: str
    business_entities:
      description: Ids of the associated organizations, teams and custom contexts.
      type: dict
      sample: {"organizations": ["org-engineering"], "teams": ["team-a"], "custom_contexts": ["ctx-prod"]}
    created_by:
      description: The broker user who created the credential.
      type: str
    updated_time:
      description: Last change (ISO 8601, UTC).
      type: str
secret_updated:
  description: Whether this run sent (or, in check mode, would send) a secret to the broker.
  returned: always
  type: bool
replaced_access_key_id:
  description:
    - The AccessKey ID the credential held before this run stored another key (the key this run
      displaced, which its owner may delete); V(null) when no key was replaced.
  returned: when O(state=present)
  type: str
  sample: LTAI5tOldOldOldOldOldOld
test_connection:
  description: The result of the connection test.
  returned: when O(test_connection=true) and O(state=present) (with O(test_connection_when=changed), only when the credential changed)
  type: dict
  contains:
    status:
      description: C(success), C(failure), or C(skipped) (check mode).
      type: str
    stage:
      description:
        - C(before_store) when this task sent a new key and tested it inline before storing it (when that test
          failed, nothing was written).
      type: str
      returned: when a new key was tested inline
    message:
      description: The broker's message.
      type: str
    error_code:
      description: The provider's error code when the test failed, for example C(InvalidAccessKeyId.Inactive).
      type: str
    translate_code:
      description: The broker's C(translateCode).
      type: str
    identity:
      description: Who the key belongs to (STS C(GetCallerIdentity)), when the test succeeded.
      type: dict
      sample: {"account_id": "1234567890123456", "arn": "acs:ram::1234567890123456:user/broker",
               "identity_type": "RAMUser", "user_id": "2123456789012345", "principal_id": "2123456789012345"}
"""

from ansible_collections.cloudbroker.alibaba.plugins.module_utils.marketplace.credentials import CREDENTIAL
from ansible_collections.cloudbroker.alibaba.plugins.module_utils.module_shell import run_as_module


def main():
    run_as_module(CREDENTIAL)


if __name__ == "__main__":
    main()
