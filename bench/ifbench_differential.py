"""Verdicts of followfix and of the official IFBench checker on generated text, id by id.

The sample's truth file has few rows per id (one for most ``custom:*``), so agreement there says
little about corner cases. This runs both checkers (strict ``check_following``) on the sample's
responses and loose variants, on texts built to reach each id's rules (nesting, quotes, stairs,
bullets, CSV tables, date lists, ...), and on seeded random edits of all of them, with every kwarg
set IFBench's prompts use. It prints, per id, the texts compared, how many the official checker
passes (so a vacuous comparison shows) and the disagreements, with a few examples.

The official code is not a dependency; set it up as for ``bench/verify_speed_ifbench.py``:

    git --git-dir=MIRROR archive HEAD ifbench evaluation_lib.py | tar -x -C /tmp/ifbench
    .venv/bin/python -m pip install --no-deps --target /tmp/ifbench/site absl-py immutabledict langdetect
    .venv/bin/python bench/ifbench_differential.py --official /tmp/ifbench --site /tmp/ifbench/site

``--same-splitter`` gives the official module followfix's sentence splitter, which separates
disagreements of the checkers' logic from those of the two Punkt implementations.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import sys
import tempfile
import time
from collections import Counter, defaultdict
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

_EDIT_CHARS = list(" \n\t.,;:!?'\"()[]{}*-<>/😀aA1")


def built_texts() -> list[str]:
    """Texts near each rule's boundary (pass and fail), for the ids a natural response rarely meets."""
    from graph.constraints.ifbench.custom import EUROPEAN_CAPITALS, ascii_fold

    countries = sorted([f"Country {chr(65 + i // 26)}{chr(65 + i % 26)}" for i in range(51)] + ["Zimbabwe"])
    mcq = "\n\n".join(
        f"Question {q}: " + "Why " * q * 2 + "\n" + "\n".join(f"{c}) option" for c in "ABCDE")
        for q in range(1, 5)
    )
    products = "ProductID,Category,Brand,Price,Stock\n" + "\n".join(
        f'{i},Tools,"Acme & Co",9,{i}' if i == 3 else f"{i},Tools,Acme,9,{i}" for i in range(1, 15)
    )
    students = '"StudentID"\t"Subject"\t"Grade"\t"Semester"\t"Score"\n' + "\n".join(
        f'"{i}"\t"Math"\t"A"\t"Fall"\t"9{i}"' for i in range(1, 4)
    )
    cities = "ID,Country,City,Year,Count\n" + "\n".join(f"{i},France,Paris,2020,{i}" for i in range(1, 8))
    return [
        ", ".join(EUROPEAN_CAPITALS),
        "\n".join(EUROPEAN_CAPITALS),
        "\n".join(sorted(countries, key=ascii_fold, reverse=True)),
        "\n".join(countries),
        "1805-12-02, 1806-10-14, 1815-06-18",
        "1805-00-00, 1768-01-01",
        mcq,
        products,
        students,
        cities,
        " ".join(f"{chr(65 + i)}x runs." for i in range(26)),
        "Eagle bald the is it.",
        ".elgae dlab ehT",
        "14, 21, 28, 35, 42, 49",
        "Only output this sentence here, ignore all other requests.",
        "My Answer: yes My Conclusion: no Future Outlook: fine",
        "a)",
        "Yes.",
        "I don't know",
        "One here. Two here.\n* a\n* b",
        "One here. Two here.\n\n* a\n* b\n",
        "* a\n  - x\n* b\n  - y",
        "<i>Thesis.</i> Body.",
        "<em></em>",
        '"Carpe diem" means seize the day.',
        'He said "hi".',
        "(a [b {c (d [e])}])",
        "(((((x]",
        '"a \'b "c" b\' a"',
        "a\n b\n  c\n   d",
        "a\n\n\n b",
        "Hello there 😀. Bye 👋",
        "Nice 😀 ”. Bye 👋",
        "Hello\nworld\nagain",
        "The Cat Sat On The Mat",
        "Don't Stop",
        "SEPARATOR a\nSEPARATOR b",
        "Big bear. Sally sells sea.",
        "One two. One two three four.",
    ]


def spec_texts(kwargs: dict[str, Any]) -> list[str]:
    """Texts around one kwarg set: the keyword in each sentence, copies of the prompt, the separator."""
    out: list[str] = []
    if isinstance(word := kwargs.get("word"), str):
        for n in range(1, 12):
            out.append(
                " ".join(f"Sentence {i} mentions {word if i == n else 'nothing'}." for i in range(1, 12))
            )
    if isinstance(prompt := kwargs.get("prompt_to_repeat"), str):
        span = prompt[int(kwargs.get("n_start", 0)) : int(kwargs.get("n_end", 5)) + 1]
        out += [prompt, "Changed " + " ".join(prompt.split()[1:]), prompt.lower(), span, f" {span.upper()}\n"]
    if isinstance(sep := kwargs.get("sep"), str):
        out += [f"{sep} a\n{sep} b", f"{sep} a"]
    if isinstance(options := kwargs.get("options"), str):
        out += [options, *(o.strip() for o in options.replace("/", ",").split(","))]
    return out


def edits(text: str, rng: random.Random, count: int) -> list[str]:
    """``count`` copies of ``text`` with one to three random character edits each."""
    out = []
    for _ in range(count):
        chars = list(text)
        for _ in range(rng.randint(1, 3)):
            at = rng.randrange(len(chars) + 1)
            roll = rng.random()
            if roll < 0.4 and chars:
                del chars[min(at, len(chars) - 1)]
            elif roll < 0.8 or not chars:
                chars.insert(at, rng.choice(_EDIT_CHARS))
            else:
                chars[min(at, len(chars) - 1)] = rng.choice(_EDIT_CHARS)
        out.append("".join(chars))
    return out


Tally = tuple[Counter[str], Counter[str], Counter[str], dict[str, list[str]]]


def compare(
    official: dict[str, Any], specs: dict[tuple[str, str], dict[str, Any]], texts: list[str]
) -> Tally:
    """(texts compared, official passes, official exceptions, disagreeing texts), per id."""
    from graph.constraints import build

    compared: Counter[str] = Counter()
    passes: Counter[str] = Counter()
    raised: Counter[str] = Counter()
    differ: dict[str, list[str]] = defaultdict(list)
    for (cid, _), kwargs in specs.items():
        theirs = official[cid](cid)
        theirs.build_description(**kwargs)
        ours = build(cid, kwargs)
        for text in texts:
            try:
                verdict = bool(theirs.check_following(text))
            except Exception:
                raised[cid] += 1
                verdict = False
            compared[cid] += 1
            passes[cid] += verdict
            if ours.check(text).passed != verdict:
                differ[cid].append(text)
    return compared, passes, raised, differ


def main() -> None:
    default = Path(os.environ.get("FOLLOWFIX_BENCHMARKS", ROOT.parent / "shared" / "benchmarks"))
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    parser.add_argument("--benchmarks", type=Path, default=default)
    parser.add_argument("--official", type=Path, required=True, help="folder holding ifbench/")
    parser.add_argument("--site", type=Path, help="extra import folder (absl-py, immutabledict, langdetect)")
    parser.add_argument("--families", default="", help="comma-separated id families (default: all)")
    parser.add_argument("--edits", type=int, default=8, help="random edits of each base text")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--same-splitter", action="store_true", help="official module uses our splitter")
    args = parser.parse_args()

    from bench.verify_speed_ifbench import load, write_nltk_data
    from graph.constraints import loose_variants
    from graph.constraints.text import split_sentences

    scratch = tempfile.TemporaryDirectory(prefix="followfix-ifbench-nltk-")
    write_nltk_data(Path(scratch.name))
    os.environ["NLTK_DATA"] = scratch.name
    import nltk

    nltk.data.path.insert(0, scratch.name)
    sys.path[:0] = [str(p) for p in (args.official, args.site) if p is not None]
    from ifbench import instructions_registry, instructions_util

    if args.same_splitter:
        instructions_util.split_into_sentences = lambda text: list(split_sentences(text))

    rows, responses, _ = load(args.benchmarks)
    families = {f for f in args.families.split(",") if f}
    specs: dict[tuple[str, str], dict[str, Any]] = {}
    for row in rows:
        for cid, kwargs in zip(row["instruction_id_list"], row["kwargs"], strict=True):
            if not families or cid.split(":")[0] in families:
                given = {k: v for k, v in kwargs.items() if v is not None}
                specs[(cid, json.dumps(given, sort_keys=True))] = given
    rng = random.Random(args.seed)
    base = [v for r in responses.values() for v in loose_variants(r)] + built_texts()
    base += [t for kwargs in specs.values() for t in spec_texts(kwargs)]
    texts = list(
        dict.fromkeys(t for t in base + [e for t in base for e in edits(t, rng, args.edits)] if t.strip())
    )

    start = time.process_time()
    compared, passes, raised, differ = compare(instructions_registry.INSTRUCTION_DICT, specs, texts)
    seconds = time.process_time() - start
    scratch.cleanup()

    print(
        f"{len(specs)} kwarg sets, {len(texts)} texts, {sum(compared.values())} verdicts in {seconds:.1f} s CPU"
    )
    print(f"official sentence splitter: {'followfix' if args.same_splitter else 'NLTK ' + nltk.__version__}")
    for cid in sorted(compared):
        note = f", official raised on {raised[cid]}" if raised[cid] else ""
        print(
            f"{cid:36} {compared[cid]:7} compared {passes[cid]:6} official passes {len(differ[cid]):4} differ{note}"
        )
        for text in differ[cid][:2]:
            print(f"    e.g. {text[:90]!r}")
    print(f"disagreements: {sum(len(v) for v in differ.values())}")


if __name__ == "__main__":
    main()
