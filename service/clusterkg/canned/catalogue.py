"""The catalogue of canned queries: ``queries/*.rq`` files with a ``#+`` YAML header.

A canned query file starts with a header in grlc's convention, each line prefixed ``#+``::

    #+ summary: Membership of an organisation over time
    #+ tags: [membership, Q25, Q26]
    #+ parameters:
    #+   org: {type: iri, default: "https://w3id.org/clusterkg/id/org/tama-association"}
    #+   lang: {type: enum, enum: [en, ja], default: en}
    #+ chart: {type: line, x: date, y: members, series: kind}

followed by the SPARQL query, which uses each parameter as a variable (``?org``). Every file is read,
its header validated and its query parsed (with its defaults bound) when the catalogue is loaded, so
a broken query stops start-up with an error naming the file and line.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Literal as TypingLiteral

import yaml
from pydantic import BaseModel, ConfigDict, ValidationError, field_validator
from pyoxigraph import Store

from ..errors import BadParameter, ClusterKGError, NotFound
from .binding import QueryShape, QueryShapeError
from .federation import uses_service
from .parameters import NAME, RESERVED, Parameter, bind_values

HEADER_PREFIX = "#+"


class CatalogueError(ClusterKGError):
    """A canned query file is broken: its header, its parameters or its SPARQL. Stops start-up."""

    code = "catalogue_error"

    def __init__(self, path: Path, line: int, problem: str) -> None:
        super().__init__(f"{path}:{line}: {problem}", file=str(path), line=line)
        self.path = path
        self.line = line


class UnknownQuery(NotFound):
    code = "unknown_query"

    def __init__(self, name: str) -> None:
        super().__init__(f"There is no canned query named {name!r}; GET /queries lists them.", query=name)


class Chart(BaseModel):
    """How the web page draws the result: columns for the x axis, the values and the series."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    type: TypingLiteral["line", "bar", "pie", "doughnut"]
    x: str
    y: str | tuple[str, ...]
    series: str | None = None
    title: str | None = None
    stacked: bool = False
    scale: TypingLiteral["linear", "logarithmic"] = "linear"

    @property
    def columns(self) -> tuple[str, ...]:
        values = (self.y,) if isinstance(self.y, str) else self.y
        return (self.x, *values, *((self.series,) if self.series else ()))


class Header(BaseModel):
    """The validated ``#+`` header of a canned query."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    summary: str
    description: str = ""
    tags: tuple[str, ...] = ()
    parameters: dict[str, Parameter] = {}
    example: str | None = None
    chart: Chart | None = None

    @field_validator("parameters")
    @classmethod
    def _names(cls, parameters: dict[str, Parameter]) -> dict[str, Parameter]:
        for name in parameters:
            if not NAME.match(name) or name in RESERVED:
                raise ValueError(f"{name!r} cannot name a parameter (letters, digits, _; not {sorted(RESERVED)})")
        return parameters


@dataclass(frozen=True)
class CannedQuery:
    """One canned query: its name (the file stem), header, text and bindable shape."""

    name: str
    path: Path
    header: Header
    shape: QueryShape
    variables: tuple[str, ...]
    federated: bool = False

    @property
    def text(self) -> str:
        return self.shape.text

    @property
    def form(self) -> str:
        return self.shape.form

    def describe(self) -> dict[str, object]:
        """The catalogue entry: what ``GET /queries`` and ``clusterkg query`` list."""
        return {
            "name": self.name,
            "summary": self.header.summary,
            "description": self.header.description,
            "tags": list(self.header.tags),
            "form": self.form,
            "variables": list(self.variables),
            "parameters": {
                name: spec.model_dump(exclude_none=True) | {"required": spec.is_required}
                for name, spec in self.header.parameters.items()
            },
            "example": self.header.example,
            "chart": self.header.chart.model_dump(exclude_none=True) if self.header.chart else None,
        }


def split_header(text: str) -> tuple[str, int]:
    """The YAML text of the leading ``#+`` lines, and the number of header lines."""
    lines = []
    for line in text.splitlines():
        if not line.startswith(HEADER_PREFIX):
            break
        lines.append(line[len(HEADER_PREFIX) :].removeprefix(" "))
    return "\n".join(lines), len(lines)


def is_canned(path: Path) -> bool:
    """Whether the file starts with a ``#+`` header line."""
    with path.open(encoding="utf-8") as lines:
        return lines.readline().startswith(HEADER_PREFIX)


def parse_header(path: Path, text: str) -> Header:
    """Read and validate the header, or raise :class:`CatalogueError` with the file and line."""
    source, count = split_header(text)
    if count == 0:
        raise CatalogueError(path, 1, "no '#+' header (summary, tags, parameters)")
    try:
        data = yaml.safe_load(source)
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        line = mark.line + 1 if mark is not None else 1
        raise CatalogueError(path, line, f"header is not valid YAML: {error}") from None
    if not isinstance(data, dict):
        raise CatalogueError(path, 1, "header must be a YAML mapping")
    try:
        return Header.model_validate(data)
    except ValidationError as error:
        first = error.errors()[0]
        where = ".".join(str(part) for part in first["loc"])
        line = _line_of(source, [str(part) for part in first["loc"]])
        raise CatalogueError(path, line, f"header field {where}: {first['msg']}") from None


def _line_of(source: str, keys: list[str]) -> int:
    """The header line where the innermost of ``keys`` that is written as ``key:`` appears."""
    line, start = 1, 0
    lines = source.splitlines()
    for key in keys:
        for number in range(start, len(lines)):
            if lines[number].lstrip().startswith(f"{key}:"):
                line, start = number + 1, number + 1
                break
    return line


def _syntax_line(error: SyntaxError) -> int:
    """The line of an Oxigraph parse error ('error at 4:2: ...'), 1 if it names none."""
    message = str(error)
    if message.startswith("error at ") and ":" in message[9:]:
        line = message[9:].split(":", 1)[0]
        if line.isdigit():
            return int(line)
    return 1


def load_query(path: Path, probe: Store | None = None) -> CannedQuery:
    """Load one canned query, checking its header, its parameters' defaults and its SPARQL."""
    text = path.read_text(encoding="utf-8")
    header = parse_header(path, text)
    probe = probe or Store()
    try:
        probe.query(text)
    except SyntaxError as error:
        raise CatalogueError(path, _syntax_line(error), f"SPARQL syntax error: {error}") from None
    try:
        shape = QueryShape.of(text)
    except QueryShapeError as error:
        raise CatalogueError(path, 1, str(error)) from None
    for name in header.parameters:
        if f"?{name}" not in text and f"${name}" not in text:
            raise CatalogueError(path, 1, f"parameter {name!r} is not used as ?{name} in the query")
    try:
        defaults = bind_values(header.parameters, {})
    except BadParameter as error:  # a default that fails its own declaration
        raise CatalogueError(path, 1, f"a default is invalid: {error}") from None
    bound = shape.page(shape.bind(defaults), limit=1, offset=1)
    try:
        result = probe.query(bound)
    except SyntaxError as error:
        raise CatalogueError(path, 1, f"query does not parse once parameters are bound: {error}") from None
    variables = tuple(v.value for v in getattr(result, "variables", []))
    _check_chart(path, header.chart, variables)
    return CannedQuery(path.stem, path, header, shape, variables, federated=uses_service(text))


def _check_chart(path: Path, chart: Chart | None, variables: tuple[str, ...]) -> None:
    if chart is None:
        return
    for column in chart.columns:
        if column not in variables:
            raise CatalogueError(path, 1, f"chart column {column!r} is not a result variable")


@dataclass(frozen=True)
class Catalogue:
    """All canned queries by name, in name order."""

    queries: dict[str, CannedQuery]

    @classmethod
    def load(cls, directory: Path) -> Catalogue:
        """Load every ``*.rq`` directly in ``directory`` that starts with a ``#+`` header.

        Sub-folders (``qc/``) and files without a header are plain queries (examples for the query
        page), not canned ones; a file with a header that is broken stops the load.
        """
        probe = Store()
        paths = sorted(path for path in Path(directory).glob("*.rq") if is_canned(path))
        return cls({path.stem: load_query(path, probe) for path in paths})

    def get(self, name: str) -> CannedQuery:
        try:
            return self.queries[name]
        except KeyError:
            raise UnknownQuery(name) from None

    def __iter__(self) -> Iterator[CannedQuery]:
        return iter(self.queries.values())

    def __len__(self) -> int:
        return len(self.queries)
