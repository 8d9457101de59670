"""The example cases the validation page offers: the template case to start from, and the invalid examples,
each with one mistake, to see what validation reports (``data/examples/cases/{valid,invalid}/*.ttl``).

An invalid example's title is its ``# Mistake:`` comment line.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from ..errors import NotFound
from ..sources import Resources

TEMPLATE = "valid/example-valley"


@dataclass(frozen=True)
class CaseExample:
    name: str  # its path under the cases folder, without .ttl: ``valid/example-valley``, ``invalid/missing-unit``
    title: str
    path: Path

    def to_json(self) -> dict[str, str]:
        return {"name": self.name, "title": self.title, "href": f"/validate/examples/{self.name}"}


def _title(path: Path) -> str:
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.startswith("# Mistake:"):
            return line.removeprefix("# Mistake:").strip()
    return path.stem.replace("-", " ")


def _example(cases_dir: Path, path: Path) -> CaseExample:
    name = path.relative_to(cases_dir).with_suffix("").as_posix()
    title = "The template case (Example Valley)" if name == TEMPLATE else _title(path)
    return CaseExample(name, title, path)


def template_case(resources: Resources) -> CaseExample | None:
    """The template case, or None where the sources hold no example cases."""
    path = resources.cases_dir / f"{TEMPLATE}.ttl"
    return _example(resources.cases_dir, path) if path.is_file() else None


def invalid_examples(resources: Resources) -> list[CaseExample]:
    cases_dir = resources.cases_dir
    return [_example(cases_dir, path) for path in sorted((cases_dir / "invalid").glob("*.ttl"))]


def case_example(resources: Resources, name: str) -> CaseExample:
    """The example called ``name``; NotFound names the ones there are.

    >>> from clusterkg.sources import locate
    >>> case_example(locate(), "invalid/no-such-mistake")
    Traceback (most recent call last):
    clusterkg.errors.NotFound: No example case invalid/no-such-mistake: see /validate/examples for the list.
    """
    known = {example.name: example for example in invalid_examples(resources)}
    template = template_case(resources)
    if template is not None:
        known[TEMPLATE] = template
    if name not in known:
        raise NotFound(f"No example case {name}: see /validate/examples for the list.")
    return known[name]
