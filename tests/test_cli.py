"""The ``clusterkg`` command: build, sparql, and every command's help."""

from __future__ import annotations

import importlib
import json
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from clusterkg.cli import COMMAND_MODULES, main


@pytest.fixture
def runner(tmp_path: Path, sources: Path) -> CliRunner:
    return CliRunner(env={"CLUSTERKG_DATA_DIR": str(tmp_path / "data"), "CLUSTERKG_SOURCE_DIR": str(sources)})


@pytest.mark.parametrize("command", [[], ["serve"], ["build"], ["sparql"]])
def test_help_explains_each_command(command: list[str]) -> None:
    result = CliRunner().invoke(main, [*command, "--help"])
    assert result.exit_code == 0
    assert "Usage:" in result.output
    assert len(result.output.splitlines()) > 5


FAMILIES = ("serve", "store", "query", "dataset", "links", "validate")


def test_every_command_of_every_family_is_listed_where_it_is_defined() -> None:
    defined = {
        command.name: family
        for family in FAMILIES
        for command in importlib.import_module(f"clusterkg.cli.{family}").COMMANDS
    }
    assert defined == COMMAND_MODULES
    listed = CliRunner().invoke(main, ["--help"]).output
    assert all(f"  {name} " in listed for name in defined)


def test_serve_imports_only_what_it_needs() -> None:
    """The parent of several HTTP processes starts them sooner without the validator or the dataset tools."""
    code = (
        "import sys; from clusterkg.cli import main; main(['serve', '--help'], standalone_mode=False); "
        "print(sorted(name for name in ('pyshacl', 'clusterkg.cli.dataset', 'fastapi') if name in sys.modules))"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.strip().splitlines()[-1] == "[]"


def test_an_unknown_command_is_reported() -> None:
    result = CliRunner().invoke(main, ["serv"])
    assert result.exit_code == 2 and "No such command 'serv'" in result.output


def test_build_then_rebuild(runner: CliRunner) -> None:
    first = runner.invoke(main, ["build"])
    assert first.exit_code == 0, first.output
    assert "3 loaded, 0 unchanged" in first.output
    second = runner.invoke(main, ["build"])
    assert "0 loaded, 3 unchanged" in second.output


def test_sparql_table(runner: CliRunner) -> None:
    query = "SELECT ?label WHERE { ?c <http://www.w3.org/2000/01/rdf-schema#label> ?label } ORDER BY ?label"
    result = runner.invoke(main, ["sparql", query])
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert lines[0].strip() == "label"
    assert "TAMA@en" in result.output
    assert lines[-1] == "(5 rows)"


def test_sparql_json_and_csv(runner: CliRunner) -> None:
    query = "SELECT (COUNT(*) AS ?n) WHERE { ?c a <https://w3id.org/clusterkg/ont#Cluster> }"
    as_json = runner.invoke(main, ["sparql", query, "--format", "json"])
    assert json.loads(as_json.output)["results"]["bindings"][0]["n"]["value"] == "3"
    as_csv = runner.invoke(main, ["sparql", query, "--format", "csv"])
    assert as_csv.stdout_bytes == b"n\r\n3\r\n"


def test_sparql_reads_a_file(runner: CliRunner, tmp_path: Path) -> None:
    query_file = tmp_path / "q.rq"
    query_file.write_text("ASK { ?s ?p ?o }", encoding="utf-8")
    assert runner.invoke(main, ["sparql", f"@{query_file}"]).output.strip() == "true"


def test_sparql_syntax_error_is_one_line(runner: CliRunner) -> None:
    result = runner.invoke(main, ["sparql", "SELECT * WHERE { ?s ?p }"])
    assert result.exit_code == 1
    assert result.output.startswith("error (query_syntax): error at 1:")
    assert "Traceback" not in result.output
