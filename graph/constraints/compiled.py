"""The compiled kernels (``_kernels.c``) where the install built them, and the one switch for them.

Callers read ``ENABLED`` when called, so a benchmark or test that sets it to False runs every
pure-Python path (an install without a C compiler) in the same process.
"""

from __future__ import annotations

try:
    from graph.constraints import _kernels
except ImportError:  # installed without a C compiler: callers keep their pure-Python paths
    _kernels = None  # type: ignore[assignment]

kernels = _kernels  # callers test ENABLED first, so they never call into None
BUILT = kernels is not None
ENABLED = BUILT
