"""Units of module_utils/ram/policy_documents.py: grammar, comparison by meaning, size. Nothing remote."""

import json

import pytest

from ansible_collections.cloudbroker.alibaba.plugins.module_utils.ram.policy_documents import (
    DocumentError,
    canonical_document,
    load_document,
    same_document,
    serialize_document,
    validate_document,
)


def doc(*statements):
    return {"Version": "1", "Statement": list(statements)}


def allow(action="oss:GetObject", resource="*", **extra):
    statement = {"Effect": "Allow", "Action": action, "Resource": resource}
    statement.update(extra)
    return statement


# --- comparison ---------------------------------------------------------------------------------

def test_key_order_and_whitespace_do_not_count():
    text = '{\n  "Statement": [ {"Resource": "*", "Action": "oss:GetObject", "Effect": "Allow"} ],\n  "Version": "1"\n}'
    assert same_document(text, doc(allow()))
    assert same_document(json.dumps(doc(allow())), text)


def test_string_equals_one_element_list():
    assert same_document(doc(allow("oss:GetObject", "*")), doc(allow(["oss:GetObject"], ["*"])))


def test_value_order_and_repetition_do_not_count():
    assert same_document(doc(allow(["oss:GetObject", "oss:ListObjects"])),
                         doc(allow(["oss:ListObjects", "oss:GetObject", "oss:ListObjects"])))


def test_statement_order_does_not_count():
    deny = {"Effect": "Deny", "Action": "oss:DeleteObject", "Resource": "*"}
    assert same_document(doc(allow(), deny), doc(deny, allow()))


def test_condition_values_compare_as_sets():
    one = doc(allow(Condition={"IpAddress": {"acs:SourceIp": "10.0.0.0/8"}}))
    many = doc(allow(Condition={"IpAddress": {"acs:SourceIp": ["10.0.0.0/8"]}}))
    assert same_document(one, many)
    assert not same_document(one, doc(allow(Condition={"IpAddress": {"acs:SourceIp": "192.168.0.0/16"}})))


@pytest.mark.parametrize("other", [
    doc(allow("oss:PutObject")),                                  # another action
    doc(allow("oss:getobject")),                                  # case counts
    doc({"Effect": "Deny", "Action": "oss:GetObject", "Resource": "*"}),
    doc(allow(resource="acs:oss:*:*:bucket/*")),
    doc(allow(), allow("oss:ListObjects")),                       # one statement more
    doc({"Effect": "Allow", "NotAction": "oss:GetObject", "Resource": "*"}),
])
def test_changes_of_meaning_count(other):
    assert not same_document(doc(allow()), other)


def test_canonical_form_of_an_odd_document_is_the_document():
    assert canonical_document("not json") == "not json"
    assert canonical_document({"Version": "1", "Statement": {"Effect": "Allow"}}) == \
        {"Version": "1", "Statement": {"Effect": "Allow"}}


def test_unparsable_current_document_differs():
    assert not same_document("{broken", doc(allow()))


# --- loading and grammar ----------------------------------------------------------------------------

def test_load_accepts_a_dict_or_json_text_and_sends_compact_json():
    document, text = load_document(json.dumps(doc(allow()), indent=4))
    assert document == doc(allow())
    assert text == serialize_document(doc(allow())) and "\n" not in text and ": " not in text
    assert load_document(doc(allow()))[1] == text


def test_non_ascii_is_kept_as_it_is():
    text = load_document(doc(allow(resource="acs:oss:*:*:bücher/*")))[1]
    assert "bücher" in text


def test_invalid_json():
    with pytest.raises(DocumentError, match="not valid JSON"):
        load_document('{"Version": "1",')


def test_size_limit_counts_the_compact_json():
    resources = ["acs:oss:*:*:bucket-%04d/*" % i for i in range(300)]
    with pytest.raises(DocumentError, match=r"characters long as compact JSON; RAM accepts at most 6144"):
        load_document(doc(allow(resource=resources)))
    # the same size with indentation only is fine once compacted
    small = doc(allow(resource=resources[:100]))
    assert len(json.dumps(small, indent=8)) > 6144
    load_document(json.dumps(small, indent=8))


@pytest.mark.parametrize("document, message", [
    ([], r"must be a JSON object"),
    ({"Version": "1", "Statement": [allow()], "Id": "x"}, r"unknown top-level element 'Id'"),
    ({"Statement": [allow()]}, r'Version must be the string "1", got nothing'),
    ({"Version": 1, "Statement": [allow()]}, r'got 1 \(quote it in YAML'),
    ({"Version": "2", "Statement": [allow()]}, r"Version must be the string \"1\", got '2'"),
    ({"Version": "1"}, r"Statement must be a non-empty list of statements, got nothing"),
    ({"Version": "1", "Statement": []}, r"Statement must be a non-empty list"),
    ({"Version": "1", "Statement": allow()}, r"Statement must be a non-empty list"),
    (doc(allow(), "x"), r"Statement\[1\] must be a dict"),
    (doc(allow(), allow(Sid="s")), r"Statement\[1\] has unknown element 'Sid'"),
    (doc(allow(), {"Effect": "allow", "Action": "*", "Resource": "*"}),
     r"Statement\[1\]\.Effect must be Allow or Deny, got 'allow'"),
    (doc({"Action": "*", "Resource": "*"}), r"Statement\[0\]\.Effect must be Allow or Deny, got nothing"),
    (doc({"Effect": "Allow", "Resource": "*"}), r"Statement\[0\] must have exactly one of Action and NotAction \(found none\)"),
    (doc(allow(NotAction="oss:Put*")), r"Statement\[0\] must have exactly one of Action and NotAction "
                                       r"\(found Action and NotAction\)"),
    (doc(allow(action=[])), r"Statement\[0\]\.Action must be a string or a non-empty list"),
    (doc(allow(action=["oss:GetObject", 5])), r"Statement\[0\]\.Action\[1\] must be a non-empty string, got 5"),
    (doc(allow(action="oss GetObject")), r"Statement\[0\]\.Action: 'oss GetObject' is not an action"),
    (doc(allow(), allow(resource=None)), r"Statement\[1\]\.Resource must be a string or a non-empty list"),
    (doc({"Effect": "Allow", "Action": "*"}), r"Statement\[0\] must have exactly one of Resource and NotResource"),
    (doc(allow(Condition="yes")), r"Statement\[0\]\.Condition must be a non-empty dict of operators"),
    (doc(allow(Condition={"IpAddress": "10.0.0.0/8"})), r"Statement\[0\]\.Condition\.IpAddress must be a non-empty dict"),
    (doc(allow(Condition={"IpAddress": {"acs:SourceIp": []}})),
     r"Statement\[0\]\.Condition\.IpAddress\.acs:SourceIp must be a value or a non-empty list"),
])
def test_grammar_errors_name_the_place(document, message):
    with pytest.raises(DocumentError, match=message):
        validate_document(document)


@pytest.mark.parametrize("document", [
    doc(allow("*")),
    doc(allow(["ram:List*", "ram:Get?ser", "ecs:Describe*"], ["acs:ram:*:*:user/*", "acs:ram:*:*:group/*"])),
    doc({"Effect": "Deny", "NotAction": ["ram:*", "ims:*"], "NotResource": "acs:oss:*:*:x"}),
    doc(allow(Condition={"Bool": {"acs:MFAPresent": True}, "IpAddress": {"acs:SourceIp": ["10.0.0.0/8"]}})),
])
def test_valid_documents(document):
    validate_document(document)
