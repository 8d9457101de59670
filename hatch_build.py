"""Build the wheel with everything the service serves.

- The ontology, shapes, data, queries and example cases go in as ``clusterkg/_resources/...``: a hook rather
  than a static ``force-include`` so that a directory that does not exist yet is skipped instead of failing.
- The browser libraries (YASGUI, Chart.js) are installed from npm (``npm ci`` in ``web/``, pinned by its
  lock file) and copied into ``clusterkg/static/vendor`` with their licences (``web/vendor.mjs``). Without
  npm the build stops with a message saying so: a wheel whose pages miss their scripts is never made.
"""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path
from typing import Any

from hatchling.builders.hooks.plugin.interface import BuildHookInterface

RESOURCE_DIRS = {
    "ontology": "clusterkg/_resources/ontology",
    "data/ttl": "clusterkg/_resources/data/ttl",
    "queries": "clusterkg/_resources/queries",
    "data/links": "clusterkg/_resources/data/links",
    "data/examples/cases": "clusterkg/_resources/data/examples/cases",
}


def vendor_assets(root: Path) -> None:
    """``npm ci`` then ``node vendor.mjs`` in ``web/``; raises with the reason when npm or node is missing."""
    npm, node = shutil.which("npm"), shutil.which("node")
    if npm is None or node is None:
        raise RuntimeError(
            "Building the clusterkg wheel needs npm and Node.js: the web pages' libraries (YASGUI, Chart.js) "
            "are installed from npm at build time (web/package-lock.json). Install them "
            "(apt-get install npm) and build again."
        )
    web = root / "web"
    subprocess.run([npm, "ci", "--no-audit", "--no-fund", "--loglevel=error"], cwd=web, check=True)
    subprocess.run([node, "vendor.mjs"], cwd=web, check=True)


class CustomBuildHook(BuildHookInterface):  # type: ignore[type-arg]
    def initialize(self, version: str, build_data: dict[str, Any]) -> None:
        if self.target_name != "wheel" or version == "editable":
            return
        root = Path(self.root)
        vendor_assets(root)
        for source, target in RESOURCE_DIRS.items():
            if (root / source).is_dir():
                build_data["force_include"][str(root / source)] = target
