"""Canned queries against a real Oxigraph server answer as on the embedded store: the same VALUES-bound
text runs on both, so the goldens hold for both (and hostile values stay harmless there too)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from canned_support import canonical_rows, catalogue, read_golden, run, table
from clusterkg.canned.parameters import InvalidParameter
from clusterkg.canned.runner import CannedQueries
from clusterkg.config import Settings
from clusterkg.store.remote import RemoteStore
from conftest import clusterkg, oxigraph_server

pytestmark = pytest.mark.integration

QUERIES = [query.name for query in catalogue() if not query.federated]


@pytest.fixture(scope="module")
def remote(tmp_path_factory: pytest.TempPathFactory) -> Iterator[CannedQueries]:
    with oxigraph_server(tmp_path_factory.mktemp("oxigraph-canned") / "db") as base:
        endpoint = base + "/query"
        built = clusterkg("build", "--endpoint", endpoint)
        assert built.returncode == 0, built.stderr
        store = RemoteStore.from_settings(Settings(sparql_endpoint=endpoint, query_timeout=20))
        store.start()
        try:
            yield CannedQueries(catalogue(), store)
        finally:
            store.close()


@pytest.mark.parametrize("name", QUERIES)
def test_remote_answers_match_the_goldens(remote: CannedQueries, name: str) -> None:
    expected = read_golden(name)
    actual = [list(row.values()) for row in table(run(remote, name))]
    if expected["ordered"]:
        assert canonical_rows(actual) == canonical_rows(expected["rows"])
    else:
        assert sorted(canonical_rows(actual)) == sorted(canonical_rows(expected["rows"]))


def test_a_hostile_string_is_harmless_on_the_remote_server(remote: CannedQueries) -> None:
    assert table(run(remote, "search-labels", {"text": 'x" } UNION { ?s ?p ?o } #'})) == []
    with pytest.raises(InvalidParameter):
        run(remote, "membership-over-time", {"org": "https://w3id.org/clusterkg/id/org/x> } UNION { ?s ?p ?o } #"})
