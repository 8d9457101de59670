"""Deterministic synthetic graphs shaped like ClusterKG's data, streamed to N-Quads.

The same seed and size always give the same bytes. The graph uses the project's ontology terms and
concept schemes: regions and countries, clusters with their cluster organisations (and a predecessor
each, as the TAMA Association has), organisations of several kinds with English and Japanese labels and
descriptions, memberships (``org:Membership`` blank nodes), support services with their support
functions, and ``ckg:Observation`` figures (member counts per cluster organisation and year, employees
per organisation) whose provenance is an ``ckg:Evidence`` blank node pointing at a passage.

    python benchmarks/generate.py --triples 100000 --out var/bench/synthetic-100k.nq

Entities are minted under ``https://w3id.org/clusterkg/id/.../bench-...`` and spread over 20 named
graphs ``https://w3id.org/clusterkg/graph/data/bench/part-NN``.
"""

from __future__ import annotations

import argparse
import random
import sys
from pathlib import Path
from typing import IO

ONT = "https://w3id.org/clusterkg/ont#"
ID = "https://w3id.org/clusterkg/id/"
CONCEPT = "https://w3id.org/clusterkg/concept/"
GRAPH = "https://w3id.org/clusterkg/graph/data/bench/part-"
RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
LABEL = "http://www.w3.org/2000/01/rdf-schema#label"
ORG = "http://www.w3.org/ns/org#"
OA_EXACT = "http://www.w3.org/ns/oa#exact"
XSD = "http://www.w3.org/2001/XMLSchema#"
GRAPHS = 20
PASSAGES_PER_OBSERVATION = 10  # observations cite the first passages, as a survey chapter does

ORG_KINDS = ("Enterprise", "SME", "ProductDevelopmentSME", "University", "ResearchInstitute", "FinancialInstitution")
FUNCTIONS = (
    "consulting",
    "financing",
    "incubation",
    "industry-academia-collaboration",
    "marketing",
    "matchmaking",
    "office-space",
    "partner-search",
    "rd-promotion",
    "education-training",
    "information-provision",
    "project-management",
)
WORDS = (
    "precision",
    "machining",
    "semiconductor",
    "optics",
    "software",
    "biotechnology",
    "sensor",
    "robotics",
    "medical",
    "materials",
    "electronics",
    "logistics",
    "photonics",
    "automotive",
    "energy",
    "microsystems",
)
WORDS_JA = ("精密", "加工", "半導体", "光学", "ソフトウェア", "バイオ", "センサー", "ロボット", "医療", "材料")
SCALE = {"k": 1_000, "m": 1_000_000}


def parse_size(text: str) -> int:
    """``100k`` -> 100000, ``1M`` -> 1000000, ``2500`` -> 2500."""
    text = text.strip().lower()
    if text[-1:] in SCALE:
        return int(float(text[:-1]) * SCALE[text[-1]])
    return int(text)


def iri(value: str) -> str:
    return f"<{value}>"


def text(value: str, lang: str) -> str:
    return f'"{value}"@{lang}'


def typed(value: object, datatype: str) -> str:
    return f'"{value}"^^<{XSD}{datatype}>'


class Writer:
    """Writes N-Quads lines into a rotating named graph and counts them."""

    def __init__(self, out: IO[str]) -> None:
        self.out = out
        self.count = 0
        self.graph = iri(GRAPH + "00")

    def use_graph(self, index: int) -> None:
        self.graph = iri(f"{GRAPH}{index % GRAPHS:02d}")

    def quad(self, s: str, p: str, o: str) -> None:
        self.out.write(f"{s} {p} {o} {self.graph} .\n")
        self.count += 1

    def labelled(self, s: str, kind: str, en: str, ja: str) -> None:
        self.quad(s, iri(RDF_TYPE), iri(kind))
        self.quad(s, iri(LABEL), text(en, "en"))
        self.quad(s, iri(LABEL), text(ja, "ja"))

    def evidence(self, s: str, node: str, passage: str, quote: str) -> None:
        self.quad(s, iri(ONT + "evidence"), node)
        self.quad(node, iri(RDF_TYPE), iri(ONT + "Evidence"))
        self.quad(node, iri(ONT + "inPassage"), passage)
        self.quad(node, iri(OA_EXACT), text(quote, "ja"))


class Shape:
    """How many of each thing a graph of ``triples`` triples has (about 55 triples per organisation)."""

    def __init__(self, triples: int) -> None:
        self.organisations = max(triples // 55, 10)
        self.clusters = max(self.organisations // 200, 5)
        self.regions = max(self.clusters // 2, 5)
        self.countries = 5
        self.passages = max(self.organisations // 20, 10)


def place(index: int) -> str:
    return iri(f"{ID}place/bench-region-{index}")


def country(index: int) -> str:
    return iri(f"{ID}place/bench-country-{index}")


def cluster_org(index: int) -> str:
    return iri(f"{ID}org/bench-cluster-org-{index}")


def organisation(index: int) -> str:
    return iri(f"{ID}org/bench-{index}")


def passage(index: int) -> str:
    return iri(f"{ID}doc/bench/passage-{index}")


def concept(scheme: str, code: str) -> str:
    return iri(f"{CONCEPT}{scheme}/{code}")


def write_places(w: Writer, shape: Shape) -> None:
    for c in range(shape.countries):
        w.labelled(country(c), ONT + "Country", f"Country {c}", f"国{c}")
    for r in range(shape.regions):
        w.labelled(place(r), ONT + "Region", f"Region {r}", f"地域{r}")
        w.quad(place(r), iri(ONT + "country"), country(r % shape.countries))
    for p in range(shape.passages):
        w.use_graph(p)
        w.quad(passage(p), iri(RDF_TYPE), iri(ONT + "Passage"))
        w.quad(passage(p), iri(ONT + "sectionPath"), f'"{p // 100 + 1}.{p % 100 + 1}"')


def write_cluster(w: Writer, rng: random.Random, shape: Shape, k: int) -> None:
    w.use_graph(k)
    cluster = iri(f"{ID}agglomeration/bench-{k}")
    org, predecessor = cluster_org(k), iri(f"{ID}org/bench-cluster-org-{k}-predecessor")
    w.labelled(cluster, ONT + "Cluster", f"Cluster {k}", f"クラスター{k}")
    w.quad(cluster, iri(ONT + "locatedIn"), place(k % shape.regions))
    w.labelled(org, ONT + "ClusterOrganisation", f"Cluster organisation {k}", f"クラスター推進組織{k}")
    w.labelled(predecessor, ONT + "Association", f"Preparatory council {k}", f"準備協議会{k}")
    w.quad(org, iri(ONT + "successorOf"), predecessor)
    w.quad(org, iri(ONT + "locatedIn"), place(k % shape.regions))
    members = 20
    for year in range(1995, 2005):
        members += rng.randint(5, 60)
        subject = predecessor if year < 1998 else org
        observe(
            w, rng, f"bench-cluster-{k}-members-{year}", subject, indicator="member-count", value=members, year=year
        )


def observe(w: Writer, rng: random.Random, name: str, subject: str, *, indicator: str, value: int, year: int) -> None:
    """One figure with its provenance (about 15 quads)."""
    obs = iri(f"{ID}obs/{name}")
    w.labelled(obs, ONT + "Observation", f"{indicator} {year}", f"{indicator}（{year}年）")
    w.quad(obs, iri(ONT + "subject"), subject)
    w.quad(obs, iri(ONT + "indicator"), concept("indicator", indicator))
    w.quad(obs, iri(ONT + "value"), typed(value, "integer"))
    w.quad(obs, iri(ONT + "unit"), concept("unit", "count"))
    w.quad(obs, iri(ONT + "approximation"), concept("approximation", rng.choice(("exact", "approximate", "at-least"))))
    w.quad(obs, iri(ONT + "refPeriod"), typed(f"{year}-{rng.randint(1, 12):02d}-01", "date"))
    w.quad(obs, iri(ONT + "inDataSet"), iri(f"{ID}dataset/bench-{year}"))
    w.evidence(obs, f"_:e-{name}", passage(rng.randrange(PASSAGES_PER_OBSERVATION)), f"{value}社を数える（{year}年）")


def write_organisation(w: Writer, rng: random.Random, shape: Shape, i: int) -> None:
    w.use_graph(i)
    org, k = organisation(i), i % shape.clusters
    field, other = rng.choice(WORDS), rng.choice(WORDS)
    kind = ORG_KINDS[rng.randrange(len(ORG_KINDS))]
    w.labelled(org, ONT + kind, f"{field.title()} {kind} {i}", f"{rng.choice(WORDS_JA)}企業{i}")
    w.quad(org, iri(ONT + "description"), text(f"A {kind} working on {field} and {other} in cluster {k}.", "en"))
    w.quad(org, iri(ONT + "locatedIn"), place(k % shape.regions))
    w.quad(org, iri(ONT + "country"), country(k % shape.regions % shape.countries))
    w.quad(org, iri(ONT + "memberOf"), cluster_org(k))
    write_membership(w, rng, shape, i, org=org, k=k)
    if i % 3 == 0:
        write_service(w, rng, shape, i, org)
    for year in rng.sample(range(1995, 2005), 2):
        value = rng.randint(3, 5000)
        observe(w, rng, f"bench-{i}-employees-{year}", org, indicator="employees", value=value, year=year)


def write_membership(w: Writer, rng: random.Random, shape: Shape, i: int, *, org: str, k: int) -> None:
    node = f"_:m{i}"
    w.quad(node, iri(RDF_TYPE), iri(ORG + "Membership"))
    w.quad(node, iri(LABEL), text(f"Organisation {i} in cluster organisation {k}", "en"))
    w.quad(node, iri(ORG + "member"), org)
    w.quad(node, iri(ORG + "organization"), cluster_org(k))
    w.quad(node, iri(ONT + "startDate"), typed(f"{rng.randint(1995, 2004)}-{rng.randint(1, 12):02d}", "gYearMonth"))
    w.evidence(node, f"_:me{i}", passage(i % shape.passages), f"会員企業{i}")


def write_service(w: Writer, rng: random.Random, shape: Shape, i: int, org: str) -> None:
    service = iri(f"{ID}service/bench-{i}")
    function = rng.choice(FUNCTIONS)
    w.labelled(service, ONT + "SupportService", f"{function.replace('-', ' ')} by {i}", f"支援サービス{i}")
    w.quad(service, iri(ONT + "supportFunction"), concept("support-function", function))
    w.quad(service, iri(ONT + "providedBy"), org)
    w.evidence(service, f"_:se{i}", passage(i % shape.passages), f"支援{i}")


def generate(out: IO[str], triples: int, seed: int = 42) -> int:
    """Write about ``triples`` quads (whole organisations only, stopping once reached); returns the count."""
    rng = random.Random(seed)  # noqa: S311 - reproducible data, not secrets
    shape = Shape(triples)
    w = Writer(out)
    write_places(w, shape)
    for k in range(shape.clusters):
        write_cluster(w, rng, shape, k)
    for i in range(shape.organisations * 2):
        if w.count >= triples:
            break
        write_organisation(w, rng, shape, i)
    return w.count


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--triples", required=True, help="size: 100k, 1M, 10M or a number")
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument("--out", type=Path, required=True)
    args = parser.parse_args(argv)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    with args.out.open("w", encoding="utf-8", buffering=1 << 20) as out:
        count = generate(out, parse_size(args.triples), args.seed)
    print(f"{args.out}: {count} quads", file=sys.stderr)


if __name__ == "__main__":
    main()
