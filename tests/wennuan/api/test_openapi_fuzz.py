"""Issue 18: schemathesis generates requests from the OpenAPI description (valid and invalid
ones) and checks every answer against it: no server error, no undocumented status or content
type, no schema violation, invalid input refused. Slow (a few hundred
requests); CI runs it on SQLite and PostgreSQL."""

import pytest
import schemathesis
from django.core.wsgi import get_wsgi_application
from hypothesis import HealthCheck, settings
from schemathesis.specs.openapi.checks import positive_data_acceptance

from wennuan.api.models import ApiClient, hash_token

APP = get_wsgi_application()
SCHEMA = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", APP)
TOKEN = "fuzz-token-0123456789"

pytestmark = [pytest.mark.slow]


@SCHEMA.auth()
class IntakeToken:
    """The client's token, given the way the description says (schemathesis also tries
    requests without it and expects 401)."""

    def get(self, case, context):
        return TOKEN

    def set(self, case, data, context):
        case.headers = {**(case.headers or {}), "Authorization": f"Token {data}"}


@pytest.fixture
def keep_test_connection():
    """The WSGI app closes "unusable" connections around each request, and inside the test's
    transaction PostgreSQL's looks so; Django's own test client disconnects the same signals."""
    from django.core.signals import request_finished, request_started
    from django.db import close_old_connections

    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@pytest.fixture
def token(season, small_city, keep_test_connection):
    ApiClient.objects.create(name="fuzz", token_hash=hash_token(TOKEN))
    return TOKEN


@SCHEMA.parametrize()
@settings(
    max_examples=40,
    # The same examples on every run: CI must not pass or fail by the draw (a fresh draw found
    # "?page=" accepted; that case is now a plain test). Fuzz afresh by removing this locally.
    derandomize=True,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
def test_every_answer_matches_the_description(case, token):
    # Every check but "schema-valid data is accepted": an intake is valid only with a real
    # phone number and a community of the register, which no OpenAPI schema can say; such
    # requests get a documented 400 with field errors, which the other checks verify.
    case.call_and_validate(excluded_checks=[positive_data_acceptance])
