"""The SPARQL 1.1 Protocol: reading a query request, the query's form and policy checks, result formats
and content negotiation, and writing results.

Nothing here evaluates a query (that is ``store/``) or knows a route (that is ``http/``).
"""
