"""Trilingual newsroom translation pipeline: ingest, detect, segment, translate, store."""

__version__ = "0.1.0"
