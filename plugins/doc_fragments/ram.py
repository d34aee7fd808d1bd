# -*- coding: utf-8 -*-
# Copyright: cloudbroker.alibaba contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type


class ModuleDocFragment(object):
    """Authentication, endpoint and retry options of every RAM module."""

    DOCUMENTATION = r"""
options:
  access_key_id:
    description:
      - AccessKey ID of the caller (a RAM user or STS credentials; never use the root account's key).
      - If not set, the environment variables E(ALIBABA_CLOUD_ACCESS_KEY_ID), E(ALICLOUD_ACCESS_KEY)
        or E(ALICLOUD_ACCESS_KEY_ID) are used, in that order.
      - With neither a key, a O(profile) nor an O(ecs_role_name), the credentials chain of
        C(alibabacloud-credentials) is used (environment, OIDC, C(~/.aliyun/config.json), ECS metadata).
    type: str
    aliases: [alicloud_access_key, access_key]
  access_key_secret:
    description:
      - AccessKey secret belonging to O(access_key_id).
      - If not set, E(ALIBABA_CLOUD_ACCESS_KEY_SECRET), E(ALICLOUD_SECRET_KEY) or E(ALICLOUD_SECRET_ACCESS_KEY).
    type: str
    aliases: [alicloud_secret_key, secret_key]
  security_token:
    description:
      - STS security token, for temporary credentials.
      - If not set, E(ALIBABA_CLOUD_SECURITY_TOKEN) or E(ALICLOUD_SECURITY_TOKEN).
    type: str
    aliases: [alicloud_security_token]
  profile:
    description:
      - Name of a profile in the Alibaba Cloud CLI configuration (C(~/.aliyun/config.json)); every CLI
        mode that C(alibabacloud-credentials) supports (AK, StsToken, RamRoleArn, EcsRamRole, ...) works.
      - If not set, E(ALIBABA_CLOUD_PROFILE) or E(ALICLOUD_PROFILE).
    type: str
    aliases: [alicloud_profile]
  profile_file:
    description:
      - Path of the CLI configuration file holding O(profile). Defaults to C(~/.aliyun/config.json).
      - If not set, E(ALIBABA_CLOUD_CLI_CONFIG_FILE) or E(ALICLOUD_SHARED_CREDENTIALS_FILE).
    type: path
  assume_role_arn:
    description:
      - ARN of a RAM role to assume (STS AssumeRole) with the credentials above before calling RAM,
        as C(acs:ram::<account id>:role/<role name>); for a member account of a Resource Directory,
        C(acs:ram::<member uid>:role/ResourceDirectoryAccountAccessRole).
      - The C(alibabacloud-credentials) library assumes the role (always over HTTPS) and refreshes the token.
      - On the controller, the tasks of one C(ansible-playbook) run share the session (one AssumeRole per role,
        caller and run, not one per task) while it has more than 20 minutes to live. It is kept in the run's private
        temporary directory (mode 0700, the file 0600), which C(ansible-playbook) removes when the run ends. A
        module run in its own process (a delegated task) assumes the role itself.
      - If not set, E(ALIBABA_CLOUD_ROLE_ARN) or E(ALICLOUD_ASSUME_ROLE_ARN).
    type: str
    aliases: [alicloud_assume_role_arn]
  assume_role_session_name:
    description:
      - Session name used with O(assume_role_arn); 2-64 characters, letters, digits, C(.), C(@), C(-) or C(_).
        It appears in the assumed-role ARN and in the member account's ActionTrail.
      - If not set, E(ALIBABA_CLOUD_ROLE_SESSION_NAME) or E(ALICLOUD_ASSUME_ROLE_SESSION_NAME).
    type: str
    default: ansible-cloudbroker
  assume_role_duration:
    description:
      - Lifetime in seconds of the assumed-role credentials, 900-43200 (at most the role's C(MaxSessionDuration)).
    type: int
    default: 3600
  assume_role_external_id:
    description:
      - External ID sent with AssumeRole, for roles whose trust policy requires one (C(sts:ExternalId) condition).
      - If not set, E(ALIBABA_CLOUD_ROLE_EXTERNAL_ID).
    type: str
  ecs_role_name:
    description:
      - Name of the RAM role attached to the ECS instance Ansible runs on; credentials come from the
        instance metadata service.
      - If not set, E(ALIBABA_CLOUD_ECS_METADATA) or E(ALICLOUD_ECS_ROLE_NAME).
    type: str
    aliases: [alicloud_ecs_role_name]
  region:
    description:
      - Region ID. RAM is a global service, so this is optional; it only selects the STS region for
        assume-role.
      - If not set, E(ALIBABA_CLOUD_REGION_ID), E(ALIBABA_CLOUD_REGION) or E(ALICLOUD_REGION).
    type: str
    aliases: [alicloud_region, region_id]
  ram_endpoint:
    description:
      - RAM API endpoint, as a host (C(ram.aliyuncs.com), HTTPS) or a URL such as C(http://127.0.0.1:18765)
        (the collection's local RAM service).
      - If not set, E(ALIBABA_CLOUD_RAM_ENDPOINT); the default is C(ram.aliyuncs.com).
      - For loopback endpoints and hosts matched by E(NO_PROXY), proxy variables are ignored (the SDK
        itself would send even loopback traffic to E(HTTP_PROXY)).
    type: str
  sts_endpoint:
    description:
      - STS endpoint (GetCallerIdentity, AssumeRole), in the same forms as O(ram_endpoint).
      - If not set, E(ALIBABA_CLOUD_STS_ENDPOINT); the default is C(sts.aliyuncs.com).
      - C(alibabacloud-credentials) always speaks HTTPS to STS for O(assume_role_arn), whatever the scheme
        given here; only the host and port are used for it.
    type: str
  resourcemanager_endpoint:
    description:
      - Resource Manager endpoint (Resource Directory), in the same forms as O(ram_endpoint).
      - If not set, E(ALIBABA_CLOUD_RESOURCEMANAGER_ENDPOINT); the default is C(resourcemanager.aliyuncs.com).
    type: str
  ca_path:
    description:
      - PEM file of CA certificates to trust for the RAM, STS and Resource Manager endpoints, in addition to
        the SDK's bundle (C(certifi)); for endpoints behind a private CA, such as a TLS-inspecting proxy or
        the collection's local services started with C(--tls).
      - It also applies to the AssumeRole call of O(assume_role_arn) (the credential library takes no CA
        option of its own; the collection hands this file to its HTTP layer).
      - If not set, E(ALIBABA_CLOUD_CA_BUNDLE).
    type: path
  connect_timeout:
    description: Connection timeout in seconds, 1-300.
    type: int
    default: 5
  read_timeout:
    description: Read timeout in seconds, 1-900.
    type: int
    default: 10
  max_retries:
    description:
      - How many times a call is retried after throttling (C(Throttling*)), C(ServiceUnavailable),
        C(InternalError), any 5xx or a connection failure, with jittered exponential backoff
        (full jitter, 0.25 s doubling up to 20 s). Client errors are never retried.
      - Calls that create a secret (CreateAccessKey) are retried only when the service refused them.
      - 0-100, per call. Under sustained throttling O(retry_timeout) is the limit that binds; a call that
        spent either budget fails naming it (C(gave up after N retries in S s (retry_timeout 120 s))).
      - CreateAccessKey after an ambiguous failure (a 5xx or a lost answer) is resolved, not abandoned - the
        keys are listed again, a key the failed call may have created (one that was not there before it) is
        deleted, since its secret is lost, and the key is created again, within the same budgets.
    type: int
    default: 30
  retry_timeout:
    description:
      - Time budget in seconds for the retries of one task - no retry starts after it has passed since the
        task's first call (a C(Retry-After) the service asks for counts against it). 0-3600.
    type: int
    default: 120
notes:
  - Authentication precedence - O(access_key_id) with O(access_key_secret) (optionally O(security_token)),
    then O(profile), then O(ecs_role_name), then the C(alibabacloud-credentials) default chain;
    O(assume_role_arn) is applied on top of whichever was chosen.
  - All modules of the collection's RAM group can share these options through
    C(module_defaults) with C(group/cloudbroker.alibaba.ram).
requirements:
  - python >= 3.9
  - alibabacloud-ram20150501
  - alibabacloud-tea-openapi
  - alibabacloud-credentials
"""
