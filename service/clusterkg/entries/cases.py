"""Cases: entries accepted into the graph, each in its own named graph with its provenance.

A conforming entry is stored as ``https://w3id.org/clusterkg/graph/cases/<id>`` holding the entry's triples
as sent, plus a description of the submission itself, ``https://w3id.org/clusterkg/id/case-entry/<id>``:
when it was received (``prov:generatedAtTime``), who sent it (the writer's name), the SHA-256 of the entry in
RDF canonical form (RDFC-1.0, so the same triples give the same hash whatever their serialisation), and the
resources it describes (``dcterms:hasPart``). The write is the store's ``write_case``: one transaction in
the embedded store (checked and written under the write lock on the store being written, then flushed and
the data version bumped so query workers and caches see it at once), one atomic conditional update on a
remote server. Submissions are serialised by a lock, and the write itself only happens if the entry's
resources are still new (checked in the same transaction), so two submissions cannot both add the same
resource, even from two service processes. Whether the case was stored is what the write answers, never
a later read through a view that may not show it yet: a 201 means stored, a 422 means nothing was.

A case belongs to the writer who submitted it: only that writer, or an administrator, may delete it.
"""

from __future__ import annotations

import hashlib
import json
import re
import secrets
import threading
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

import pyoxigraph as ox

from ..errors import BadParameter, EntryRejected, NotFound, NotOwner
from ..namespaces import CASES_GRAPHS, DCTERMS, ID, META, META_SHA256, ONT, PROV, RDF, RDFS, XSD
from ..store import updates
from ..store.base import QueryJob, Store
from .auth import Writer
from .neighbourhood import StoreContext
from .reading import Entry
from .reports import Report
from .validation import EntryValidator

CASE_ENTRY = ID + "case-entry/"
META_SUBMITTER = META + "submitter"
META_FORMAT = META + "format"
META_GRAPH = META + "graph"
RDF_TYPE = RDF + "type"
RDFS_LABEL = RDFS + "label"
XSD_DATETIME = XSD + "dateTime"
AGGLOMERATION_TYPES = (ONT + "Cluster", ONT + "Agglomeration")
CASE_ID_PATTERN = "^[a-z0-9][a-z0-9-]{0,79}$"
CASE_ID = re.compile(r"[a-z0-9][a-z0-9-]{0,79}")


@dataclass(frozen=True)
class CaseRecord:
    id: str
    received: str
    submitter: str
    sha256: str
    resources: tuple[str, ...] = field(default=())
    media_type: str = ""

    @property
    def iri(self) -> str:
        return CASE_ENTRY + self.id

    @property
    def graph(self) -> str:
        return CASES_GRAPHS + self.id

    def to_json(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "iri": self.iri,
            "graph": self.graph,
            "received": self.received,
            "submitter": self.submitter,
            "sha256": self.sha256,
            "format": self.media_type,
            "resources": list(self.resources),
        }


def check_case_id(case_id: str) -> str:
    if not CASE_ID.fullmatch(case_id):  # not ``match`` with ``$``, which matches before a final newline
        raise BadParameter(f"{case_id!r} is not a case id (lower-case letters, digits and hyphens).")
    return case_id


def timestamp(moment: datetime) -> str:
    """``xsd:dateTime`` in UTC to the millisecond, in canonical form (as the store gives it back).

    >>> timestamp(datetime(2026, 11, 24, 9, 30, 0, 120000, tzinfo=UTC))
    '2026-11-24T09:30:00.12Z'
    """
    text = moment.astimezone(UTC).isoformat(timespec="milliseconds").replace("+00:00", "")
    return text.rstrip("0").rstrip(".") + "Z" if "." in text else text + "Z"


def content_hash(entry: Entry) -> str:
    """SHA-256 of the entry's canonical N-Quads (RDFC-1.0): blank node labels and order do not matter."""
    dataset = ox.Dataset(ox.Quad(t.subject, t.predicate, t.object) for t in entry.triples)
    dataset.canonicalize(ox.CanonicalizationAlgorithm.RDFC_1_0)
    lines = sorted((ox.serialize(dataset, format=ox.RdfFormat.N_QUADS) or b"").decode().splitlines())
    return hashlib.sha256(("\n".join(lines) + "\n").encode()).hexdigest()


def described_resources(entry: Entry) -> tuple[str, ...]:
    return tuple(sorted({t.subject.value for t in entry.triples if isinstance(t.subject, ox.NamedNode)}))


def _iri(term: object) -> str | None:
    return term.value if isinstance(term, ox.NamedNode) else None


def new_case_id(entry: Entry) -> str:
    """``<main resource's local name>-<8 random hex digits>``: readable, and never the same twice."""
    typed = {
        iri
        for t in entry.triples
        if t.predicate.value == RDF_TYPE and _iri(t.object) in AGGLOMERATION_TYPES and (iri := _iri(t.subject))
    }
    candidates = sorted(typed) or list(described_resources(entry)) or ["case"]
    slug = re.sub(r"[^a-z0-9]+", "-", candidates[0].rstrip("/").rsplit("/", 1)[-1].lower()).strip("-")[:40]
    return f"{slug or 'case'}-{secrets.token_hex(4)}"


def provenance(record: CaseRecord) -> list[ox.Triple]:
    case = ox.NamedNode(record.iri)
    triples = [
        ox.Triple(case, ox.NamedNode(RDF_TYPE), ox.NamedNode(PROV + "Entity")),
        ox.Triple(case, ox.NamedNode(RDFS_LABEL), ox.Literal(f"Case entry {record.id}", language="en")),
        ox.Triple(case, ox.NamedNode(RDFS_LABEL), ox.Literal(f"登録事例 {record.id}", language="ja")),
        ox.Triple(
            case,
            ox.NamedNode(PROV + "generatedAtTime"),
            ox.Literal(record.received, datatype=ox.NamedNode(XSD_DATETIME)),
        ),
        ox.Triple(case, ox.NamedNode(META_SUBMITTER), ox.Literal(record.submitter)),
        ox.Triple(case, ox.NamedNode(META_SHA256), ox.Literal(record.sha256)),
        ox.Triple(case, ox.NamedNode(META_FORMAT), ox.Literal(record.media_type)),
        ox.Triple(case, ox.NamedNode(META_GRAPH), ox.NamedNode(record.graph)),
    ]
    triples += [ox.Triple(case, ox.NamedNode(DCTERMS + "hasPart"), ox.NamedNode(iri)) for iri in record.resources]
    return triples


insert_update = updates.insert_case  # the text both stores' case writes use


LIST_QUERY = f"""SELECT ?g ?case ?received ?submitter ?sha256 ?format ?part WHERE {{
  GRAPH ?g {{
    ?case <{META_GRAPH}> ?g ; <{PROV}generatedAtTime> ?received ; <{META_SUBMITTER}> ?submitter ;
          <{META_SHA256}> ?sha256 .
    OPTIONAL {{ ?case <{META_FORMAT}> ?format }}
    OPTIONAL {{ ?case <{DCTERMS}hasPart> ?part }}
  }}
  FILTER(STRSTARTS(STR(?g), "{CASES_GRAPHS}"))
}}"""


class Cases:
    """Submission, listing, retrieval and removal of cases on a ``Store``."""

    def __init__(self, store: Store, validator: EntryValidator, timeout: float = 30.0) -> None:
        self.store = store
        self.validator = validator
        self.timeout = timeout
        self._lock = threading.Lock()

    def validate(self, entry: Entry, lang: str = "en") -> Report:
        return self.validator.validate(entry, StoreContext(self.store, self.timeout), lang)

    def submit(self, entry: Entry, submitter: str, lang: str = "en") -> tuple[CaseRecord, Report]:
        """Store a conforming entry as a new case; ``EntryRejected`` (422, with the report) otherwise."""
        with self._lock:
            report = self.validate(entry, lang)
            if not report.conforms:
                raise EntryRejected(
                    f"The entry does not conform: {report.count('Violation')} violation(s); nothing was stored.",
                    report=report.to_json(),
                )
            record = CaseRecord(
                id=new_case_id(entry),
                received=timestamp(datetime.now(UTC)),
                submitter=submitter,
                sha256=content_hash(entry),
                resources=described_resources(entry),
                media_type=entry.format.media_type,
            )
            written = self.store.write_case(record.graph, [*entry.triples, *provenance(record)], record.resources)
            if not written:  # another process added one of its resources meanwhile
                raise EntryRejected(
                    "The entry's resources were added meanwhile; nothing was stored.",
                    report=self.validate(entry, lang).to_json(),
                )
        return record, report

    def records(self) -> list[CaseRecord]:
        rows: dict[str, dict[str, str]] = {}
        parts: dict[str, set[str]] = {}
        for row in self._select(LIST_QUERY):
            case_id = row["g"][len(CASES_GRAPHS) :]
            rows[case_id] = row
            parts.setdefault(case_id, set()).update([row["part"]] if "part" in row else [])
        records = [
            CaseRecord(i, r["received"], r["submitter"], r["sha256"], tuple(sorted(parts[i])), r.get("format", ""))
            for i, r in rows.items()
        ]
        return sorted(records, key=lambda record: (record.received, record.id))

    def exists(self, case_id: str) -> bool:
        graph = ox.NamedNode(CASES_GRAPHS + check_case_id(case_id))
        return bool(json.loads(self._query(f"ASK {{ GRAPH {graph} {{ ?s ?p ?o }} }}", "json"))["boolean"])

    def get(self, case_id: str, result_format: str) -> bytes:
        """The case's graph in ``result_format`` (``turtle``, ``jsonld``, ``ntriples``, ``rdfxml``)."""
        if not self.exists(case_id):
            raise NotFound(f"There is no case {case_id!r}.")
        graph = ox.NamedNode(CASES_GRAPHS + case_id)
        return self._query(f"CONSTRUCT {{ ?s ?p ?o }} WHERE {{ GRAPH {graph} {{ ?s ?p ?o }} }}", result_format)

    def submitter(self, case_id: str) -> str:
        """Who submitted the case; ``NotFound`` if there is none."""
        graph = ox.NamedNode(CASES_GRAPHS + check_case_id(case_id))
        rows = self._select(f"SELECT ?who WHERE {{ GRAPH {graph} {{ ?case <{META_SUBMITTER}> ?who }} }} LIMIT 1")
        if not rows:
            raise NotFound(f"There is no case {case_id!r}.")
        return rows[0]["who"]

    def delete(self, case_id: str, writer: Writer) -> None:
        """Remove the case; only its submitter or an administrator may (``NotOwner``, 403, otherwise)."""
        with self._lock:
            owner = self.submitter(case_id)
            if owner != writer.name and not writer.admin:
                raise NotOwner(
                    f"The case {case_id!r} was submitted by another writer: only its submitter or an administrator "
                    "may delete it.",
                    case=case_id,
                )
            self.store.drop_graph(CASES_GRAPHS + case_id)

    def _query(self, query: str, result_format: str) -> bytes:
        job = QueryJob(query, result_format, max_rows=10_000_000, timeout=self.timeout)
        return self.store.query_sync(job).body

    def _select(self, query: str) -> list[dict[str, str]]:
        data = json.loads(self._query(query, "json"))
        return [{name: term["value"] for name, term in row.items()} for row in data["results"]["bindings"]]
