"""``clusterkg validate FILE...``: exit 0 when every file conforms, 1 when one does not, 2 when one cannot be
read (with the line and column of the error); readable text in English or Japanese, a SHACL
sh:ValidationReport in Turtle, or JSON."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from rdflib import RDF, Graph, Literal, URIRef

from conftest import clusterkg

REPO = Path(__file__).resolve().parents[1]
CASES = REPO / "data" / "examples" / "cases"
VALID = CASES / "valid" / "example-valley.ttl"
MISSING_UNIT = CASES / "invalid" / "missing-unit.ttl"
SH = "http://www.w3.org/ns/shacl#"


@pytest.fixture
def no_store(tmp_path: Path) -> dict[str, str]:
    """No built store in the data directory: the neighbourhood comes from the ontology and data files."""
    return {"CLUSTERKG_DATA_DIR": str(tmp_path / "no-store")}


def test_a_conforming_entry_exits_0(no_store: dict[str, str]) -> None:
    result = clusterkg("validate", str(VALID), str(CASES / "valid" / "example-valley.jsonld"), env=no_store)
    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stdout.count("Conforms: 0 violation(s), 0 warning(s)") == 2


def test_a_non_conforming_entry_exits_1_and_lists_its_results(no_store: dict[str, str]) -> None:
    result = clusterkg("validate", str(MISSING_UNIT), env=no_store)
    assert result.returncode == 1
    assert "[Violation] An observation needs exactly one ckg:unit from the unit scheme." in result.stdout
    assert "focus node: ckobs:example-valley-association-members-2024-04-01-companies" in result.stdout
    assert "path:       ckg:unit" in result.stdout
    assert "shape:      ckgsh:Observation-unit" in result.stdout


def test_messages_in_japanese(no_store: dict[str, str]) -> None:
    result = clusterkg("validate", "--lang", "ja", str(MISSING_UNIT), env=no_store)
    assert result.returncode == 1
    assert "適合していません（違反 1 件、警告 0 件）" in result.stdout
    assert "統計値には単位の概念体系の ckg:unit がちょうど一つ必要です。" in result.stdout


def test_an_unreadable_entry_exits_2_with_line_and_column(tmp_path: Path, no_store: dict[str, str]) -> None:
    broken = tmp_path / "broken.ttl"
    broken.write_text(
        VALID.read_text(encoding="utf-8").replace("ckg:order 1 ;", "ckg:order 1 ;;;\n  ckg:order ]"), encoding="utf-8"
    )
    result = clusterkg("validate", str(broken), str(VALID), env=no_store)
    assert result.returncode == 2
    assert f"{broken}: Turtle syntax error at line 37, column 13: ] is not a valid RDF object" in result.stderr


def test_a_file_that_does_not_exist_exits_2(tmp_path: Path, no_store: dict[str, str]) -> None:
    result = clusterkg("validate", str(tmp_path / "missing.ttl"), env=no_store)
    assert result.returncode == 2
    assert "missing.ttl" in result.stderr


def test_the_input_format_can_be_given(tmp_path: Path, no_store: dict[str, str]) -> None:
    renamed = tmp_path / "entry.txt"
    renamed.write_bytes((CASES / "valid" / "example-valley.jsonld").read_bytes())
    assert clusterkg("validate", str(renamed), env=no_store).returncode == 2
    assert clusterkg("validate", "--input-format", "jsonld", str(renamed), env=no_store).returncode == 0


def test_the_turtle_report_is_a_shacl_validation_report(no_store: dict[str, str]) -> None:
    result = clusterkg("validate", "--format", "turtle", str(MISSING_UNIT), env=no_store)
    assert result.returncode == 1
    graph = Graph().parse(data=result.stdout, format="turtle")
    [report] = graph.subjects(RDF.type, URIRef(SH + "ValidationReport"))
    assert graph.value(report, URIRef(SH + "conforms")) == Literal(False)
    [node] = graph.objects(report, URIRef(SH + "result"))
    assert graph.value(node, URIRef(SH + "sourceShape")) == URIRef("https://w3id.org/clusterkg/shapes#Observation-unit")
    assert graph.value(node, URIRef(SH + "focusNode")) == URIRef(
        "https://w3id.org/clusterkg/id/obs/example-valley-association-members-2024-04-01-companies"
    )
    assert graph.value(node, URIRef(SH + "resultSeverity")) == URIRef(SH + "Violation")


def test_the_json_report_is_the_one_the_http_api_gives(no_store: dict[str, str]) -> None:
    result = clusterkg("validate", "--format", "json", "--lang", "ja", str(MISSING_UNIT), env=no_store)
    data = json.loads(result.stdout)
    assert data["file"] == str(MISSING_UNIT)
    assert data["conforms"] is False
    [found] = data["results"]
    assert found["resultPath"] == "https://w3id.org/clusterkg/ont#unit"
    assert found["severity"] == "Violation"
    assert found["message"].startswith("統計値には")


def test_an_existing_resource_passes_only_with_allow_existing(tmp_path: Path, no_store: dict[str, str]) -> None:
    entry = tmp_path / "japan.ttl"
    text = (REPO / "data" / "ttl" / "japan-policy.ttl").read_text(encoding="utf-8")
    head = text[: text.index("ckp:japan a ckg:Country")]
    body = text[text.index("ckp:japan a ckg:Country") :]
    entry.write_text(head + body[: body.index("\n\n") + 1], encoding="utf-8")
    assert clusterkg("validate", str(entry), env=no_store).returncode == 1
    assert clusterkg("validate", "--allow-existing", str(entry), env=no_store).returncode == 0


def test_the_built_store_is_used_when_there_is_one(tmp_path: Path) -> None:
    env = {"CLUSTERKG_DATA_DIR": str(tmp_path / "data")}
    assert clusterkg("build", env=env).returncode == 0
    result = clusterkg("validate", str(VALID), env=env)
    assert result.returncode == 0, result.stderr
    assert "(validated with embedded store at" in result.stdout
