"""Types of the compiled module (``_kernels.c``); arrays are read through the buffer protocol."""

from typing import Any, TypeAlias

import numpy as np
from typing_extensions import Buffer

_Buf: TypeAlias = Buffer | np.ndarray[Any, Any]

def count_words(text: str, /) -> int: ...
def gram_table(keys: _Buf, rows: _Buf, /) -> bytes: ...
def ngram_rows(prepared: str, table: _Buf, /) -> bytes: ...
def walk(
    rows: _Buf,
    words: _Buf,
    data: _Buf,
    cols: _Buf,
    ptr: _Buf,
    n_langs: int,
    all_trials: bool = ...,
    /,
) -> tuple[int, float] | None: ...
