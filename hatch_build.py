"""Ship the ontology, shapes, data and queries inside the wheel (as ``clusterkg/_resources/...``).

A hook rather than a static ``force-include`` so that a directory that does not exist yet is skipped
instead of failing the build.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from hatchling.builders.hooks.plugin.interface import BuildHookInterface

RESOURCE_DIRS = {
    "ontology": "clusterkg/_resources/ontology",
    "data/ttl": "clusterkg/_resources/data/ttl",
    "queries": "clusterkg/_resources/queries",
    "data/links": "clusterkg/_resources/data/links",
}


class CustomBuildHook(BuildHookInterface):  # type: ignore[type-arg]
    def initialize(self, version: str, build_data: dict[str, Any]) -> None:
        if self.target_name != "wheel" or version == "editable":
            return
        root = Path(self.root)
        for source, target in RESOURCE_DIRS.items():
            if (root / source).is_dir():
                build_data["force_include"][str(root / source)] = target
