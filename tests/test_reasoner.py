"""An OWL 2 DL reasoner (HermiT, shipped with owlready2; it runs on Java, which .ci/run installs) finds the ontology consistent, alone and
with all the data, and no class unsatisfiable. Two fixtures prove that the check can fail."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

import pytest
from owlready2 import OwlReadyInconsistentOntologyError, World, sync_reasoner

from graphfiles import ONTOLOGY_FILES, ROOT, data_files, load

FIXTURES = ROOT / "tests" / "fixtures" / "reasoner"

OWL_NOTHING = "http://www.w3.org/2002/07/owl#Nothing"

pytestmark = pytest.mark.reasoner


@dataclass(frozen=True)
class Verdict:
    consistent: bool
    unsatisfiable: tuple[str, ...]


def reason(paths: Iterable[Path], workdir: Path) -> Verdict:
    """Load the Turtle files into a fresh owlready2 world (as N-Triples) and classify with HermiT."""
    ntriples = workdir / "merged.nt"
    load(tuple(paths)).serialize(ntriples, format="nt", encoding="utf-8")
    world = World()
    ontology = world.get_ontology(ntriples.as_uri()).load(format="ntriples")
    try:
        with ontology:
            # xsd:date, xsd:gYearMonth and xsd:gYear are outside the OWL 2 datatype map; HermiT ignores such
            # literals (their form is checked by the SHACL shapes instead).
            sync_reasoner(world, infer_property_values=False, ignore_unsupported_datatypes=True, debug=0)
    except OwlReadyInconsistentOntologyError:
        return Verdict(consistent=False, unsatisfiable=())
    unsatisfiable = tuple(sorted(c.iri for c in world.inconsistent_classes() if c.iri != OWL_NOTHING))
    return Verdict(consistent=True, unsatisfiable=unsatisfiable)


def inconsistent_files(workdir: Path) -> list[str]:
    """When the whole graph is inconsistent, name the data files that are inconsistent on their own."""
    culprits = []
    for path in data_files():
        if not reason([*ONTOLOGY_FILES, path], workdir).consistent:
            culprits.append(path.relative_to(ROOT).as_posix())
    return culprits


def test_the_ontology_is_consistent_and_every_class_satisfiable(tmp_path: Path) -> None:
    verdict = reason(ONTOLOGY_FILES, tmp_path)
    assert verdict.consistent
    assert verdict.unsatisfiable == ()


def test_the_ontology_with_all_data_is_consistent_and_every_class_satisfiable(tmp_path: Path) -> None:
    verdict = reason([*ONTOLOGY_FILES, *data_files()], tmp_path)
    assert verdict.consistent, f"inconsistent; files inconsistent on their own: {inconsistent_files(tmp_path)}"
    assert verdict.unsatisfiable == ()


def test_an_individual_in_two_disjoint_classes_is_reported_inconsistent(tmp_path: Path) -> None:
    verdict = reason([*ONTOLOGY_FILES, FIXTURES / "inconsistent-individual.ttl"], tmp_path)
    assert not verdict.consistent


def test_a_class_below_two_disjoint_classes_is_reported_unsatisfiable(tmp_path: Path) -> None:
    verdict = reason([*ONTOLOGY_FILES, FIXTURES / "unsatisfiable-class.ttl"], tmp_path)
    assert verdict.consistent
    assert verdict.unsatisfiable == ("https://w3id.org/clusterkg/test#SmallGiant",)
