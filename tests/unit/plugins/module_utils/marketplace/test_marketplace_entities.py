"""Units of the business-entity catalogue (module_utils/marketplace/entities.py, views.business_entities_view):
marketplace_business_entity_info, and marketplace_credential's business_entity_catalog - a catalogue read once
per run that resolves names without a request, checked before any request."""

import copy

import pytest
from marketplace_fakes import KEY_ID, SECRET, FakeSession, ScriptedServer, account, dumps, make_client, validated

from ansible_collections.cloudbroker.alibaba.plugins.module_utils.marketplace import credentials, entities, views
from ansible_collections.cloudbroker.alibaba.plugins.module_utils.resource import InputError, TaskFailed
from ansible_collections.cloudbroker.alibaba.plugins.module_utils.services import run_resource

# GET businessEntities as the broker answers it (docs/marketplace-api.md section 3), with the kinds of junk
# the view leaves out: an entry without an id, an entry that is not an object.
WIRE = {"organizations": [{"id": "org-engineering", "name": "Engineering"}, {"name": "no id"}],
        "teams": [{"id": "team-a", "name": "Team A", "organization": "org-engineering"},
                  {"id": "team-b", "name": "Team B", "organization": "org-engineering"},
                  {"id": "team-b2", "name": "team b"}, "not an object"],
        "customContexts": [{"id": "ctx-prod", "name": "Production"}]}
VIEW = {"organizations": [{"id": "org-engineering", "name": "Engineering"}],
        "teams": [{"id": "team-a", "name": "Team A", "organization": "org-engineering"},
                  {"id": "team-b", "name": "Team B", "organization": "org-engineering"},
                  {"id": "team-b2", "name": "team b", "organization": None}],
        "custom_contexts": [{"id": "ctx-prod", "name": "Production"}]}
ENTITIES_PATH = "/cb-credential-service/api/v2.0/businessEntities"


# -- the view: marketplace_business_entity_info's result, business_entity_catalog's shape -------------------

def test_the_view_has_every_kind_in_snake_case_and_only_entities_with_an_id():
    assert views.business_entities_view(WIRE) == VIEW


def test_a_kind_the_broker_leaves_out_is_an_empty_list():
    assert views.business_entities_view({"teams": [{"id": "team-a"}]}) == {
        "organizations": [], "teams": [{"id": "team-a", "name": None, "organization": None}], "custom_contexts": []}
    assert views.business_entities_view({}) == {"organizations": [], "teams": [], "custom_contexts": []}


# -- marketplace_business_entity_info, through services.run_resource (what both shells call) -----------------

@pytest.mark.parametrize("check_mode", [False, True])
def test_info_reads_the_catalogue_with_one_request(check_mode):
    with ScriptedServer([(200, {}, WIRE)]) as server:
        params = validated(entities.BUSINESS_ENTITY_INFO, url=server.url)
        result, _task = run_resource(entities.BUSINESS_ENTITY_INFO, params, check_mode=check_mode)
    assert result == {"changed": False, "business_entities": VIEW}
    assert [(r[0], r[1]) for r in server.requests] == [("GET", ENTITIES_PATH)]


def test_info_fails_cleanly_when_the_broker_refuses():
    with ScriptedServer([(403, {}, {"message": "no permission", "translateCode": "CO403_FORBIDDEN"})]) as server:
        result, _task = run_resource(entities.BUSINESS_ENTITY_INFO,
                                     validated(entities.BUSINESS_ENTITY_INFO, url=server.url))
    assert result["failed"] and "businessEntities" in result["msg"] and "403" in result["msg"]
    assert "business_entities" not in result


# -- resolution against a catalogue read earlier in the run ----------------------------------------------------

def test_a_given_catalogue_resolves_by_id_or_name_without_a_request():
    session = FakeSession([])  # any request would find no answer (IndexError)
    wanted = {"organizations": ["Engineering"], "teams": ["team-a", "Team A", "Team B"],
              "custom_contexts": ["production"]}
    resolved = entities.resolve_entities(make_client(session), wanted, VIEW)
    assert resolved == {"organizations": ["org-engineering"], "teams": ["team-a", "team-b"],
                        "custom_contexts": ["ctx-prod"]}
    assert session.calls == []


def test_without_a_catalogue_the_same_names_cost_one_request():
    session = FakeSession([(200, WIRE)])
    resolved = entities.resolve_entities(make_client(session), {"teams": ["Team B"]})
    assert resolved["teams"] == ["team-b"]
    assert [call["method"] + " " + call["url"].rsplit("/", 1)[1] for call in session.calls] == ["GET businessEntities"]


def test_unknown_and_ambiguous_names_fail_with_the_same_words_as_against_a_fresh_read():
    wanted = {"teams": ["team-nope", "TEAM B"], "organizations": ["Finance"]}
    with pytest.raises(TaskFailed) as given:
        entities.resolve_entities(make_client(FakeSession([])), wanted, VIEW)
    with pytest.raises(TaskFailed) as read:
        entities.resolve_entities(make_client(FakeSession([(200, WIRE)])), wanted)
    assert str(given.value) == str(read.value)
    text = str(given.value)
    assert "organization 'Finance' is unknown or not available - available to user cbadmin: " \
           "org-engineering (Engineering)" in text
    assert "team 'team-nope' is unknown or not available - available to user cbadmin: team-a (Team A), " \
           "team-b (Team B), team-b2 (team b)" in text
    assert "team 'TEAM B' is an ambiguous name" in text


def test_an_empty_catalogue_is_a_catalogue_not_a_reason_to_read_one():
    empty = {"organizations": [], "teams": [], "custom_contexts": []}
    with pytest.raises(TaskFailed, match="team 'team-a' is unknown or not available - available to user cbadmin: "
                                         "none"):
        entities.resolve_entities(make_client(FakeSession([])), {"teams": ["team-a"]}, empty)


# -- the shape of business_entity_catalog, checked before any request ------------------------------------------

REGISTERED = {"changed": False, "business_entities": VIEW, "failed": False}  # the whole registered result


@pytest.mark.parametrize("catalog, message", [
    (REGISTERED, "business_entity_catalog must be the business_entities value that "
                 "cloudbroker.alibaba.marketplace_business_entity_info returned (a dict with the keys organizations, "
                 "teams, custom_contexts, each a list of {id, name}); got the keys business_entities, changed, failed."),
    (WIRE, "got the keys customContexts, organizations, teams."),  # the broker's answer, not the view
    ({}, "got an empty dict."),
    (dict(VIEW, extra=[]), "got the keys custom_contexts, extra, organizations, teams."),
    (dict(VIEW, teams={"id": "team-a"}), "business_entity_catalog.teams must be a list of {id, name}, not a dict."),
    (dict(VIEW, teams="team-a"), "business_entity_catalog.teams must be a list of {id, name}, not a string."),
    (dict(VIEW, organizations=["org-engineering"]),
     "business_entity_catalog.organizations[0] must be a dict with a non-empty string id, not 'org-engineering'."),
    (dict(VIEW, custom_contexts=[{"name": "Production"}]),
     "business_entity_catalog.custom_contexts[0] must be a dict with a non-empty string id"),
    (dict(VIEW, teams=[{"id": "team-a"}, {"id": " "}]), "business_entity_catalog.teams[1] must be a dict with a"),
    (dict(VIEW, teams=[{"id": 7, "name": "Seven"}]), "business_entity_catalog.teams[0] must be a dict with a"),
    (dict(VIEW, teams=[{"id": "team-a", "name": ["Team A"]}]),
     "business_entity_catalog.teams[0].name must be a string, not a list."),
])
def test_a_catalogue_of_another_shape_is_refused_naming_the_option(catalog, message):
    with pytest.raises(InputError) as info:
        entities.check_catalog(copy.deepcopy(catalog))
    assert info.value.option == "business_entity_catalog"
    assert message in info.value.message


def test_the_view_and_no_catalogue_pass_the_check():
    assert entities.check_catalog(VIEW) is VIEW
    assert entities.check_catalog(None) is None
    assert entities.check_catalog({"organizations": [], "teams": [], "custom_contexts": []})


# -- marketplace_credential with business_entity_catalog -----------------------------------------------------

def credential_args(server, **overrides):
    args = dict(url=server.url, account="alibaba-prod", name="prov", purpose=["Provisioning"], access_key_id=KEY_ID,
                access_key_secret=SECRET, check_key_owner=False,
                business_entities={"organizations": ["Engineering"], "teams": ["Team A"]},
                business_entity_catalog=VIEW)
    args.update(overrides)
    return validated(credentials.CREDENTIAL, **args)


def test_a_credential_created_with_a_catalogue_reads_no_catalogue():
    created = {"id": "c-9", "credentialName": "prov", "purpose": ["provisioning"], "status": "Active",
               "context": [{"org": ["org-engineering"]}, {"team": ["team-a"]}],
               "passwordFields": {"accessKey": KEY_ID, "secretKey": SECRET}}
    with ScriptedServer([(200, {}, account()), (201, {}, {"credential": created})]) as server:
        result, _task = run_resource(credentials.CREDENTIAL, credential_args(server))
    assert result["changed"] and result["credential"]["business_entities"] == {
        "organizations": ["org-engineering"], "teams": ["team-a"], "custom_contexts": []}
    requests = [(r[0], r[1].rsplit("/", 1)[1]) for r in server.requests]
    assert requests == [("GET", "alibaba-prod"), ("POST", "credentials")]  # no GET businessEntities
    posted = server.requests[1][2].decode()
    assert '"context": [{"org": ["org-engineering"]}, {"team": ["team-a"]}]' in posted
    assert SECRET not in dumps(result)


def test_an_unknown_name_in_the_catalogue_fails_before_any_write():
    with ScriptedServer([(200, {}, account())]) as server:
        result, _task = run_resource(credentials.CREDENTIAL, credential_args(
            server, business_entities={"teams": ["Team Z"]}))
    assert result["failed"] and "team 'Team Z' is unknown or not available" in result["msg"]
    assert [r[0] for r in server.requests] == ["GET"]  # the account; no catalogue, no POST


@pytest.mark.parametrize("state", ["present", "absent"])
def test_a_bad_catalogue_fails_before_any_request(state):
    with ScriptedServer([]) as server:
        result, _task = run_resource(credentials.CREDENTIAL, credential_args(
            server, state=state, business_entity_catalog=REGISTERED))
    assert result["failed"] and result["option"] == "business_entity_catalog"
    assert result["msg"].startswith("business_entity_catalog must be the business_entities value")
    assert server.requests == []
