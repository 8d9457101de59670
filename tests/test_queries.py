"""Canned queries: every catalogue entry answers as its golden file says, over REST, the CLI and OpenAPI.

The real graph is built once per module into an embedded store. Goldens are compared, never rewritten
here (``tests/golden/update_goldens.py`` writes them, for review).
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner
from fastapi.testclient import TestClient

from canned_support import (
    GOLDEN_DIR,
    REPO,
    built_store,
    canonical_rows,
    catalogue,
    golden_of,
    read_golden,
    run,
    table,
)
from clusterkg.app import create_app
from clusterkg.canned.catalogue import Catalogue, CatalogueError
from clusterkg.canned.federation import uses_service
from clusterkg.canned.runner import CannedQueries
from clusterkg.cli import main as cli
from clusterkg.config import Settings
from clusterkg.store.embedded import EmbeddedStore

QUERIES = [query.name for query in catalogue() if not uses_service(query.text)]
ORG = "https://w3id.org/clusterkg/id/org/"


@pytest.fixture(scope="module")
def store_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A built store, closed again so that readers (the CLI) can open it."""
    data_dir = tmp_path_factory.mktemp("canned-store")
    built_store(data_dir).close()
    return data_dir


@pytest.fixture(scope="module")
def canned(store_dir: Path) -> Iterator[CannedQueries]:
    store = EmbeddedStore(store_dir, workers=0, read_only=True)
    store.start()
    try:
        yield CannedQueries(catalogue(), store)
    finally:
        store.close()


@pytest.fixture(scope="module")
def client(tmp_path_factory: pytest.TempPathFactory) -> Iterator[TestClient]:
    settings = Settings(data_dir=tmp_path_factory.mktemp("canned-app"), source_dir=REPO, query_workers=1)
    with TestClient(create_app(settings)) as test_client:
        yield test_client


def rest_rows(response: object) -> list[dict[str, str]]:
    """The rows of a SPARQL JSON answer (a response or its bytes) as strings."""
    document = json.loads(response if isinstance(response, bytes) else response.content)  # type: ignore[attr-defined]
    names = document["head"]["vars"]
    return [{n: b[n]["value"] if n in b else "" for n in names} for b in document["results"]["bindings"]]


# --- the catalogue ----------------------------------------------------------------------------------


def test_there_is_a_query_for_every_public_competency_question() -> None:
    public = {f"Q{n:02d}" for n in (1, 2, 3, 5, 6, 7, 9, 10, 11, 12, 13, 15, 17, 18, 20, 21, 22, 23, 25, 26, 27, 28)}
    public |= {f"Q{n}" for n in (30, 32, 33, 34, 35, 37, 39, 40, 41, 42)}
    tagged = {tag for query in catalogue() for tag in query.header.tags}
    assert public <= tagged, f"no canned query is tagged {sorted(public - tagged)}"


def test_every_query_has_a_golden_file() -> None:
    missing = [name for name in QUERIES if not (GOLDEN_DIR / f"{name}.json").is_file()]
    assert not missing


@pytest.mark.parametrize("name", QUERIES)
def test_query_returns_its_golden_rows(canned: CannedQueries, name: str) -> None:
    expected, actual = read_golden(name), golden_of(canned, name)
    assert actual["vars"] == expected["vars"]
    assert_same_rows(actual["rows"], expected["rows"], ordered=expected["ordered"])


def assert_same_rows(actual: list[list[str]], expected: list[list[str]], ordered: bool) -> None:
    """Equal rows, in order if the query orders them; list cells compare as sets (GROUP_CONCAT)."""
    actual, expected = canonical_rows(actual), canonical_rows(expected)
    if ordered:
        assert actual == expected
    else:
        assert sorted(actual) == sorted(expected)


# --- the statistics: units that compare, totals and shares, a place and its agglomeration ---------------


OBS = "https://w3id.org/clusterkg/id/obs/"


def test_amounts_written_alike_in_different_units_compare_by_their_multipliers(canned: CannedQueries) -> None:
    """Silicon Valley's shipments and Berlin's IT and media sales are both written 12,000: 十億円 against 億円."""
    rows = table(run(canned, "amounts-compared"))
    order = [row["observation"].removeprefix(OBS) for row in rows]
    shipments, sales = order.index("silicon-valley-shipments-billion-yen"), order.index("berlin-related-firms-sales")
    assert shipments < sales
    in_yen = {row["observation"].removeprefix(OBS): int(float(row["inBaseUnit"])) for row in rows}
    assert in_yen["silicon-valley-shipments-billion-yen"] == 12_000_000_000_000
    assert in_yen["berlin-related-firms-sales"] == 1_200_000_000_000
    assert in_yen["tama-association-fee-sme"] == 70_000


def test_case_counts_have_their_totals_along_each_dimension(canned: CannedQueries) -> None:
    survey = "https://w3id.org/clusterkg/id/dataset/collaboration-survey-2002-case-classification"
    rows = table(run(canned, "breakdown-shares", {"dataSet": survey}))
    totals = {(row["dimensionLabel"], row["part"].removeprefix(OBS)): (row["total"], row["share"]) for row in rows}
    cases = "collaboration-survey-2002-cases-"
    assert totals[("by case status", cases + "total-commercialised")] == ("45", "33.3")
    assert totals[("by involvement of the association", cases + "association-supported-total")] == ("40", "57.5")
    assert totals[("by involvement of the association", cases + "formed-through-association-total")] == ("23", "87")
    assert totals[("by brokering type", cases + "type-i-total")] == ("23", "34.8")
    assert totals[("by membership", cases + "non-member-cases-total")] == ("45", "11.1")


def test_key_figures_of_an_agglomeration_include_those_of_its_area(canned: CannedQueries) -> None:
    def observations(subject: str) -> set[str]:
        rows = table(run(canned, "key-figures", {"subject": "https://w3id.org/clusterkg/id/" + subject}))
        return {row["observation"].removeprefix(OBS) for row in rows}

    both = {"adlershof-researchers-gdr", "adlershof-land-purchased-1990", "adlershof-firms", "adlershof-investment"}
    assert both <= observations("agglomeration/adlershof")
    assert both <= observations("place/adlershof")
    assert {"ota-manufacturing-establishments-now"} <= observations("agglomeration/ota")
    assert {"berlin-related-firms"} <= observations("agglomeration/berlin-brandenburg")


def test_a_broken_query_stops_loading_with_its_file_and_line(tmp_path: Path) -> None:
    good = (REPO / "queries" / "evidence.rq").read_text(encoding="utf-8")
    (tmp_path / "evidence.rq").write_text(
        good.replace("?quote ; ckg:inPassage", "?quote ckg:inPassage"), encoding="utf-8"
    )
    with pytest.raises(CatalogueError) as caught:
        Catalogue.load(tmp_path)
    assert "evidence.rq:" in str(caught.value) and caught.value.line > 10


def test_a_broken_header_names_its_line(tmp_path: Path) -> None:
    text = "#+ summary: ok\n#+ tags: [a]\n#+ parameters:\n#+   org: {type: uri}\nSELECT ?org WHERE { ?org ?p ?o }\n"
    (tmp_path / "bad.rq").write_text(text, encoding="utf-8")
    with pytest.raises(CatalogueError) as caught:
        Catalogue.load(tmp_path)
    assert caught.value.line == 4 and "parameters.org.type" in str(caught.value)


def test_a_broken_query_stops_the_app(tmp_path: Path) -> None:
    for folder in ("ontology", "data/ttl", "queries"):
        (tmp_path / folder).mkdir(parents=True)
    (tmp_path / "queries" / "bad.rq").write_text("#+ summary: broken\nSELECT ?x WHERE { ?x }\n", encoding="utf-8")
    with pytest.raises(CatalogueError, match=r"bad\.rq:\d+: SPARQL syntax error"):
        create_app(Settings(data_dir=tmp_path / "store", source_dir=tmp_path))


# --- REST -------------------------------------------------------------------------------------------


def test_catalogue_lists_name_summary_tags_and_parameters(client: TestClient) -> None:
    listed = {entry["name"]: entry for entry in client.get("/queries").json()["queries"]}
    assert set(QUERIES) <= set(listed)
    membership = listed["membership-over-time"]
    assert membership["summary"] and "Q26" in membership["tags"]
    assert membership["parameters"]["lang"]["enum"] == ["en", "ja"]
    assert membership["chart"]["type"] == "line"


@pytest.mark.parametrize("name", QUERIES)
def test_rest_returns_the_golden_rows(client: TestClient, name: str) -> None:
    response = client.get(f"/queries/{name}")
    assert response.status_code == 200, response.text
    expected = read_golden(name)
    actual = [list(row.values()) for row in rest_rows(response)]
    assert_same_rows(actual, expected["rows"], ordered=expected["ordered"])


def test_openapi_lists_every_query_with_its_parameters(client: TestClient) -> None:
    paths = client.get("/openapi.json").json()["paths"]
    for query in catalogue():
        operation = paths[f"/queries/{query.name}"]["get"]
        names = {p["name"] for p in operation["parameters"]}
        assert names == {*query.header.parameters, "limit", "offset", "format"}, query.name
    cases = {p["name"]: p for p in paths["/queries/collaboration-cases"]["get"]["parameters"]}
    assert cases["support_type"]["schema"]["enum"] == ["type-i", "type-ii", "type-iii", "type-iv"]
    org = {p["name"]: p for p in paths["/queries/membership-over-time"]["get"]["parameters"]}["org"]
    assert org["schema"]["format"] == "uri" and org["schema"]["default"] == ORG + "tama-association"
    operation_ids = [op["get"]["operationId"] for path, op in paths.items() if path.startswith("/queries/")]
    assert len(operation_ids) == len(set(operation_ids))


@pytest.mark.parametrize(
    ("fmt", "accept", "media_type", "needle"),
    [
        ("csv", None, "text/csv", b"kind,members,share"),
        ("tsv", None, "text/tab-separated-values", b"?kind\t?members"),
        ("xml", None, "application/sparql-results+xml", b"<sparql"),
        (None, "text/csv", "text/csv", b"kind,members,share"),
        (None, "application/sparql-results+xml", "application/sparql-results+xml", b"<sparql"),
        (None, None, "application/sparql-results+json", b'"vars"'),
    ],
)
def test_formats_by_parameter_or_accept(
    client: TestClient, fmt: str | None, accept: str | None, media_type: str, needle: bytes
) -> None:
    response = client.get(
        "/queries/membership-breakdown",
        params={"format": fmt} if fmt else {},
        headers={"Accept": accept} if accept else {},
    )
    assert response.status_code == 200
    assert response.headers["content-type"].startswith(media_type)
    assert needle in response.content


def test_pages_link_to_the_next_page(client: TestClient) -> None:
    first = client.get("/queries/membership-by-country", params={"limit": 4})
    assert len(rest_rows(first)) == 4
    link = first.headers["link"]
    assert 'rel="next"' in link and "offset=4" in link
    following = link[link.index("<") + 1 : link.index(">")]
    second = client.get(following.removeprefix("http://testserver"))
    everything = rest_rows(client.get("/queries/membership-by-country"))
    assert rest_rows(first) + rest_rows(second) == everything[:8]
    last = client.get("/queries/membership-by-country", params={"limit": 4, "offset": 8})
    assert "link" not in last.headers and len(rest_rows(last)) == len(everything) - 8


@pytest.mark.parametrize(
    ("params", "parameter"),
    [
        ({"org": "not an iri"}, "org"),
        ({"org": "ftp://example.org/x"}, "org"),
        ({"org": "https://example.org/elsewhere"}, "org"),
        ({"lang": "fr"}, "lang"),
        ({"nonsense": "1"}, "nonsense"),
        ({"limit": "0"}, "limit"),
        ({"limit": "ten"}, "limit"),
        ({"offset": "-1"}, "offset"),
        ({"format": "yaml"}, "format"),
    ],
)
def test_bad_parameters_are_422_naming_the_parameter(
    client: TestClient, params: dict[str, str], parameter: str
) -> None:
    response = client.get("/queries/membership-over-time", params=params)
    assert response.status_code == 422
    assert response.json()["error"] == "bad_parameter"
    assert response.json()["parameter"] == parameter


def test_a_missing_required_parameter_is_422(client: TestClient) -> None:
    response = client.get("/queries/membership-breakdown", params={"date": ""})
    assert response.status_code == 200  # empty means the default
    bad_date = client.get("/queries/membership-breakdown", params={"date": "5 January 2004"})
    assert bad_date.status_code == 422 and bad_date.json()["parameter"] == "date"


def test_a_repeated_parameter_is_422(client: TestClient) -> None:
    response = client.get("/queries/membership-over-time?lang=en&lang=ja")
    assert response.status_code == 422 and response.json()["parameter"] == "lang"


def test_unknown_query_is_404(client: TestClient) -> None:
    response = client.get("/queries/no-such-question")
    assert response.status_code == 404 and response.json()["error"] == "unknown_query"


def test_the_sparql_text_is_served(client: TestClient) -> None:
    response = client.get("/queries/membership-over-time/sparql")
    assert response.status_code == 200 and "ckg:successorOf" in response.text


# --- CLI ----------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "params"),
    [
        ("membership-over-time", {"org": ORG + "ivam", "lang": "ja"}),
        ("compare-indicators", {}),
        ("search-labels", {"text": "協会", "lang": "ja"}),
    ],
)
def test_cli_and_rest_return_the_same_rows(
    store_dir: Path, client: TestClient, name: str, params: dict[str, str]
) -> None:
    args = ["query", name, "--format", "json", "--data-dir", str(store_dir), "--source-dir", str(REPO)]
    for key, value in params.items():
        args += ["--param", f"{key}={value}"]
    printed = CliRunner().invoke(cli, args)
    assert printed.exit_code == 0, printed.output
    from_cli = [list(row.values()) for row in rest_rows(printed.stdout_bytes)]
    from_rest = [list(row.values()) for row in rest_rows(client.get(f"/queries/{name}", params=params).content)]
    assert from_cli and canonical_rows(from_cli) == canonical_rows(from_rest)


def test_cli_lists_the_catalogue_and_prints_a_table(store_dir: Path) -> None:
    listed = CliRunner().invoke(cli, ["query", "--source-dir", str(REPO)])
    assert listed.exit_code == 0 and "membership-over-time" in listed.output
    shown = CliRunner().invoke(cli, ["query", "membership-breakdown", "--data-dir", str(store_dir)])
    assert shown.exit_code == 0 and "597" in shown.output and "(6 rows)" in shown.output


def test_cli_reports_a_bad_parameter(store_dir: Path) -> None:
    result = CliRunner().invoke(cli, ["query", "membership-over-time", "--data-dir", str(store_dir), "-p", "org=x"])
    assert result.exit_code == 1 and "bad_parameter" in result.output


# --- the cache ---------------------------------------------------------------------------------------


def test_a_write_to_the_store_changes_the_cached_answer(tmp_path: Path) -> None:
    store = built_store(tmp_path)
    try:
        canned = CannedQueries(catalogue(), store)
        before = table(run(canned, "membership-breakdown"))
        calls = []
        evaluate = store.query_sync
        store.query_sync = lambda job: calls.append(job) or evaluate(job)  # type: ignore[method-assign]
        assert table(run(canned, "membership-breakdown")) == before and not calls  # served from the cache
        store.update(
            "PREFIX ckg: <https://w3id.org/clusterkg/ont#> INSERT DATA { GRAPH <urn:test> {"
            " <urn:obs> ckg:subject <https://w3id.org/clusterkg/id/org/tama-association> ;"
            " ckg:indicator <https://w3id.org/clusterkg/concept/indicator/member-count> ;"
            ' ckg:refPeriod "2004-01-05"^^<http://www.w3.org/2001/XMLSchema#date> ; ckg:value 1 ;'
            " ckg:breakdown <https://w3id.org/clusterkg/concept/breakdown/member> } }"
        )
        after = table(run(canned, "membership-breakdown"))
        assert len(calls) == 1 and len(after) == len(before) + 1
    finally:
        store.close()


# --- hostile parameters -----------------------------------------------------------------------------

HOSTILE = [
    'x" } UNION { ?s ?p ?o } #',
    "x' } UNION { ?s ?p ?o } #",
    "a\nb",
    "}",
    "#",
    "UNION",
    "<http://e/a> <http://e/b>",
    "http://e/a>b",
    "https://w3id.org/clusterkg/id/org/x> } UNION { ?s ?p ?o } #",
    "https://w3id.org/clusterkg/id/org/x%3E%20%7D",
    "x" * 5000,
]


def harmless(spec: object) -> str:
    """A well-formed value of the parameter's type that matches nothing."""
    prefix = getattr(spec, "prefix", None) or "https://w3id.org/clusterkg/id/"
    return prefix + "no-such-thing" if spec.type == "iri" else "zz-no-such-value"  # type: ignore[attr-defined]


@pytest.mark.parametrize("name", QUERIES)
def test_hostile_values_give_422_or_the_harmless_answer(client: TestClient, name: str) -> None:
    for parameter, spec in catalogue().get(name).header.parameters.items():
        baseline = client.get(f"/queries/{name}", params={parameter: harmless(spec)})
        for value in HOSTILE:
            response = client.get(f"/queries/{name}", params={parameter: value})
            assert response.status_code in (200, 422), (parameter, value, response.text)
            if response.status_code == 422:
                assert response.json()["parameter"] == parameter
            else:
                assert baseline.status_code == 200 and rest_rows(response) == rest_rows(baseline), (parameter, value)


def test_only_the_queries_that_call_an_endpoint_are_federated() -> None:
    federated = {query.name for query in catalogue() if query.federated}
    assert federated == {path.stem for path in (REPO / "queries").glob("federated-*.rq")}
    assert not uses_service("SELECT ?service ?serviceLabel WHERE { ?service ?p ?serviceLabel }")
    assert uses_service("SELECT * WHERE { SERVICE ?endpoint { ?s ?p ?o } }")
