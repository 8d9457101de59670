"""The IRIs the project mints: ontology, instances, named graphs and the build manifest."""

from __future__ import annotations

from pathlib import PurePosixPath

#: Every IRI the project mints starts here; a term under it that the ontology lacks is a mistake.
PROJECT = "https://w3id.org/clusterkg/"
ONTOLOGY_IRI = PROJECT + "ont"
ONT = ONTOLOGY_IRI + "#"
ID = "https://w3id.org/clusterkg/id/"
GRAPH = "https://w3id.org/clusterkg/graph/"

#: The graph holding one record per loaded source file (path and SHA-256), read by incremental rebuilds.
META_GRAPH = GRAPH + "meta"
META = "https://w3id.org/clusterkg/meta#"
META_SOURCE_PATH = META + "sourcePath"
META_SHA256 = META + "sha256"

#: Graphs a rebuild never touches: user submissions and imports live there.
PROTECTED_GRAPH_PREFIXES = (GRAPH + "cases/", GRAPH + "import/", META_GRAPH)


def graph_for_source(relative_path: str) -> str:
    """Named graph of a source file: ``ontology/clusterkg.ttl`` -> ``.../graph/ontology/clusterkg``.

    Data files are named by their path under ``data/ttl``: ``data/ttl/tama.ttl`` -> ``.../graph/data/tama``.
    """
    path = PurePosixPath(relative_path)
    if path.parts[:2] == ("data", "ttl"):
        path = PurePosixPath("data", *path.parts[2:])
    return GRAPH + str(path.with_suffix(""))


def is_protected(graph: str) -> bool:
    return graph.startswith(PROTECTED_GRAPH_PREFIXES)
