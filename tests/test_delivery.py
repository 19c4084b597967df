"""Sending digests by e-mail: recipients and lists, the messages a real SMTP server receives,
the public page and the unsubscribe link, exactly once per recipient, the API."""

import os
import re
import time
from datetime import timedelta
from urllib.parse import urlsplit

import pytest
from django.urls import reverse
from django.utils import timezone

from articles.services.accounts import api_token_create
from digests import delivery, services
from digests.delivery import DeliveryError
from digests.models import Delivery, Digest, DistributionList, Recipient
from tests.conftest import make_user
from tests.test_digests import build_digest, newsroom

pytestmark = pytest.mark.django_db

LINK = re.compile(r'href="([^"]+)"')


@pytest.fixture
def smtp(settings, smtp_server):
    """This process sends to the test SMTP server (as the worker does)."""
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", smtp_server.port
    settings.SITE_URL = "http://testserver"
    settings.MAIL_RATE_PER_MINUTE = 0
    settings.MAIL_RETRY_DELAY = 1
    return smtp_server


@pytest.fixture
def chief(client):
    user = make_user("chief", "chief editor")
    user.email = "chief@newsroom.example"
    user.save()
    client.force_login(user)
    return user


def published_digest() -> Digest:
    found = newsroom()
    digest = build_digest([found["rabat"], found["jo"], found["attentat"]])
    return services.digest_publish(digest=digest, user=None)


def send_now(digest, emails=None, lists=None, captured=None):
    """Queue and run the sending in this process (what the worker does with the task)."""
    plan = delivery.deliveries_queue(digest=digest, emails=emails, lists=lists)
    ids = list(Delivery.objects.filter(digest=digest, state="queued").values_list("id", flat=True))
    return plan, delivery.deliveries_send(delivery_ids=ids)


def path_of(url: str) -> str:
    parts = urlsplit(url)
    assert parts.scheme == "http" and parts.netloc == "testserver", url
    return parts.path


# Recipients and lists.

def test_it_adds_recipients_one_by_one_and_keeps_an_unsubscription():
    board = delivery.distribution_list_create(name="Direction")
    recipient = delivery.recipient_add(email="Ana@Example.ORG", name="Ana", language="en", distribution_list=board)
    assert recipient.email == "Ana@example.org" and recipient.language == "en"
    delivery.recipient_unsubscribe(token=recipient.token)
    again = delivery.recipient_add(email="ana@example.org", distribution_list=board)
    assert again.id == recipient.id and again.is_unsubscribed()


def test_it_imports_pasted_csv_all_or_nothing():
    board = delivery.distribution_list_create(name="Rédaction")
    result = delivery.recipients_import_csv(distribution_list=board,
                                            text="email,name,language\nana@example.org,Ana,en\nbob@example.org,Bob,fr\n")
    assert (result.added, result.existing) == (2, 0)
    assert sorted(board.recipients.values_list("email", flat=True)) == ["ana@example.org", "bob@example.org"]
    with pytest.raises(DeliveryError, match="Line 3"):
        delivery.recipients_import_csv(distribution_list=board, text="carl@example.org\ndina@example.org\nnot-mail\n")
    assert not Recipient.objects.filter(email__in=["carl@example.org", "dina@example.org"]).exists()


def test_a_list_page_adds_pasted_addresses_and_shows_the_unsubscribed(client, chief):
    board = delivery.distribution_list_create(name="Direction")
    gone = delivery.recipient_add(email="gone@example.org", distribution_list=board)
    delivery.recipient_unsubscribe(token=gone.token)
    page = reverse("digests:list-detail", args=[board.id])
    response = client.post(page, {"action": "csv", "csv": "new@example.org,<b>New</b>,fr"}, follow=True)
    html = response.content.decode()
    assert "new@example.org" in html and "&lt;b&gt;New&lt;/b&gt;" in html and "<b>New</b>" not in html
    assert "unsubscribed" in html
    response = client.post(page, {"action": "csv", "csv": "oops"})
    assert response.status_code == 400 and "Nothing was added" in response.content.decode()


def test_a_viewer_or_an_editor_cannot_see_lists_or_send(client):
    digest = published_digest()
    for role in ("viewer", "editor"):
        client.force_login(make_user(role + "-x", role))
        assert client.get(reverse("digests:lists")).status_code == 403
        assert client.post(reverse("digests:send", args=[digest.id]), {"action": "confirm",
                                                                          "emails": "a@example.org"}).status_code == 403
    assert not Delivery.objects.exists()


# The messages.

def test_each_recipient_gets_one_message_with_html_text_headers_and_working_links(client, smtp):
    digest = published_digest()
    board = delivery.distribution_list_create(name="Direction")
    for email in ("ana@example.org", "bob@example.org"):
        delivery.recipient_add(email=email, name=email[:3].title(), distribution_list=board)
    plan, outcome = send_now(digest, lists=[board])
    assert plan.count == 2 and outcome.sent == 2

    received = smtp.received()
    assert sorted(m["To"] for m in received) == ["Ana <ana@example.org>", "Bob <bob@example.org>"]
    digest.refresh_from_db()
    links = {}
    for message in received:
        assert message["Subject"] == digest.title
        assert message["Message-ID"] and message["Message-ID"] in {d.message_id for d in Delivery.objects.all()}
        assert message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
        assert message.get_content_type() == "multipart/alternative"
        text = message.get_body(("plain",)).get_content()
        html = message.get_body(("html",)).get_content()
        assert "Darmanin à Rabat" in text and "Darmanin à Rabat" in html
        # No external resource: no image, stylesheet, script or frame fetched from anywhere.
        assert not re.search(r"<(img|link|script|iframe)\b", html, re.I) and "url(" not in html
        unsubscribe = message["List-Unsubscribe"].strip().strip("<>")
        assert unsubscribe in html.replace("&amp;", "&") and unsubscribe in text
        links[message["To"]] = (unsubscribe, [u for u in LINK.findall(html) if "/read/" in u])
    (ana_unsub, ana_read), (bob_unsub, _bob_read) = links["Ana <ana@example.org>"], links["Bob <bob@example.org>"]
    assert ana_unsub != bob_unsub  # each recipient has their own link
    assert ana_read == [delivery.public_url(digest)]
    assert "127.0.0.1" not in ana_read[0] and "/digests/" not in ana_read[0]

    # The public page answers without login, without the app's navigation.
    client.logout()
    response = client.get(path_of(ana_read[0]))
    assert response.status_code == 200 and "Darmanin à Rabat" in response.content.decode()
    assert "Log out" not in response.content.decode() and response["Referrer-Policy"] == "no-referrer"

    # One-click unsubscribe (RFC 8058): a POST with no cookie and no CSRF token.
    from django.test import Client

    response = Client(enforce_csrf_checks=True).post(path_of(ana_unsub), {"List-Unsubscribe": "One-Click"})
    assert response.status_code == 200
    assert Recipient.objects.get(email="ana@example.org").is_unsubscribed()
    assert Delivery.objects.filter(state="sent").count() == 2


def test_an_unsubscribed_address_is_never_sent_to_again(smtp):
    first = published_digest()
    board = delivery.distribution_list_create(name="Direction")
    ana = delivery.recipient_add(email="ana@example.org", distribution_list=board)
    delivery.recipient_add(email="bob@example.org", distribution_list=board)
    send_now(first, lists=[board])
    delivery.recipient_unsubscribe(token=ana.token)
    smtp.clear()
    second = services.digest_publish(digest=_another_digest(), user=None)
    plan, outcome = send_now(second, lists=[board], emails=["ana@example.org"])
    assert (plan.count, plan.unsubscribed, outcome.sent) == (1, 1, 1)
    assert [m["To"] for m in smtp.received()] == ["bob@example.org"]


def _another_digest():
    from tests.test_digests import annotated_article, make_digest

    digest = make_digest(title="Suite")
    services.digest_items_add(digest=digest, articles=[annotated_article("Autre", "Un autre texte.")])
    return digest


def test_the_unsubscribe_page_asks_before_unsubscribing_and_keeps_csrf(client):
    recipient = delivery.recipient_add(email="ana@example.org")
    page = reverse("digests:unsubscribe", args=[recipient.token])
    response = client.get(page)
    assert response.status_code == 200 and "ana@example.org" in response.content.decode()
    recipient.refresh_from_db()
    assert not recipient.is_unsubscribed()  # a link scanner following the link unsubscribes nobody

    from django.test import Client

    strict = Client(enforce_csrf_checks=True)
    assert strict.post(page, {}).status_code == 403  # the page's own form needs its CSRF token
    strict.get(page)
    response = strict.post(page, {"csrfmiddlewaretoken": strict.cookies["csrftoken"].value})
    assert response.status_code == 200 and "is unsubscribed" in response.content.decode()
    recipient.refresh_from_db()
    assert recipient.is_unsubscribed()
    assert client.get(reverse("digests:unsubscribe", args=["nope"])).status_code == 404


def test_a_revoked_public_link_stops_answering(client, chief):
    digest = delivery.digest_public_link_ensure(digest=published_digest())
    link = reverse("digests:public", args=[digest.public_token])
    assert client.get(link).status_code == 200
    client.post(reverse("digests:public-link", args=[digest.id]), {"action": "revoke", "confirm": "yes"})
    assert client.get(link).status_code == 404


def test_a_draft_has_no_public_page_and_cannot_be_sent(client):
    draft = build_digest(list(newsroom().values())[:1])
    Digest.objects.filter(id=draft.id).update(public_token="guess")
    assert client.get(reverse("digests:public", args=["guess"])).status_code == 404
    with pytest.raises(DeliveryError):
        delivery.deliveries_queue(digest=draft, emails=["ana@example.org"])


# Exactly once, failures and retries.

def test_a_recipient_gets_a_digest_once_even_when_sent_twice(smtp):
    digest = published_digest()
    send_now(digest, emails=["ana@example.org"])
    plan, outcome = send_now(digest, emails=["ana@example.org", "bob@example.org"])
    assert (plan.count, plan.already, outcome.sent) == (1, 1, 1)
    ids = list(Delivery.objects.values_list("id", flat=True))
    assert delivery.deliveries_send(delivery_ids=ids).sent == 0  # a task delivered twice
    assert sorted(m["To"] for m in smtp.received()) == ["ana@example.org", "bob@example.org"]


def test_a_permanent_refusal_is_recorded_with_the_reason_and_can_be_retried(smtp):
    digest = published_digest()
    smtp.refuse["nobody@example.org"] = "550 5.1.1 No such user here"
    _plan, outcome = send_now(digest, emails=["nobody@example.org", "ana@example.org"])
    assert (outcome.sent, outcome.failed) == (1, 1)
    failed = Delivery.objects.get(email="nobody@example.org")
    assert failed.state == "failed" and "550" in failed.error and "No such user" in failed.error
    smtp.refuse.clear()
    assert delivery.deliveries_retry(digest=digest) == 1
    assert delivery.deliveries_send(delivery_ids=[failed.id]).sent == 1
    failed.refresh_from_db()
    assert failed.state == "sent" and failed.error == ""


def test_a_transient_refusal_waits_and_is_tried_again(smtp):
    digest = published_digest()
    smtp.refuse["busy@example.org"] = "451 4.3.0 Try again later"
    _plan, outcome = send_now(digest, emails=["busy@example.org"])
    busy = Delivery.objects.get()
    assert busy.state == "queued" and "451" in busy.error and busy.attempts == 1 and busy.next_attempt_at
    assert outcome.retry_ids == [busy.id]
    smtp.refuse.clear()
    assert delivery.deliveries_send(delivery_ids=[busy.id]).sent == 0  # not before its backoff
    Delivery.objects.update(next_attempt_at=timezone.now())
    assert delivery.deliveries_send(delivery_ids=[busy.id]).sent == 1
    busy.refresh_from_db()
    assert (busy.state, busy.attempts) == ("sent", 2)


def test_a_server_down_keeps_every_recipient_queued_then_fails_after_the_last_attempt(smtp, settings):
    digest = published_digest()
    smtp.stop()
    _plan, outcome = send_now(digest, emails=["ana@example.org", "bob@example.org"])
    assert outcome.sent == 0 and len(outcome.retry_ids) == 2
    states = dict(Delivery.objects.values_list("email", "state"))
    assert states == {"ana@example.org": "queued", "bob@example.org": "queued"}
    assert "Connection refused" in Delivery.objects.get(email="ana@example.org").error
    settings.MAIL_MAX_ATTEMPTS = 1
    Delivery.objects.update(next_attempt_at=None)
    delivery.deliveries_send(delivery_ids=outcome.retry_ids)
    assert Delivery.objects.get(email="ana@example.org").state == "failed"


def test_a_delivery_left_sending_becomes_unknown_and_is_not_resent_by_the_sweeper(smtp, settings):
    digest = published_digest()
    delivery.deliveries_queue(digest=digest, emails=["ana@example.org", "bob@example.org"])
    # A worker died while talking to the server about Ana.
    Delivery.objects.filter(email="ana@example.org").update(state="sending", started_at=timezone.now(), attempts=1)
    later = timezone.now() + timedelta(seconds=delivery.SENDING_STALE_AFTER + settings.SWEEP_QUEUED_AFTER + 1)
    resent = delivery.deliveries_sweep(now=later)
    ana = Delivery.objects.get(email="ana@example.org")
    assert ana.state == "unknown" and "may or may not" in ana.error
    assert resent == [Delivery.objects.get(email="bob@example.org").id]
    assert delivery.deliveries_send(delivery_ids=[ana.id, *resent]).sent == 1
    assert [m["To"] for m in smtp.received()] == ["bob@example.org"]


def test_without_email_host_messages_are_written_as_eml_files(settings, tmp_path, client, chief):
    settings.EMAIL_BACKEND = "pressreview.mail.EmlFileBackend"
    settings.EMAIL_HOST, settings.EMAIL_FILE_PATH = "", tmp_path
    digest = published_digest()
    send_now(digest, emails=["ana@example.org"])
    files = list(tmp_path.glob("*.eml"))
    assert len(files) == 1 and b"List-Unsubscribe-Post" in files[0].read_bytes()
    page = client.get(reverse("digests:send", args=[digest.id])).content.decode()
    assert ".eml files" in page and str(tmp_path) in page


# The chief editor's pages.

def test_send_now_confirms_the_count_then_queues_and_the_log_shows_each_recipient(client, chief, smtp,
                                                                                   django_capture_on_commit_callbacks):
    digest = published_digest()
    board = delivery.distribution_list_create(name="Direction")
    for email in ("ana@example.org", "bob@example.org", "gone@example.org"):
        delivery.recipient_add(email=email, distribution_list=board)
    delivery.recipient_unsubscribe(token=Recipient.objects.get(email="gone@example.org").token)
    send_page = reverse("digests:send", args=[digest.id])
    response = client.post(send_page, {"action": "check", "list": [board.id]})
    html = response.content.decode()
    assert "2 recipients will get this digest" in html and "1 unsubscribed left out" in html
    assert not Delivery.objects.exists()
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        response = client.post(send_page, {"action": "confirm", "list": [board.id]})
    assert response["Location"] == reverse("digests:deliveries", args=[digest.id]) and len(callbacks) == 1
    delivery.deliveries_send(delivery_ids=list(Delivery.objects.values_list("id", flat=True)))
    log = client.get(response["Location"]).content.decode()
    assert "ana@example.org" in log and "bob@example.org" in log and "gone@example.org" not in log
    assert log.count(">sent<") == 2


def test_send_test_to_me_sends_one_message_to_the_chief_editor(client, chief, smtp):
    digest = published_digest()
    response = client.post(reverse("digests:send", args=[digest.id]), {"action": "test"}, follow=True)
    assert "A test message was sent" in response.content.decode()
    [message] = smtp.received()
    assert message["To"] == chief.email and message["Subject"].startswith("[Test]")
    assert not Delivery.objects.exists()


# The API.

def _api(client, token, method, path, payload=None):
    call = getattr(client, method)
    kwargs = {"content_type": "application/json", "HTTP_AUTHORIZATION": f"Bearer {token}"}
    return call(f"/api/digests{path}", payload, **kwargs) if payload is not None else call(
        f"/api/digests{path}", **kwargs)


def test_the_api_builds_publishes_sends_and_reports_deliveries(client, smtp, django_capture_on_commit_callbacks):
    chief = make_user("chief", "chief editor")
    token = api_token_create(user=chief)
    article = newsroom()["rabat"]
    response = _api(client, token, "post", "", {"title": "Revue API", "language": "fr",
                                                "period_start": "2024-03-01", "period_end": "2024-03-03"})
    assert response.status_code == 201
    digest_id = response.json()["id"]
    assert _api(client, token, "post", f"/{digest_id}/items", {"article_id": article.id}).status_code == 201
    assert _api(client, token, "post", f"/{digest_id}/items", {"article_id": article.id}).status_code == 409
    assert _api(client, token, "post", f"/{digest_id}/publish", {}).status_code == 200
    body = _api(client, token, "get", f"/{digest_id}").json()
    assert body["status"] == "published" and body["public_url"] is None
    assert body["sections"][0]["items"][0]["article_id"] == article.id
    assert body["sections"][0]["items"][0]["title"] == "Darmanin à Rabat"

    with django_capture_on_commit_callbacks(execute=True):
        response = _api(client, token, "post", f"/{digest_id}/send", {"recipients": ["ana@example.org"]})
    assert response.status_code == 202 and response.json()["queued"] == 1
    delivery.deliveries_send(delivery_ids=list(Delivery.objects.values_list("id", flat=True)))
    report = _api(client, token, "get", f"/{digest_id}/deliveries").json()
    assert report["count"] == 1
    assert report["items"][0]["recipient"] == "ana@example.org" and report["items"][0]["status"] == "sent"
    assert report["items"][0]["attempts"] == 1 and report["items"][0]["sent_at"]
    public = _api(client, token, "get", f"/{digest_id}").json()["public_url"]
    assert public.startswith("http://testserver/read/")
    board = DistributionList.objects.create(name="Direction")
    delivery.recipient_add(email="bob@example.org", distribution_list=board)
    with django_capture_on_commit_callbacks(execute=False):
        response = _api(client, token, "post", f"/{digest_id}/send", {"list_id": board.id})
    assert response.status_code == 202 and response.json()["queued"] == 1


def test_a_viewer_cannot_send_or_read_deliveries_through_the_api(client):
    digest = published_digest()
    token = api_token_create(user=make_user("viewer", "viewer"))
    assert _api(client, token, "post", f"/{digest.id}/send", {"recipients": ["a@example.org"]}).status_code == 403
    assert _api(client, token, "get", f"/{digest.id}/deliveries").status_code == 403
    assert _api(client, token, "get", f"/{digest.id}").status_code == 200
    editor = api_token_create(user=make_user("editor", "editor"))
    assert _api(client, editor, "post", f"/{digest.id}/send", {"recipients": ["a@example.org"]}).status_code == 403
    assert not Delivery.objects.exists()


def test_the_api_refuses_a_bad_address_or_a_draft_with_a_message(client):
    chief = make_user("chief", "chief editor")
    token = api_token_create(user=chief)
    digest = published_digest()
    response = _api(client, token, "post", f"/{digest.id}/send", {"recipients": ["not an address"]})
    assert response.status_code == 400 and "not an e-mail address" in response.json()["detail"]
    draft = build_digest([])
    response = _api(client, token, "post", f"/{draft.id}/send", {"recipients": ["a@example.org"]})
    assert response.status_code == 409 and "Publish" in response.json()["detail"]
    assert not Delivery.objects.exists()


def test_the_message_prepared_once_per_batch_is_the_message_built_for_each_recipient(settings):
    settings.SITE_URL = "http://testserver"
    digest = delivery.digest_public_link_ensure(digest=published_digest())
    recipient = delivery.recipient_add(email="zoe@example.org", name="Zoé d'Arc")
    prepared = delivery.PreparedDigest(digest)
    assert prepared.raw is not None  # the fast path is taken
    fast = prepared.message_for(recipient, message_id="<1@testserver>").message().as_bytes()
    full = delivery.build_message(prepared.rendered, recipient, message_id="<1@testserver>").message().as_bytes(
        linesep="\r\n")

    from email import message_from_bytes
    from email.policy import default

    fast, full = message_from_bytes(fast, policy=default), message_from_bytes(full, policy=default)
    for header in ("To", "From", "Subject", "Message-ID", "List-Unsubscribe", "List-Unsubscribe-Post"):
        assert fast[header].strip() == full[header].strip(), header
    assert fast["To"] == "Zoé d'Arc <zoe@example.org>"
    for kind in ("plain", "html"):
        assert fast.get_body((kind,)).get_content() == full.get_body((kind,)).get_content()
    assert recipient.token in fast.get_body(("html",)).get_content()


def test_a_schedule_sends_the_latest_digest_not_yet_sent_once_per_occurrence(smtp):
    from datetime import datetime, time
    from zoneinfo import ZoneInfo

    from digests.models import Schedule

    paris = ZoneInfo("Europe/Paris")
    board = delivery.distribution_list_create(name="Direction")
    delivery.recipient_add(email="ana@example.org", distribution_list=board)
    schedule = Schedule.objects.create(distribution_list=board, weekdays="1,2,3,4,5", time=time(7, 30))
    Schedule.objects.filter(id=schedule.id).update(created_at=datetime(2024, 3, 2, 9, 0, tzinfo=paris))  # a Saturday
    first = published_digest()
    monday_early = datetime(2024, 3, 4, 7, 29, tzinfo=paris)
    # Saturday and Sunday: the weekend is off, and Friday's occurrence came before the schedule.
    assert delivery.schedules_run(now=monday_early - timedelta(days=1)) == []
    assert delivery.schedules_run(now=monday_early + timedelta(minutes=2)) == [schedule.id]
    assert delivery.schedules_run(now=monday_early + timedelta(minutes=3)) == []  # the same occurrence
    assert list(Delivery.objects.values_list("digest_id", "email")) == [(first.id, "ana@example.org")]
    # Tuesday: nothing new published, nothing sent again.
    assert delivery.schedules_run(now=monday_early + timedelta(days=1, minutes=2)) == []
    second = services.digest_publish(digest=_another_digest(), user=None)
    assert delivery.schedules_run(now=monday_early + timedelta(days=2, minutes=2)) == [schedule.id]
    assert sorted(Delivery.objects.values_list("digest_id", flat=True)) == sorted([first.id, second.id])


def test_a_chief_editor_schedules_a_list_on_its_page_pauses_and_removes_it(client, chief):
    from datetime import time

    from digests.models import Schedule

    board = delivery.distribution_list_create(name="Cabinet")
    page = reverse("digests:list-detail", args=[board.id])
    response = client.post(page, {"action": "schedule_add", "weekdays": ["1", "3", "5"], "time": "07:30",
                                  "timezone": "Europe/Paris"}, follow=True)
    schedule = Schedule.objects.get(distribution_list=board)
    assert (schedule.weekdays, schedule.time, schedule.timezone, schedule.enabled) == (
        "1,3,5", time(7, 30), "Europe/Paris", True)
    html = response.content.decode()
    assert "Monday Wednesday Friday" in html and "07:30" in html and "Schedule added" in html
    # A wrong time zone, no day or no time: a message, nothing stored.
    for bad in ({"weekdays": ["1"], "time": "07:30", "timezone": "Mars/Olympus"},
                {"time": "07:30", "timezone": "Europe/Paris"},
                {"weekdays": ["9"], "time": "07:30", "timezone": "Europe/Paris"},
                {"weekdays": ["1"], "time": "25:99", "timezone": "Europe/Paris"}):
        response = client.post(page, {"action": "schedule_add", **bad})
        assert response.status_code == 400 and 'class="message error"' in response.content.decode()
    assert Schedule.objects.filter(distribution_list=board).count() == 1
    client.post(page, {"action": "schedule_pause", "schedule": schedule.id})
    assert not Schedule.objects.get(id=schedule.id).enabled
    assert delivery.schedules_run() == []
    client.post(page, {"action": "schedule_resume", "schedule": schedule.id})
    resumed = Schedule.objects.get(id=schedule.id)
    assert resumed.enabled and resumed.last_run_at is not None  # no catching up on missed mornings
    other = delivery.distribution_list_create(name="Autre")
    assert client.post(reverse("digests:list-detail", args=[other.id]),
                       {"action": "schedule_delete", "schedule": schedule.id}).status_code == 404
    client.post(page, {"action": "schedule_delete", "schedule": schedule.id})
    assert not Schedule.objects.filter(id=schedule.id).exists()


def test_a_long_list_is_paged(client, chief):
    board = delivery.distribution_list_create(name="Abonnés")
    delivery.recipients_import_csv(distribution_list=board,
                                   text="\n".join(f"reader{n:03}@example.org,Reader {n},fr" for n in range(250)))
    page = reverse("digests:list-detail", args=[board.id])
    first = client.get(page).content.decode()
    assert "reader000@example.org" in first and "reader249@example.org" not in first and "250 recipients" in first
    assert "reader249@example.org" in client.get(page, {"page": "2"}).content.decode()


# The list's feed and its recipients on its page.

def _feed(client, distribution_list):
    import feedparser

    distribution_list.refresh_from_db()
    response = client.get(urlsplit(delivery.feed_url(distribution_list)).path)
    return response, feedparser.parse(response.content) if response.status_code == 200 else None


def test_a_list_feed_holds_the_digests_sent_to_that_list_for_whoever_has_its_address(client, chief, smtp):
    board, other = (delivery.distribution_list_create(name=name) for name in ("Direction", "Cabinet"))
    delivery.recipient_add(email="ana@example.org", distribution_list=board)
    delivery.recipient_add(email="bob@example.org", distribution_list=other)
    first = published_digest()
    send_now(first, lists=[board])
    second = services.digest_publish(digest=_another_digest(), user=None)
    send_now(second, lists=[other])
    assert not delivery.feed_url(board)
    client.post(reverse("digests:list-feed", args=[board.id]), {"action": "renew"})
    client.logout()
    response, feed = _feed(client, board)
    assert response.status_code == 200 and response["Content-Type"].startswith("application/atom+xml")
    assert response["Referrer-Policy"] == "no-referrer"
    assert feed.feed.title == "Direction" and [entry.title for entry in feed.entries] == [first.title]
    entry = feed.entries[0]
    first.refresh_from_db()
    assert entry.link == delivery.public_url(first) and entry.id == delivery.entry_id(first)
    item_titles = [item.title for item in first.items.all()]
    assert item_titles and all(title in entry.summary for title in item_titles)
    assert client.get(urlsplit(delivery.public_url(first)).path).status_code == 200


def test_a_renewed_or_stopped_feed_address_answers_404_once_confirmed(client, chief):
    board = delivery.distribution_list_create(name="Direction")
    manage = reverse("digests:list-feed", args=[board.id])
    client.post(manage, {"action": "renew"})
    old, _feed_parsed = _feed(client, board)
    old_path = old.wsgi_request.path
    assert old.status_code == 200
    question = client.post(manage, {"action": "renew"})
    assert question.status_code == 200 and client.get(old_path).status_code == 200  # asked, nothing changed
    client.post(manage, {"action": "renew", "confirm": "yes"})
    assert client.get(old_path).status_code == 404
    renewed, _feed_parsed = _feed(client, board)
    assert renewed.status_code == 200
    client.post(manage, {"action": "revoke", "confirm": "yes"})
    board.refresh_from_db()
    assert board.feed_token is None and client.get(renewed.wsgi_request.path).status_code == 404


def test_a_viewer_or_an_editor_cannot_make_a_feed_or_change_recipients(client):
    board = delivery.distribution_list_create(name="Direction")
    ana = delivery.recipient_add(email="ana@example.org", name="Ana", distribution_list=board)
    for role in ("viewer", "editor"):
        client.force_login(make_user(role + "-x", role))
        assert client.post(reverse("digests:list-feed", args=[board.id]), {"action": "renew"}).status_code == 403
        change = reverse("digests:recipient-change", args=[board.id, ana.id])
        assert client.post(change, {"action": "remove"}).status_code == 403
    board.refresh_from_db()
    assert board.feed_token is None and board.recipients.count() == 1


def test_a_chief_editor_corrects_a_recipient_and_takes_one_out_of_a_list(client, chief):
    board, other = (delivery.distribution_list_create(name=name) for name in ("Direction", "Cabinet"))
    ana = delivery.recipient_add(email="ana@example.org", name="Ana", language="fr", distribution_list=board)
    delivery.recipient_add(email="ana@example.org", distribution_list=other)
    bob = delivery.recipient_add(email="bob@example.org", distribution_list=other)
    page = reverse("digests:list-detail", args=[board.id])
    response = client.post(reverse("digests:recipient-change", args=[board.id, ana.id]),
                           {"action": "save", "name": " <b>Ana Ruiz</b> ", "language": "en"}, follow=True)
    ana.refresh_from_db()
    assert (ana.name, ana.language) == ("<b>Ana Ruiz</b>", "en")
    assert "&lt;b&gt;Ana Ruiz&lt;/b&gt;" in response.content.decode()
    removed = client.post(reverse("digests:recipient-change", args=[board.id, ana.id]), {"action": "remove"},
                          follow=True).content.decode()
    assert not board.recipients.exists() and list(other.recipients.all()) == [ana, bob]
    assert "ana@example.org is no longer in the list." in removed and f'id="recipient-{ana.id}"' not in removed
    assert f'id="recipient-{ana.id}"' not in client.get(page).content.decode()
    # A recipient of another list cannot be changed through this one.
    assert client.post(reverse("digests:recipient-change", args=[board.id, bob.id]),
                       {"action": "remove"}).status_code == 404
    assert list(other.recipients.all()) == [ana, bob]


# The rate limit holds for every worker together.

@pytest.mark.embedded
@pytest.mark.django_db(transaction=True)
def test_the_mail_rate_is_shared_by_every_worker_process(settings):
    import subprocess
    import sys

    from django.db import connection

    from tests.conftest import REPO, _database_url

    settings.MAIL_RATE_PER_MINUTE = 60
    now = 1_000_000.0
    slots = [delivery.mail_slot(now=now) for _ in range(3)]
    assert slots == [now, now + 1, now + 2]
    # Another process, at the same moment, gets the moment after these (not "now" again).
    code = f"from digests.delivery import mail_slot; print(repr(mail_slot(now={now})))"
    env = {**os.environ, "DATABASE_URL": _database_url(connection.settings_dict), "MAIL_RATE_PER_MINUTE": "60"}
    other = subprocess.run([sys.executable, "manage.py", "shell", "-c", code], cwd=REPO, env=env, capture_output=True,
                           text=True, timeout=120, check=True)
    assert float(other.stdout.strip().splitlines()[-1]) == now + 3
    # Time that passed with nothing sent is not saved up: the next message goes at once.
    assert delivery.mail_slot(now=now + 60) == now + 60


def test_messages_wait_their_moment_at_the_configured_rate(smtp, settings):
    settings.MAIL_RATE_PER_MINUTE = 600
    digest = published_digest()
    started = time.monotonic()
    _plan, outcome = send_now(digest, emails=[f"reader{n}@example.org" for n in range(4)])
    assert outcome.sent == 4 and len(smtp.received()) == 4
    assert time.monotonic() - started >= 0.3  # four messages at 0.1 s apart
