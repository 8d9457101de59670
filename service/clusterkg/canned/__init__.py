"""Canned queries: the catalogue of ``queries/*.rq`` files and their ``#+`` headers, typed parameters,
binding them to a query, paging, running a query on a store, and federated queries.

The REST routes (``http/queries.py``) and the CLI (``clusterkg query``) both call ``runner.py``.
"""
