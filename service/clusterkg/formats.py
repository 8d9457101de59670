"""Every format the service reads or writes, one entry each: the registry.

Content negotiation (``sparql/negotiation.py``), the writers of query answers (``sparql/serialise.py``),
Linked Data representations, dumps, entries, imports, the CLI's ``--format`` choices and the OpenAPI
text all read this table. Adding a format is adding one ``Format`` to ``FORMATS`` (and a test).

A format belongs to one kind: ``RESULTS`` (SELECT and ASK answers), ``GRAPH`` (CONSTRUCT and DESCRIBE
answers, resource descriptions, entries), ``DATASET`` (several named graphs at once) or ``PAGE``
(HTML for people). Within a kind, the order of ``FORMATS`` is the order of preference when a client
accepts several equally; the first is the kind's default.

>>> named("ttl").name, named("nt").media_type, for_suffix("nq").label
('turtle', 'application/n-triples', 'N-Quads')
>>> [fmt.name for fmt in of_kind(Kind.RESULTS)]
['json', 'xml', 'csv', 'tsv']
>>> for_media_type("application/json", Kind.GRAPH).name
'jsonld'
"""

from __future__ import annotations

import enum
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import PurePath

from pyoxigraph import QueryResultsFormat, RdfFormat

from .sparql import writers

SolutionsWriter = Callable[[Sequence[str], list[writers.Row], bool], bytes]


class Kind(enum.Enum):
    RESULTS = "results"
    GRAPH = "graph"
    DATASET = "dataset"
    PAGE = "page"


@dataclass(frozen=True)
class Format:
    """One format. ``name`` is what a ``format`` parameter or ``--format`` calls it (``names`` are other
    spellings it answers to); ``aliases`` are other media types it answers to in ``Accept`` and
    ``Content-Type``; ``suffix`` names it in a URL or a file name (``/id/org/x.ttl``, ``/dump.nq``),
    ``file_suffixes`` are the extensions of files read in it."""

    name: str
    kind: Kind
    media_type: str
    label: str
    suffix: str
    aliases: tuple[str, ...] = ()
    names: tuple[str, ...] = ()
    file_suffixes: tuple[str, ...] = ()
    results_format: QueryResultsFormat | None = None
    rdf_format: RdfFormat | None = None
    rdflib_format: str | None = None
    solutions_writer: SolutionsWriter | None = None
    #: Entries may be sent in it (``/validate``, ``/cases``, ``clusterkg validate``).
    entry: bool = False
    #: ``clusterkg load`` imports it.
    importable: bool = False
    #: The whole store can be dumped in it (``/dump.<suffix>``, ``clusterkg dump``).
    dump: bool = False

    @property
    def media_types(self) -> tuple[str, ...]:
        return (self.media_type, *self.aliases)

    @property
    def content_type(self) -> str:
        """The ``Content-Type`` it is sent with (every format the service writes is UTF-8 text)."""
        return f"{self.media_type}; charset=utf-8"

    @property
    def rdflib_name(self) -> str:
        """What rdflib calls the format (for graphs built with rdflib: descriptions, the ontology)."""
        if self.rdflib_format is None:
            raise ValueError(f"{self.name} is not an RDF format")
        return self.rdflib_format

    def answers_to(self, name: str) -> bool:
        return name in (self.name, *self.names, self.suffix)


FORMATS: tuple[Format, ...] = (
    Format(
        "json",
        Kind.RESULTS,
        "application/sparql-results+json",
        "SPARQL JSON",
        "srj",
        aliases=("application/json", "text/javascript", "application/javascript"),
        results_format=QueryResultsFormat.JSON,
        solutions_writer=writers.write_json,
    ),
    Format(
        "xml",
        Kind.RESULTS,
        "application/sparql-results+xml",
        "SPARQL XML",
        "srx",
        aliases=("application/xml", "text/xml"),
        results_format=QueryResultsFormat.XML,
        solutions_writer=writers.write_xml,
    ),
    Format(
        "csv",
        Kind.RESULTS,
        "text/csv",
        "CSV",
        "csv",
        results_format=QueryResultsFormat.CSV,
        solutions_writer=writers.write_csv,
    ),
    Format(
        "tsv",
        Kind.RESULTS,
        "text/tab-separated-values",
        "TSV",
        "tsv",
        results_format=QueryResultsFormat.TSV,
        solutions_writer=writers.write_tsv,
    ),
    Format(
        "turtle",
        Kind.GRAPH,
        "text/turtle",
        "Turtle",
        "ttl",
        aliases=("application/turtle", "application/x-turtle", "text/n3", "text/rdf+n3"),
        names=("n3",),
        file_suffixes=(".ttl",),
        rdf_format=RdfFormat.TURTLE,
        rdflib_format="turtle",
        entry=True,
        importable=True,
        dump=True,
    ),
    Format(
        "ntriples",
        Kind.GRAPH,
        "application/n-triples",
        "N-Triples",
        "nt",
        aliases=("text/plain",),
        names=("n-triples",),
        file_suffixes=(".nt",),
        rdf_format=RdfFormat.N_TRIPLES,
        rdflib_format="nt",
        entry=True,
        importable=True,
    ),
    Format(
        "jsonld",
        Kind.GRAPH,
        "application/ld+json",
        "JSON-LD",
        "jsonld",
        aliases=("application/x-json+ld", "application/json"),
        names=("json-ld", "json"),
        file_suffixes=(".jsonld", ".json"),
        rdf_format=RdfFormat.JSON_LD,
        rdflib_format="json-ld",
        entry=True,
        importable=True,
    ),
    Format(
        "rdfxml",
        Kind.GRAPH,
        "application/rdf+xml",
        "RDF/XML",
        "rdf",
        aliases=("application/xml", "text/xml"),
        names=("rdf+xml", "xml", "owl"),
        file_suffixes=(".rdf", ".xml", ".owl"),
        rdf_format=RdfFormat.RDF_XML,
        rdflib_format="xml",
        entry=True,
        importable=True,
    ),
    Format(
        "nquads",
        Kind.DATASET,
        "application/n-quads",
        "N-Quads",
        "nq",
        file_suffixes=(".nq",),
        rdf_format=RdfFormat.N_QUADS,
        rdflib_format="nquads",
        importable=True,
        dump=True,
    ),
    Format("html", Kind.PAGE, "text/html", "HTML", "html", aliases=("application/xhtml+xml",)),
)

BY_NAME = {fmt.name: fmt for fmt in FORMATS}


def of_kind(*kinds: Kind) -> tuple[Format, ...]:
    """The formats of these kinds, in the order of preference."""
    return tuple(fmt for fmt in FORMATS if fmt.kind in kinds)


def named(name: str, *kinds: Kind) -> Format | None:
    """The format a name, another spelling or a suffix stands for (among ``kinds``, if given);
    within one kind, a format's own name wins over another format's other spelling."""
    candidates = of_kind(*kinds) if kinds else FORMATS
    key = name.strip().lower()
    exact = next((fmt for fmt in candidates if fmt.name == key), None)
    return exact or next((fmt for fmt in candidates if fmt.answers_to(key)), None)


def for_suffix(suffix: str) -> Format | None:
    return next((fmt for fmt in FORMATS if fmt.suffix == suffix), None)


def for_media_type(media_type: str, *kinds: Kind) -> Format | None:
    """The format a media type (without parameters) names, among ``kinds``."""
    return next((fmt for fmt in of_kind(*kinds) if media_type in fmt.media_types), None)


def for_file(path: str | PurePath, formats: Sequence[Format]) -> Format | None:
    suffix = PurePath(path).suffix.lower()
    return next((fmt for fmt in formats if suffix in fmt.file_suffixes), None)


def names(*kinds: Kind) -> tuple[str, ...]:
    """The names of the formats of ``kinds``, for the CLI's choices and the OpenAPI text."""
    return tuple(fmt.name for fmt in of_kind(*kinds))


ENTRY_FORMATS = tuple(fmt for fmt in FORMATS if fmt.entry)
IMPORT_FORMATS = tuple(fmt for fmt in FORMATS if fmt.importable)
DUMP_FORMATS = tuple(fmt for fmt in FORMATS if fmt.dump)
