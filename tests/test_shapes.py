"""The SHACL shapes (ontology/shapes/) are well formed, documented in English and Japanese, split by severity,
and the whole graph conforms to them."""

from __future__ import annotations

from pyshacl.entrypoints import meta_validate
from rdflib import RDF, SH, Graph, Literal, URIRef
from rdflib.collection import Collection

from graphfiles import SHAPES_DIR, data_graph, load, ontology_graph, shapes_graph
from shacl_runs import INSTANCES, class_graph, concept_graph, pyshacl_results

SHAPES_NS = "https://w3id.org/clusterkg/shapes#"
SHAPE_LINKS = (SH.property, SH.node, SH.qualifiedValueShape, SH["not"])
SHAPE_LISTS = (SH["or"], SH["and"], SH.xone)


def all_shapes(graph: Graph) -> set[object]:
    """Every node used as a shape: typed as one, or reached from another shape."""
    shapes: set[object] = set(graph.subjects(RDF.type, SH.NodeShape)) | set(graph.subjects(RDF.type, SH.PropertyShape))
    shapes |= set(graph.subjects(SH.targetClass, None))
    for link in SHAPE_LINKS:
        shapes |= set(graph.objects(None, link))
    for link in SHAPE_LISTS:
        for head in graph.objects(None, link):
            shapes |= set(Collection(graph, head))
    return shapes


def test_the_shapes_pass_meta_shacl() -> None:
    conforms, _, text = meta_validate(shapes_graph())
    assert conforms, text


def test_every_shape_is_named_by_an_iri_of_the_shapes_namespace() -> None:
    unnamed = [str(s) for s in all_shapes(shapes_graph()) if not (isinstance(s, URIRef) and s.startswith(SHAPES_NS))]
    assert not unnamed, f"shapes without an IRI in {SHAPES_NS}: {unnamed}"


def test_every_shape_has_a_message_in_english_and_in_japanese() -> None:
    graph = shapes_graph()
    missing = []
    for shape in all_shapes(graph):
        languages = {m.language for m in graph.objects(shape, SH.message) if isinstance(m, Literal)}
        if not {"en", "ja"} <= languages:
            missing.append(f"{shape} has messages in {sorted(filter(None, languages))}")
    assert not missing, "\n".join(sorted(missing))


def reported_shapes(graph: Graph) -> set[object]:
    """Shapes whose results are reported: node shapes with targets and their property shapes."""
    targeted = set(graph.subjects(SH.targetClass, None))
    return targeted | {p for s in targeted for p in graph.objects(s, SH.property)}


def test_core_shapes_are_violations_and_recommended_shapes_are_warnings() -> None:
    for name, severity in (("core.ttl", SH.Violation), ("recommended.ttl", SH.Warning)):
        graph = load((SHAPES_DIR / name,))
        wrong = [str(s) for s in reported_shapes(graph) if graph.value(s, SH.severity) != severity]
        assert not wrong, f"{name}: shapes whose sh:severity is not {severity}: {sorted(wrong)}"
        nested = all_shapes(graph) - reported_shapes(graph)
        warning = [str(s) for s in nested if graph.value(s, SH.severity) not in (SH.Violation, None)]
        assert not warning, f"{name}: nested shapes must not be warnings (pySHACL would ignore them): {warning}"


def test_the_shapes_of_the_two_files_do_not_overlap() -> None:
    core = set(load((SHAPES_DIR / "core.ttl",)).subjects(SH.severity, None))
    recommended = set(load((SHAPES_DIR / "recommended.ttl",)).subjects(SH.severity, None))
    assert not core & recommended


def test_the_dangling_reference_check_covers_every_relation_used_between_resources() -> None:
    graph = shapes_graph()
    path = graph.value(URIRef(SHAPES_NS + "DanglingReference"), SH.path)
    checked = set(Collection(graph, graph.value(path, SH.alternativePath)))
    used = {p for _, p, o in data_graph() if isinstance(o, URIRef) and str(o).startswith(INSTANCES)}
    assert used - {RDF.type} <= checked, f"add to ckgsh:DanglingReference: {sorted(map(str, used - checked))}"


def test_the_whole_graph_conforms_to_the_core_shapes() -> None:
    """As an entry is validated: RDFS inference with the ontology as ont_graph, concept schemes as data."""
    data = Graph()
    data += data_graph()
    data += concept_graph()
    results = pyshacl_results(data, ont_graph=class_graph(), inference="rdfs")
    violations = sorted(str(r) for r in results if r.is_violation)
    assert not violations, f"{len(violations)} violations:\n" + "\n".join(violations[:60])


def test_each_breakdown_dimension_accepts_exactly_its_code_list() -> None:
    """The shapes list the codes of each coded dimension (an entry is validated without the code lists of
    concepts.ttl); the lists are those of the dimension's qb:codeList."""
    shapes, ontology = shapes_graph(), ontology_graph()
    qb, skos = "http://purl.org/linked-data/cube#", "http://www.w3.org/2004/02/skos/core#"
    dimensions = set(ontology.subjects(URIRef(qb + "codeList"), None))
    assert len(dimensions) == 14
    for dimension in dimensions:
        [code_list] = ontology.objects(dimension, URIRef(qb + "codeList"))
        codes = set(ontology.objects(code_list, URIRef(skos + "member")))
        [property_shape] = shapes.subjects(SH.path, dimension)
        [node] = shapes.objects(property_shape, SH.node)
        [listed] = shapes.objects(node, SH["in"])
        assert set(Collection(shapes, listed)) == codes, dimension
        assert URIRef("https://w3id.org/clusterkg/concept/breakdown/total") in codes
