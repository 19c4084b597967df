"""The health endpoint a load balancer polls."""

import pytest

from tests.conftest import wait_for

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.mark.worker
@pytest.mark.embedded
def test_health_reports_database_broker_and_workers(client, worker):
    # The worker answers pings once its consumer runs, a moment after the process starts.
    body = wait_for(lambda: (r := client.get("/health")).status_code == 200 and r.json()["workers"] and r.json(),
                    timeout=60, worker=worker, what="the worker to answer the health ping")
    assert body["status"] == "ok" and body["database"] and body["broker"]
    assert body["workers"] >= 1


def test_health_is_an_error_when_the_broker_is_down(client, broker_down):
    response = client.get("/health")
    assert response.status_code == 503
    assert response.json() == {"status": "error", "database": True, "broker": False, "workers": 0}


def test_health_needs_no_login_and_tells_nothing_more(client):
    body = client.get("/health").json()
    assert set(body) == {"status", "database", "broker", "workers"}
