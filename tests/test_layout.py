"""The package's layout shows its architecture: few shared modules at the top, one documented subpackage
per capability, imports that never run in a circle, and short functions."""

from __future__ import annotations

import ast
from pathlib import Path

PACKAGE = Path(__file__).resolve().parents[1] / "service" / "clusterkg"
MAX_TOP_MODULES = 12
MAX_FUNCTION_LINES = 50


def modules() -> dict[str, Path]:
    """Dotted module name (``clusterkg.sparql.policy``) -> file."""
    found = {}
    for path in PACKAGE.rglob("*.py"):
        parts = ["clusterkg", *path.relative_to(PACKAGE).with_suffix("").parts]
        if parts[-1] == "__init__":
            parts.pop()
        found[".".join(parts)] = path
    return found


def imported(name: str, path: Path, known: set[str]) -> set[str]:
    """The package's modules that ``name`` imports (relative imports resolved)."""
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    targets = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom):
            base = package.split(".")[: len(package.split(".")) - (node.level - 1)] if node.level else []
            module = ".".join([*base, *([node.module] if node.module else [])])
            submodules = [f"{module}.{alias.name}" for alias in node.names]
            # ``from . import updates`` imports the module; ``from .base import Store`` a name of one
            attributes = [alias for alias, sub in zip(node.names, submodules, strict=True) if sub not in known]
            candidates = submodules + ([module] if attributes else [])
        elif isinstance(node, ast.Import):
            candidates = [alias.name for alias in node.names]
        else:
            continue
        targets |= {candidate for candidate in candidates if candidate in known and candidate != name}
    return targets


def cycle_from(start: str, graph: dict[str, set[str]]) -> list[str] | None:
    stack = [(start, [start])]
    seen = set()
    while stack:
        node, path = stack.pop()
        for target in graph[node]:
            if target == start:
                return [*path, start]
            if target not in seen:
                seen.add(target)
                stack.append((target, [*path, target]))
    return None


def test_the_top_of_the_package_holds_only_shared_modules() -> None:
    top = [path for path in PACKAGE.glob("*.py") if path.name not in ("__init__.py", "__main__.py")]
    assert len(top) <= MAX_TOP_MODULES, sorted(path.name for path in top)


def test_each_capability_is_a_subpackage_that_says_its_job() -> None:
    packages = [path.parent for path in PACKAGE.glob("*/__init__.py")]
    assert len(packages) >= 5
    for package in packages:
        docstring = ast.get_docstring(ast.parse((package / "__init__.py").read_text(encoding="utf-8")))
        assert docstring, f"{package.name}/__init__.py does not say what the package is for"


def test_no_module_imports_a_module_that_imports_it() -> None:
    found = modules()
    graph = {name: imported(name, path, set(found)) for name, path in found.items()}
    cycles = [cycle for name in graph if (cycle := cycle_from(name, graph))]
    assert not cycles, " ; ".join(" -> ".join(cycle) for cycle in cycles[:3])


def test_no_function_is_longer_than_fifty_lines() -> None:
    long = []
    for path in PACKAGE.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
                lines = (node.end_lineno or node.lineno) - node.lineno + 1
                if lines > MAX_FUNCTION_LINES:
                    long.append(f"{path.relative_to(PACKAGE)}:{node.name} ({lines} lines)")
    assert not long
