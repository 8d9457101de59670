"""Every namespace the project writes: the IRIs it mints, the standard vocabularies, and their prefixes.

One table of prefixes (``PREFIXES``) serves every place that abbreviates IRIs: the Turtle the service
writes, the JSON-LD context for entries, validation reports, the Linked Data representations, the
links file, the SSSOM mappings and the query editor. A module that writes fewer prefixes picks them
by name with :func:`prefixes`.

>>> prefixes("ckg", "skos")
{'ckg': 'https://w3id.org/clusterkg/ont#', 'skos': 'http://www.w3.org/2004/02/skos/core#'}
>>> graph_for_source("data/ttl/tama.ttl")
'https://w3id.org/clusterkg/graph/data/tama'
"""

from __future__ import annotations

from pathlib import PurePosixPath

# --- what the project mints ----------------------------------------------------------------------

#: Every IRI the project mints starts here; a term under it that the ontology lacks is a mistake.
BASE = "https://w3id.org/clusterkg/"
ONTOLOGY_IRI = BASE + "ont"
ONT = ONTOLOGY_IRI + "#"
ID = BASE + "id/"
CONCEPT = BASE + "concept/"
GRAPH = BASE + "graph/"
DATASET = BASE + "dataset"
SHAPES = BASE + "shapes#"
ENTRY_RULES = BASE + "shapes/entry#"
CONTEXT_IRI = BASE + "context.jsonld"
MAPPING_SET_IRI = BASE + "mappings.sssom.tsv"
LINK = ID + "link/"

#: The graph holding one record per loaded source file (path and SHA-256), read by incremental rebuilds.
META_GRAPH = GRAPH + "meta"
META = BASE + "meta#"
META_SOURCE_PATH = META + "sourcePath"
META_SHA256 = META + "sha256"
#: Written into the meta graph before an import's first triple, removed after its last: an import graph that
#: still has it was interrupted, and is dropped at the next start.
META_IMPORT_PENDING = META + "importPending"

#: Graphs a rebuild never touches: user submissions and imports live there.
CASES_GRAPHS = GRAPH + "cases/"
IMPORT_GRAPHS = GRAPH + "import/"
PROTECTED_GRAPH_PREFIXES = (CASES_GRAPHS, IMPORT_GRAPHS, META_GRAPH)

# --- standard vocabularies -----------------------------------------------------------------------

RDF = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
RDFS = "http://www.w3.org/2000/01/rdf-schema#"
XSD = "http://www.w3.org/2001/XMLSchema#"
OWL = "http://www.w3.org/2002/07/owl#"
SKOS = "http://www.w3.org/2004/02/skos/core#"
DCTERMS = "http://purl.org/dc/terms/"
OA = "http://www.w3.org/ns/oa#"
ORG = "http://www.w3.org/ns/org#"
PROV = "http://www.w3.org/ns/prov#"
SCHEMA = "http://schema.org/"
QB = "http://purl.org/linked-data/cube#"
SH = "http://www.w3.org/ns/shacl#"
VOID = "http://rdfs.org/ns/void#"
DCAT = "http://www.w3.org/ns/dcat#"
SD = "http://www.w3.org/ns/sparql-service-description#"
SEMAPV = "https://w3id.org/semapv/vocab/"

# --- the external identifier schemes (docs/linking.md) --------------------------------------------

WIKIDATA = "http://www.wikidata.org/entity/"
DBPEDIA = "http://dbpedia.org/resource/"
GEONAMES = "https://sws.geonames.org/"
ROR = "https://ror.org/"

#: Prefix -> namespace, for every namespace above that is written abbreviated somewhere.
PREFIXES: dict[str, str] = {
    "ckg": ONT,
    "rdf": RDF,
    "rdfs": RDFS,
    "xsd": XSD,
    "owl": OWL,
    "skos": SKOS,
    "dcterms": DCTERMS,
    "oa": OA,
    "org": ORG,
    "prov": PROV,
    "schema": SCHEMA,
    "qb": QB,
    "sh": SH,
    "void": VOID,
    "dcat": DCAT,
    "semapv": SEMAPV,
    "ckgsh": SHAPES,
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
    "ckx": ID + "explanation/",
    "ckdsd": ID + "structure/",
    "cklink": LINK,
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
    "rk": CONCEPT + "reason-kind/",
    "ctk": CONCEPT + "contribution-kind/",
    "cr": CONCEPT + "comparison-result/",
    "cc": CONCEPT + "comparison-criterion/",
    "cnd": CONCEPT + "condition-kind/",
    "sts": CONCEPT + "status/",
    "lfk": CONCEPT + "location-factor-kind/",
    "ok": CONCEPT + "outcome-kind/",
    "os": CONCEPT + "outcome-status/",
    "ax": CONCEPT + "typology-axis/",
    "lvl": CONCEPT + "axis-level/",
    "wd": WIKIDATA,
    "dbr": DBPEDIA,
    "geonames": GEONAMES,
    "ror": ROR,
}


def prefixes(*names: str) -> dict[str, str]:
    """The prefixes called ``names``, in that order (a ``KeyError`` names a prefix that does not exist)."""
    return {name: PREFIXES[name] for name in names}


#: What the Turtle written by the service declares (query answers, dumps, named graphs).
TURTLE_PREFIXES = prefixes("ckg", "rdf", "rdfs", "owl", "xsd", "skos", "dcterms")


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
