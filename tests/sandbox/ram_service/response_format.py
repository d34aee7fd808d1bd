"""Answers and errors as JSON or XML, after the ``Format`` parameter.

The RPC common parameters document ``Format`` = ``JSON`` | ``XML`` with XML as the default
(https://www.alibabacloud.com/help/en/ram/developer-reference/api-ram-2015-05-01-overview, "Common
request parameters"). The SDK's v2 signer always sends ``Format=json``; its ACS3 signer sends no
``Format`` and ``Accept: application/json``. So: ``Format`` wins; else an ``Accept`` naming JSON or XML
decides; else an ACS3-signed request gets JSON and anything else the documented default, XML.

XML shape (the API reference's "XML format" samples): root element ``<Action>Response`` (errors:
``Error``) holding the same fields as the JSON, lists repeated under their wrapper
(``<Users><User>..</User><User>..</User></Users>``), booleans ``true``/``false``, a UTF-8 declaration,
content type ``text/xml;charset=utf-8`` (the type the SDK looks for to parse an XML error).
"""

import json
import xml.etree.ElementTree as ET

JSON_TYPE = "application/json"
XML_TYPE = "text/xml;charset=utf-8"


def wanted_format(params, headers):
    explicit = (params.get("Format") or "").upper()
    if explicit in ("JSON", "XML"):
        return explicit
    accept = (headers.get("Accept") or "").lower()
    if "json" in accept:
        return "JSON"
    if "xml" in accept:
        return "XML"
    return "JSON" if (headers.get("Authorization") or "").startswith("ACS3-") else "XML"


def _fill(element, value):
    if isinstance(value, dict):
        for key, item in value.items():
            if item is None:
                continue
            for one in item if isinstance(item, list) else [item]:
                _fill(ET.SubElement(element, key), one)
    elif isinstance(value, bool):
        element.text = "true" if value else "false"
    elif value is not None:
        element.text = str(value)


def to_xml(root_name, body):
    root = ET.Element(root_name)
    _fill(root, body)
    return '<?xml version="1.0" encoding="UTF-8"?>' + ET.tostring(root, encoding="unicode")


def render(action_name, body, status, params, headers):
    """``(text, mimetype)`` of a response body (``status`` >= 400: an error body)."""
    if wanted_format(params, headers) == "XML":
        root = "Error" if status >= 400 else "%sResponse" % (action_name or "Unknown")
        return to_xml(root, body), XML_TYPE
    return json.dumps(body, ensure_ascii=False), JSON_TYPE
