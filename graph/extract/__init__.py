"""Instruction text -> constraint specs: rules first (precise, free), the teacher LLM for the rest."""

from graph.extract.api import aextract, extract
from graph.extract.model import ExtractedConstraint
from graph.extract.rules import extract_rules

__all__ = ["ExtractedConstraint", "aextract", "extract", "extract_rules"]
