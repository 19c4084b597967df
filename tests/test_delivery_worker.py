"""Sending through the real worker to a real SMTP server: the API end to end, the server down
then back, and the worker killed in the middle of a message."""

from datetime import timedelta

import pytest
from django.conf import settings
from django.utils import timezone

from articles.services.accounts import api_token_create
from digests import delivery, services
from digests.models import Delivery
from tests.conftest import make_user, wait_for
from tests.test_digests import build_digest, newsroom

pytestmark = pytest.mark.django_db(transaction=True)


def published_digest():
    found = newsroom()
    return services.digest_publish(digest=build_digest([found["rabat"], found["jo"]]), user=None)


def states():
    return dict(Delivery.objects.values_list("email", "state"))


def received_once(smtp, emails):
    addresses = sorted(m["To"] for m in smtp.received())
    return addresses == sorted(emails)


def test_the_worker_sends_what_the_api_queued(client, worker, smtp_server):
    token = api_token_create(user=make_user("chief", "chief editor"))
    digest = published_digest()
    emails = [f"reader{i}@example.org" for i in range(5)]
    response = client.post(f"/api/digests/{digest.id}/send", {"recipients": emails}, content_type="application/json",
                           HTTP_AUTHORIZATION=f"Bearer {token}")
    assert response.status_code == 202
    wait_for(lambda: set(states().values()) == {"sent"}, timeout=60, worker=worker, what="every delivery sent")
    assert received_once(smtp_server, emails)
    report = client.get(f"/api/digests/{digest.id}/deliveries", HTTP_AUTHORIZATION=f"Bearer {token}").json()
    assert report["count"] == 5 and {item["status"] for item in report["items"]} == {"sent"}
    # The "read online" link of a message answers without login.
    message = smtp_server.received()[0]
    html = message.get_body(("html",)).get_content()
    digest.refresh_from_db()
    assert f"http://testserver/read/{digest.public_token}" in html
    client.logout()
    assert client.get(f"/read/{digest.public_token}").status_code == 200


def test_the_smtp_server_down_then_back(worker, smtp_server):
    digest = published_digest()
    emails = ["ana@example.org", "bob@example.org", "carl@example.org"]
    smtp_server.stop()
    delivery.deliveries_queue(digest=digest, emails=emails)
    wait_for(lambda: Delivery.objects.filter(attempts__gte=1, error__icontains="refused").exists(), timeout=60,
             worker=worker, what="a refused connection recorded")
    assert set(states().values()) == {"queued"}  # nobody failed, nobody skipped
    smtp_server.start()
    wait_for(lambda: set(states().values()) == {"sent"}, timeout=90, worker=worker, what="every delivery sent")
    assert received_once(smtp_server, emails)
    # The one tried while the server was down was tried again; the rest of its batch waited untried.
    attempts = sorted(Delivery.objects.values_list("attempts", flat=True))
    assert attempts[-1] >= 2 and attempts[:-1] == [1, 1]
    assert set(Delivery.objects.values_list("error", flat=True)) == {""}


def test_a_worker_killed_mid_send_sends_to_nobody_twice_and_skips_nobody(worker, smtp_server):
    digest = published_digest()
    emails = [f"reader{i}@example.org" for i in range(6)]
    stalled = emails[2]
    smtp_server.hang.add(stalled)
    delivery.deliveries_queue(digest=digest, emails=emails)
    assert smtp_server.hung.wait(60), worker.tail()
    assert states()[stalled] == "sending"
    worker.kill()
    worker.start()
    smtp_server.hang.clear()
    sent_before = {m["To"] for m in smtp_server.received()}
    assert stalled not in sent_before

    # The sweeper (every minute from beat), once the stalled delivery is stale: it asks a person
    # about the one that may have been delivered, and sends the others.
    later = timezone.now() + timedelta(seconds=delivery.SENDING_STALE_AFTER + settings.SWEEP_QUEUED_AFTER + 1)
    delivery.deliveries_sweep(now=later)
    expected = {e: "sent" for e in emails} | {stalled: "unknown"}
    wait_for(lambda: states() == expected, timeout=90, worker=worker, what="the others sent, the stalled unknown")
    assert received_once(smtp_server, [e for e in emails if e != stalled])
    assert "may or may not" in Delivery.objects.get(email=stalled).error

    # A chief editor decides to send it again.
    assert delivery.deliveries_retry(digest=digest) == 1
    wait_for(lambda: states()[stalled] == "sent", timeout=60, worker=worker, what="the retried delivery sent")
    assert received_once(smtp_server, emails)


def test_the_worker_reads_a_hard_bounce_and_the_next_send_skips_the_address(worker, smtp_server):
    from digests.tasks import read_bounces
    from tests.test_bounces import deliver, dsn

    first = published_digest()
    emails = ["ana@example.org", "bob@example.org"]
    delivery.deliveries_queue(digest=first, emails=emails)
    wait_for(lambda: set(states().values()) == {"sent"}, timeout=60, worker=worker, what="every delivery sent")
    [(content, sender)] = [(content, sender) for rcpts, content, sender in smtp_server.messages
                           if rcpts == ["ana@example.org"]]
    assert sender == f"bounces+{Delivery.objects.get(email='ana@example.org').return_token}@testserver"
    deliver(smtp_server.bounce_maildir, dsn(content, to=sender, recipient="ana@example.org"))
    read_bounces.delay()
    wait_for(lambda: Delivery.objects.get(email="ana@example.org").state == "bounced", timeout=60, worker=worker,
             what="the delivery bounced")
    assert "User unknown" in Delivery.objects.get(email="ana@example.org").error

    smtp_server.clear()
    second = services.digest_publish(digest=build_digest([newsroom()["attentat"]]), user=None)
    plan = delivery.deliveries_queue(digest=second, emails=emails)
    assert (plan.count, plan.bouncing) == (1, 1)
    wait_for(lambda: Delivery.objects.get(digest=second).state == "sent", timeout=60, worker=worker,
             what="the second digest sent")
    assert received_once(smtp_server, ["bob@example.org"])
