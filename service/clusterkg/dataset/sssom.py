"""The external identifiers as an SSSOM mapping set (TSV with its YAML metadata block).

One row per link of ``identifiers.py``: IRI mappings (Wikidata, DBpedia, GeoNames, ROR) with their
``owl:sameAs`` / SKOS predicate, and the codes (NUTS 2006, ISO 3166, Japanese local government codes)
as literal mappings (``object_type: rdfs literal``, the code in ``object_label``). Every row is a manual
curation whose evidence is the verified list's ``evidence`` column.
"""

from __future__ import annotations

import csv
import io
from pathlib import Path

from .. import __version__
from ..namespaces import MAPPING_SET_IRI, prefixes
from .identifiers import ENTITY_MAP_CSV, VERIFIED_CSV, Link, read_links

MAPPING_SET_ID = MAPPING_SET_IRI
LICENCE = "https://creativecommons.org/licenses/by/4.0/"
CURIE_MAP = prefixes("ckg", "cko", "ckp", "dbr", "geonames", "owl", "ror", "semapv", "skos", "wd")
COLUMNS = (
    "subject_id",
    "subject_label",
    "predicate_id",
    "object_id",
    "object_label",
    "object_type",
    "mapping_justification",
    "author_label",
    "comment",
)


def curie(iri: str) -> str:
    """The shortest CURIE of the IRI under CURIE_MAP (the IRI itself if no prefix fits).

    >>> curie("http://www.wikidata.org/entity/Q64")
    'wd:Q64'
    """
    best = ""
    for prefix, namespace in CURIE_MAP.items():
        if iri.startswith(namespace) and len(namespace) > len(CURIE_MAP.get(best, "")):
            best = prefix
    return f"{best}:{iri[len(CURIE_MAP[best]) :]}" if best else iri


def row(link: Link) -> dict[str, str]:
    v = link.verified
    literal = link.scheme.iri_prefix is None
    return {
        "subject_id": curie(str(link.resource)),
        "subject_label": v.entity_en,
        "predicate_id": link.predicate,
        "object_id": "" if literal else curie(str(link.object)),
        "object_label": v.identifier if literal else "",
        "object_type": "rdfs literal" if literal else "",
        "mapping_justification": "semapv:ManualMappingCuration",
        "author_label": "ClusterKG project",
        "comment": f"{link.scheme.label}: {link.comment}. Evidence: {v.evidence}.",
    }


def metadata() -> str:
    lines = ["curie_map:"]
    lines += [f"  {prefix}: {namespace}" for prefix, namespace in sorted(CURIE_MAP.items())]
    lines += [
        f"mapping_set_id: {MAPPING_SET_ID}",
        f"mapping_set_version: {__version__}",
        "mapping_set_title: ClusterKG external identifiers",
        "mapping_set_description: Verified identifiers of places and organisations of the ClusterKG graph "
        "in Wikidata, DBpedia, GeoNames, ROR, NUTS 2006, ISO 3166 and the Japanese local government code list.",
        f"license: {LICENCE}",
        "comment: NUTS codes are codes of the NUTS 2006 classification.",
    ]
    return "".join(f"#{line}\n" for line in lines)


def sssom_tsv(links: list[Link]) -> str:
    """The mapping set as SSSOM TSV: the metadata block, then one row per link, sorted."""
    out = io.StringIO()
    out.write(metadata())
    writer = csv.DictWriter(out, fieldnames=COLUMNS, delimiter="\t", lineterminator="\n")
    writer.writeheader()
    rows = sorted((row(link) for link in links), key=lambda r: (r["subject_id"], r["predicate_id"], r["object_id"]))
    writer.writerows(rows)
    return out.getvalue()


def export(root: Path) -> str:
    """The SSSOM TSV of the links defined by the files under ``root``."""
    return sssom_tsv(read_links(root / VERIFIED_CSV, root / ENTITY_MAP_CSV))
