"""Start and stop the servers under test, each on a free 127.0.0.1 port, and say how to query them."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import quote

BIN = Path(sys.executable).parent
JSON_RESULTS = "application/sparql-results+json"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


@dataclass
class Server:
    """A running server: its name, base URL, SPARQL query path, process and log file."""

    name: str
    base: str
    sparql_path: str
    process: subprocess.Popen[bytes]
    log: Path
    started_s: float = 0.0
    notes: list[str] = field(default_factory=list)

    def query_url(self, query: str) -> str:
        return f"{self.base}{self.sparql_path}?query={quote(query, safe='')}"

    def stop(self) -> None:
        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait()


def get(url: str, accept: str = JSON_RESULTS, timeout: float = 60.0) -> tuple[int, bytes]:
    request = urllib.request.Request(url, headers={"Accept": accept})  # noqa: S310 - a local server
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:  # noqa: S310
            return int(response.status), response.read()
    except urllib.error.HTTPError as error:
        return int(error.code), error.read()


def wait_until_answering(server: Server, timeout: float) -> float:
    """Seconds from the process start until ``ASK {}`` answers 200; raises if it exits or times out."""
    url = server.query_url("ASK {}")
    start = time.monotonic()
    while time.monotonic() - start < timeout:
        if server.process.poll() is not None:
            raise RuntimeError(f"{server.name} exited with {server.process.returncode}; see {server.log}")
        try:
            if get(url, timeout=5.0)[0] == 200:
                return time.monotonic() - start
        except (urllib.error.URLError, OSError):
            pass
        time.sleep(0.02)
    raise TimeoutError(f"{server.name} did not answer within {timeout} s; see {server.log}")


def _spawn(command: list[str], log: Path, env: dict[str, str] | None = None) -> subprocess.Popen[bytes]:
    log.parent.mkdir(parents=True, exist_ok=True)
    with log.open("ab") as out:
        return subprocess.Popen(
            command,
            stdout=out,
            stderr=subprocess.STDOUT,
            env={**os.environ, **(env or {})},
            start_new_session=True,  # its own process group: stop() ends the workers too
        )


def start(name: str, command: list[str], path: str, port: int, *, log: Path, timeout: float, **env: str) -> Server:
    began = time.monotonic()
    server = Server(name, f"http://127.0.0.1:{port}", path, _spawn(command, log, env), log)
    try:
        wait_until_answering(server, timeout)
    except BaseException:
        server.stop()
        raise
    server.started_s = time.monotonic() - began
    return server


#: The service as deployed on a 2-core machine: two HTTP processes (``--http-workers 2``).
HTTP_WORKERS = 2


def start_ours(
    data_dir: Path, log: Path, *, cache: bool = True, http_workers: int = HTTP_WORKERS, timeout: float = 300.0
) -> Server:
    """``clusterkg serve --http-workers 2`` over the persisted store, every feature on (access log at info).

    ``cache=False`` turns the result cache off (``CLUSTERKG_RESULT_CACHE_ENTRIES=0``): every request is
    evaluated, which shows what the cache adds."""
    port = free_port()
    command = [str(BIN / "clusterkg"), "serve", "--host", "127.0.0.1", "--port", str(port), "--data-dir", str(data_dir)]
    command += ["--http-workers", str(http_workers)]
    env = {"CLUSTERKG_LOG_LEVEL": "info"}
    if not cache:
        env["CLUSTERKG_RESULT_CACHE_ENTRIES"] = "0"
    name = "ours" if cache else "ours, cache off"
    return start(name, command, "/sparql", port, log=log, timeout=timeout, **env)


def start_oxigraph(location: Path, log: Path, timeout: float = 300.0) -> Server:
    port = free_port()
    command = [str(BIN / "oxigraph"), "serve", "--location", str(location), "--bind", f"127.0.0.1:{port}"]
    return start("oxigraph", [*command, "--union-default-graph"], "/query", port, log=log, timeout=timeout)


def start_rdflib(nquads: Path, log: Path, timeout: float = 1800.0) -> Server:
    """rdflib-endpoint's own command: the file in an rdflib ``Dataset`` with the union default graph."""
    port = free_port()
    command = [str(BIN / "rdflib-endpoint"), "serve", str(nquads), "--host", "127.0.0.1", "--port", str(port)]
    return start("rdflib-endpoint", command, "/", port, log=log, timeout=timeout)
