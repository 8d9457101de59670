"""Each public competency question (shared competency-questions.md) is answered by a SPARQL query over the
ontology and the data (tests/cq/Qxx.rq), and the answer is the one the source states."""

from __future__ import annotations

import re
from decimal import Decimal
from functools import cache
from pathlib import Path

from pyoxigraph import Literal, RdfFormat, Store

from graphfiles import ONTOLOGY_FILES, ROOT, data_files

CQ_DIR = ROOT / "tests" / "cq"
ONT = "https://w3id.org/clusterkg/ont#"
ID = "https://w3id.org/clusterkg/id/"
CONCEPT = "https://w3id.org/clusterkg/concept/"
XSD = "http://www.w3.org/2001/XMLSchema#"

Row = dict[str, object]


@cache
def store() -> Store:
    store = Store()
    for path in [*ONTOLOGY_FILES, *data_files()]:
        store.load(path=str(path), format=RdfFormat.TURTLE)
    return store


def python_value(term: object) -> object:
    if term is None:
        return None
    if isinstance(term, Literal):
        datatype = term.datatype.value
        if datatype == XSD + "integer":
            return int(term.value)
        if datatype == XSD + "decimal":
            return Decimal(term.value)
        if datatype == XSD + "boolean":
            return term.value == "true"
        return term.value
    return term.value  # type: ignore[attr-defined]


@cache
def answer(name: str) -> tuple[Row, ...]:
    solutions = store().query((CQ_DIR / f"{name}.rq").read_text(encoding="utf-8"))
    names = [v.value for v in solutions.variables]  # type: ignore[union-attr]
    return tuple({n: python_value(row[n]) for n in names} for row in solutions)  # type: ignore[union-attr]


def column(name: str, variable: str) -> set[object]:
    return {row[variable] for row in answer(name) if row[variable] is not None}


def ont(local: str) -> str:
    return ONT + local


def ident(path: str) -> str:
    return ID + path


def concept(path: str) -> str:
    return CONCEPT + path


def observed(name: str, **where: object) -> list[object]:
    """Values of the rows whose columns equal `where`."""
    return [row["value"] for row in answer(name) if all(row.get(k) == v for k, v in where.items())]


def test_every_query_file_is_used() -> None:
    names = {p.stem for p in CQ_DIR.glob("*.rq")}
    tested = set(re.findall(r'(?:answer|column|observed)\("([^"]+)"', Path(__file__).read_text(encoding="utf-8")))
    assert names <= tested, f"queries without a test: {sorted(names - tested)}"


def test_q01_actor_types_of_the_todai_soken_definition() -> None:
    assert column("Q01", "actorType") == {
        ont("ManufacturingFirm"),
        ont("ServiceFirm"),
        ont("ResearchInstitute"),
        ont("University"),
        ont("PublicResearchInstitute"),
        ont("LocalGovernment"),
    }


def test_q02_four_constituent_elements_of_tama() -> None:
    rows = answer("Q02")
    assert [row["componentType"] for row in rows] == [
        ont("LargeEnterprise"),
        ont("University"),
        ont("ProductDevelopmentSME"),
        ont("BaseTechnologySME"),
    ]


def test_q03_universities_and_laboratories_in_tama() -> None:
    rows = {row["indicator"]: row for row in answer("Q03")}
    assert rows[concept("indicator/universities")]["value"] == 38
    humanities = rows[concept("indicator/university-count-with-humanities")]
    assert (humanities["value"], humanities["approximation"]) == (90, concept("approximation/approximate"))
    laboratories = rows[concept("indicator/laboratories")]
    assert laboratories["value"] == 100
    assert laboratories["approximation"] in {concept("approximation/more-than"), concept("approximation/at-least")}
    # the laboratories of companies with capital of 10 billion yen or more (100億円以上)
    assert laboratories["firmSize"] == concept("breakdown/large")
    assert (laboratories["thresholdYen"], laboratories["thresholdApproximation"]) == (
        Decimal(10_000_000_000),
        concept("approximation/at-least"),
    )
    assert {ident("org/nec"), ident("org/toshiba"), ident("org/fujitsu")} <= column("Q03-firms", "firm")


def test_q05_the_network_that_distinguishes_a_cluster() -> None:
    kinds: dict[object, set[object]] = {}
    for row in answer("Q05"):
        kinds.setdefault(row["type"], set()).add(row["networkKind"])
    assert concept("network-kind/horizontal-industry-academia-government") in kinds[ont("Cluster")]
    assert concept("network-kind/vertical-company-town") in kinds[ont("CompanyTown")]
    assert concept("network-kind/infrastructure-sharing") in kinds[ont("IndustrialEstate")]
    statuses = {(row["type"], row["status"], row["aboutNetwork"]) for row in answer("Q05") if row["status"]}
    horizontal = concept("network-kind/horizontal-industry-academia-government")
    assert statuses == {(ont("TraditionalProductionDistrict"), concept("status/undeveloped"), horizontal)}
    differs = {row["differentFrom"] for row in answer("Q05") if row["type"] == ont("Cluster")} - {None}
    assert differs == {ont("TraditionalProductionDistrict"), ont("CompanyTown"), ont("IndustrialEstate")}


def test_q06_ivam_technology_broker_and_network_of_networks() -> None:
    assert "technology broker" in column("Q06", "role")
    assert concept("network-kind/network-of-networks") in column("Q06", "networkKind")


def test_q07_product_development_network_versus_company_town() -> None:
    rows = answer("Q07")
    pairs = {(row["type"], row["networkKind"]) for row in rows if row["type"]}
    assert (ont("ProductDevelopmentSME"), concept("network-kind/regional-production-network")) in pairs
    assert (ont("CompanyTown"), concept("network-kind/vertical-company-town")) in pairs
    survey = {(row["indicator"], row["value"]) for row in rows if row["indicator"]}
    assert (concept("indicator/customers-per-firm"), 200) in survey
    assert (concept("indicator/subcontractors-per-firm"), 50) in survey


def test_q07_who_orders_from_whom_and_what_it_leads_to() -> None:
    rows = answer("Q07-mechanisms")
    network, company_town = (
        ident(f"explanation/{m}") for m in ("product-development-sme-production-network", "company-town-direct-orders")
    )
    flows = {(row["mechanism"], row["fromType"], row["toType"]) for row in rows if row["order"] is not None}
    assert (network, ont("ProductDevelopmentSME"), ont("LargeEnterprise")) in flows
    assert (network, ont("ProductDevelopmentSME"), ont("BaseTechnologySME")) in flows
    assert (company_town, ont("LargeEnterprise"), ont("BaseTechnologySME")) in flows
    assert (company_town, ont("ProductDevelopmentSME"), ont("BaseTechnologySME")) not in flows
    compared = {(row["mechanism"], row["comparedWith"], row["result"]) for row in rows if row["comparedWith"]}
    assert (network, company_town, concept("comparison-result/different")) in compared
    assert concept("outcome-kind/spillover") in {row["outcomeKind"] for row in rows if row["mechanism"] == network}


def test_q09_six_business_lines_of_the_tama_association() -> None:
    rows = answer("Q09")
    assert {row["order"] for row in rows} == {1, 2, 3, 4, 5, 6}
    assert len({row["line"] for row in rows}) == 6
    functions = {(row["order"], row["function"]) for row in rows if row["function"]}
    assert {
        (1, concept("support-function/information-network")),
        (2, concept("support-function/industry-academia-collaboration")),
        (3, concept("support-function/exchange-promotion")),
        (4, concept("support-function/new-business-support")),
        (5, concept("support-function/hr-matching")),
        (6, concept("support-function/international-exchange")),
    } <= functions
    included = {(row["order"], row["includes"]) for row in rows if row["includes"]}
    assert (2, ident("service/tama-tlo-establishment")) in included
    assert (5, ident("service/tama-hr-matching")) in included


def test_q10_services_ivam_provides_to_smes() -> None:
    assert {
        concept(f"support-function/{f}")
        for f in (
            "product-development-guidance",
            "project-management",
            "technology-transfer",
            "start-up-support",
            "market-research",
            "strategy-consulting",
            "information-provision",
            "marketing",
            "trade-fair",
            "public-relations",
            "consulting",
        )
    } <= column("Q10", "function")
    assert len({row["service"] for row in answer("Q10") if row["order"] is not None}) == 9


def test_q11_coordinator_system_and_its_size() -> None:
    rows = answer("Q11")
    counts = {(row["coordinators"], row["approximation"]) for row in rows if row["coordinators"] is not None}
    assert counts == {(128, concept("approximation/exact")), (130, concept("approximation/approximate"))}
    assert any(row["free"] is True and row["programme"] for row in rows)


def test_q11_how_the_coordinator_system_works_and_who_pays() -> None:
    rows = answer("Q11-mechanism")
    steps = {row["order"]: row for row in rows if row["order"] is not None}
    assert sorted(steps) == [1, 2, 3, 4]
    assert (steps[2]["fromType"], steps[2]["toType"]) == (ont("IndividualExpert"), ont("Enterprise"))
    assert steps[3]["programme"] == ident("programme/industrial-cluster-support-subsidy")
    assert (steps[4]["fromType"], steps[4]["toType"]) == (ont("Enterprise"), ont("IndividualExpert"))
    contributions = {(row["contributionKind"], row["payerType"]) for row in rows if row["contributionKind"]}
    assert {
        (concept("contribution-kind/subsidy"), None),
        (concept("contribution-kind/payment"), ont("Enterprise")),
        (concept("contribution-kind/expertise"), ont("IndividualExpert")),
    } == contributions
    assert {concept(f"condition-kind/{k}") for k in ("eligibility", "limitation", "fee")} <= column(
        "Q11-mechanism", "conditionKind"
    )


def test_q12_hr_matching_partners_start_and_placements() -> None:
    rows = answer("Q12")
    assert column("Q12", "partner") == {
        ident("org/recruit-ablic"),
        ident("org/yokogawa-human-create"),
        ident("org/career-rise"),
        ident("org/sony-human-capital"),
    }
    assert {row["free"] for row in rows} == {True}
    assert column("Q12", "start") == {"2002"}
    assert column("Q12", "placements") == {12}


def test_q12_why_the_hr_matching_is_free_for_member_smes() -> None:
    rows = answer("Q12-why-free")
    reasons = {
        (row["reasonKind"], row["explainedProperty"], row["explainedValue"]) for row in rows if row["reasonKind"]
    }
    assert reasons == {(concept("reason-kind/cause"), ont("freeOfCharge"), True)}
    sponsorship = concept("contribution-kind/sponsorship")
    sponsors = {(row["causeFromType"], row["causeTo"]) for row in rows if row["causeKind"] == sponsorship}
    assert sponsors == {(ont("LargeEnterprise"), partner) for partner in column("Q12", "partner")}
    given = {(row["contributionKind"], row["from"]) for row in rows if row["contributionKind"]}
    assert (concept("contribution-kind/information"), ident("org/tama-association")) in given
    assert (concept("contribution-kind/candidates"), ident("org/recruit-ablic")) in given


def test_q13_ministries_programmes_and_projects() -> None:
    rows = {row["leadBody"]: row for row in answer("Q13")}
    meti = rows[ident("org/meti")]
    assert (meti["programme"], meti["start"], meti["projects"]) == (
        ident("programme/industrial-cluster-plan"),
        "2001",
        19,
    )
    assert rows[ident("org/mext")]["programme"] == ident("programme/knowledge-cluster")


def test_q13_knowledge_clusters_pass_research_results_to_firms() -> None:
    flows = {(row["contributionKind"], row["fromType"], row["toType"]) for row in answer("Q13-knowledge-cluster")}
    results = concept("contribution-kind/research-results")
    assert {
        (results, ont("University"), ont("Enterprise")),
        (results, ont("ResearchInstitute"), ont("Enterprise")),
    } <= flows


def test_q15_bioregio() -> None:
    assert column("Q15", "programme") == {ident("programme/bioregio")}


def test_q17_areas_tama_covers() -> None:
    rows = answer("Q17")
    centres = {(row["area"], row["centre"]) for row in rows if row["centre"]}
    assert {
        (ident("place/southwest-saitama"), ident(f"place/{c}")) for c in ("sayama", "tokorozawa", "kawagoe")
    } <= centres
    assert {(ident("place/central-kanagawa"), ident(f"place/{c}")) for c in ("sagamihara", "atsugi")} <= centres
    assert {ident("place/tama-area"), ident("place/kawasaki"), ident("place/yokohama")} <= column("Q17", "area")
    assert column("Q17", "excluded") == {ident("place/okutama"), ident("place/hinohara")}


def test_q17_what_tama_leaves_out_and_why() -> None:
    rows = answer("Q17-why-excluded")
    left_out = {row["place"] for row in rows if row["conditionKind"] == concept("condition-kind/exclusion")}
    assert left_out == {ident("place/okutama"), ident("place/hinohara")}
    included = {row["place"] for row in rows if row["conditionKind"] == concept("condition-kind/inclusion")}
    assert {ident("place/tama-area"), ident("place/sagamihara"), ident("place/kawagoe")} <= included
    assert not left_out & included
    reasons = {(row["excluded"], row["reasonKind"]) for row in rows if row["reasonKind"]}
    assert reasons == {(place, concept("reason-kind/rationale")) for place in left_out}


def test_q18_adlershof_today_and_master_plan_stage() -> None:
    figures = {row["indicator"]: row["value"] for row in answer("Q18")}
    assert figures[concept("indicator/researchers")] == 4000
    assert figures[concept("indicator/land-purchased")] == 420
    assert figures[concept("indicator/departments")] == 3
    assert figures[concept("indicator/research-institutes")] == 12
    assert figures[concept("indicator/firms")] == 300
    assert figures[concept("indicator/investment")] == 200  # hundred million yen: about 20 billion yen
    rows = answer("Q18-stage")
    [stage] = [row for row in rows if row["status"]]
    assert (stage["status"], stage["fromStage"], stage["toStage"]) == (
        concept("status/in-transition"),
        ident("programme/adlershof-phase-1"),
        ident("programme/adlershof-phase-2"),
    )
    steps = {(row["order"], row["from"]) for row in rows if row["order"] is not None}
    governments = {ident("org/german-federal-government"), ident("org/berlin-city-government")}
    assert steps == {(order, body) for order in (1, 2, 3) for body in governments}
    assert {concept("location-factor-kind/history"), concept("location-factor-kind/skilled-workforce")} <= column(
        "Q18-stage", "factorKind"
    )
    assert concept("outcome-kind/firm-creation") in column("Q18-stage", "outcomeKind")


def test_q20_organisations_under_tsb_and_their_fields() -> None:
    fields = {(row["organisation"], row["field"]) for row in answer("Q20")}
    assert {
        (ident("org/biotop"), concept("technology-field/biotechnology")),
        (ident("org/timekontor"), concept("technology-field/it")),
        (ident("org/timekontor"), concept("technology-field/multimedia")),
        (ident("org/fav"), concept("technology-field/transport-logistics")),
        (ident("org/tsbmedici"), concept("technology-field/medical-engineering")),
    } <= fields


def test_q21_four_organisations_ivam_created() -> None:
    types = {row["organisation"]: row["type"] for row in answer("Q21")}
    assert types == {
        ident("org/ivam-service"): ont("Enterprise"),
        ident("org/ivam-capital"): ont("InvestmentFund"),
        ident("org/avt-network-nrw"): ont("ExpertNetwork"),
        ident("org/mst-factory-dortmund"): ont("Incubator"),
    }


def test_q21_what_each_organisation_ivam_created_does_and_why() -> None:
    rows = answer("Q21-what-each-does")
    functions = {(row["organisation"], row["function"]) for row in rows if row["function"]}
    assert {
        (ident("org/ivam-service"), concept("support-function/trade-fair")),
        (ident("org/ivam-capital"), concept("support-function/venture-funding")),
        (ident("org/avt-network-nrw"), concept("support-function/consulting")),
        (ident("org/mst-factory-dortmund"), concept("support-function/incubation")),
    } <= functions
    explained = {row["organisation"] for row in rows if row["reasonKind"] == concept("reason-kind/cause")}
    assert explained == {organisation for organisation, _ in functions}


def test_q22_tama_tlo() -> None:
    assert column("Q22", "type") == {ont("TechnologyLicensingOrganisation")}
    assert column("Q22", "founded") == {"2000-07"}
    assert column("Q22", "law") == {ident("programme/tlo-law")}
    assert concept("support-function/licensing") in column("Q22", "function")


def test_q22_who_set_up_tama_tlo_and_how_it_licenses() -> None:
    rows = answer("Q22-how")
    assert {row["founder"] for row in rows if row["founder"]} == {ident("org/tama-council")}
    licensing = [row for row in rows if row["mechanism"] == ident("explanation/tama-tlo-licensing")]
    assert [(row["order"], row["fromType"], row["toType"]) for row in licensing] == [
        (1, ont("University"), None),
        (2, None, ont("Enterprise")),
    ]
    assert {row["from"] for row in licensing} == {ident("org/tama-tlo")}


def test_q23_tama_fund() -> None:
    [row] = answer("Q23")
    assert (row["founded"], row["funder"], row["function"], row["partner"]) == (
        "2003-04",
        ident("org/seibu-shinkin"),
        concept("support-function/venture-funding"),
        ident("org/tama-association"),
    )


def test_q23_what_each_side_gives_to_the_tama_fund_and_why() -> None:
    rows = answer("Q23-mechanism")
    given = {(row["contributionKind"], row["from"], row["to"]) for row in rows if row["contributionKind"]}
    fund, bank, association = (ident(f"org/{o}") for o in ("tama-fund", "seibu-shinkin", "tama-association"))
    assert (concept("contribution-kind/funding"), bank, fund) in given
    assert (concept("contribution-kind/evaluation"), association, fund) in given
    conditions = {(row["conditionKind"], row["appliesTo"]) for row in rows if row["conditionKind"]}
    assert (concept("condition-kind/eligibility"), association) in conditions
    assert concept("condition-kind/limitation") in {kind for kind, _ in conditions}
    motives = {(row["reasonKind"], row["explainedValue"]) for row in rows if row["reasonKind"]}
    assert motives == {(concept("reason-kind/motive"), bank)}


def test_q25_ivam_membership_over_time() -> None:
    total, company, institution = (concept(f"breakdown/{c}") for c in ("total", "company", "institution"))
    members = {
        (row["period"], row["category"], row["place"]): (row["value"], row["approximation"])
        for row in answer("Q25")
        if row["indicator"] == concept("indicator/member-count")
    }
    assert members[("1993", company, ident("place/dortmund"))] == (12, concept("approximation/exact"))
    assert members[("1998", total, total)] == (50, concept("approximation/more-than"))
    assert members[("1999", total, total)][0] == 65
    may_2002 = members[("2002-05", company, total)][0], members[("2002-05", institution, total)][0]
    assert may_2002 == (79, 30) and sum(may_2002) == 109  # type: ignore[arg-type]
    countries = {
        row["period"]: row["value"]
        for row in answer("Q25")
        if row["indicator"] == concept("indicator/member-countries")
    }
    assert countries == {"1999": 6, "2002-05": 8}
    assert observed("Q25", subject=ident("org/microstructure-initiative")) == [7]


def test_q26_tama_association_membership_growth() -> None:
    total, company = concept("breakdown/total"), concept("breakdown/company")
    growth = {(row["period"], row["category"]): row["value"] for row in answer("Q26")}
    assert growth[("1997-09", total)] == 55
    assert growth[("1998-04", total)] == 328
    assert growth[("1998-04", company)] == 190
    assert growth[("2004-01-05", total)] == 597
    assert growth[("2004-01-05", company)] == 297
    [row] = answer("Q26-growth")
    assert round(float(str(row["totalGrowth"])), 2) == 1.82  # "nearly double"
    assert row["companyIncrease"] == 107
    assert round(float(str(row["companyGrowthPercent"]))) == 56


def test_q27_tama_member_categories_add_up_to_597() -> None:
    [row] = answer("Q27")
    assert (row["total"], row["sumOfCategories"], row["categories"], row["companies"]) == (597, 597, 6, 297)
    assert round(float(str(row["companyShare"])), 3) == 0.497


def test_q28_ivam_companies_by_country_add_to_80_not_79() -> None:
    rows = {row["kind"]: row for row in answer("Q28")}
    companies = rows[concept("breakdown/company")]
    assert (companies["statedTotal"], companies["sumByCountry"], companies["countries"]) == (79, 80, 8)
    institutions = rows[concept("breakdown/institution")]
    assert (institutions["statedTotal"], institutions["sumByCountry"], institutions["countries"]) == (30, 30, 3)
    by_country = {(row["country"], row["kind"]): row["value"] for row in answer("Q28-countries")}
    company, institution = concept("breakdown/company"), concept("breakdown/institution")
    place = ident
    assert by_country == {
        (place("place/germany"), company): 62,
        (place("place/germany"), institution): 26,
        (place("place/netherlands"), company): 5,
        (place("place/netherlands"), institution): 3,
        (place("place/switzerland"), company): 4,
        (place("place/austria"), company): 3,
        (place("place/austria"), institution): 1,
        (place("place/uk"), company): 2,
        (place("place/france"), company): 2,
        (place("place/denmark"), company): 1,
        (place("place/usa"), company): 1,
    }


def test_q30_biotop_key_figures() -> None:
    figures = {(row["indicator"], row["industry"]): row["value"] for row in answer("Q30")}
    related, total = concept("breakdown/related-industry"), concept("breakdown/total")
    assert figures == {
        (concept("indicator/universities"), total): 3,
        (concept("indicator/research-groups"), total): 87,
        (concept("indicator/researchers"), total): 3095,
        (concept("indicator/firms"), related): 63,
        (concept("indicator/employees"), related): 1091,
        (concept("indicator/growth-rate"), related): 9,
    }
    growth = [row for row in answer("Q30") if row["indicator"] == concept("indicator/growth-rate")]
    assert [(row["unit"], row["periodNote"]) for row in growth] == [(concept("unit/percent"), "98-99年")]


def test_q32_dortmund_technology_center_and_park() -> None:
    tzdo, park = ident("org/tzdo"), ident("agglomeration/technology-park-dortmund")
    exact, at_least, approximately = (concept(f"approximation/{a}") for a in ("exact", "at-least", "approximate"))

    def figure(subject: str, indicator: str, **where: object) -> list[tuple[object, object]]:
        return [
            (row["value"], row["approximation"])
            for row in answer("Q32")
            if row["subject"] == subject
            and row["indicator"] == concept(f"indicator/{indicator}")
            and all(row[k] == v for k, v in where.items())
        ]

    assert figure(tzdo, "firms", period="2002-05") == [(50, exact)]
    assert figure(tzdo, "workers", period="2002-05") == [(1300, exact)]
    assert figure(tzdo, "buildings") == [(4, exact)]
    assert figure(park, "firms") == [(200, approximately)]
    assert figure(park, "workers") == [(8000, at_least)]
    assert figure(park, "jobs-created", fieldRelation=concept("breakdown/total"), period=None) == [(11000, exact)]
    assert figure(park, "jobs-created", fieldRelation=concept("breakdown/indirect")) == [(3674, exact)]
    assert figure(park, "jobs-created", period="2010") == [(70000, concept("approximation/estimate"))]
    assert figure(park, "jobs-held-by-residents", place=ident("place/dortmund")) == [(8270, exact)]
    [residents] = answer("Q32-residents")
    assert (residents["held"], residents["created"], residents["percent"]) == (8270, 11000, Decimal("75.2"))
    founded = {row["subject"]: row["founded"] for row in answer("Q32-founding")}
    assert founded == {tzdo: "1985", park: "1988"}


def test_q33_response_rates_of_the_2003_survey() -> None:
    member, non_member, total = (concept(f"breakdown/{c}") for c in ("member", "non-member", "total"))
    rows = {
        (row["indicator"], row["membership"], row["firmSize"], row["industry"]): row["value"] for row in answer("Q33")
    }
    population, respondents = concept("indicator/survey-population"), concept("indicator/respondents")
    assert rows[(population, member, total, total)] == 262
    assert rows[(respondents, member, total, total)] == 120
    assert rows[(population, non_member, total, total)] == 1364
    assert rows[(respondents, non_member, total, total)] == 94
    assert rows[(respondents, total, total, total)] == 214
    sme, machinery = concept("breakdown/sme"), concept("breakdown/machinery-metal-manufacturing")
    assert rows[(respondents, total, sme, total)] == 200
    assert rows[(respondents, total, sme, machinery)] == 158
    rates = {row["membership"]: (row["statedRate"], row["computedRate"]) for row in answer("Q33-rates")}
    assert rates == {member: (Decimal("45.8"), Decimal("45.8")), non_member: (Decimal("6.9"), Decimal("6.9"))}


def test_q34_collaboration_cases_and_the_association() -> None:
    def count(membership: str = "total", involvement: str = "total", status: str = "breakdown/total") -> object:
        [value] = [
            row["value"]
            for row in answer("Q34")
            if (row["membership"], row["involvement"], row["supportType"], row["status"])
            == (
                concept(f"breakdown/{membership}"),
                concept(f"breakdown/{involvement}"),
                concept("breakdown/total"),
                concept(status),
            )
        ]
        return value

    assert count() == 45
    assert count("member-case") == 40
    assert count("non-member-case") == 5
    assert count("member-case", "association-supported") == 23
    assert count("member-case", "not-involved") == 17
    assert count("member-case", "formed-through-association") == 20
    assert count(status="case-status/commercialised") == 15
    types = {row["supportType"]: row["value"] for row in answer("Q34") if row["status"] == concept("breakdown/total")}
    assert [types[concept(f"support-type/type-{t}")] for t in ("i", "ii", "iii", "iv")] == [8, 5, 7, 3]


def test_q35_four_brokering_types_on_two_axes() -> None:
    positions: dict[object, dict[object, object]] = {}
    for row in answer("Q35"):
        positions.setdefault(row["notation"], {})[row["axis"]] = row["level"]
    promotion, formation = concept("typology-axis/project-promotion"), concept("typology-axis/collaboration-formation")
    high, low = concept("axis-level/high"), concept("axis-level/low")
    assert positions == {
        "I": {promotion: high, formation: high},
        "II": {promotion: high, formation: low},
        "III": {promotion: low, formation: high},
        "IV": {promotion: low, formation: low},
    }
    labels = {row["notation"]: row["labelJa"] for row in answer("Q35")}
    assert labels["I"] == "Ⅰ 連携形成主導"


def test_q37_companies_in_more_than_one_supported_case() -> None:
    cases = {(row["company"], row["caseNumber"], row["supportType"]) for row in answer("Q37")}
    one, two, three = (concept(f"support-type/type-{t}") for t in ("i", "ii", "iii"))
    assert cases == {
        (ident("org/yamashita-denshi-sekkei"), 4, one),
        (ident("org/yamashita-denshi-sekkei"), 16, three),
        (ident("org/toa-dkk"), 2, one),
        (ident("org/toa-dkk"), 5, one),
        (ident("org/farbel"), 11, two),
        (ident("org/farbel"), 12, two),
        (ident("org/media-plus"), 19, three),
        (ident("org/media-plus"), 20, three),
    }


def test_q39_tama_and_silicon_valley() -> None:
    rows = {(row["indicator"], row["unit"]): row for row in answer("Q39")}

    def pair(indicator: str, unit: str) -> tuple[object, object]:
        row = rows[(concept(f"indicator/{indicator}"), concept(f"unit/{unit}"))]
        return row["tama"], row["siliconValley"]

    def years(indicator: str, unit: str) -> tuple[object, object]:
        row = rows[(concept(f"indicator/{indicator}"), concept(f"unit/{unit}"))]
        return row["tamaPeriod"], row["siliconValleyPeriod"]

    assert pair("area", "km2") == (3058, 3900)
    assert pair("population", "person") == (10693000, 2300000)
    assert pair("manufacturing-employees", "person") == (648202, 376318)
    assert pair("manufacturing-establishments", "count") == (19184, 3879)
    assert pair("shipments", "billion-yen") == (24619, 12000)
    assert pair("shipments", "billion-usd") == (205, 100)
    # slide 6 dates every manufacturing row: TAMA 2000, Silicon Valley 1995
    for indicator, unit in (
        ("manufacturing-employees", "person"),
        ("manufacturing-establishments", "count"),
        ("shipments", "billion-yen"),
        ("shipments", "billion-usd"),
    ):
        assert years(indicator, unit) == ("2000", "1995")
    ratio = rows[(concept("indicator/shipments"), concept("unit/billion-usd"))]["ratio"]
    assert round(float(str(ratio)), 2) == 2.05
    per_employee = {row["area"]: row["yenPerEmployee"] for row in answer("Q39-per-employee")}
    assert round(float(str(per_employee[ident("agglomeration/tama")])) / 1e6, 1) == 38.0
    assert round(float(str(per_employee[ident("agglomeration/silicon-valley")])) / 1e6, 1) == 31.9


def test_q40_formation_and_the_role_of_government() -> None:
    modes = {row["subject"]: row["formationMode"] for row in answer("Q40") if row["formationMode"]}
    assert modes[ident("agglomeration/silicon-valley")] == concept("formation-mode/autonomous")
    for place in ("berlin-brandenburg", "dresden", "dortmund"):
        assert modes[ident(f"agglomeration/{place}")] == concept("formation-mode/regional-government-led")
    assert ident("org/kanto-miti-bureau") in column("Q40", "supportedBy")


def test_q40_what_government_did_and_gives_in_tama() -> None:
    rows = answer("Q40-government-role")
    first_steps = {row["from"] for row in rows if row["order"] in (1, 2)}
    assert first_steps == {ident("org/kanto-miti-bureau")}
    from_government = {row["contributionKind"] for row in rows if row["fromType"] == ont("GovernmentBody")}
    assert from_government == {concept("contribution-kind/expertise"), concept("contribution-kind/subsidy")}
    fees = {row["fromType"] for row in rows if row["contributionKind"] == concept("contribution-kind/membership-fee")}
    assert fees == {ont("LargeEnterprise"), ont("SME")}
    assert concept("formation-mode/autonomous") in column("Q40-government-role", "mentions")


def test_q41_ivam_and_the_tama_association_compared() -> None:
    rows = answer("Q41")
    founded = {row["organisation"]: row["founded"] for row in rows}
    assert founded == {ident("org/ivam"): "1993", ident("org/tama-association"): "2001-04"}
    predecessors = {row["organisation"]: row["predecessor"] for row in rows}
    assert predecessors[ident("org/tama-association")] == ident("org/tama-council")
    shares = {(row["fundingSource"], row["value"], row["approximation"]) for row in rows if row["fundingSource"]}
    state, estimate, exact = (
        concept("breakdown/state-funding"),
        concept("approximation/estimate"),
        concept("approximation/exact"),
    )
    assert {(state, 80, exact), (state, 50, exact), (state, 40, estimate), (state, 0, estimate)} <= shares
    assert {(concept("breakdown/membership-fees"), 5, exact), (concept("breakdown/own-income"), 45, exact)} <= shares
    fees = {
        row["firmSize"]: row["valueInYen"] for row in rows if row["indicator"] == concept("indicator/membership-fee")
    }
    assert fees == {concept("breakdown/sme"): Decimal(70000), concept("breakdown/large"): Decimal(490000)}
    members = {
        (row["organisation"], row["period"], row["category"]): row["value"]
        for row in rows
        if row["indicator"] == concept("indicator/member-count")
    }
    total, company = concept("breakdown/total"), concept("breakdown/company")
    assert members[(ident("org/ivam"), "1993", company)] == 12
    assert (
        members[(ident("org/ivam"), "2002-05", company)]
        + members[(ident("org/ivam"), "2002-05", concept("breakdown/institution"))]
        == 109
    )  # type: ignore[operator]
    assert members[(ident("org/tama-association"), "2004-01-05", total)] == 597


def test_q41_origins_funding_members_and_arms_of_ivam_and_tama() -> None:
    rows = answer("Q41-structure")
    ivam, tama = ident("org/ivam"), ident("org/tama-association")

    def of(organisation: str, variable: str) -> set[object]:
        return {row[variable] for row in rows if row["organisation"] == organisation and row[variable] is not None}

    assert of(ivam, "predecessor") == {ident("org/microstructure-initiative")}
    assert of(tama, "predecessor") == {ident("org/tama-council"), ident("org/tama-preparatory-committee")}
    assert of(ivam, "founder") == {ident("org/technology-centre-dortmund-1985")}
    assert {concept(f"contribution-kind/{k}") for k in ("funding", "membership-fee", "agreement")} <= of(
        ivam, "contributionKind"
    )
    staff = {row["from"] for row in rows if row["contributionKind"] == concept("contribution-kind/staff")}
    assert staff == {ident(f"org/{city}-city") for city in ("hachioji", "sagamihara", "sayama")}
    assert of(ivam, "memberOrigin") == {
        ident(f"place/{c}")
        for c in ("germany", "netherlands", "switzerland", "austria", "uk", "france", "denmark", "usa")
    }
    assert len(of(ivam, "arm")) == 4
    assert {ident(f"org/{o}") for o in ("fuji-electric", "sayama-city", "seibu-shinkin", "recruit-ablic")} <= of(
        tama, "armContributor"
    )


def test_q42_product_development_and_base_technology_smes() -> None:
    rows = answer("Q42")
    definitions = {row["defined"] for row in rows if row["defined"]}
    assert {ont("ProductDevelopmentSME"), ont("BaseTechnologySME"), ont("SME")} <= definitions
    member, non_member = concept("breakdown/member"), concept("breakdown/non-member")
    product_development = concept("breakdown/product-development")
    figures = {
        (row["indicator"], row["membership"]): row
        for row in rows
        if row["indicator"] and row["developmentType"] == product_development
    }

    def of(indicator: str, membership: str) -> tuple[object, object, object]:
        row = figures[(concept(f"indicator/{indicator}"), membership)]
        return row["value"], row["min"], row["max"]

    assert of("customers-per-firm", member)[0] == of("customers-per-firm", non_member)[0] == 250
    assert of("subcontractors-per-firm", member) == (150, None, None)
    assert of("subcontractors-per-firm", non_member) == (50, 50, 60)
    assert of("patents-per-firm", member) == (8, 8, 9)
    assert of("patents-per-firm", non_member) == (8, 8, 9)
    assert of("employment-decrease-rate", member)[0] == Decimal("0.2")
    national = [row for row in rows if row["subject"] == ident("place/japan")]
    assert [(row["value"], row["approximation"]) for row in national] == [(3, concept("approximation/at-least"))]
    sme = ident("definition/tama-survey-2003-sme")
    thresholds = {
        (row["indicator"], row["valueInYen"] or row["value"]): row["approximation"]
        for row in rows
        if row["subject"] == sme and row["industry"] == concept("breakdown/total")
    }
    at_most = concept("approximation/at-most")
    assert thresholds == {
        (concept("indicator/capital-threshold"), Decimal(300_000_000)): at_most,  # 3億円
        (concept("indicator/employee-threshold"), 300): at_most,
    }


def test_q42_what_makes_a_product_development_or_base_technology_sme() -> None:
    rows = answer("Q42-criteria")
    lecture = ident("definition/product-development-sme-lecture")
    criteria = {row["condition"] for row in rows if row["definition"] == lecture and row["conditionKind"]}
    assert criteria == {
        ident(f"explanation/product-development-sme-criterion-{c}")
        for c in ("own-products", "own-product-share", "design-capability")
    }
    criterion = concept("condition-kind/criterion")
    types = {(row["definition"], row["aboutType"]) for row in rows if row["conditionKind"] == criterion}
    assert (ident("definition/base-technology-sme-lecture"), ont("BaseTechnologySME")) in types
    assert (ident("definition/tama-survey-2003-non-development-firm"), ont("BaseTechnologySME")) in types
    rationale = {row["definition"] for row in rows if row["reasonKind"] == concept("reason-kind/rationale")}
    assert lecture in rationale
    compared = {(row["aboutType"], row["comparedWithType"], row["result"]) for row in rows if row["result"]}
    assert compared == {
        (ont("BaseTechnologySME"), ont("ProductDevelopmentSME"), concept("comparison-result/different"))
    }
