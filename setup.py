"""Build hook for the one compiled module; all other metadata lives in pyproject.toml.

``graph.constraints._kernels`` is optional: where no C compiler is available the build goes on
without it and language detection uses its numpy path (same answers, slower).
"""

from setuptools import Extension, setup

setup(
    ext_modules=[
        Extension(
            "graph.constraints._kernels",
            sources=["graph/constraints/_kernels.c"],
            # No fused multiply-add: each product and sum rounds as Python's own float ops do.
            extra_compile_args=["-O2", "-ffp-contract=off"],
            optional=True,
        )
    ]
)
