"""Property-based run over the OpenAPI schema against the live server: zero 5xx, responses match.

The schema is taken from the app object at import (the live server serves the same document);
``schemathesis.pytest.from_fixture`` would be the lazy alternative, but schemathesis 4.32 reads
``request.node._nodeid``, which pytest 9 no longer has. Bounded: 25 generated cases per operation,
no Hypothesis deadline (a live server on a shared machine), explicit examples first.
"""

from __future__ import annotations

import schemathesis
from hypothesis import HealthCheck, Phase, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    negative_data_rejection,
    response_schema_conformance,
    status_code_conformance,
)

from service.app import create_app
from service.settings import Settings

schema = schemathesis.openapi.from_dict(create_app(Settings(_env_file=None)).openapi())  # type: ignore[call-arg]

CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
    negative_data_rejection,
]


@schema.parametrize()
@settings(
    max_examples=25,
    deadline=None,
    phases=[Phase.explicit, Phase.generate],
    suppress_health_check=list(HealthCheck),
    derandomize=True,
)
def test_no_5xx_and_responses_match_the_schema(case: schemathesis.Case, open_url: str) -> None:
    checks = CHECKS
    if case.operation.path == "/v1/pairs":
        # The store's route parses `since`/`until` as pydantic datetimes, which also accept unix
        # timestamps that the documented `date-time` format does not: reported, not ours to change.
        checks = [check for check in CHECKS if check is not negative_data_rejection]
    case.call_and_validate(base_url=open_url, checks=checks, timeout=30)
