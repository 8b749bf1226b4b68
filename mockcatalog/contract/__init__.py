"""The contract: openapi.yaml read once, the marshmallow schemas generated from it, request and
object validation, the names of its operations, Adobe's operations the mock does not serve, and
the coverage and ``mockcatalog contract`` command that check it from outside.
"""
