"""The IRIs the project mints: ontology, instances, named graphs and the build manifest."""

from __future__ import annotations

from pathlib import PurePosixPath

ONTOLOGY_IRI = "https://w3id.org/clusterkg/ont"
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


CONCEPT = "https://w3id.org/clusterkg/concept/"

#: The one set of prefixes: the standard vocabularies the graph uses and the namespaces it mints. The JSON-LD
#: context, the validation reports and the query editor all use it.
PREFIXES = {
    "ckg": ONT,
    "rdf": "http://www.w3.org/1999/02/22-rdf-syntax-ns#",
    "rdfs": "http://www.w3.org/2000/01/rdf-schema#",
    "xsd": "http://www.w3.org/2001/XMLSchema#",
    "owl": "http://www.w3.org/2002/07/owl#",
    "skos": "http://www.w3.org/2004/02/skos/core#",
    "dcterms": "http://purl.org/dc/terms/",
    "oa": "http://www.w3.org/ns/oa#",
    "org": "http://www.w3.org/ns/org#",
    "prov": "http://www.w3.org/ns/prov#",
    "schema": "http://schema.org/",
    "cko": ID + "org/",
    "ckper": ID + "person/",
    "ckp": ID + "place/",
    "ckcl": ID + "agglomeration/",
    "ckpg": ID + "programme/",
    "cks": ID + "service/",
    "ckcase": ID + "case/",
    "ckobs": ID + "obs/",
    "ckds": ID + "dataset/",
    "ckdef": ID + "definition/",
    "cknet": ID + "network/",
    "ckev": ID + "event/",
    "ckpub": ID + "publication/",
    "ckconf": ID + "conflict/",
    "ckdoc": ID + "doc/chapter-2-3/",
    "sf": CONCEPT + "support-function/",
    "nk": CONCEPT + "network-kind/",
    "fm": CONCEPT + "formation-mode/",
    "ik": CONCEPT + "innovation-kind/",
    "st": CONCEPT + "support-type/",
    "cs": CONCEPT + "case-status/",
    "apx": CONCEPT + "approximation/",
    "unit": CONCEPT + "unit/",
    "bd": CONCEPT + "breakdown/",
    "tf": CONCEPT + "technology-field/",
    "ind": CONCEPT + "indicator/",
}

#: Vocabularies a query may want besides those (shapes, dataset descriptions, Wikidata links): the editor
#: knows them in advance, so it never asks an outside service for a prefix.
QUERY_PREFIXES = {
    **PREFIXES,
    "sh": "http://www.w3.org/ns/shacl#",
    "ckgsh": "https://w3id.org/clusterkg/shapes#",
    "dcat": "http://www.w3.org/ns/dcat#",
    "void": "http://rdfs.org/ns/void#",
    "foaf": "http://xmlns.com/foaf/0.1/",
    "sd": "http://www.w3.org/ns/sparql-service-description#",
    "wd": "http://www.wikidata.org/entity/",
    "wdt": "http://www.wikidata.org/prop/direct/",
}
