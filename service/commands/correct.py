"""``followfix correct``: bulk correction of a dataset, concurrent, resumable, with progress.

Reads JSONL, Parquet or a ``datasets`` directory (paper, IFEval and IFBench formats); output rows
are the input row plus ``record_id`` and ``result`` (the CorrectionResult), appended as records
finish. Rerun the same command after an interruption: done records are skipped. The runner lives
in :mod:`service.bulk`; this module only registers the subcommand.
"""

from __future__ import annotations

import argparse
from typing import Any


def register(subparsers: Any) -> None:
    parser = subparsers.add_parser(
        "correct",
        help="correct a dataset until its constraints pass (rules, or a teacher LLM), resumably",
        description=(
            "Reads rows (prompt, response, instruction_id_list, kwargs; or instruction, response, "
            "constraints) and appends each with its result to --output; a rerun resumes."
        ),
    )
    from service.bulk.cli import add_arguments

    add_arguments(parser)
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    from service.bulk.cli import run as run_bulk

    return run_bulk(args)
