"""Batch Ingestion and Data Access over the Catalog store: uploads, large files, processing, the
preview, the bounded vault of processed contents and reading them back.
"""
