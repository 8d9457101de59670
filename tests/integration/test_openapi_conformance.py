"""A bounded schemathesis run against a real server's /openapi.json: no answer is a 5xx, and every status,
media type and JSON body is one the description documents (every check but the two that judge which
generated inputs the service should accept)."""

from __future__ import annotations

import subprocess
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

from conftest import VENV_BIN, Server, start_server

pytestmark = pytest.mark.integration

TOKEN = "token-of-the-default-writer"


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    root = tmp_path_factory.mktemp("openapi")
    env = {
        "CLUSTERKG_DATA_DIR": str(root / "data"),
        # time enough for the slowest canned query (breakdown-shares of slide 48, 2-3 s) on a loaded machine:
        # a timeout is a 503, which this run counts as a failure
        "CLUSTERKG_QUERY_WORKERS": "2",
        "CLUSTERKG_QUERY_TIMEOUT": "15",
        "CLUSTERKG_WRITE_TOKEN": TOKEN,
    }
    yield from start_server(env=env, log=root / "server.log")


def test_every_answer_is_documented_and_none_is_a_server_error(server: Server, tmp_path: Path) -> None:
    with urllib.request.urlopen(server.url + "/ontology", timeout=120):  # its documentation is generated once
        pass
    command = [
        str(VENV_BIN / "schemathesis"),
        "run",
        f"{server.url}/openapi.json",
        "--max-examples=4",
        "--generation-deterministic",
        "--phases=examples,fuzzing",
        "--checks=all",
        "--exclude-checks=positive_data_acceptance,negative_data_rejection",
        "--workers=2",
        "--request-timeout=20",
        "-H",
        f"Authorization: Bearer {TOKEN}",
    ]
    done = subprocess.run(command, capture_output=True, text=True, timeout=240, check=False, cwd=tmp_path)
    summary = done.stdout[-4000:]
    assert done.returncode == 0, summary
    assert " failures" not in summary.splitlines()[-1] and "passed" in summary, summary
