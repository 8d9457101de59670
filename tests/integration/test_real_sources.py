"""The repository's own ontology and data build into the embedded store, one named graph per file."""

from __future__ import annotations

from pathlib import Path

import pytest

from clusterkg.namespaces import META_GRAPH, graph_for_source
from clusterkg.sources import locate
from clusterkg.store.build import build
from clusterkg.store.embedded import EmbeddedStore
from conftest import REPO

pytestmark = pytest.mark.integration


def test_every_source_file_is_its_own_graph(tmp_path: Path) -> None:
    resources = locate()
    assert resources.root == REPO
    files = resources.source_files()
    assert all("shapes" not in path.parts for path in files)
    store = EmbeddedStore(tmp_path / "data", workers=0)
    store.start()
    try:
        report = build(store, resources)
        assert len(report.loaded) == len(files)
        expected = {graph_for_source(resources.relative(path)) for path in files}
        assert store.graph_names() - {META_GRAPH} == expected
        assert build(store, resources).loaded == []
    finally:
        store.close()
