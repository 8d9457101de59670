"""Find the ontology, shapes, data and queries: in a checkout, or inside the installed wheel.

The wheel carries them as ``clusterkg/_resources/{ontology,data/ttl,data/examples/cases,queries}`` (see ``hatch_build.py``);
an editable install or a checkout finds them at the repository root, two levels above this package.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

PACKAGE_DIR = Path(__file__).resolve().parent
WHEEL_ROOT = PACKAGE_DIR / "_resources"
CHECKOUT_ROOT = PACKAGE_DIR.parents[1]


@dataclass(frozen=True)
class Resources:
    """The source directories under one root (``root/ontology``, ``root/data/ttl``, ``root/queries``)."""

    root: Path

    @property
    def ontology_dir(self) -> Path:
        return self.root / "ontology"

    @property
    def shapes_dir(self) -> Path:
        return self.ontology_dir / "shapes"

    @property
    def data_dir(self) -> Path:
        return self.root / "data" / "ttl"

    @property
    def queries_dir(self) -> Path:
        return self.root / "queries"

    @property
    def cases_dir(self) -> Path:
        """The example cases: ``valid/`` (the template) and ``invalid/`` (one mistake each)."""
        return self.root / "data" / "examples" / "cases"

    def source_files(self) -> list[Path]:
        """The files a build loads: ``ontology/*.ttl`` (top level: shapes are not data) and ``data/ttl/**/*.ttl``."""
        files = sorted(self.ontology_dir.glob("*.ttl")) + sorted(self.data_dir.glob("**/*.ttl"))
        return [path for path in files if path.is_file()]

    def relative(self, path: Path) -> str:
        return path.relative_to(self.root).as_posix()


def locate(source_dir: Path | None = None) -> Resources:
    """The explicit ``source_dir`` if given, else the wheel's bundled copy, else the checkout."""
    if source_dir is not None:
        return Resources(Path(source_dir).resolve())
    if (WHEEL_ROOT / "ontology").is_dir() or (WHEEL_ROOT / "data").is_dir():
        return Resources(WHEEL_ROOT)
    return Resources(CHECKOUT_ROOT)
