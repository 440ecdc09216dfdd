"""The API against its own OpenAPI document (schemathesis over WSGI): no server errors, nothing off-schema.

Valid (positive) and invalid (negative) requests for every operation, sent with an enterprise's write
token. Bounded: MAX_EXAMPLES per operation and mode, so the run stays well under a minute. Schemathesis's
pytest plugin does not run under pytest 9, so the operations are driven through its Python API.
"""
import schemathesis
from hypothesis import HealthCheck, given, settings
from hypothesis.errors import Unsatisfiable
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from tests.api.conftest import bearer

CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance, response_headers_conformance,
          response_schema_conformance]
MAX_EXAMPLES = 6


def _modes(operation) -> tuple:
    """Invalid requests too where there is a query or body to break (a bare slug has no invalid value)."""
    if len(operation.query) or len(operation.body):
        return GenerationMode.POSITIVE, GenerationMode.NEGATIVE
    return (GenerationMode.POSITIVE,)


def _failures(operation, mode, headers) -> list[str]:
    """Run one operation in one generation mode; return what failed (empty when it conforms)."""
    @given(case=operation.as_strategy(generation_mode=mode))
    @settings(max_examples=MAX_EXAMPLES, deadline=None, database=None, derandomize=True,
              suppress_health_check=list(HealthCheck))
    def run(case):
        case.call_and_validate(headers=headers, checks=CHECKS)

    try:
        run()
    except Unsatisfiable:  # negative mode where every input is a free string (nothing is invalid)
        return []
    except (Exception, BaseExceptionGroup) as error:  # noqa: BLE001  (schemathesis raises a group of failures)
        return [f"{operation.method.upper()} {operation.path} ({mode.value}): {error!r}"[:3000]]
    return []


def test_api_conforms_to_its_openapi_document(unindexed, app, enterprise, need, draft, solution, product,
                                              published_case):
    schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", app)
    headers = bearer(enterprise)
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) >= 28
    failures = [failure for operation in operations for mode in _modes(operation)
                for failure in _failures(operation, mode, headers)]
    assert not failures, "\n\n".join(failures)
