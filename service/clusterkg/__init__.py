"""ClusterKG: a knowledge graph of industrial-cluster policy and its SPARQL 1.1 query service."""

__version__ = "0.1.0"

__all__ = ["__version__"]
