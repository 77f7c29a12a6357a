"""Situation-brief generator: curated YAML facts in, cited briefs out."""

__version__ = "0.1.0"
