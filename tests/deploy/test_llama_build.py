"""The llama-cpp-python build is the portable one (no native tuning, no AVX-512, no AMX kernels).

A tuned build faults on machines of another kind (issue 14: AMX kernels crashed the test server
on Intel Xeons), so the installed build itself is checked, and so is the checker.
"""

from __future__ import annotations

import importlib.util
import subprocess
import sys
from types import ModuleType

import pytest

from tests.deploy.helpers import DEPLOY, REPO

CHECK = DEPLOY / "llama_build_check.py"
PORTABLE = (
    "CPU : SSE3 = 1 | SSSE3 = 1 | AVX = 1 | AVX2 = 1 | F16C = 1 | FMA = 1 | BMI2 = 0 | AVX512 = 0 | "
    "AVX512_VBMI = 0 | AVX512_VNNI = 0 | AVX512_BF16 = 0 | AMX_INT8 = 0 | LLAMAFILE = 1 | OPENMP = 1 |"
)
NATIVE_AMX = PORTABLE.replace("AVX512 = 0", "AVX512 = 1").replace("AMX_INT8 = 0", "AMX_INT8 = 1")


def load_check() -> ModuleType:
    spec = importlib.util.spec_from_file_location("llama_build_check", CHECK)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.mark.parametrize(
    ("report", "expected"),
    [
        (PORTABLE, []),
        (NATIVE_AMX, ["AVX512 kernels are compiled in", "AMX_INT8 kernels are compiled in"]),
        (PORTABLE.replace("AVX2 = 1", "AVX2 = 0"), ["AVX2 is missing (the baseline needs it)"]),
        (PORTABLE.replace("| LLAMAFILE", "| AVX_VNNI = 1 | LLAMAFILE"), ["AVX_VNNI kernels are compiled in"]),
    ],
)
def test_checker_names_what_is_not_portable(report: str, expected: list[str]) -> None:
    check = load_check()
    assert check.problems(check.compiled_features(report)) == expected


def test_installed_build_is_portable() -> None:
    """What `make install` put in this environment passes the check it runs itself."""
    done = subprocess.run([sys.executable, str(CHECK)], capture_output=True, text=True, cwd=REPO, check=False)
    assert done.returncode == 0, done.stderr
    assert "portable build" in done.stdout


def test_makefile_builds_portably_outside_pips_wheel_cache() -> None:
    """The flags are pinned in the Makefile and the wheel never comes from pip's cache."""
    makefile = (REPO / "Makefile").read_text(encoding="utf-8")
    for flag in ("-DGGML_NATIVE=OFF", "-DGGML_AVX2=ON", "-DGGML_AVX512=OFF", "-DGGML_AMX_INT8=OFF"):
        assert flag in makefile
    wheel_build = next(line for line in makefile.replace("\\\n", " ").splitlines() if "pip wheel" in line)
    assert "--no-cache-dir" in wheel_build and "--no-binary llama-cpp-python" in wheel_build
    assert "$(PY) deploy/llama_build_check.py" in makefile
