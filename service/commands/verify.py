"""``followfix verify``: IFEval-style verdicts for a JSONL file, and the headline table."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

from graph.errors import InputFormatError
from service.jsonl import iter_jsonl


def register(subparsers: Any) -> None:
    parser = subparsers.add_parser(
        "verify",
        help="check responses against their constraints (strict and loose, as IFEval)",
        description="Rows need instruction_id_list + kwargs, and a response (own field or --responses).",
    )
    parser.add_argument(
        "--input", required=True, type=Path, help="JSONL rows with instruction_id_list and kwargs"
    )
    parser.add_argument(
        "--responses", type=Path, help="IFEval response JSONL (prompt, response), matched by prompt"
    )
    parser.add_argument("--output", type=Path, help="write one verdict row per input row (JSONL)")
    parser.add_argument("--mode", choices=["strict", "loose", "both"], default="both")
    parser.add_argument(
        "--table",
        choices=["auto", "always", "never"],
        default="auto",
        help="print the per-constraint verdict table (auto: for up to 50 rows)",
    )
    parser.add_argument(
        "--breakdown",
        action="store_true",
        help="also print accuracy per family and per instruction id (IFBench's report)",
    )
    parser.set_defaults(handler=run)


def load_responses(path: Path) -> dict[str, str]:
    responses: dict[str, str] = {}
    for number, row in iter_jsonl(path):
        if not isinstance(row.get("prompt"), str) or not isinstance(row.get("response"), str):
            raise InputFormatError(f"{path}:{number}: needs string fields 'prompt' and 'response'")
        responses[row["prompt"]] = row["response"]
        # IFBench's reader also matches a prompt without its surrounding whitespace.
        responses.setdefault(row["prompt"].strip(), row["response"])
    return responses


def find_response(responses: dict[str, str], prompt: Any) -> str | None:
    """The response to ``prompt``, tolerating surrounding whitespace as IFBench's evaluation does."""
    if not isinstance(prompt, str):
        return None
    found = responses.get(prompt)
    return found if found is not None else responses.get(prompt.strip())


def run(args: argparse.Namespace) -> int:
    from rich.console import Console

    from graph.constraints.scoring import headline, score_row
    from graph.errors import ConstraintError

    modes = ("strict", "loose") if args.mode == "both" else (args.mode,)
    responses = load_responses(args.responses) if args.responses else None
    verdicts = []
    keys: list[str] = []
    missing = 0
    out = args.output.open("w", encoding="utf-8") if args.output else None
    try:
        for number, row in iter_jsonl(args.input):
            ids = row.get("instruction_id_list")
            if not isinstance(ids, list):
                raise InputFormatError(f"{args.input}:{number}: missing field 'instruction_id_list'")
            found = (
                find_response(responses, row.get("prompt")) if responses is not None else row.get("response")
            )
            response = found if isinstance(found, str) else None
            if response is None:
                missing += 1
                response = ""  # no response follows nothing, as an empty one
            try:
                verdict = score_row(response, ids, row.get("kwargs") or [{}] * len(ids), modes)
            except ConstraintError as exc:
                raise InputFormatError(f"{args.input}:{number}: {exc.message}") from None
            verdicts.append(verdict)
            keys.append(str(row.get("key", row.get("id", number))))
            if out:
                out.write(json.dumps(_output_row(row, verdict, modes), ensure_ascii=False) + "\n")
    finally:
        if out:
            out.close()
    console = Console()
    if args.table == "always" or (args.table == "auto" and len(verdicts) <= 50):
        _print_verdicts(console, keys, verdicts, modes)
    _print_table(console, headline(verdicts), modes, missing)
    if args.breakdown:
        _print_breakdown(console, verdicts, modes)
    return 0


def _output_row(row: dict[str, Any], verdict: Any, modes: tuple[str, ...]) -> dict[str, Any]:
    out: dict[str, Any] = {
        "key": row.get("key", row.get("id")),
        "instruction_id_list": verdict.instruction_id_list,
    }
    if "strict" in modes:
        out["follow_instruction_list_strict"] = verdict.strict
        out["follow_all_strict"] = verdict.all_strict
    if "loose" in modes:
        out["follow_instruction_list_loose"] = verdict.loose
        out["follow_all_loose"] = verdict.all_loose
    out["details"] = verdict.details
    return out


def _print_verdicts(console: Any, keys: list[str], verdicts: list[Any], modes: tuple[str, ...]) -> None:
    from rich.markup import escape
    from rich.table import Table

    table = Table(title="verdicts per constraint")
    for column in ("row", "constraint", *modes, "why (strict)"):
        table.add_column(column)
    mark = {True: "[green]pass[/]", False: "[red]FAIL[/]"}
    for key, verdict in zip(keys, verdicts, strict=True):
        for index, constraint_id in enumerate(verdict.instruction_id_list):
            cells = [mark[getattr(verdict, mode)[index]] for mode in modes]
            detail = verdict.details[index]
            # details quote the response: "[name]" must print as text, not as rich markup
            table.add_row(escape(key), constraint_id, *cells, "" if detail == "ok" else escape(detail))
    console.print(table)


def _print_table(console: Any, head: Any, modes: tuple[str, ...], missing: int) -> None:
    from rich.table import Table

    table = Table(title=f"{head.prompts} prompts, {head.instructions} constraints")
    table.add_column("mode")
    table.add_column("prompt-level %", justify="right")
    table.add_column("instruction-level %", justify="right")
    if "strict" in modes:
        table.add_row("strict", f"{head.prompt_strict:.2f}", f"{head.instruction_strict:.2f}")
    if "loose" in modes:
        table.add_row("loose", f"{head.prompt_loose:.2f}", f"{head.instruction_loose:.2f}")
    console.print(table)
    if missing:
        print(f"{missing} rows had no response and count as failing", file=sys.stderr)


def _print_breakdown(console: Any, verdicts: list[Any], modes: tuple[str, ...]) -> None:
    """Accuracy per family (``count``) and per id (``count:numbers``), as IFBench's report."""
    from rich.table import Table

    from graph.constraints.scoring import breakdown

    for title, level in (("per family", "family"), ("per instruction", "id")):
        table = Table(title=f"accuracy {title} (%)")
        table.add_column(level)
        for mode in modes:
            table.add_column(mode, justify="right")
        table.add_column("n", justify="right")
        rows = {mode: breakdown(verdicts, mode, by_family=level == "family") for mode in modes}
        for name, (_, total) in sorted(rows[modes[0]].items()):
            cells = [f"{rows[mode][name][0]:.2f}" for mode in modes]
            table.add_row(name, *cells, str(total))
        console.print(table)
