"""The one error type of the local RAM service and the catalogue of its codes.

Every failure is a ``RamError(code, message=None)``. The HTTP status follows from the code family
(``EntityNotExist.*`` 404, ``EntityAlreadyExists.*`` / ``DeleteConflict.*`` / ``LimitExceeded.*`` 409,
``NoPermission`` 403, ...), as in the RAM error-code page; the message comes from ``MESSAGES`` unless
the raiser gives a more precise one. ``body()`` renders the wire shape the official SDK parses:
``{"RequestId", "HostId", "Code", "Message", "Recommend"}``.
"""

STATUS_BY_CODE = {
    "InvalidAccessKeyId.NotFound": 404,
    "InvalidAction.NotFound": 404,
    "NoPermission": 403,
    "MemberAccountAccessDenied": 403,
    "CheckAuthenticationCodeFail": 403,
    "ServiceUnavailable": 503,
    "InternalError": 500,
}
STATUS_BY_FAMILY = {
    "EntityNotExist": 404,
    "EntityNotExists": 404,                 # Resource Manager spells it so
    "EntityAlreadyExists": 409,
    "DeleteConflict": 409,
    "LimitExceeded": 409,
}

MESSAGES = {
    # protocol, authentication, faults
    "InvalidAccessKeyId.NotFound": "Specified access key is not found.",
    "InvalidAccessKeyId.Inactive": "Specified access key is disabled.",
    "IncompleteSignature": "The request signature does not conform to Aliyun standards.",
    "InvalidTimeStamp.Expired": "Specified time stamp or date value is expired.",
    "InvalidTimeStamp.Format": "Specified time stamp or date value is not well formatted.",
    "SignatureNonceUsed": "Specified signature nonce was used already.",
    "InvalidAction.NotFound": "Specified api is not found, please check your url and method.",
    "InvalidVersion": "Specified parameter Version is not valid.",
    "NoPermission": "You are not authorized to do this action.",
    "Throttling.User": "Request was denied due to user flow control.",
    "ServiceUnavailable": "The request has failed due to a temporary failure of the server.",
    "InternalError": "An internal error occurred.",
    "CheckAuthenticationCodeFail": "The authentication codes of the MFA device are not correct.",
    # STS tokens (public POP error list: https://error-center.alibabacloud.com/status/product/Public)
    "MissingSecurityToken": "SecurityToken is mandatory for this action.",
    "InvalidSecurityToken.Expired": "Specified SecurityToken is expired.",
    "InvalidSecurityToken.MismatchWithAccessKey": "Specified SecurityToken mismatch with the AccessKey.",
    "InvalidSecurityToken.Malformed": "Specified SecurityToken is malformed.",
    # missing entities
    "EntityNotExist.User": "The user does not exist.",
    "EntityNotExist.User.AccessKey": "The AccessKey does not exist.",
    "EntityNotExist.User.LoginProfile": "The login profile of the user does not exist.",
    "EntityNotExist.User.MFADevice": "The user has no MFA device bound.",
    "EntityNotExist.User.Group": "The user is not a member of the group.",
    "EntityNotExist.User.Policy": "The policy is not attached to the user.",
    "EntityNotExist.Group": "The group does not exist.",
    "EntityNotExist.Group.Policy": "The policy is not attached to the group.",
    "EntityNotExist.Role": "The role does not exist.",
    "EntityNotExist.Role.Policy": "The policy is not attached to the role.",
    "EntityNotExist.Policy": "The policy does not exist.",
    "EntityNotExist.Policy.Version": "The policy version does not exist.",
    "EntityNotExist.VirtualMFADevice": "The virtual MFA device does not exist.",
    # duplicates
    "EntityAlreadyExists.User": "The user does already EXIST.",
    "EntityAlreadyExists.User.LoginProfile": "The login profile of the user does already EXIST.",
    "EntityAlreadyExists.User.MFADevice": "The user has already bound an MFA device.",
    "EntityAlreadyExists.User.Group": "The user is already a member of the group.",
    "EntityAlreadyExists.User.Policy": "The policy is already attached to the user.",
    "EntityAlreadyExists.Group": "The group does already EXIST.",
    "EntityAlreadyExists.Group.Policy": "The policy is already attached to the group.",
    "EntityAlreadyExists.Role": "The role does already EXIST.",
    "EntityAlreadyExists.Role.Policy": "The policy is already attached to the role.",
    "EntityAlreadyExists.Policy": "The policy does already EXIST.",
    "EntityAlreadyExists.VirtualMFADevice": "The virtual MFA device does already EXIST.",
    "EntityAlreadyExists.VirtualMFADevice.User": "The virtual MFA device is already bound to a user.",
    # deletion order
    "DeleteConflict.User.AccessKey": "The user still has AccessKeys, delete them first.",
    "DeleteConflict.User.Policy": "The user still has attached policies, detach them first.",
    "DeleteConflict.User.Group": "The user still belongs to groups, remove it from them first.",
    "DeleteConflict.User.LoginProfile": "The user still has a login profile, delete it first.",
    "DeleteConflict.User.MFADevice": "The user still has an MFA device bound, unbind it first.",
    "DeleteConflict.Group.User": "The group still has members, remove them first.",
    "DeleteConflict.Group.Policy": "The group still has attached policies, detach them first.",
    "DeleteConflict.Role.Policy": "The role still has attached policies, detach them first.",
    "DeleteConflict.Policy.User": "The policy is still attached to users.",
    "DeleteConflict.Policy.Group": "The policy is still attached to groups.",
    "DeleteConflict.Policy.Role": "The policy is still attached to roles.",
    "DeleteConflict.Policy.Version": "The policy still has non-default versions, delete them first.",
    "DeleteConflict.Policy.Version.Default": "The default version of a policy cannot be deleted.",
    "DeleteConflict.VirtualMFADevice.User": "The virtual MFA device is bound to a user, unbind it first.",
    # limits (numbers filled in by the raiser)
    "LimitExceeded.User.AccessKey": "The number of AccessKeys of the user exceeds the limit of 2.",
    "LimitExceeded.User.Group": "The number of groups the user belongs to exceeds the limit of 5.",
    "LimitExceeded.Policy.Version": "The number of versions of the policy exceeds the limit of 5.",
    "MalformedPolicyDocument": "The policy document is malformed.",
}


class RamError(Exception):
    """A RAM error response: the code decides the HTTP status unless ``status`` is given."""

    def __init__(self, code, message=None, status=None, headers=None, extra=None):
        self.code = code
        self.message = message or MESSAGES.get(code) or code
        self.status = status or status_for(code)
        self.headers = headers or {}
        self.extra = extra or {}
        super().__init__("%s %s: %s" % (self.status, self.code, self.message))

    def body(self, request_id, host_id, product):
        body = {"RequestId": request_id, "HostId": host_id, "Code": self.code, "Message": self.message,
                "Recommend": "https://api.aliyun.com/troubleshoot?q=%s&product=%s&requestId=%s"
                             % (self.code, product, request_id)}
        body.update(self.extra)
        return body


def status_for(code):
    if code in STATUS_BY_CODE:
        return STATUS_BY_CODE[code]
    return STATUS_BY_FAMILY.get(code.split(".", 1)[0], 400)


def missing_parameter(name):
    return RamError("MissingParameter",
                    'The input parameter "%s" that is mandatory for processing this request is not supplied.' % name)


def invalid_parameter(name, reason=None, message=None):
    """``InvalidParameter.<Param>[.<Reason>]`` with the RAM wording ``The parameter - "<Param>" ...``."""
    code = "InvalidParameter.%s" % name + (".%s" % reason if reason else "")
    default = {
        "Length": 'The parameter - "%s" beyond the length limit.',
        "InvalidChars": 'The parameter - "%s" contains invalid chars.',
        "Format": 'The parameter - "%s" is not well formatted.',
        "Range": 'The parameter - "%s" is out of range.',
    }.get(reason, 'The parameter - "%s" is invalid.') % name
    return RamError(code, message or default)


def limit_exceeded(code, limit, what):
    return RamError(code, "The number of %s exceeds the limit of %d." % (what, limit))
