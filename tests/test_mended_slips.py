"""Slips an audit of the graph found stay mended: each test states the fact as the source gives it."""

from __future__ import annotations

from rdflib import Literal, URIRef

from graphfiles import data_graph

ONT = "https://w3id.org/clusterkg/ont#"
ID = "https://w3id.org/clusterkg/id/"


def ont(local: str) -> URIRef:
    return URIRef(ONT + local)


def ident(path: str) -> URIRef:
    return URIRef(ID + path)


def test_tama_tlo_was_set_up_by_the_council_which_existed_in_july_2000() -> None:
    graph = data_graph()
    tlo = ident("org/tama-tlo")
    founders = set(graph.objects(tlo, ont("foundedBy")))
    assert founders == {ident("org/tama-council")}
    founded = str(graph.value(tlo, ont("foundingDate")))
    assert str(graph.value(ident("org/tama-council"), ont("foundingDate"))) < founded
    assert str(graph.value(ident("org/tama-association"), ont("foundingDate"))) > founded


def test_ivams_eight_member_countries_are_where_its_members_come_from_not_an_area_it_covers() -> None:
    graph = data_graph()
    countries = {ident(f"place/{c}") for c in ("germany", "netherlands", "switzerland", "austria", "uk", "france")}
    countries |= {ident("place/denmark"), ident("place/usa")}
    for holder in (ident("org/ivam"), ident("network/ivam-network")):
        assert set(graph.objects(holder, ont("memberOrigin"))) == countries
        assert not countries & set(graph.objects(holder, ont("coversRegion")))


def test_notes_written_only_in_japanese_keep_their_wording_and_gain_an_english_rendering() -> None:
    graph = data_graph()
    association = ident("org/tama-association")
    assert Literal("（社）首都圏産業活性化協会", lang="ja") in set(graph.objects(association, ont("officialName")))
    [rendering] = graph.objects(association, ont("officialNameTranslation"))
    assert rendering.language == "en" and "Industrial Revitalization Association" in str(rendering)
    assert Literal("平成14年度から") in set(graph.objects(ident("service/tama-hr-matching"), ont("dateNote")))
    [date] = graph.objects(ident("service/tama-hr-matching"), ont("dateNoteTranslation"))
    assert "FY2002" in str(date)
