import random

import pytest

from graph.editdistance import levenshtein, normalized_edit_distance


def naive(a: str, b: str) -> int:
    previous = list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        current = [i]
        for j, cb in enumerate(b, 1):
            current.append(min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (ca != cb)))
        previous = current
    return previous[-1]


@pytest.mark.parametrize(
    ("a", "b", "expected"),
    [
        ("", "", 0),
        ("abc", "", 3),
        ("", "abc", 3),
        ("kitten", "sitting", 3),
        ("flaw", "lawn", 2),
        ("same", "same", 0),
    ],
)
def test_known_distances(a: str, b: str, expected: int) -> None:
    assert levenshtein(a, b) == expected


def test_bit_parallel_equals_dynamic_programme_on_random_strings() -> None:
    rng = random.Random(7)
    for _ in range(1500):
        a = "".join(rng.choice("ab c\n") for _ in range(rng.randint(0, 90)))
        b = "".join(rng.choice("ab c\n") for _ in range(rng.randint(0, 90)))
        assert levenshtein(a, b) == naive(a, b), (a, b)


def test_normalized_is_between_zero_and_one() -> None:
    assert normalized_edit_distance("", "") == 0.0
    assert normalized_edit_distance("abc", "xyz") == 1.0
    assert normalized_edit_distance("hello world", "hello world!") == pytest.approx(1 / 12)
