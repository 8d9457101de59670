"""The dataset as a whole: its VoID/DCAT description, full dumps, imports of other datasets into named
graphs, and the external identifiers with their SSSOM mappings.
"""
