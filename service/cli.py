"""The ``followfix`` command line: one subcommand per module in ``service.commands``.

Each command module exposes ``register(subparsers)``; heavy imports stay inside the command
functions so ``followfix verify`` starts fast.
"""

from __future__ import annotations

import argparse
import importlib
import logging
import sys
from collections.abc import Sequence

from graph.errors import FollowfixError

COMMAND_MODULES = [
    "verify",
    "train",
    "generate",
    "eval",
    "pipeline",
    "export",
    "extract",
    "serve",
    "correct",
]


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="followfix",
        description="Verify, correct and learn from LLM responses to multi-constraint instructions.",
    )
    parser.add_argument("-v", "--verbose", action="store_true", help="debug logging")
    subparsers = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    for name in COMMAND_MODULES:
        importlib.import_module(f"service.commands.{name}").register(subparsers)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    logging.basicConfig(
        level=logging.DEBUG if args.verbose else logging.INFO,
        format="%(levelname)s %(name)s: %(message)s",
    )
    try:
        return int(args.handler(args) or 0)
    except FollowfixError as exc:
        print(f"followfix {args.command}: error: {exc}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
