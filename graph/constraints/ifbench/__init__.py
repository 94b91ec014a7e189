"""IFBench's 58 out-of-distribution constraint types (allenai/IFBench), checked as officially.

Importing this package registers every IFBench family (count, ratio, words, sentence, format,
repeat, custom). Shared text helpers (IFBench's words, sentences, loose variants) live in
``common``.
"""

from graph.constraints.ifbench import (  # noqa: F401  (imported for registration)
    count,
    custom,
    custom_csv,
    custom_dates,
    formatting,
    layout,
    positions,
    ratio,
    repeat,
    sentence,
    words,
)
