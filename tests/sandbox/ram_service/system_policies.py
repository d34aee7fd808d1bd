"""System policies seeded into every account (``PolicyType=System``: read-only, not deletable).

A handful of the real ones, with documents modelled on the published pages
(https://www.alibabacloud.com/help/en/ram/developer-reference/<lower-cased-name>), shortened where the
real list of actions is long. They are inserted on every start if missing, so adding one here
reaches existing state directories too.
"""

import json


def _doc(*statements):
    return json.dumps({"Version": "1", "Statement": list(statements)}, indent=2)


def _allow(actions, resource="*"):
    return {"Action": actions, "Resource": resource, "Effect": "Allow"}


# name -> (description, create date, document)
SYSTEM_POLICIES = {
    "AdministratorAccess": (
        "Provides full access to Alibaba Cloud services and resources.",
        "2015-04-28T16:00:00Z", _doc(_allow("*"))),
    "ReadOnlyAccess": (
        "Provides read-only access to all Alibaba Cloud services and resources.",
        "2015-04-28T16:00:00Z", _doc(_allow(["*:Describe*", "*:List*", "*:Get*", "*:BatchGet*", "*:Query*",
                                             "*:BatchQuery*"]))),
    "PowerUserAccess": (
        "Provides full access to Alibaba Cloud services and resources except RAM and resource management.",
        "2019-01-23T08:00:00Z",
        _doc({"Effect": "Allow", "NotAction": ["ram:*", "ims:*", "resourcemanager:*"], "Resource": "*"},
             _allow(["ram:GetRole", "ram:ListRoles", "ram:CreateServiceLinkedRole",
                     "ram:DeleteServiceLinkedRole"]))),
    "AliyunRAMFullAccess": (
        "Provides full access to Resource Access Management (RAM).",
        "2015-04-28T16:00:00Z", _doc(_allow("ram:*"))),
    "AliyunRAMReadOnlyAccess": (
        "Provides read-only access to Resource Access Management (RAM).",
        "2015-04-28T16:00:00Z", _doc(_allow(["ram:Get*", "ram:List*", "ram:GenerateCredentialReport"]))),
    "AliyunSTSAssumeRoleAccess": (
        "Provides access to call AssumeRole of Security Token Service (STS).",
        "2015-04-28T16:00:00Z", _doc(_allow("sts:AssumeRole"))),
    "AliyunResourceDirectoryReadOnlyAccess": (
        "Provides read-only access to Resource Directory.",
        "2020-03-31T16:00:00Z", _doc(_allow(["resourcemanager:Get*", "resourcemanager:List*"]))),
    "AliyunOSSFullAccess": (
        "Provides full access to Object Storage Service (OSS).",
        "2015-04-28T16:00:00Z", _doc(_allow("oss:*"))),
    "AliyunOSSReadOnlyAccess": (
        "Provides read-only access to Object Storage Service (OSS).",
        "2015-04-28T16:00:00Z", _doc(_allow(["oss:Get*", "oss:List*"]))),
    "AliyunECSFullAccess": (
        "Provides full access to Elastic Compute Service (ECS).",
        "2015-04-28T16:00:00Z", _doc(_allow("ecs:*"), _allow(["vpc:DescribeVpcs", "vpc:DescribeVSwitches"]))),
    "AliyunOTSFullAccess": (
        "Provides full access to Tablestore (OTS).",
        "2015-04-28T16:00:00Z", _doc(_allow("ots:*"))),
}
