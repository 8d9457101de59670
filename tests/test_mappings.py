"""The external identifiers as an SSSOM mapping table: valid SSSOM, every row verified, same by CLI and HTTP."""

from __future__ import annotations

import csv
import io
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from fastapi.testclient import TestClient

from clusterkg.app import create_app
from clusterkg.config import Settings
from clusterkg.dataset import identifiers as links
from clusterkg.dataset import sssom as mappings
from conftest import clusterkg

ROOT = Path(__file__).resolve().parents[1]
SSSOM = shutil.which("sssom", path=str(Path(sys.executable).parent))


def table() -> str:
    return mappings.export(ROOT)


def split(text: str) -> tuple[dict[str, object], list[dict[str, str]]]:
    meta = "\n".join(line[1:] for line in text.splitlines() if line.startswith("#"))
    body = "\n".join(line for line in text.splitlines() if not line.startswith("#"))
    return yaml.safe_load(meta), list(csv.DictReader(io.StringIO(body), delimiter="\t"))


def test_the_metadata_block_has_what_sssom_requires() -> None:
    meta, _ = split(table())
    assert meta["mapping_set_id"] == "https://w3id.org/clusterkg/mappings.sssom.tsv"
    assert meta["license"] == "https://creativecommons.org/licenses/by/4.0/"
    assert isinstance(meta["curie_map"], dict) and meta["curie_map"]["wd"] == "http://www.wikidata.org/entity/"
    assert "NUTS 2006" in str(meta["comment"])


def test_one_row_per_link_each_a_verified_identifier_with_its_evidence() -> None:
    _, rows = split(table())
    all_links = links.read_links(ROOT / links.VERIFIED_CSV, ROOT / links.ENTITY_MAP_CSV)
    assert len(rows) == len(all_links)
    verified = {(v.identifier, v.evidence) for v in links.read_verified(ROOT / links.VERIFIED_CSV)}
    for row in rows:
        assert row["mapping_justification"] == "semapv:ManualMappingCuration"
        identifier = row["object_label"] or row["object_id"].split(":", 1)[1].rstrip("/")
        if row["object_id"].startswith("dbr:"):
            identifier = "http://dbpedia.org/resource/" + row["object_id"][4:]
        evidence = row["comment"].rsplit("Evidence: ", 1)[1].rstrip(".")
        assert (identifier, evidence) in verified, row


def test_the_tokyo_geonames_feature_is_a_narrower_match() -> None:
    _, rows = split(table())
    tokyo = [r for r in rows if r["subject_id"] == "ckp:tokyo" and r["object_id"].startswith("geonames:")]
    assert [r["predicate_id"] for r in tokyo] == ["skos:narrowMatch"]


@pytest.mark.skipif(SSSOM is None, reason="the sssom package is not installed")
def test_the_sssom_toolkit_validates_the_table(tmp_path: Path) -> None:
    path = tmp_path / "clusterkg.sssom.tsv"
    path.write_text(table(), encoding="utf-8")
    checks = ["-V", "JsonSchema", "-V", "PrefixMapCompleteness", "-V", "StrictCurieFormat"]
    result = subprocess.run([str(SSSOM), "validate", str(path), *checks], capture_output=True, text=True, check=False)
    assert result.returncode == 0, result.stderr[-2000:]


def test_the_http_and_cli_exports_are_the_same(tmp_path: Path) -> None:
    settings = Settings(data_dir=tmp_path / "data", build_on_start=False, query_workers=1)
    with TestClient(create_app(settings)) as client:
        response = client.get("/mappings.sssom.tsv")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/tab-separated-values")
    cli = clusterkg("mappings")
    assert cli.returncode == 0, cli.stderr
    assert response.text == cli.stdout == table()
