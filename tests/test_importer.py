"""Importing other open datasets: each into its own graph, streamed, any RDF format, gzip, URLs on the allow-list."""

from __future__ import annotations

import gzip
import http.server
import json
import os
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from pyoxigraph import NamedNode, Store

from clusterkg.dataset import imports as importer
from clusterkg.errors import BadParameter, Forbidden
from conftest import VENV_BIN, clusterkg

GRAPH = "https://w3id.org/clusterkg/graph/import/test"
TURTLE = b'@prefix e: <http://example.org/> .\ne:a e:p "1" , "2" ; e:q e:b .\n'
NQUADS = b'<http://example.org/a> <http://example.org/p> "1" <http://example.org/g1> .\n<http://example.org/a> <http://example.org/p> "2" .\n'
RDFXML = b"""<?xml version="1.0"?>
<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" xmlns:e="http://example.org/">
  <rdf:Description rdf:about="http://example.org/a"><e:p>1</e:p><e:p>2</e:p></rdf:Description>
</rdf:RDF>
"""
JSONLD = b'{"@id": "http://example.org/a", "http://example.org/p": ["1", "2"]}'
MILLION = 1_000_000
RSS_BOUND_MB = 600


def load_file(tmp_path: Path, name: str, content: bytes, fmt: str | None = None) -> tuple[Store, importer.ImportReport]:
    path = tmp_path / name
    path.write_bytes(gzip.compress(content) if name.endswith(".gz") else content)
    store = Store()
    rdf_format, gzipped = importer.guess_format(name, fmt)
    with importer.open_source(str(path), []) as source:
        report = importer.import_into(store, source, importer.check_graph(GRAPH), rdf_format, gzipped=gzipped)
    return store, report


@pytest.mark.parametrize(
    ("name", "content", "triples"),
    [
        ("a.ttl", TURTLE, 3),
        ("a.ttl.gz", TURTLE, 3),
        ("a.nq.gz", NQUADS, 2),
        ("a.rdf", RDFXML, 2),
        ("a.jsonld", JSONLD, 2),
        ("a.nt", NQUADS.replace(b" <http://example.org/g1>", b""), 2),
    ],
)
def test_each_format_lands_in_the_one_import_graph(tmp_path: Path, name: str, content: bytes, triples: int) -> None:
    store, report = load_file(tmp_path, name, content)
    assert report.triples == triples
    assert {str(quad.graph_name.value) for quad in store} == {GRAPH}  # type: ignore[union-attr]
    assert len(store) == triples  # and no pending record is left in the meta graph


def test_malformed_input_imports_nothing(tmp_path: Path) -> None:
    good = b"".join(b"<http://e/s%d> <http://e/p> <http://e/o> .\n" % i for i in range(50_000))
    with pytest.raises(BadParameter, match="nothing was imported"):
        load_file(tmp_path, "bad.nt", good + b"<http://e/s> <http://e/p> .\n")


def test_only_import_graphs_can_be_written() -> None:
    with pytest.raises(BadParameter):
        importer.check_graph("https://w3id.org/clusterkg/graph/data/tama")
    with pytest.raises(BadParameter):
        importer.check_graph("https://w3id.org/clusterkg/graph/import/")


def test_an_existing_graph_is_not_overwritten(tmp_path: Path) -> None:
    store, _ = load_file(tmp_path, "a.ttl", TURTLE)
    (tmp_path / "b.ttl").write_bytes(TURTLE)
    with importer.open_source(str(tmp_path / "b.ttl"), []) as source, pytest.raises(BadParameter, match="exists"):
        importer.import_into(store, source, NamedNode(GRAPH), importer.guess_format("b.ttl")[0], gzipped=False)


@pytest.fixture
def web(tmp_path: Path) -> Iterator[str]:
    """A local HTTP server for the files in tmp_path; /moved redirects to another host."""
    directory = str(tmp_path)

    class Handler(http.server.SimpleHTTPRequestHandler):
        def __init__(self, *args: object, **kwargs: object) -> None:
            super().__init__(*args, directory=directory, **kwargs)  # type: ignore[arg-type]

        def do_GET(self) -> None:
            if self.path == "/moved":
                self.send_response(302)
                self.send_header("Location", "http://127.0.0.2:9/elsewhere.nt")
                self.end_headers()
                return
            super().do_GET()

        def log_message(self, *args: object) -> None:
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/"
    finally:
        server.shutdown()
        server.server_close()


def test_a_url_on_the_allow_list_is_streamed_in(tmp_path: Path, web: str) -> None:
    (tmp_path / "remote.ttl.gz").write_bytes(gzip.compress(TURTLE))
    store = Store()
    with importer.open_source(web + "remote.ttl.gz", [web]) as source:
        report = importer.import_into(store, source, NamedNode(GRAPH), importer.guess_format("b.ttl")[0], gzipped=True)
    assert report.triples == 3


def test_a_url_off_the_allow_list_is_refused(web: str) -> None:
    with pytest.raises(Forbidden), importer.open_source(web + "remote.ttl", ["http://example.org/"]):
        pass


def test_a_redirect_off_the_allow_list_is_refused(web: str) -> None:
    with pytest.raises(Forbidden), importer.open_source(web + "moved", [web]):
        pass


def test_load_graphs_unload_on_the_command_line(tmp_path: Path) -> None:
    env = {"CLUSTERKG_DATA_DIR": str(tmp_path / "data")}
    (tmp_path / "small.ttl").write_bytes(TURTLE)
    loaded = clusterkg("load", str(tmp_path / "small.ttl"), "--graph", GRAPH, env=env)
    assert loaded.returncode == 0, loaded.stderr
    assert "loaded 3 triples" in loaded.stdout
    listed = clusterkg("graphs", env=env)
    assert f"           3  {GRAPH}" in listed.stdout
    refused = clusterkg(
        "load", str(tmp_path / "small.ttl"), "--graph", "https://w3id.org/clusterkg/graph/data/x", env=env
    )
    assert refused.returncode == 1 and "bad_parameter" in refused.stderr
    dropped = clusterkg("unload", "--graph", GRAPH, env=env)
    assert dropped.returncode == 0, dropped.stderr
    assert GRAPH not in clusterkg("graphs", env=env).stdout


def write_million(path: Path) -> None:
    """About a million N-Triples lines, gzipped, deterministic (the same file on every run)."""
    with gzip.open(path, "wt", encoding="utf-8", compresslevel=1) as out:
        for start in range(0, MILLION, 10_000):
            out.write(
                "".join(
                    f'<http://example.org/s/{i // 10}> <http://example.org/p/{i % 10}> "value {i}" .\n'
                    for i in range(start, start + 10_000)
                )
            )


@pytest.mark.slow
def test_a_million_triples_load_with_bounded_memory(tmp_path: Path) -> None:
    source = tmp_path / "million.nt.gz"
    write_million(source)
    env = {"CLUSTERKG_DATA_DIR": str(tmp_path / "data")}
    probe = (
        "import resource, subprocess, sys, json, os\n"
        "r = subprocess.run(sys.argv[1:], capture_output=True, text=True)\n"
        "rss = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss\n"
        "print(json.dumps({'rc': r.returncode, 'out': r.stdout, 'err': r.stderr[-2000:], 'rss_kb': rss}))\n"
    )
    started = time.monotonic()
    command = [str(VENV_BIN / "clusterkg"), "load", str(source), "--graph", GRAPH, "--progress"]
    result = subprocess.run(
        [sys.executable, "-c", probe, *command],
        capture_output=True,
        text=True,
        env={**os.environ, **env},
        timeout=600,
        check=True,
    )
    report = json.loads(result.stdout)
    assert report["rc"] == 0, report["err"]
    assert f"loaded {MILLION} triples" in report["out"]
    peak_mb = report["rss_kb"] / 1024
    print(f"1M-triple import: peak RSS {peak_mb:.0f} MB in {time.monotonic() - started:.1f} s")
    assert peak_mb < RSS_BOUND_MB
    count = clusterkg("graphs", env=env)
    assert f"{MILLION:>12}  {GRAPH}" in count.stdout
