"""What an entry may hold: no DTD or entity declaration (the "billion laughs" is refused before anything is
expanded), bounded nesting (checked before parsing, so JSON-LD nested 100,000 deep is a 400, not a
RecursionError), bounded triples (parsing stops at the limit); each refusal a 400 naming its rule or setting."""

from __future__ import annotations

import json
import resource
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from clusterkg.app import create_app
from clusterkg.config import Settings
from clusterkg.entries.limits import EntryLimits, nesting_depth, refuse_declarations
from clusterkg.entries.reading import format_named, read_entry
from clusterkg.errors import EntryRefused

RDF = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
CKG = "https://w3id.org/clusterkg/ont#"
TOKEN = "token-of-the-default-writer"


def entity_bomb(levels: int) -> bytes:
    """The "billion laughs": each entity is ten of the one before, so ``levels`` levels expand to 10**levels
    copies of a 3-byte string (9 levels: 3 GB) from well under a kilobyte."""
    declarations = ['<!ENTITY lol0 "lol">']
    declarations += [f'<!ENTITY lol{i} "{f"&lol{i - 1};" * 10}">' for i in range(1, levels + 1)]
    return (
        f'<?xml version="1.0"?>\n<!DOCTYPE rdf:RDF [\n{chr(10).join(declarations)}\n]>\n'
        f'<rdf:RDF xmlns:rdf="{RDF}" xmlns:ckg="{CKG}"><rdf:Description rdf:about="https://w3id.org/clusterkg/id/x">'
        f"<ckg:note>&lol{levels};</ckg:note></rdf:Description></rdf:RDF>"
    ).encode()


def nested_jsonld(depth: int) -> bytes:
    """Objects nested ``depth`` deep, each a resource of its own."""
    opening = "".join(f'{{"@id": "https://w3id.org/clusterkg/id/x{i}", "ckg:p": ' for i in range(depth))
    return (opening + '"x"' + "}" * depth).encode()


def nested_arrays(depth: int) -> bytes:
    return ('{"@id": "https://w3id.org/clusterkg/id/x", "ckg:p": ' + "[" * depth + "]" * depth + "}").encode()


def nested_turtle(depth: int) -> bytes:
    return f"<https://w3id.org/clusterkg/id/x> <{CKG}p> {('[ <' + CKG + 'p> ') * depth}1{' ]' * depth} .".encode()


def nested_rdfxml(depth: int) -> bytes:
    opening = '<ckg:p rdf:parseType="Resource">' * depth
    return (
        f'<rdf:RDF xmlns:rdf="{RDF}" xmlns:ckg="{CKG}"><rdf:Description rdf:about="https://w3id.org/clusterkg/id/x">'
        f"{opening}{'</ckg:p>' * depth}</rdf:Description></rdf:RDF>"
    ).encode()


@pytest.fixture(scope="module")
def client(tmp_path_factory: pytest.TempPathFactory) -> Iterator[TestClient]:
    data_dir = tmp_path_factory.mktemp("limits") / "data"
    with TestClient(create_app(Settings(data_dir=data_dir, query_workers=1, write_token=TOKEN))) as the_client:
        yield the_client


def post(client: TestClient, path: str, body: bytes, media_type: str) -> tuple[int, dict[str, object]]:
    headers = {"Content-Type": media_type, "Authorization": f"Bearer {TOKEN}"}
    response = client.post(path, content=body, headers=headers)
    return response.status_code, response.json()


def max_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


@pytest.mark.parametrize("levels", [8, 9])
def test_an_entity_bomb_is_refused_before_anything_is_expanded(client: TestClient, levels: int) -> None:
    bomb = entity_bomb(levels)
    assert len(bomb) < 1200
    before = max_rss_mb()
    for path in ("/validate", "/cases"):
        started = time.monotonic()
        status, body = post(client, path, bomb, "application/rdf+xml")
        assert (status, body["error"], body["limit"]) == (400, "entry_refused", "no_dtd")
        assert "DOCTYPE" in str(body["message"])
        assert time.monotonic() - started < 1.0
    assert max_rss_mb() - before < 50  # expanded, the 8-level bomb alone would be 300 MB


@pytest.mark.parametrize(
    "declaration",
    [
        b'<?xml version="1.0"?><!DOCTYPE rdf:RDF SYSTEM "file:///etc/passwd"><rdf:RDF/>',
        b'<!ENTITY x "y">',
        b"<! doctype x>",
        b"@prefix ckg: <https://w3id.org/clusterkg/ont#> . # <!DOCTYPE\n",
    ],
)
def test_a_dtd_or_entity_declaration_is_refused_in_any_format(declaration: bytes) -> None:
    with pytest.raises(EntryRefused, match="DTDs or entity declarations"):
        refuse_declarations(declaration)


@pytest.mark.parametrize(
    ("body", "fmt"),
    [
        (nested_arrays(100_000), "jsonld"),
        (nested_jsonld(65), "jsonld"),
        (nested_turtle(65), "turtle"),
        (nested_rdfxml(65), "rdfxml"),
        (nested_rdfxml(20_000), "rdfxml"),
    ],
    ids=["jsonld-100000", "jsonld-65", "turtle-65", "rdfxml-65", "rdfxml-20000"],
)
def test_deep_nesting_is_a_400_naming_the_limit(client: TestClient, body: bytes, fmt: str) -> None:
    media_type = format_named(fmt).media_type
    started = time.monotonic()
    status, answer = post(client, "/validate", body, media_type)
    assert (status, answer["error"], answer["limit"]) == (400, "entry_refused", "max_entry_depth")
    assert "CLUSTERKG_MAX_ENTRY_DEPTH" in str(answer["message"])
    assert time.monotonic() - started < 2.0


@pytest.mark.parametrize(
    ("body", "fmt"), [(nested_jsonld(60), "jsonld"), (nested_turtle(60), "turtle"), (nested_rdfxml(60), "rdfxml")]
)
def test_nesting_within_the_limit_is_read(body: bytes, fmt: str) -> None:
    assert len(read_entry(body, format_named(fmt), {"@context": {"ckg": CKG}})) >= 60


def test_brackets_in_strings_and_comments_do_not_count_as_nesting() -> None:
    brackets = "[{(" * 100
    assert nesting_depth(json.dumps({"label": brackets, "x": [1]}).encode(), "json") == 2
    turtle = f'# {brackets}\n<https://w3id.org/clusterkg/id/x> <{CKG}p> "{brackets}", """{brackets}""", <urn:x> .'
    assert nesting_depth(turtle.encode(), "turtle") == 0
    assert nesting_depth(f"<a><!-- {'<b>' * 100} --><![CDATA[{'<c>' * 100}]]></a>".encode(), "xml") == 1


def test_more_triples_than_the_limit_are_refused_while_parsing(client: TestClient) -> None:
    items = " ".join(["1"] * 10_001)  # a list: two triples per item, from 20 KB
    status, answer = post(client, "/validate", f"<urn:x> <{CKG}p> ( {items} ) .".encode(), "text/turtle")
    assert (status, answer["error"], answer["limit"]) == (400, "entry_refused", "max_entry_triples")
    assert "CLUSTERKG_MAX_ENTRY_TRIPLES" in str(answer["message"])


def test_the_limits_are_settings(tmp_path: Path) -> None:
    limits = EntryLimits(max_depth=3, max_triples=2)
    with pytest.raises(EntryRefused, match="limit of 3 levels"):
        limits.check_bytes(b'{"a": {"b": {"c": {"d": 1}}}}', "json")
    with pytest.raises(EntryRefused, match="more than 2 triples"):
        list(limits.bounded(range(3)))
    settings = Settings(data_dir=tmp_path, max_entry_depth=3, max_entry_triples=2)
    assert (settings.max_entry_depth, settings.max_entry_triples) == (3, 2)
