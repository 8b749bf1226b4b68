"""The Catalog domain: tenants and their collections, the Catalog objects and their vocabulary, the
list query language, the ingest summary, and fixture files.
"""
