"""The ``Format`` parameter of the local RAM service: JSON, and XML (the documented default of RPC calls).

Requests are signed by the SDK's own signers (ACS3 and v2 helpers of ``alibabacloud_tea_openapi``) and
sent with ``requests`` so the raw body can be read; the SDK itself must still parse XML errors.
"""

import hashlib
import time
import types
import uuid
import xml.etree.ElementTree as ET
from urllib.parse import urlencode

import pytest
import requests
from alibabacloud_ram20150501 import models as ram_models
from alibabacloud_ram20150501.client import Client as RamClient
from alibabacloud_tea_openapi import models as open_api_models
from alibabacloud_tea_openapi.utils import Utils as OpenApiUtils
from darabonba.runtime import ExtendsParameters, RuntimeOptions
from Tea.exceptions import TeaException

pytestmark = pytest.mark.integration
XML_TYPE = "text/xml;charset=utf-8"


def acs3(sandbox, action, query, accept=None):
    headers = {"host": sandbox.ram_url.split("://", 1)[1], "x-acs-action": action, "x-acs-version": "2015-05-01",
               "x-acs-date": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
               "x-acs-signature-nonce": uuid.uuid4().hex, "x-acs-content-sha256": hashlib.sha256(b"").hexdigest()}
    unsigned = types.SimpleNamespace(pathname="/", query=query, headers=headers, method="POST")
    headers["Authorization"] = OpenApiUtils.get_authorization(
        unsigned, "ACS3-HMAC-SHA256", headers["x-acs-content-sha256"], sandbox.root["access_key_id"],
        sandbox.root["access_key_secret"])
    if accept:
        headers["Accept"] = accept
    return requests.post(sandbox.ram_url + "/?" + urlencode(query), headers=headers, timeout=10,
                         verify=sandbox.ca_bundle or True)


def rpc_v2(sandbox, action, **query):
    """A legacy RPC request signed with HMAC-SHA1 as the v2 signer does; no ``Format`` unless given."""
    params = dict({"Action": action, "Version": "2015-05-01", "AccessKeyId": sandbox.root["access_key_id"],
                   "SignatureMethod": "HMAC-SHA1", "SignatureVersion": "1.0", "SignatureNonce": uuid.uuid4().hex,
                   "Timestamp": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())}, **query)
    params["Signature"] = OpenApiUtils.get_rpcsignature(params, "POST", sandbox.root["access_key_secret"])
    return requests.post(sandbox.ram_url + "/?" + urlencode(params), timeout=10, verify=sandbox.ca_bundle or True)


def parse(response):
    assert response.headers["Content-Type"] == XML_TYPE
    assert response.text.startswith('<?xml version="1.0" encoding="UTF-8"?>')
    return ET.fromstring(response.content)


def test_xml_answer_mirrors_the_json_answer(ram, sandbox):
    names = ["fmt-%s" % uuid.uuid4().hex[:8] for _index in range(2)]
    for name in names:
        ram.create_user(ram_models.CreateUserRequest(user_name=name, display_name="Zoë & <co>"))
    as_json = acs3(sandbox, "ListUsers", {"MaxItems": "1000"}).json()
    response = acs3(sandbox, "ListUsers", {"MaxItems": "1000", "Format": "XML"})
    assert response.status_code == 200
    root = parse(response)
    assert root.tag == "ListUsersResponse"
    assert root.findtext("RequestId") == response.headers["x-acs-request-id"]
    assert root.findtext("IsTruncated") == "false"
    users = root.findall("Users/User")
    assert [u.findtext("UserName") for u in users] == [u["UserName"] for u in as_json["Users"]["User"]]
    mine = [u for u in users if u.findtext("UserName") in names]
    assert [u.findtext("DisplayName") for u in mine] == ["Zoë & <co>"] * 2
    assert {child.tag for child in mine[0]} == set(as_json["Users"]["User"][0])


def test_xml_is_the_default_without_format_and_json_when_asked(sandbox):
    default = rpc_v2(sandbox, "GetAccountAlias")
    assert parse(default).tag == "GetAccountAliasResponse"
    assert parse(default).findtext("AccountAlias")
    assert rpc_v2(sandbox, "GetAccountAlias", Format="JSON").json()["AccountAlias"]
    assert rpc_v2(sandbox, "GetAccountAlias", Format="json").headers["Content-Type"] == "application/json"
    assert acs3(sandbox, "GetAccountAlias", {}).json()["AccountAlias"]          # ACS3: JSON
    assert parse(acs3(sandbox, "GetAccountAlias", {}, accept="application/xml")).tag == "GetAccountAliasResponse"


def test_xml_errors(sandbox):
    response = rpc_v2(sandbox, "GetUser", UserName="nobody-%s" % uuid.uuid4().hex[:6])
    assert response.status_code == 404
    error = parse(response)
    assert error.tag == "Error"
    assert (error.findtext("Code"), error.findtext("HostId")) == ("EntityNotExist.User", "ram.aliyuncs.com")
    assert error.findtext("RequestId") == response.headers["x-acs-request-id"] and error.findtext("Message")
    denied = rpc_v2(sandbox, "ListUsers", Format="XML", AccessKeyId="LTAI" + "0" * 20)
    assert (denied.status_code, parse(denied).findtext("Code")) == (404, "InvalidAccessKeyId.NotFound")


def test_sdk_reads_xml_errors(sandbox):
    """The SDK's ACS3 path parses an XML error body (``text/xml;charset=utf-8``) into its exception."""
    protocol, host = sandbox.ram_url.split("://", 1)
    client = RamClient(open_api_models.Config(access_key_id=sandbox.root["access_key_id"],
                                              access_key_secret=sandbox.root["access_key_secret"],
                                              endpoint=host, protocol=protocol, ca=sandbox.ca_bundle))
    runtime = RuntimeOptions(extends_parameters=ExtendsParameters(queries={"Format": "XML"}))
    with pytest.raises(TeaException) as info:
        client.get_user_with_options(ram_models.GetUserRequest(user_name="nobody-xml"), runtime)
    assert (info.value.code, info.value.data["statusCode"]) == ("EntityNotExist.User", 404)
