"""The verifiable-constraint library: IFEval's 25 and IFBench's 58 instruction types, checked as officially.

Importing this package registers every constraint family.
"""

from graph.constraints import (  # noqa: F401  (imported for registration)
    case,
    combination,
    content,
    format,
    ifbench,
    keywords,
    language,
    length,
    punctuation,
    startend,
)
from graph.constraints.base import CheckResult, Constraint
from graph.constraints.registry import build, catalogue, constraint_class
from graph.constraints.verify import Mode, build_constraints, check_loose, loose_variants, verify

__all__ = [
    "CheckResult",
    "Constraint",
    "Mode",
    "build",
    "build_constraints",
    "catalogue",
    "check_loose",
    "constraint_class",
    "loose_variants",
    "verify",
]

# Constraints of the user's own (entry point group ``followfix.constraints``, then the modules in
# FOLLOWFIX_CONSTRAINT_MODULES), after the built-ins so a plugin can never shadow one; a refused
# plugin stops start-up here, for the API, the CLI and the engine alike.
from graph.constraints import plugins

plugins.load_configured()
