"""Liveness for load balancers and monitoring: database, broker, workers.

Open without a login (a load balancer cannot log in), so it says only what
is up, never why something is not.
"""

import logging

from django.db import connection
from django.http import JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from pressreview.celery import app

logger = logging.getLogger(__name__)

PING_TIMEOUT = 1.0


def _database() -> bool:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
        return True
    except Exception:
        logger.exception("health: database unreachable")
        return False


def _broker() -> bool:
    try:
        with app.connection_for_write() as conn:
            conn.ensure_connection(max_retries=1, timeout=PING_TIMEOUT)
        return True
    except Exception:
        logger.exception("health: broker unreachable")
        return False


def _workers() -> int:
    try:
        replies = app.control.ping(timeout=PING_TIMEOUT) or []
    except Exception:
        logger.exception("health: workers did not answer")
        return 0
    return len(replies)


@never_cache
@require_GET
def health(request):
    """200 when the database and the broker answer; 503 otherwise. Workers are
    counted (0 is reported, not an error: articles wait in the queue)."""
    database, broker = _database(), _broker()
    workers = _workers() if broker else 0
    ok = database and broker
    body = {"status": "ok" if ok else "error", "database": database, "broker": broker, "workers": workers}
    return JsonResponse(body, status=200 if ok else 503)
