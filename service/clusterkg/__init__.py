"""ClusterKG: a knowledge graph of industrial-cluster policy and its SPARQL 1.1 query service."""

from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("clusterkg")
except PackageNotFoundError:  # pragma: no cover - running from a bare checkout
    __version__ = "0.0.0"

__all__ = ["__version__"]
