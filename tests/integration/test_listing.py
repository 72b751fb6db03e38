"""ListSecrets and BatchGetSecretValue as AWS answers them.

These tests run against a private server (one per module): the session server is shared
with other files that create secrets, and ListSecrets sees every secret in the region.
Names here are fixed and chosen per test so that filters never catch another test's secrets.
"""

from __future__ import annotations

import json
import os
import subprocess
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import boto3
import botocore.config
import pytest
from botocore.exceptions import ClientError

from tests.conftest import ACCESS_KEY_ID, AWS, SECRET_ACCESS_KEY, Server, start_server

Cli = Callable[..., subprocess.CompletedProcess[str]]


@pytest.fixture(scope="module")
def private(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    srv = start_server(tmp_path_factory.mktemp("listing") / "data")
    yield srv
    srv.stop()
    log = srv.log()
    assert "Traceback" not in log, log
    assert " 500 " not in log, log


@pytest.fixture(scope="module")
def ls(private: Server) -> Any:
    return private.client("us-east-1")


def _no_500(http_response: Any, **_: Any) -> None:
    assert http_response.status_code < 500, f"server answered {http_response.status_code}"


@pytest.fixture(scope="module")
def raw(private: Server) -> Any:
    """A client that skips botocore's own parameter checks, so the server sees bad input."""
    client = boto3.client(
        "secretsmanager",
        endpoint_url=private.endpoint,
        region_name="us-east-1",
        aws_access_key_id=ACCESS_KEY_ID,
        aws_secret_access_key=SECRET_ACCESS_KEY,
        config=botocore.config.Config(
            retries={"max_attempts": 1, "mode": "standard"}, parameter_validation=False
        ),
    )
    client.meta.events.register("after-call", _no_500)
    return client


@pytest.fixture(scope="module")
def cli(private: Server, tmp_path_factory: pytest.TempPathFactory) -> Cli:
    """The AWS CLI pointed at the private server."""
    home = tmp_path_factory.mktemp("cli")
    credentials = home / "credentials"
    credentials.write_text(
        f"[default]\naws_access_key_id = {ACCESS_KEY_ID}\n"
        f"aws_secret_access_key = {SECRET_ACCESS_KEY}\n"
    )

    def run(*args: str, check: bool = True) -> subprocess.CompletedProcess[str]:
        env = {
            **os.environ,
            "AWS_SHARED_CREDENTIALS_FILE": str(credentials),
            "AWS_CONFIG_FILE": str(Path(home) / "config"),
            "AWS_MAX_ATTEMPTS": "1",
            "AWS_PAGER": "",
        }
        base = [AWS, "--endpoint-url", private.endpoint, "--region", "us-east-1"]
        result = subprocess.run(
            [*base, "--output", "json", *args],
            capture_output=True,
            text=True,
            env=env,
            timeout=120,
        )
        if check and result.returncode != 0:
            raise AssertionError(f"aws {' '.join(args)} failed: {result.stderr}")
        return result

    return run


def names(client: Any, *filters: dict[str, Any], **kw: Any) -> list[str]:
    """Every secret name ListSecrets returns for these filters, page after page, in order."""
    out: list[str] = []
    params: dict[str, Any] = {"Filters": list(filters), **kw}
    while True:
        page = client.list_secrets(**params)
        out += [entry["Name"] for entry in page["SecretList"]]
        if not page.get("NextToken"):
            return out
        params["NextToken"] = page["NextToken"]


def f(key: str, *values: str) -> dict[str, Any]:
    return {"Key": key, "Values": list(values)}


def error_of(exc: pytest.ExceptionInfo[ClientError]) -> tuple[str, str]:
    err = exc.value.response["Error"]
    return err["Code"], err.get("Message", "")


# --- filters -----------------------------------------------------------------------------


def test_name_filter_is_a_case_sensitive_prefix(ls: Any) -> None:
    for name in ("nmf/Alpha", "nmf/alphabet", "nmf/Beta", "nmfx/Alpha"):
        ls.create_secret(Name=name, SecretString="v")

    assert names(ls, f("name", "nmf/")) == ["nmf/Alpha", "nmf/alphabet", "nmf/Beta"]
    assert names(ls, f("name", "nmf/Al")) == ["nmf/Alpha"]
    assert names(ls, f("name", "nmf/al")) == ["nmf/alphabet"]
    assert names(ls, f("name", "nmf/ALPHA")) == []
    assert names(ls, f("name", "nmf")) == ["nmf/Alpha", "nmf/alphabet", "nmf/Beta", "nmfx/Alpha"]
    # a prefix, not a substring or a word match
    assert names(ls, f("name", "Alpha")) == []
    assert names(ls, f("name", "mf/")) == []
    assert names(ls, f("name", "nmf/Alpha")) == ["nmf/Alpha"]


def test_description_filter_matches_words_case_insensitively(ls: Any) -> None:
    for name, description in (
        ("dsc/foo", "one two"),
        ("dsc/bar", "one and two"),
        ("dsc/baz", "one"),
        ("dsc/qux", "two"),
        ("dsc/none", "unrelated"),
    ):
        ls.create_secret(Name=name, SecretString="v", Description=description)
    ls.create_secret(Name="dsc/nodescription", SecretString="v")
    scope = f("name", "dsc/")

    # every word of the value must prefix some word of the description
    assert names(ls, scope, f("description", "one two")) == ["dsc/foo", "dsc/bar"]
    assert names(ls, scope, f("description", "o t")) == ["dsc/foo", "dsc/bar"]
    assert names(ls, scope, f("description", "t")) == ["dsc/foo", "dsc/bar", "dsc/qux"]
    assert names(ls, scope, f("description", "one")) == ["dsc/foo", "dsc/bar", "dsc/baz"]
    # case-insensitive
    assert names(ls, scope, f("description", "ONE TWO")) == ["dsc/foo", "dsc/bar"]
    assert names(ls, scope, f("description", "Unrel")) == ["dsc/none"]
    # word prefixes only: "nrelated" is inside a word, not at its start
    assert names(ls, scope, f("description", "nrelated")) == []
    assert names(ls, scope, f("description", "three")) == []


def test_tag_key_and_tag_value_filters_are_case_sensitive_prefixes(ls: Any) -> None:
    ls.create_secret(
        Name="tgf/a", SecretString="v", Tags=[{"Key": "Environment", "Value": "Production"}]
    )
    ls.create_secret(Name="tgf/b", SecretString="v", Tags=[{"Key": "team", "Value": "payments"}])
    ls.create_secret(
        Name="tgf/c",
        SecretString="v",
        Tags=[{"Key": "Env", "Value": "staging"}, {"Key": "owner", "Value": "Prod-team"}],
    )
    ls.create_secret(Name="tgf/untagged", SecretString="v")
    scope = f("name", "tgf/")

    assert names(ls, scope, f("tag-key", "Env")) == ["tgf/a", "tgf/c"]
    assert names(ls, scope, f("tag-key", "Environment")) == ["tgf/a"]
    assert names(ls, scope, f("tag-key", "env")) == []
    assert names(ls, scope, f("tag-key", "nvironment")) == []
    assert names(ls, scope, f("tag-key", "team")) == ["tgf/b"]

    assert names(ls, scope, f("tag-value", "Prod")) == ["tgf/a", "tgf/c"]
    assert names(ls, scope, f("tag-value", "Production")) == ["tgf/a"]
    assert names(ls, scope, f("tag-value", "prod")) == []
    assert names(ls, scope, f("tag-value", "team")) == []
    assert names(ls, scope, f("tag-value", "pay")) == ["tgf/b"]


def test_primary_region_filter_does_not_match_secrets_never_replicated(ls: Any) -> None:
    ls.create_secret(Name="prf/one", SecretString="v")
    ls.create_secret(Name="prf/two", SecretString="v", Description="us-east-1")
    scope = f("name", "prf/")

    assert names(ls, scope) == ["prf/one", "prf/two"]
    assert names(ls, scope, f("primary-region", "us-east-1")) == []
    assert names(ls, scope, f("primary-region", "us")) == []
    for entry in ls.list_secrets(Filters=[scope])["SecretList"]:
        assert "PrimaryRegion" not in entry


def test_owning_service_filter_does_not_match_user_secrets(ls: Any) -> None:
    ls.create_secret(Name="osf/one", SecretString="v", Tags=[{"Key": "svc", "Value": "rds"}])
    scope = f("name", "osf/")

    assert names(ls, scope) == ["osf/one"]
    assert names(ls, scope, f("owning-service", "rds")) == []
    assert names(ls, scope, f("owning-service", "secretsmanager")) == []
    assert "OwningService" not in ls.list_secrets(Filters=[scope])["SecretList"][0]


def test_all_filter_splits_words_on_case_changes(ls: Any) -> None:
    # The shapes of AWS's own verified example, scoped by a name prefix of plain letters.
    first = "allf/SecretOne"
    second = "allf/SecretTwo"
    third = "allf/Thirdsecret"
    tag_key = "allf/SecretFTag"
    tag_val = "allf/SecretFValue"
    ls.create_secret(Name=first, SecretString="s")
    ls.create_secret(Name=second, SecretString="s", Description="DescTwo")
    ls.create_secret(Name=third, SecretString="s")
    ls.create_secret(Name=tag_key, SecretString="s", Tags=[{"Key": "1", "Value": "foo"}])
    ls.create_secret(Name=tag_val, SecretString="s", Tags=[{"Key": "foo", "Value": "v"}])
    ls.create_secret(Name="allf/none", SecretString="s")
    scope = f("name", "allf/")

    def search(*values: str) -> list[str]:
        return names(ls, scope, f("all", *values))

    assert search("SecretOne") == [first]
    assert search("foo") == [tag_key, tag_val]  # tag keys and tag values
    assert search("Secret") == [first, second, tag_key, tag_val]
    assert search("secret") == [first, second, tag_key, tag_val]
    assert search("sec") == [first, second, tag_key, tag_val]
    assert search("ret") == []  # inside a word, not at its start
    assert search("SomeSecret") == []
    assert search("d") == [second]  # the description "DescTwo"
    assert search("d t") == [second]  # every word must match
    assert search("t") == [second, third, tag_key]


def test_all_filter_splits_words_on_punctuation(ls: Any) -> None:
    separated = [
        "prod/AppBeta/zulu",
        "prod_AppBeta_zulu",
        "prod+AppBeta+zulu",
        "prod=AppBeta=zulu",
        "prod.AppBeta.zulu",
        "prod@AppBeta@zulu",
        "prod-AppBeta-zulu",
    ]
    upper = "uat/COMPANY/zulu"
    partial_upper = "uat/COMPANYthings/zulu"
    for name in [*separated, upper, partial_upper]:
        ls.create_secret(Name=name, SecretString="s")
    scope = f("name", "prod", "uat")

    def search(*values: str) -> list[str]:
        return names(ls, scope, f("all", *values))

    assert search("AppBeta") == separated
    assert search("Beta") == separated
    assert search("AppBeta", "prod") == separated  # values of one filter OR
    assert search("+") == []  # a separator alone is no word
    assert search("zulu") == [*separated, upper, partial_upper]
    assert search("company") == [upper]
    assert search("things") == []  # COMPANYthings splits as COMPAN + Ythings
    assert search("Ythings") == [partial_upper]
    assert search("pany") == []


def test_negated_value_excludes_matches(ls: Any) -> None:
    for name in ("neg/keep-one", "neg/keep-two", "neg/drop-one", "neg/drop-two"):
        ls.create_secret(Name=name, SecretString="v", Description=f"about {name[4:]}")
    scope = f("name", "neg/")

    assert names(ls, scope, f("name", "!neg/drop")) == ["neg/keep-one", "neg/keep-two"]
    assert names(ls, scope, f("name", "!neg/keep")) == ["neg/drop-one", "neg/drop-two"]
    ls.create_secret(Name="negx/other", SecretString="v")
    everything = names(ls, f("name", "!neg/"))
    assert not [n for n in everything if n.startswith("neg/")]
    assert "negx/other" in everything
    # a negated value of any filter key, combined with a positive filter
    assert names(ls, scope, f("description", "!drop")) == ["neg/keep-one", "neg/keep-two"]


def test_several_values_or_and_several_filters_and(ls: Any) -> None:
    ls.create_secret(Name="andf/foo", SecretString="v", Tags=[{"Key": "right", "Value": "right"}])
    ls.create_secret(Name="andf/bar", SecretString="v", Tags=[{"Key": "right", "Value": "wrong"}])
    ls.create_secret(Name="andf/baz", SecretString="v", Tags=[{"Key": "wrong", "Value": "right"}])
    ls.create_secret(Name="andf/qux", SecretString="v", Tags=[{"Key": "wrong", "Value": "wrong"}])
    scope = f("name", "andf/")

    # several filters: AND
    assert names(ls, scope, f("tag-key", "right"), f("tag-value", "right")) == ["andf/foo"]
    # several values in one filter: OR
    assert names(ls, f("name", "andf/foo", "andf/qux")) == ["andf/foo", "andf/qux"]
    assert names(ls, scope, f("tag-value", "wrong", "nothing")) == ["andf/bar", "andf/qux"]
    # the same key twice: still AND
    assert names(ls, f("name", "andf/"), f("name", "andf/b")) == ["andf/bar", "andf/baz"]


def test_several_description_filters_combine_with_and(ls: Any) -> None:
    ls.create_secret(Name="dup/foo", SecretString="v", Description="one two")
    ls.create_secret(Name="dup/bar", SecretString="v", Description="one")
    ls.create_secret(Name="dup/baz", SecretString="v", Description="two")
    ls.create_secret(Name="dup/qux", SecretString="v", Description="unrelated")
    got = names(ls, f("name", "dup/"), f("description", "one"), f("description", "two"))
    assert got == ["dup/foo"]


def test_unknown_filter_key_is_a_validation_error(ls: Any) -> None:
    with pytest.raises(ClientError) as exc:
        ls.list_secrets(Filters=[f("invalid", "foo")])
    code, message = error_of(exc)
    assert code == "ValidationException"
    assert "filters.1.member.key" in message
    assert "Member must satisfy enum value set" in message
    assert exc.value.response["ResponseMetadata"]["HTTPStatusCode"] == 400


def test_filter_without_values_is_an_invalid_parameter(ls: Any) -> None:
    with pytest.raises(ClientError) as exc:
        ls.list_secrets(Filters=[{"Key": "description"}])
    assert error_of(exc)[0] == "InvalidParameterException"


def test_filter_value_with_a_forbidden_character_is_a_validation_error(ls: Any) -> None:
    with pytest.raises(ClientError) as exc:
        ls.list_secrets(Filters=[f("name", "bad#value")])
    assert error_of(exc)[0] == "ValidationException"


# --- sorting -----------------------------------------------------------------------------


def test_default_order_is_created_date_ascending(ls: Any) -> None:
    for name in ("dfo/c", "dfo/a", "dfo/b"):
        ls.create_secret(Name=name, SecretString="v")
    assert names(ls, f("name", "dfo/")) == ["dfo/c", "dfo/a", "dfo/b"]
    listed = ls.list_secrets(Filters=[f("name", "dfo/")])["SecretList"]
    created = [entry["CreatedDate"] for entry in listed]
    assert created == sorted(created)


def test_sort_by_name_created_and_last_changed(ls: Any) -> None:
    for name in ("srt/c", "srt/a", "srt/b"):
        ls.create_secret(Name=name, SecretString="v")
    ls.update_secret(SecretId="srt/a", Description="changed last")
    scope = f("name", "srt/")

    def order(sort_by: str, sort_order: str) -> list[str]:
        return names(ls, scope, SortBy=sort_by, SortOrder=sort_order)

    assert order("name", "asc") == ["srt/a", "srt/b", "srt/c"]
    assert order("name", "desc") == ["srt/c", "srt/b", "srt/a"]
    assert order("created-date", "asc") == ["srt/c", "srt/a", "srt/b"]
    assert order("created-date", "desc") == ["srt/b", "srt/a", "srt/c"]
    assert order("last-changed-date", "asc") == ["srt/c", "srt/b", "srt/a"]
    assert order("last-changed-date", "desc") == ["srt/a", "srt/b", "srt/c"]


def test_sort_by_last_accessed_date(ls: Any) -> None:
    for name in ("sla/a", "sla/b", "sla/c"):
        ls.create_secret(Name=name, SecretString="v")
    ls.get_secret_value(SecretId="sla/b")
    scope = f("name", "sla/")
    for sort_order in ("asc", "desc"):
        listed = ls.list_secrets(
            Filters=[scope], SortBy="last-accessed-date", SortOrder=sort_order
        )["SecretList"]
        assert sorted(entry["Name"] for entry in listed) == ["sla/a", "sla/b", "sla/c"]
        accessed = {entry["Name"] for entry in listed if "LastAccessedDate" in entry}
        assert accessed == {"sla/b"}


# --- planned deletion, pagination, entry shape --------------------------------------------


def test_include_planned_deletion(ls: Any) -> None:
    ls.create_secret(Name="ipd/live", SecretString="v")
    ls.create_secret(Name="ipd/doomed", SecretString="v")
    ls.delete_secret(SecretId="ipd/doomed", RecoveryWindowInDays=7)
    scope = f("name", "ipd/")

    assert names(ls, scope) == ["ipd/live"]
    assert names(ls, scope, IncludePlannedDeletion=False) == ["ipd/live"]
    listed = ls.list_secrets(Filters=[scope], IncludePlannedDeletion=True)["SecretList"]
    assert [entry["Name"] for entry in listed] == ["ipd/live", "ipd/doomed"]
    by_name = {entry["Name"]: entry for entry in listed}
    assert "DeletedDate" in by_name["ipd/doomed"]
    assert "DeletedDate" not in by_name["ipd/live"]

    ls.restore_secret(SecretId="ipd/doomed")
    assert names(ls, scope) == ["ipd/live", "ipd/doomed"]


def test_max_results_pages_walk_every_secret_exactly_once(ls: Any) -> None:
    wanted = [f"pgw/s{letter}" for letter in "abcdefg"]
    for name in wanted:
        ls.create_secret(Name=name, SecretString="v")

    seen: list[str] = []
    params: dict[str, Any] = {"Filters": [f("name", "pgw/")], "MaxResults": 3}
    for _ in range(20):
        page = ls.list_secrets(**params)
        assert len(page["SecretList"]) <= 3
        seen += [entry["Name"] for entry in page["SecretList"]]
        if "NextToken" not in page:
            break
        params["NextToken"] = page["NextToken"]
    else:
        pytest.fail("pagination never ended")
    assert seen == wanted


def test_unfiltered_pages_cover_the_whole_region_once(ls: Any) -> None:
    ls.create_secret(Name="pgall/one", SecretString="v")
    ls.create_secret(Name="pgall/two", SecretString="v")
    everything = names(ls)
    assert len(everything) == len(set(everything))
    assert {"pgall/one", "pgall/two"} <= set(everything)
    assert names(ls, MaxResults=1) == everything
    assert names(ls, MaxResults=2) == everything
    assert names(ls, MaxResults=100) == everything


def test_boto3_paginator(ls: Any) -> None:
    wanted = [f"pgn/s{letter}" for letter in "abcde"]
    for name in wanted:
        ls.create_secret(Name=name, SecretString="v")
    paginator = ls.get_paginator("list_secrets")
    pages = list(paginator.paginate(Filters=[f("name", "pgn/")], PaginationConfig={"PageSize": 2}))
    assert all(len(page["SecretList"]) <= 2 for page in pages)
    assert [entry["Name"] for page in pages for entry in page["SecretList"]] == wanted
    merged = paginator.paginate(Filters=[f("name", "pgn/")]).build_full_result()
    assert [entry["Name"] for entry in merged["SecretList"]] == wanted


@pytest.mark.parametrize("max_results", [0, 101])
def test_max_results_out_of_range(raw: Any, max_results: int) -> None:
    with pytest.raises(ClientError) as exc:
        raw.list_secrets(MaxResults=max_results)
    assert error_of(exc)[0] == "ValidationException"


def test_garbage_next_token(ls: Any) -> None:
    with pytest.raises(ClientError) as exc:
        ls.list_secrets(NextToken="this-is-not-a-token")
    assert error_of(exc)[0] == "InvalidNextTokenException"


def test_list_entry_shape(ls: Any) -> None:
    created = ls.create_secret(
        Name="shp/entry",
        SecretString="v",
        Description="shape check",
        Tags=[{"Key": "k", "Value": "v"}],
    )
    (entry,) = ls.list_secrets(Filters=[f("name", "shp/")])["SecretList"]
    assert entry["ARN"] == created["ARN"]
    assert entry["Name"] == "shp/entry"
    assert entry["Description"] == "shape check"
    assert entry["Tags"] == [{"Key": "k", "Value": "v"}]
    assert entry["SecretVersionsToStages"] == {created["VersionId"]: ["AWSCURRENT"]}
    assert "CreatedDate" in entry
    assert "LastChangedDate" in entry
    for absent in (
        "VersionIdsToStages",
        "KmsKeyId",
        "PrimaryRegion",
        "RotationEnabled",
        "DeletedDate",
        "OwningService",
        "ReplicationStatus",
        "LastAccessedDate",
    ):
        assert absent not in entry, absent


# --- the AWS CLI ---------------------------------------------------------------------------


def test_cli_filters_and_automatic_pagination(ls: Any, cli: Cli) -> None:
    wanted = [f"clif/s{letter}" for letter in "abcde"]
    for name in wanted:
        ls.create_secret(Name=name, SecretString="v")

    out = json.loads(
        cli("secretsmanager", "list-secrets", "--filters", "Key=name,Values=clif/").stdout
    )
    assert [entry["Name"] for entry in out["SecretList"]] == wanted

    # --page-size makes the CLI fetch 2 at a time and merge every page
    out = json.loads(
        cli(
            "secretsmanager",
            "list-secrets",
            "--page-size",
            "2",
            "--filters",
            "Key=name,Values=clif/",
        ).stdout
    )
    assert [entry["Name"] for entry in out["SecretList"]] == wanted
    assert "NextToken" not in out

    # --max-items stops early and hands back a token to resume from
    first = json.loads(
        cli(
            "secretsmanager",
            "list-secrets",
            "--max-items",
            "3",
            "--page-size",
            "2",
            "--filters",
            "Key=name,Values=clif/",
        ).stdout
    )
    assert [entry["Name"] for entry in first["SecretList"]] == wanted[:3]
    rest = json.loads(
        cli(
            "secretsmanager",
            "list-secrets",
            "--page-size",
            "2",
            "--starting-token",
            first["NextToken"],
            "--filters",
            "Key=name,Values=clif/",
        ).stdout
    )
    assert [entry["Name"] for entry in rest["SecretList"]] == wanted[3:]

    # several values OR
    out = json.loads(
        cli(
            "secretsmanager",
            "list-secrets",
            "--filters",
            "Key=name,Values=clif/sa,clif/se",
        ).stdout
    )
    assert [entry["Name"] for entry in out["SecretList"]] == ["clif/sa", "clif/se"]


def test_cli_unknown_filter_key_fails(cli: Cli) -> None:
    result = cli(
        "secretsmanager", "list-secrets", "--filters", "Key=colour,Values=red", check=False
    )
    assert result.returncode != 0
    assert "ValidationException" in result.stderr


# --- BatchGetSecretValue -------------------------------------------------------------------


def test_batch_get_by_names_and_arns(ls: Any) -> None:
    one = ls.create_secret(Name="bgv/one", SecretString="first")
    two = ls.create_secret(Name="bgv/two", SecretBinary=b"\x00\x01binary")
    ls.put_secret_value(SecretId="bgv/one", SecretString="first, updated")
    current_one = ls.get_secret_value(SecretId="bgv/one")

    got = ls.batch_get_secret_value(SecretIdList=["bgv/one", two["ARN"]])
    assert got.get("Errors", []) == []
    values = {entry["Name"]: entry for entry in got["SecretValues"]}
    assert set(values) == {"bgv/one", "bgv/two"}

    assert values["bgv/one"]["ARN"] == one["ARN"]
    assert values["bgv/one"]["VersionId"] == current_one["VersionId"]
    assert values["bgv/one"]["SecretString"] == "first, updated"
    assert values["bgv/one"]["VersionStages"] == ["AWSCURRENT"]
    assert "SecretBinary" not in values["bgv/one"]
    assert "CreatedDate" in values["bgv/one"]

    assert values["bgv/two"]["ARN"] == two["ARN"]
    assert values["bgv/two"]["VersionId"] == two["VersionId"]
    assert values["bgv/two"]["SecretBinary"] == b"\x00\x01binary"
    assert "SecretString" not in values["bgv/two"]
    assert values["bgv/two"]["VersionStages"] == ["AWSCURRENT"]
    assert "CreatedDate" in values["bgv/two"]


def test_batch_get_reports_missing_and_deleted_without_failing(ls: Any) -> None:
    ls.create_secret(Name="bge/live", SecretString="here")
    ls.create_secret(Name="bge/deleted", SecretString="gone")
    ls.delete_secret(SecretId="bge/deleted", RecoveryWindowInDays=7)

    got = ls.batch_get_secret_value(SecretIdList=["bge/live", "bge/missing", "bge/deleted"])
    assert [entry["Name"] for entry in got["SecretValues"]] == ["bge/live"]
    assert got["SecretValues"][0]["SecretString"] == "here"
    errors = {entry["SecretId"]: entry for entry in got["Errors"]}
    assert set(errors) == {"bge/missing", "bge/deleted"}
    assert errors["bge/missing"]["ErrorCode"] == "ResourceNotFoundException"
    assert errors["bge/deleted"]["ErrorCode"] == "InvalidRequestException"
    for entry in errors.values():
        assert entry["Message"]


def test_batch_get_by_filters_pages(ls: Any) -> None:
    wanted = {f"bgf/s{letter}": f"value {letter}" for letter in "abcde"}
    for name, value in wanted.items():
        ls.create_secret(Name=name, SecretString=value)
    ls.create_secret(Name="bgfx/other", SecretString="not me")

    seen: dict[str, str] = {}
    params: dict[str, Any] = {"Filters": [f("name", "bgf/")], "MaxResults": 2}
    for _ in range(20):
        page = ls.batch_get_secret_value(**params)
        assert len(page["SecretValues"]) <= 2
        assert page.get("Errors", []) == []
        for entry in page["SecretValues"]:
            assert entry["Name"] not in seen
            seen[entry["Name"]] = entry["SecretString"]
        if not page.get("NextToken"):
            break
        params["NextToken"] = page["NextToken"]
    else:
        pytest.fail("pagination never ended")
    assert seen == wanted


def test_batch_get_with_both_ids_and_filters(ls: Any) -> None:
    ls.create_secret(Name="bgx/one", SecretString="v")
    with pytest.raises(ClientError) as exc:
        ls.batch_get_secret_value(SecretIdList=["bgx/one"], Filters=[f("name", "bgx/")])
    assert error_of(exc)[0] == "InvalidParameterException"


def test_batch_get_with_neither_ids_nor_filters(ls: Any) -> None:
    with pytest.raises(ClientError) as exc:
        ls.batch_get_secret_value()
    assert error_of(exc)[0] == "InvalidParameterException"


def test_batch_get_max_results_needs_filters(ls: Any) -> None:
    ls.create_secret(Name="bgm/one", SecretString="v")
    with pytest.raises(ClientError) as exc:
        ls.batch_get_secret_value(SecretIdList=["bgm/one"], MaxResults=5)
    assert error_of(exc)[0] == "InvalidParameterException"


def test_batch_get_more_than_twenty_ids(ls: Any) -> None:
    with pytest.raises(ClientError) as exc:
        ls.batch_get_secret_value(SecretIdList=[f"bg21/s{i}" for i in range(21)])
    assert error_of(exc)[0] == "ValidationException"
