"""custom:*: the fixed tasks (multiples, quiz, reversed text, sorted lists, CSV tables, dates)."""

from __future__ import annotations

import unicodedata

import pytest

from graph.constraints import build
from graph.errors import ConstraintParamError
from tests.graph.constraints.ifbench.cases import CAPITALS, Case, run_case

COUNTRIES = sorted(
    [f"Country {chr(65 + i // 26)}{chr(65 + i % 26)}" for i in range(51)] + ["Zimbabwe"],
    key=lambda c: unicodedata.normalize("NFKD", c),
    reverse=True,
)  # 52 lines, Zimbabwe first


def mcq(lengths: list[int], options: int = 5) -> str:
    blocks = []
    for number, length in enumerate(lengths, start=1):
        lines = [f"Question {number}: " + "x" * length] + [
            f"{'ABCDE'[i]}) option {i}" for i in range(options)
        ]
        blocks.append("\n".join(lines))
    return "\n\n".join(blocks)


def city(rows: int) -> str:
    return "ID,Country,City,Year,Count\n" + "\n".join(
        f"{i},France,Paris,2020,{i}" for i in range(1, rows + 1)
    )


def products(rows: int, special_at: int = 3) -> str:
    body = [
        f'{i},Tools,"Acme & Co",9,{i}' if i == special_at else f"{i},Tools,Acme,9,{i}"
        for i in range(1, rows + 1)
    ]
    return "ProductID,Category,Brand,Price,Stock\n" + "\n".join(body)


def students(rows: int, quote: bool = True) -> str:
    q = '"' if quote else ""
    header = "\t".join(f'"{name}"' for name in ("StudentID", "Subject", "Grade", "Semester", "Score"))
    body = [f"{q}{i}{q}\t{q}Math{q}\t{q}A{q}\t{q}Fall{q}\t{q}9{i}{q}" for i in range(1, rows + 1)]
    return "\n".join([header, *body])


ALPHABET = " ".join(f"{chr(65 + i)}x runs." for i in range(26))
CASES: list[Case] = [
    ("custom:multiples", {}, "14, 21, 28, 35, 42, 49", True, True),
    ("custom:multiples", {}, "14, 21, 28, 35, 42", False, False),
    ("custom:multiples", {}, "From 10 to 50: 14, 21, 28, 35, 42, 49", False, False),  # every number counts
    ("custom:multiples", {}, "From 10 to 50:\n14 21 28 35 42 49", False, True),
    ("custom:mcq_count_length", {}, mcq([10, 20, 30, 40]), True, True),
    ("custom:mcq_count_length", {}, mcq([10, 20, 30]), False, False),  # 3 questions
    ("custom:mcq_count_length", {}, mcq([10, 20, 30, 40, 50]), False, False),  # 5 questions
    ("custom:mcq_count_length", {}, mcq([10, 20, 30, 40], options=4), False, False),
    ("custom:mcq_count_length", {}, mcq([10, 20, 20, 40]), False, False),  # not strictly longer
    ("custom:mcq_count_length", {}, "Here:\n" + mcq([10, 20, 30, 40]), False, True),  # text before
    ("custom:reverse_newline", {}, "\n".join(COUNTRIES), True, True),
    ("custom:reverse_newline", {}, "\n".join(COUNTRIES[:-1]), False, False),  # 51 lines
    ("custom:reverse_newline", {}, "\n".join(COUNTRIES[1:]), False, False),  # no Zimbabwe
    (
        "custom:reverse_newline",
        {},
        "\n".join(COUNTRIES[:1] + COUNTRIES[2:3] + COUNTRIES[1:2] + COUNTRIES[3:]),
        False,
        False,
    ),
    ("custom:word_reverse", {}, "Eagle bald the is it.", True, True),
    ("custom:word_reverse", {}, "It is the bald eagle.", False, False),
    ("custom:character_reverse", {}, ".elgae dlab ehT", True, True),
    ("custom:character_reverse", {}, "The bald eagle.", False, False),
    ("custom:sentence_alphabet", {}, ALPHABET, True, True),
    ("custom:sentence_alphabet", {}, ALPHABET.rsplit(" ", 2)[0], False, False),  # 25 sentences
    ("custom:sentence_alphabet", {}, ALPHABET + " Again x.", False, False),  # 27 sentences
    ("custom:sentence_alphabet", {}, ALPHABET.replace("Cx", "Kx"), False, False),
    ("custom:european_capitals_sort", {}, ", ".join(CAPITALS), True, True),
    ("custom:european_capitals_sort", {}, ", ".join(CAPITALS[:-1]), False, False),
    ("custom:european_capitals_sort", {}, ", ".join(CAPITALS[1::-1] + CAPITALS[2:]), False, False),
    ("custom:european_capitals_sort", {}, ", ".join(CAPITALS) + ",", True, True),  # an empty item is dropped
    ("custom:csv_city", {}, city(7), True, True),
    ("custom:csv_city", {}, city(6), False, False),
    ("custom:csv_city", {}, city(8), False, True),  # loose drops the last row
    ("custom:csv_city", {}, city(7).replace("ID,Country", "ID, Country"), False, False),
    ("custom:csv_special_character", {}, products(14), True, True),
    ("custom:csv_special_character", {}, products(13), False, False),
    ("custom:csv_special_character", {}, products(15), False, True),  # loose drops the last row
    ("custom:csv_special_character", {}, products(14, special_at=0), False, False),  # nothing quoted
    ("custom:csv_quotes", {}, students(3), True, True),
    ("custom:csv_quotes", {}, students(2), False, False),
    ("custom:csv_quotes", {}, students(4), False, True),
    ("custom:csv_quotes", {}, students(3, quote=False), False, False),
    ("custom:csv_quotes", {}, students(3).replace('"Math"', '""', 1), True, True),  # a quoted empty field
    ("custom:csv_quotes", {}, students(3).replace('"Math"', "", 1), False, False),  # empty: officially raises
    ("custom:date_format_list", {}, "1805-12-02, 1806-10-14, 1815-06-18", True, True),
    ("custom:date_format_list", {}, "1805-12-02, 1806/10/14", False, False),
    ("custom:date_format_list", {}, "1768-12-02", False, False),  # before 1769
    ("custom:date_format_list", {}, "1821-12-31, 1769-01-01", True, True),  # both bounds
    ("custom:date_format_list", {}, "1822-01-01", False, False),
    ("custom:date_format_list", {}, "1805-02-30", False, False),
    ("custom:date_format_list", {}, "1805-00-00", True, True),  # only upper bounds are checked
    ("custom:date_format_list", {}, "1805-04-31", False, False),
]


@pytest.mark.parametrize(("constraint_id", "kwargs", "response", "strict", "loose"), CASES)
def test_custom_cases(constraint_id: str, kwargs: dict, response: str, strict: bool, loose: bool) -> None:
    run_case(constraint_id, kwargs, response, strict, loose)


def test_fixed_tasks_ignore_kwargs_as_officially() -> None:
    """custom:* officially take ``**kwargs`` and ignore them; the format ids take none and refuse them."""
    assert build("custom:multiples", {"N": 3, "word": "x"}).kwargs() == {}
    with pytest.raises(ConstraintParamError) as caught:
        build("format:newline", {"N": 3})
    assert caught.value.field == "N"
