"""Each public competency question answered by a canned query, with the answer the source states.

The numbers below are the source's (see the competency questions), written here by hand: a test checks
the query's rows against them, so a change in data or query that alters an answer fails here.
"""

from __future__ import annotations

from collections.abc import Iterator
from decimal import Decimal

import pytest

from canned_support import built_store, catalogue, run, table
from clusterkg.canned.runner import CannedQueries

ID = "https://w3id.org/clusterkg/id/"
ONT = "https://w3id.org/clusterkg/ont#"


@pytest.fixture(scope="module")
def canned(tmp_path_factory: pytest.TempPathFactory) -> Iterator[CannedQueries]:
    store = built_store(tmp_path_factory.mktemp("cq-store"))
    try:
        yield CannedQueries(catalogue(), store)
    finally:
        store.close()


def ask(canned: CannedQueries, name: str, **params: str) -> list[dict[str, str]]:
    return table(run(canned, name, params))


def column(rows: list[dict[str, str]], name: str) -> list[str]:
    return [row[name] for row in rows]


def number(text: str) -> Decimal:
    return Decimal(text)


def test_q01_todai_soken_actor_types(canned: CannedQueries) -> None:
    rows = ask(canned, "definition-actor-types")
    assert column(rows, "actorType") == [
        ONT + "ManufacturingFirm",
        ONT + "ServiceFirm",
        ONT + "ResearchInstitute",
        ONT + "University",
        ONT + "PublicResearchInstitute",
        ONT + "LocalGovernment",
    ]


def test_q02_four_constituent_elements_of_tama(canned: CannedQueries) -> None:
    rows = ask(canned, "cluster-components")
    assert [row["actorType"].removeprefix(ONT) for row in rows] == [
        "LargeEnterprise",
        "University",
        "ProductDevelopmentSME",
        "BaseTechnologySME",
    ]
    japanese = ask(canned, "cluster-components", lang="ja")
    assert "製品開発型中小企業" in column(japanese, "actorTypeLabel")
    assert "基盤技術型中小企業" in column(japanese, "actorTypeLabel")


def test_q03_universities_and_laboratories_in_tama(canned: CannedQueries) -> None:
    figures = ask(canned, "key-figures", subject=ID + "agglomeration/tama")
    values = {(row["indicatorLabel"], row["value"], row["approximation"]) for row in figures}
    assert ("universities", "38", "exact") in values
    assert any(label == "universities" and value == "90" for label, value, _ in values) or any(
        value == "90" for _, value, _ in values
    )
    assert any(value == "100" and approximation in ("more than", "at least") for _, value, approximation in values)
    components = ask(canned, "cluster-components")
    assert all(firm in components[0]["description"] for firm in ("NEC", "Toshiba", "Fujitsu"))


def test_q05_horizontal_network_distinguishes_the_cluster(canned: CannedQueries) -> None:
    rows = ask(canned, "agglomeration-networks")
    cluster = [
        r for r in rows if r["kindLabel"] == "cluster" and "traditional production district" in r["contrastedWith"]
    ]
    assert cluster and "horizontal industry–academia–government network" in cluster[0]["networkKinds"]
    kinds = {r["kindLabel"]: r["networkKinds"] for r in rows if r["networkKinds"]}
    assert "vertical" in kinds["company town"] and "infrastructure" in kinds["industrial estate"]
    district = next(r for r in rows if r["kindLabel"] == "traditional production district")
    assert "undeveloped" in district["description"]


def test_q06_ivam_technology_broker_and_network_of_networks(canned: CannedQueries) -> None:
    rows = ask(canned, "organisation-roles", lang="ja")
    texts = " ".join(column(rows, "text"))
    assert "技術仲介者" in texts and "ネットワークの中のネットワーク" in texts


def test_q07_product_development_smes_at_the_centre_unlike_company_towns(canned: CannedQueries) -> None:
    rows = ask(canned, "type-characterisations", kind=ONT + "CompanyTown")
    assert any("vertical" in row["networkKind"] for row in rows)
    surveyed = ask(canned, "key-figures", subject=ID + "event/kanto-survey-1996")
    averages = {row["indicatorLabel"]: row["value"] for row in surveyed if row["unitLabel"] == "per firm"}
    assert averages == {"subcontractors per firm": "50", "customers per firm": "200"}  # about 50 and 200 (1996)


def test_q09_six_business_lines_of_the_tama_association(canned: CannedQueries) -> None:
    rows = ask(canned, "support-functions-by-provider")
    lines = [row["serviceLabel"] for row in rows if row["kind"] == "business line"]
    assert lines == [
        "Information network",
        "Industry–academia collaboration and R&D promotion",
        "Exchange promotion",
        "New-business support",
        "Human-resource support",
        "International exchange",
    ]
    under = {row["serviceLabel"]: row["lineLabel"] for row in rows}
    assert under["Setting up TAMA-TLO"].startswith("Industry–academia")
    assert under["Mini-TAMA meetings"] == under["Order-exchange meetings"] == "Exchange promotion"
    assert under["Internships"] == under["HR matching"] == "Human-resource support"


def test_q10_ivam_services_to_smes(canned: CannedQueries) -> None:
    rows = ask(canned, "support-functions-by-provider", org=ID + "org/ivam")
    numbered = [row["serviceLabel"] for row in rows if row["order"]]
    assert len(numbered) == 9
    assert numbered[0] == "Guidance on product development" and numbered[3] == "Market research"


def test_q11_coordinators_128_or_about_130_first_consultations_free(canned: CannedQueries) -> None:
    rows = ask(canned, "service-details", service=ID + "service/tama-coordinator-system")
    figures = {(row["value"], row["detail"].split(", ")[1]) for row in rows if row["detail"]}
    assert ("128", "exact") in figures and ("130", "approximately") in figures
    free = ask(canned, "service-details", service=ID + "service/tama-coordinator-initial-consultations")
    facts = {row["aspect"]: row["value"] for row in free}
    assert facts["free of charge"] == "true" and facts["audience"] == "member firms"
    assert "subsidy" in facts["under programme"]


def test_q11_coordinator_system_step_by_step(canned: CannedQueries) -> None:
    rows = ask(canned, "mechanisms", resource=ID + "service/tama-coordinator-system")
    steps = {row["order"]: (row["from"], row["to"]) for row in rows if row["part"] == "step"}
    assert sorted(steps) == ["1", "2", "3", "4"]
    assert steps["3"] == ("National subsidy scheme supporting industrial clusters", "enterprise")
    assert steps["4"] == ("enterprise", "individual expert or coordinator")
    paid = {row["what"]: row["from"] for row in rows if row["part"] == "contribution"}
    assert paid["payment for a service"] == "enterprise"


def test_q12_hr_matching_with_four_firms_free_since_fy2002_twelve_placed(canned: CannedQueries) -> None:
    rows = ask(canned, "service-details")
    partners = {row["value"] for row in rows if row["aspect"] == "in cooperation with"}
    assert partners == {"Recruit Ablic", "Yokogawa Human Create", "Career Rise", "Sony Human Capital"}
    facts = {row["aspect"]: row["value"] for row in rows}
    assert facts["free of charge"] == "true" and facts["start date"] == "2002" and facts["placements"] == "12"
    assert facts["minimum age"] == "45"


def test_q12_free_because_large_firms_sponsor_it(canned: CannedQueries) -> None:
    rows = ask(canned, "reasons", resource=ID + "service/tama-hr-matching")
    [free] = [row for row in rows if row["explainedProperty"] == "free of charge"]
    assert (free["explainedValue"], free["becauseOf"]) == ("true", "Large firms sponsor the service")


def test_q13_meti_industrial_cluster_plan_19_projects_from_fy2001_and_mext_knowledge_clusters(
    canned: CannedQueries,
) -> None:
    rows = {row["programmeLabel"]: row for row in ask(canned, "programmes", country=ID + "place/japan")}
    plan = rows["Industrial Cluster Plan"]
    assert plan["projectNumber"] == "19" and plan["start"] == "2001" and "METI" in plan["leadBodies"]
    assert "MEXT" in rows["Knowledge Clusters"]["leadBodies"]


def test_q15_bioregio_is_the_german_federal_programme(canned: CannedQueries) -> None:
    rows = {row["programmeLabel"]: row for row in ask(canned, "programmes", country=ID + "place/germany")}
    assert rows["BioRegio"]["leadBodies"] == "German Federal Government"


def test_q17_areas_tama_covers(canned: CannedQueries) -> None:
    rows = ask(canned, "area-coverage")
    covered = {row["regionLabel"]: row["centredOn"] for row in rows if row["relation"] == "covers region"}
    assert set(covered["South-western Saitama"].split(", ")) == {"Sayama", "Tokorozawa", "Kawagoe"}
    assert set(covered["Central Kanagawa"].split(", ")) == {"Sagamihara", "Atsugi"}
    assert {"Tama area of Tokyo", "Kawasaki", "Yokohama"} <= set(covered)
    excluded = {row["regionLabel"] for row in rows if row["relation"] == "excludes region"}
    assert excluded == {"Okutama (town)", "Hinohara (village)"}


def test_q17_okutama_and_hinohara_left_out_for_want_of_industry(canned: CannedQueries) -> None:
    rows = ask(canned, "reasons", resource=ID + "agglomeration/tama")
    left_out = {row["explainedValue"] for row in rows if row["explainedProperty"] == "excludes region"}
    assert left_out == {"Okutama (town)", "Hinohara (village)"}
    excluded = ask(canned, "scope-and-conditions", resource=ID + "agglomeration/tama")
    [places] = [row["appliesTo"] for row in excluded if row["conditionKind"] == "exclusion"]
    assert set(places.split("; ")) == left_out


def test_q18_adlershof_key_figures(canned: CannedQueries) -> None:
    rows = ask(canned, "key-figures", subject=ID + "agglomeration/adlershof")
    rows += ask(canned, "key-figures", subject=ID + "place/adlershof")  # the research city and its land
    values = {row["value"] for row in rows}
    assert {"4000", "420", "3", "12", "300"} <= values  # researchers, ha, departments, institutes, firms
    assert "200" in values  # about 20 billion yen, written as 200 hundred-million yen


def test_q18_adlershof_between_phase_1_and_phase_2(canned: CannedQueries) -> None:
    [stage] = ask(canned, "statuses", status="https://w3id.org/clusterkg/concept/status/in-transition")
    assert stage["fromStage"].startswith("Phase 1") and stage["toStage"].startswith("Phase 2")
    assert "Adlershof" in stage["of"].split("; ")
    rows = ask(canned, "cluster-factors-and-outcomes", cluster=ID + "agglomeration/adlershof")
    assert {row["what"] for row in rows} == {"location factor", "outcome"}


def test_q20_tsb_implementing_organisations(canned: CannedQueries) -> None:
    rows = {row["label"]: row["fields"] for row in ask(canned, "sub-organisations")}
    assert set(rows) == {"BioTOP", "TimeKontor", "FAV", "TSBmedici"}
    assert rows["BioTOP"] == "biotechnology" and "medical" in rows["TSBmedici"]
    assert "transport" in rows["FAV"] and "multimedia" in rows["TimeKontor"]


def test_q21_ivam_four_organisations(canned: CannedQueries) -> None:
    rows = ask(canned, "sub-organisations", org=ID + "org/ivam")
    assert set(column(rows, "label")) == {
        "IVAM Service GmbH",
        "IVAM Capital Verwaltungs GmbH",
        "AVT Network NRW",
        "MST-factory Dortmund GmbH",
    }


def test_q22_tama_tlo_set_up_july_2000(canned: CannedQueries) -> None:
    rows = ask(canned, "resource-profile", resource=ID + "org/tama-tlo")
    facts = {row["propertyName"]: row["value"] for row in rows}
    assert facts["founding date"] == "2000-07"


def test_q23_tama_fund_by_seibu_shinkin_april_2003(canned: CannedQueries) -> None:
    rows = ask(canned, "resource-profile")
    facts = {row["propertyName"]: row["value"] for row in rows}
    assert facts["founding date"] == "2003-04" and facts["funded by"] == "Seibu Shinkin Bank"


def test_q25_ivam_membership_12_to_109(canned: CannedQueries) -> None:
    rows = ask(canned, "membership-over-time", org=ID + "org/ivam")
    stated = [(r["date"], r["kind"], r["members"], r["approximation"]) for r in rows]
    assert ("1993", "companies", "12", "exact") in stated
    assert ("1998", "total", "50", "more than") in stated
    assert ("1999", "total", "65", "exact") in stated
    assert ("2002-05", "companies", "79", "exact") in stated and ("2002-05", "institutions", "30", "exact") in stated
    assert ("2002-05", "total (sum of parts)", "109", "") in stated  # 79 + 30
    assert ("", "total", "7", "exact") in stated  # the precursor initiative's 7 companies


def test_q26_tama_membership_from_55_to_597(canned: CannedQueries) -> None:
    rows = ask(canned, "membership-over-time")
    totals = {(r["date"], r["members"]) for r in rows if r["kind"] == "total"}
    assert {("1997-09", "55"), ("1998-04", "328"), ("2004-01-05", "597")} <= totals
    companies = {r["date"]: int(r["members"]) for r in rows if r["kind"] == "companies"}
    assert companies == {"1998-04": 190, "2004-01-05": 297}
    assert round(597 / 328, 2) == 1.82 and companies["2004-01-05"] - companies["1998-04"] == 107


def test_q27_member_types_sum_to_597_companies_49_7_percent(canned: CannedQueries) -> None:
    rows = ask(canned, "membership-breakdown")
    kinds = {row["kind"]: int(row["members"]) for row in rows}
    assert kinds == {
        "companies": 297,
        "individuals": 39,
        "universities and educational institutions": 35,
        "organisations": 78,
        "local governments": 20,
        "TAMA coordinators": 128,
    }
    assert sum(kinds.values()) == 597 and {row["statedTotal"] for row in rows} == {"597"}
    assert next(number(row["share"]) for row in rows if row["kind"] == "companies") == Decimal("49.7")


def test_q28_ivam_countries_add_up_to_80_companies_against_79_stated(canned: CannedQueries) -> None:
    rows = ask(canned, "membership-by-country")
    companies = {r["country"]: int(r["members"]) for r in rows if r["kind"] == "companies"}
    institutions = {r["country"]: int(r["members"]) for r in rows if r["kind"] == "institutions"}
    assert companies == {
        "Germany": 62,
        "Netherlands": 5,
        "Switzerland": 4,
        "Austria": 3,
        "United Kingdom": 2,
        "France": 2,
        "Denmark": 1,
        "United States": 1,
    }
    assert institutions == {"Germany": 26, "Netherlands": 3, "Austria": 1}
    assert sum(institutions.values()) == 30 and sum(companies.values()) == 80
    stated = ask(canned, "membership-breakdown", org=ID + "org/ivam", date="2002-05")
    assert {r["kind"]: r["members"] for r in stated} == {"companies": "79", "institutions": "30"}
    conflicts = " ".join(column(ask(canned, "source-conflicts"), "label"))
    assert "79" in conflicts and "80" in conflicts


def test_q30_biotop_key_figures(canned: CannedQueries) -> None:
    rows = {row["indicatorLabel"]: row["value"] for row in ask(canned, "key-figures")}
    assert rows == {
        "universities": "3",
        "research groups": "87",
        "researchers": "3095",
        "number of firms": "63",
        "employees": "1091",
        "growth rate": "9",
    }


def test_q32_tzdo_and_the_technology_park(canned: CannedQueries) -> None:
    centre = {row["value"] for row in ask(canned, "key-figures", subject=ID + "org/tzdo")}
    assert {"50", "1300", "4"} <= centre
    park = {row["value"] for row in ask(canned, "key-figures", subject=ID + "agglomeration/technology-park-dortmund")}
    assert {"200", "8000", "11000", "3674", "8270", "70000"} <= park


def test_q33_survey_response_rates(canned: CannedQueries) -> None:
    rows = ask(canned, "survey-response-rates")
    all_firms = {(r["measure"], r["membership"]): r["value"] for r in rows if r["firms"] == "all firms"}
    assert all_firms[("firms surveyed", "members")] == "262" and all_firms[("respondents", "members")] == "120"
    assert all_firms[("response rate", "members")] == "45.8"
    assert all_firms[("firms surveyed", "non-members")] == "1364" and all_firms[("respondents", "non-members")] == "94"
    assert all_firms[("response rate", "non-members")] == "6.9"
    assert all_firms[("respondents", "total")] == "214"
    totals = {r["firms"]: r["value"] for r in rows if r["measure"] == "respondents" and r["membership"] == "total"}
    assert totals["SMEs"] == "200" and totals["machinery and metal manufacturing, SMEs"] == "158"
    assert round(120 / 262 * 100, 1) == 45.8 and round(94 / 1364 * 100, 1) == 6.9


def test_q34_45_cases_23_supported_20_formed_through_the_association(canned: CannedQueries) -> None:
    rows = {(r["category"], r["status"]): int(r["cases"]) for r in ask(canned, "case-counts")}
    assert rows[("all cases", "total")] == 45
    assert rows[("member cases", "total")] == 40 and rows[("non-member cases", "total")] == 5
    assert rows[("cases supported by the association", "total")] == 23
    assert rows[("cases without association involvement", "total")] == 17
    assert rows[("cases formed through the association", "total")] == 20
    assert len(ask(canned, "collaboration-cases")) == 23


def test_q35_four_brokering_types_on_two_axes(canned: CannedQueries) -> None:
    rows = ask(canned, "support-types")
    assert column(rows, "notation") == ["I", "II", "III", "IV"]
    definitions = column(rows, "definition")
    assert "both" in definitions[0] and "High involvement in project promotion, low in forming" in definitions[1]
    assert "Low involvement in project promotion, high in forming" in definitions[2] and "both" in definitions[3]
    assert [int(n) for n in column(rows, "listedCases")] == [8, 5, 7, 3]  # 23 listed cases
    japanese = column(ask(canned, "support-types", lang="ja"), "label")
    assert any("連携形成主導" in label for label in japanese) and any("出会い形成" in label for label in japanese)


def test_q37_companies_in_more_than_one_supported_case(canned: CannedQueries) -> None:
    rows = ask(canned, "companies-in-several-cases")
    cases = {}
    for row in rows:
        cases.setdefault(row["companyLabel"], []).append((int(row["caseNumber"]), row["supportTypeLabel"][:8]))
    assert cases == {
        "Yamashita Denshi Sekkei": [(4, "Type I: "), (16, "Type III")],
        "Toa DKK": [(2, "Type I: "), (5, "Type I: ")],
        "Farbel": [(11, "Type II:"), (12, "Type II:")],
        "Media Plus": [(19, "Type III"), (20, "Type III")],
    }
    case_4 = next(row for row in rows if row["caseNumber"] == "4")
    assert case_4["otherParticipants"] == "Niwa Denki"


def test_q39_tama_against_silicon_valley(canned: CannedQueries) -> None:
    rows = {(r["indicatorLabel"], r["unitLabel"]): r for r in ask(canned, "compare-indicators")}
    expected = {
        ("area", "square kilometres"): (3058, 3900, "0.78"),
        ("population", "persons"): (10693000, 2300000, "4.65"),
        ("manufacturing employees", "persons"): (648202, 376318, "1.72"),
        ("manufacturing establishments", "count"): (19184, 3879, "4.95"),
        ("value of shipments", "billion yen"): (24619, 12000, "2.05"),
        ("value of shipments", "billion US dollars"): (205, 100, "2.05"),
    }
    for key, (tama, valley, ratio) in expected.items():
        assert (int(rows[key]["valueA"]), int(rows[key]["valueB"])) == (tama, valley)
        assert number(rows[key]["ratio"]) == Decimal(ratio)
    assert rows[("manufacturing employees", "persons")]["periodA"] == "2000"
    assert rows[("manufacturing employees", "persons")]["periodB"] == "1995"
    per_employee_tama = 24619e9 / 648202 / 1e6
    per_employee_valley = 12000e9 / 376318 / 1e6
    assert round(per_employee_tama, 1) == 38.0 and round(per_employee_valley, 1) == 31.9


def test_q40_formation_and_the_role_of_government(canned: CannedQueries) -> None:
    rows = ask(canned, "formation-modes")
    by_label = {row["label"]: row for row in rows}
    assert by_label["Silicon Valley"]["formationMode"] == "formed autonomously"
    assert by_label["Silicon Valley"]["countryLabel"] == "United States"
    us_clusters = next(row for row in rows if "Council on Competitiveness" in row["label"])
    assert us_clusters["statement"] == "41"
    german = {row["label"] for row in rows if row["formationMode"] == "led by regional government"}
    assert {"Berlin-Brandenburg", "Dresden–Saxony", "Dortmund (Ruhr region) cluster"} <= german
    statements = " ".join(column(rows, "statement"))
    assert "self-generated" in statements and "supportive role" in statements
    bioregio = {row["programmeLabel"] for row in ask(canned, "programmes", country=ID + "place/germany")}
    assert "BioRegio" in bioregio


def test_q41_ivam_and_tama_association_compared(canned: CannedQueries) -> None:
    rows = ask(canned, "compare-organisations")
    facts: dict[tuple[str, str], list[str]] = {}
    for row in rows:
        facts.setdefault((row["aspect"], row["organisation"]), []).append(row["value"])
    assert facts[("founded", "IVAM")][0].startswith("1993")
    assert facts[("founded", "TAMA Association")][0].startswith("2001-04")
    assert facts[("grew out of", "TAMA Association")] == [
        "TAMA Industrial Revitalization Council",
        "TAMA preparatory committee",
    ]
    shares = " | ".join(facts[("funding shares", "IVAM")])
    assert all(part in shares for part in ("80 percent", "50 percent", "5 percent", "45 percent", "40 percent"))
    fees = " | ".join(facts[("membership fee", "TAMA Association")])
    assert "7 ten thousand yen" in fees and "49 ten thousand yen" in fees  # 70,000 and 490,000 yen
    assert {"Hachioji City", "Sagamihara City", "Sayama City"} <= set(facts[("secretariat run by", "TAMA Association")])
    assert len(facts[("organisations under it", "IVAM")]) == 4
    assert any(value.startswith("597 (2004-01-05)") for value in facts[("members as stated", "TAMA Association")])
    assert any(value.startswith("8 count") for value in facts[("countries of members", "IVAM")])


def test_q42_product_development_and_base_technology_smes(canned: CannedQueries) -> None:
    definitions = ask(canned, "definitions", term=ONT + "ProductDevelopmentSME")
    assert any("design capability" in row["definitionText"] for row in definitions)
    base = ask(canned, "definitions", term=ONT + "BaseTechnologySME")
    assert any("cutting" in row["definitionText"] for row in base)
    rows = ask(canned, "sme-type-indicators")
    figures = {
        (r["indicatorLabel"], "non-members" in r["group"]): (r["value"], r["maxValue"])
        for r in rows
        if r["firmType"] == "product-development type"
    }
    assert figures[("customers per firm", False)] == ("250", "") == figures[("customers per firm", True)]
    assert figures[("subcontractors per firm", False)] == ("150", "")
    assert figures[("subcontractors per firm", True)] == ("50", "60")
    assert figures[("patents held per firm", False)] == ("8", "9")
    assert figures[("annual rate of decrease in employment", False)] == ("0.2", "")
    sme = ask(canned, "definitions", term=ONT + "SME")
    assert any("300 million yen" in row["definitionText"] and "300 employees" in row["definitionText"] for row in sme)


def test_every_public_question_has_a_test_here() -> None:
    tested = {name.split("_")[1] for name in globals() if name.startswith("test_q")}
    tagged = {tag.lower() for query in catalogue() for tag in query.header.tags if tag.startswith("Q")}
    assert tagged <= tested, sorted(tagged - tested)
