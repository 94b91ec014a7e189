"""Refuse a llama-cpp-python build that is tuned to one kind of CPU.

`make install` builds llama-cpp-python with a portable baseline (AVX2, FMA, F16C; no AVX-512, no
AMX, no -march=native: see the Makefile). A wheel from elsewhere (pip's cache, an earlier native
build) would bring tuned kernels back, and such kernels fault on machines of another kind (AMX on
Intel Xeons crashed the test server). ggml reports the instruction sets it was compiled with, so
this reads that report and exits non-zero, naming the offending features, when the build is not
the portable one.
"""

from __future__ import annotations

import re
import sys

REQUIRED = ("AVX2", "FMA", "F16C")
# Compiled-in features that not every machine of ours has (AVX-512 family, AMX, AVX-VNNI).
FORBIDDEN = re.compile(r"^(AVX512.*|AMX.*|AVX_VNNI)$")


def compiled_features(report: str) -> dict[str, bool]:
    """``{"AVX2": True, "AMX_INT8": False, ...}`` from ggml's system-info line."""
    return {name: value == "1" for name, value in re.findall(r"([A-Z0-9_]+) = ([01])", report)}


def problems(features: dict[str, bool]) -> list[str]:
    """What makes this build non-portable (empty when it is the portable baseline)."""
    found = [f"{name} is missing (the baseline needs it)" for name in REQUIRED if not features.get(name)]
    found += [
        f"{name} kernels are compiled in" for name, on in features.items() if on and FORBIDDEN.match(name)
    ]
    return found


def main() -> int:
    import llama_cpp

    report = llama_cpp.llama_print_system_info().decode("utf-8", "replace")
    features = compiled_features(report)
    if not features:
        print(f"llama-cpp-python: no feature report to check: {report!r}", file=sys.stderr)
        return 1
    found = problems(features)
    if found:
        print(
            "llama-cpp-python is not the portable build (rebuild: rm -rf .wheels .venv && make install): "
            + "; ".join(found),
            file=sys.stderr,
        )
        return 1
    print(
        f"llama-cpp-python {llama_cpp.__version__}: portable build ({', '.join(REQUIRED)}; no AVX-512, no AMX)"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
