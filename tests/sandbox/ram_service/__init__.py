"""A local Alibaba Cloud RAM, STS and Resource Manager API service for tests and demos.

``create_app(state_dir, faults, counters, seed=None)`` returns the Flask app ``tests/sandbox/run.py``
serves. Point the official SDKs (``alibabacloud-ram20150501``, ``alibabacloud-sts20150401``,
``alibabacloud-resourcemanager20200331``) at it with ``endpoint="127.0.0.1:<port>"``, ``protocol``
``http`` (or ``https`` with ``ca=<state_dir>/ca.pem`` under ``run.py --tls``) and a root key from
``credentials/<uid>.json``. Wire facts: ``/work/shared/reference/ram-api.md``; overview: docs/sandbox.md.

Modules beyond RAM itself: ``accounts.py`` (any number of accounts, one database each; a request acts
in the account of its AccessKey or STS token), ``sts.py`` (AssumeRole, token checks, sources),
``resource_directory.py`` (Resource Directory, seed), ``response_format.py`` (``Format`` JSON/XML),
``clock.py`` (the settable STS clock). Admin routes besides ``common.admin_blueprint``:
``GET/POST /__sandbox__/accounts`` (list / create an account; POST answers its root key),
``GET/PUT /__sandbox__/clock`` (``{"offset_seconds": n}`` moves token expiry checks).

What is faithful
----------------
* Protocol: ``POST /`` (GET too), parameters in the query string (form body also read for v2),
  action from ``x-acs-action`` (or the ``Action`` parameter), version from ``x-acs-version`` (or
  ``Version``): ``2015-05-01`` for RAM, ``2015-04-01`` for STS on the same port. Booleans are
  ``true``/``false`` in any case. Replies are JSON with real booleans and integers, list wrappers
  always present (``{"AccessKeys": {"AccessKey": []}}``), field names checked against the SDK's
  ``*_response_body.py`` models. Errors: ``{"RequestId", "HostId", "Code", "Message", "Recommend"}``
  (``HostId``/``product`` are ``sts.aliyuncs.com``/``Sts`` for STS), plus ``AccessDeniedDetail``
  on ``NoPermission``. Every response carries ``x-acs-request-id``.
* Authentication (``signature.py``): ACS3-HMAC-SHA256 and the legacy v2 HMAC-SHA1, verified
  exactly as the SDK signs. Unknown key 404 ``InvalidAccessKeyId.NotFound``; wrong secret 400
  ``SignatureDoesNotMatch`` with each signer's real wording; disabled key 400
  ``InvalidAccessKeyId.Inactive``; timestamp more than 15 min off 400 ``InvalidTimeStamp.Expired``;
  replayed nonce 400 ``SignatureNonceUsed``.
* Authorisation: the root account may do everything. A role session (STS token) has the role's
  policies intersected with the inline ``Policy`` of AssumeRole. A RAM user needs an ``Allow`` for
  ``ram:<Action>`` on the action's resource (``acs:ram:*:<account>:user/<name>`` and so on, see
  ``api.py``) in the default version of a policy attached to it or to one of its groups; explicit
  Deny wins; else 403 ``NoPermission``. ``GetCallerIdentity`` is open to any valid key. With the
  security preference ``AllowUserToManageAccessKeys`` a user manages its own AccessKeys without a
  policy, with ``AllowUserToChangePassword`` (default on) it may ``ChangePassword``.
* Validation, limits and error codes of the RAM error-code page: ``InvalidParameter.<Param>.*``
  400, ``EntityNotExist.*`` 404, ``EntityAlreadyExists.*`` / ``DeleteConflict.*`` /
  ``LimitExceeded.*`` 409, ``MalformedPolicyDocument`` 400; 2 AccessKeys per user, 5 groups per
  user, 5 versions per policy, 20 system + 10 custom policies per user (5 custom per group/role),
  1000 users, 50 groups, 1500 custom policies, 1000 roles.
* State in SQLite (``<state_dir>/ram.sqlite3``) survives restarts; so does the root account
  (16-digit id, key ``LTAI`` + 20 alphanumerics, 30-character secret), created on first start.
* Fault injection (``common.FaultInjector``), drawn per API request after counting and before
  authentication: ``throttle`` is 400 ``Throttling.User``; ``error`` alternates 503
  ``ServiceUnavailable`` and 500 ``InternalError``. ``counters`` count every API request by action
  (faulted and rejected ones included; ``(no action)`` when none was given), never admin calls.

Choices where RAM's behaviour is not documented
-----------------------------------------------
* Missing required parameter: 400 ``MissingParameter``, message
  ``The input parameter "<Param>" that is mandatory for processing this request is not supplied.``
  (the POP convention; one code for all parameters). Missing ``Action``/``Version`` likewise.
* Unknown action (or a path other than ``/``): 404 ``InvalidAction.NotFound`` "Specified api is not
  found, please check your url and method." (the POP gateway's answer, with the status public
  SDK logs show); unknown version: 400 ``InvalidVersion``.
* Malformed or unsigned requests: 400 ``IncompleteSignature``.
* ``PolicyType`` is required where the request has it (GetPolicy, Attach*/Detach*,
  GetPolicyVersion, ListPolicyVersions, ListEntitiesForPolicy).
* A custom policy may not reuse a system policy's name.
* ``SetPasswordPolicy`` resets unspecified fields to their defaults; defaults are length 8,
  lowercase + uppercase + digits required, symbols not, ``MaxLoginAttemps`` 5, no expiry.
* ``GetAccessKeyLastUsed`` omits ``LastUsedDate`` for a key never used. The service that used the
  key ("Ram"/"Sts") is recorded in the state but the SDK model has no field for it.
* ``ChangePassword`` by the root account: 404 ``EntityNotExist.User.LoginProfile``; a wrong old
  password: 400 ``InvalidParameter.OldPassword``.
* Paging markers are opaque and position-based, so deleting items between pages skips nothing.

What is simplified
------------------
* ``Condition`` blocks in policies are checked for shape, not evaluated (treated as true).
* AssumeRole: trust-policy conditions other than ``sts:ExternalId`` hold; tokens are kept in the
  role's account database until the state is removed (expired ones are refused, not purged).
* No service-linked roles, ``AllowConsoleLogin`` of roles is not kept; tags only on
  CreatePolicy/CreateRole/ListPolicies/ListRoles (no TagResources); no password reuse history; no
  console logins (``LastLoginDate`` never set); ``QRCodePNG`` is a blank PNG placeholder; nonces are
  remembered per process only; MFA self-management by RAM users is not modelled.
"""

from .app import create_app

__all__ = ["create_app"]
