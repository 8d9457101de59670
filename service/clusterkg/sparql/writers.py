"""Write SELECT solutions as SPARQL 1.1 Query Results JSON, XML, CSV and TSV, in Python.

Used where the rows must be cut at the result-row limit while they are written (an answer of the
embedded store the engine could not write whole, see ``engine_results.py``), and for answers a remote
server sent (parsed, then written the same way). Each writer takes the variables, the rows (tuples of
pyoxigraph terms, ``None`` for unbound) and whether the rows were cut; the registry (``formats.py``)
names the writer of each results format.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from xml.sax.saxutils import escape, quoteattr

import orjson
from pyoxigraph import BlankNode, Literal, NamedNode, Triple

from ..namespaces import RDF, XSD

Term = NamedNode | BlankNode | Literal | Triple
Row = Sequence[Term | None]

XSD_STRING = XSD + "string"
RDF_LANG_STRING = RDF + "langString"
RDF_DIR_LANG_STRING = RDF + "dirLangString"
SPARQL_NS = "http://www.w3.org/2005/sparql-results#"
ITS_NS = "http://www.w3.org/2005/11/its"


# --- SPARQL 1.1 Query Results JSON ---------------------------------------------------------------


def _json_term(term: Term) -> dict[str, object]:
    if isinstance(term, NamedNode):
        return {"type": "uri", "value": term.value}
    if isinstance(term, BlankNode):
        return {"type": "bnode", "value": term.value}
    if isinstance(term, Literal):
        return _json_literal(term)
    return {
        "type": "triple",
        "value": {
            "subject": _json_term(term.subject),
            "predicate": _json_term(term.predicate),
            "object": _json_term(term.object),
        },
    }


def _direction(term: Literal) -> str | None:
    """``ltr`` or ``rtl`` for a directional language-tagged string, else ``None``."""
    direction = getattr(term, "direction", None)
    if direction is None:
        return None
    return str(direction.value if hasattr(direction, "value") else direction).lower()


def _json_literal(term: Literal) -> dict[str, object]:
    out: dict[str, object] = {"type": "literal", "value": term.value}
    if term.language:
        out["xml:lang"] = term.language
        direction = _direction(term)
        if direction is not None:
            out["its:dir"] = direction
    elif term.datatype.value != XSD_STRING:
        out["datatype"] = term.datatype.value
    return out


def write_json(variables: Sequence[str], rows: list[Row], truncated: bool) -> bytes:
    bindings = [
        {var: _json_term(term) for var, term in zip(variables, row, strict=True) if term is not None} for row in rows
    ]
    document: dict[str, object] = {"head": {"vars": list(variables)}, "results": {"bindings": bindings}}
    if truncated:
        document["truncated"] = True
    return orjson.dumps(document)  # the bytes json.dumps(ensure_ascii=False, separators=(",", ":")) gives


# --- SPARQL Query Results XML ----------------------------------------------------------------------


def _xml_term(term: Term) -> str:
    if isinstance(term, NamedNode):
        return f"<uri>{escape(term.value)}</uri>"
    if isinstance(term, BlankNode):
        return f"<bnode>{escape(term.value)}</bnode>"
    if isinstance(term, Literal):
        if term.language:
            return f"<literal xml:lang={quoteattr(term.language)}{_xml_direction(term)}>{escape(term.value)}</literal>"
        if term.datatype.value != XSD_STRING:
            return f"<literal datatype={quoteattr(term.datatype.value)}>{escape(term.value)}</literal>"
        return f"<literal>{escape(term.value)}</literal>"
    return (
        f"<triple><subject>{_xml_term(term.subject)}</subject><predicate>{_xml_term(term.predicate)}</predicate>"
        f"<object>{_xml_term(term.object)}</object></triple>"
    )


def _xml_direction(term: Literal) -> str:
    """The ITS 2.0 attributes of a directional language-tagged string (SPARQL 1.2 results XML)."""
    direction = _direction(term)
    if direction is None:
        return ""
    return f' its:dir="{direction}" xmlns:its="{ITS_NS}" its:version="2.0"'


def _xml_rows(variables: Sequence[str], rows: list[Row]) -> Iterator[str]:
    for row in rows:
        yield "<result>"
        for var, term in zip(variables, row, strict=True):
            if term is not None:
                yield f"<binding name={quoteattr(var)}>{_xml_term(term)}</binding>"
        yield "</result>"


def write_xml(variables: Sequence[str], rows: list[Row], truncated: bool) -> bytes:
    head = "".join(f"<variable name={quoteattr(var)}/>" for var in variables)
    note = "<!-- truncated: the result-row limit was reached -->" if truncated else ""
    parts = [f'<?xml version="1.0"?><sparql xmlns="{SPARQL_NS}"><head>{head}</head>{note}<results>']
    parts.extend(_xml_rows(variables, rows))
    parts.append("</results></sparql>")
    return "".join(parts).encode()


# --- CSV and TSV -------------------------------------------------------------------------------------


def _csv_value(term: Term | None) -> str:
    if term is None:
        return ""
    if isinstance(term, NamedNode | Literal):
        text = term.value
    elif isinstance(term, BlankNode):
        text = f"_:{term.value}"
    else:
        text = str(term)
    if any(char in text for char in ',"\r\n'):
        return '"' + text.replace('"', '""') + '"'
    return text


def write_csv(variables: Sequence[str], rows: list[Row], truncated: bool) -> bytes:
    lines = [",".join(variables)]
    lines.extend(",".join(_csv_value(term) for term in row) for row in rows)
    return ("\r\n".join(lines) + "\r\n").encode()


# A number or boolean whose lexical form is Turtle's own short form is written bare, the way the
# engine's TSV writer does; any other literal is written quoted, with its language or datatype.
_TSV_BARE = {
    XSD + "integer": re.compile(r"[+-]?[0-9]+"),
    XSD + "decimal": re.compile(r"[+-]?[0-9]*\.[0-9]+"),
    XSD + "double": re.compile(r"[+-]?(?:[0-9]+\.[0-9]*|\.[0-9]+|[0-9]+)[eE][+-]?[0-9]+"),
    XSD + "boolean": re.compile(r"true|false"),
}
_TSV_ESCAPES = str.maketrans({"\t": "\\t", "\n": "\\n", "\r": "\\r", '"': '\\"', "\\": "\\\\"})


def _tsv_literal(literal: Literal) -> str:
    quoted = '"' + literal.value.translate(_TSV_ESCAPES) + '"'
    if literal.language is not None:
        direction = getattr(literal, "direction", None)
        return f"{quoted}@{literal.language}" + (f"--{direction}" if direction else "")
    datatype = literal.datatype.value
    if datatype == XSD_STRING:
        return quoted
    bare = _TSV_BARE.get(datatype)
    if bare is not None and bare.fullmatch(literal.value):
        return literal.value
    return f"{quoted}^^<{datatype}>"


def _tsv_term(term: Term) -> str:
    if isinstance(term, NamedNode):
        return f"<{term.value}>"
    if isinstance(term, BlankNode):
        return f"_:{term.value}"
    if isinstance(term, Literal):
        return _tsv_literal(term)
    return f"<<( {_tsv_term(term.subject)} {_tsv_term(term.predicate)} {_tsv_term(term.object)} )>>"


def _tsv_value(term: Term | None) -> str:
    return "" if term is None else _tsv_term(term)


def write_tsv(variables: Sequence[str], rows: list[Row], truncated: bool) -> bytes:
    lines = ["\t".join(f"?{var}" for var in variables)]
    lines.extend("\t".join(_tsv_value(term) for term in row) for row in rows)
    return ("\n".join(lines) + "\n").encode()
