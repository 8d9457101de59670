"""Entries: new cases users send. Reading an entry, the ontology as validation needs it, the rules SHACL
cannot state, SHACL validation in the entry's context, reports, the accepted cases and who may write.
"""
