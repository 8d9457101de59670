"""Linked Data: which service path serves which IRI, the description of a resource and its
representations (RDF by content negotiation, an HTML page with its actor-network picture), and the
ontology's documentation.
"""
