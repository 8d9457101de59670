"""``python -m clusterkg`` is the ``clusterkg`` command."""

from .cli import main

main()
