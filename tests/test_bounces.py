"""Bounces that come back by e-mail: each message's own return address, the bounce mailbox (a
Maildir) read once, a permanent failure marking the delivery and the address, a delay changing
nothing, what cannot be understood or matches nothing kept aside."""

import mailbox
import re
import secrets
from email.message import Message
from email.mime.base import MIMEBase
from email.mime.message import MIMEMessage
from email.mime.multipart import MIMEMultipart
from email.mime.text import MIMEText
from email.utils import formatdate, make_msgid

import pytest
from django.core.management import call_command
from django.urls import reverse

from articles.services.accounts import api_token_create
from digests import bounces, delivery, services
from digests.models import Bounce, Delivery, Recipient
from tests.conftest import make_user
from tests.test_digests import annotated_article, build_digest, make_digest, newsroom

pytestmark = pytest.mark.django_db

VERP = re.compile(r"^bounces\+([0-9a-f]{32})@testserver$")


@pytest.fixture
def maildir(tmp_path):
    path = tmp_path / "Maildir"
    mailbox.Maildir(str(path), create=True)
    return path


@pytest.fixture
def smtp(settings, smtp_server, maildir):
    """This process sends to the test SMTP server; bounces come back to bounces@testserver."""
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", smtp_server.port
    settings.SITE_URL = "http://testserver"
    settings.MAIL_RATE_PER_MINUTE = 0
    settings.BOUNCE_ADDRESS = "bounces@testserver"
    settings.BOUNCE_MAILDIR = str(maildir)
    return smtp_server


@pytest.fixture
def chief(client):
    user = make_user("chief", "chief editor")
    client.force_login(user)
    return user


def published_digest(title="Revue"):
    if title == "Revue":
        found = newsroom()
        return services.digest_publish(digest=build_digest([found["rabat"], found["jo"]]), user=None)
    digest = make_digest(title=title)
    services.digest_items_add(digest=digest, articles=[annotated_article(title, f"Un texte pour {title}.")])
    return services.digest_publish(digest=digest, user=None)


def send_now(digest, emails):
    plan = delivery.deliveries_queue(digest=digest, emails=emails)
    ids = list(Delivery.objects.filter(digest=digest, state="queued").values_list("id", flat=True))
    delivery.deliveries_send(delivery_ids=ids)
    return plan


def sent_to(smtp, email) -> tuple[bytes, str]:
    """The bytes of the message the server received for ``email``, and its envelope sender."""
    [(content, sender)] = [(content, sender) for rcpts, content, sender in smtp.messages if email in rcpts]
    return content, sender


# What a mail server sends back (built as Postfix builds it).

def dsn(original: bytes, *, to: str, recipient: str, status="5.1.1", action="failed",
        diagnostic="smtp; 550 5.1.1 <{rcpt}>: Recipient address rejected: User unknown in virtual mailbox table",
        full_copy=False) -> bytes:
    """A delivery status notification (RFC 3464) about ``original``, sent to ``to`` (the message's
    envelope sender), reporting ``status`` for ``recipient``; with the original's headers only
    (text/rfc822-headers) or, with ``full_copy``, the whole message (message/rfc822)."""
    report = MIMEMultipart("report", report_type="delivery-status")
    report["From"] = "MAILER-DAEMON@mx.example.net (Mail Delivery System)"
    report["To"] = to
    report["Subject"] = ("Delayed Mail (still being retried)" if action == "delayed"
                         else "Undelivered Mail Returned to Sender")
    report["Date"] = formatdate()
    report["Message-ID"] = make_msgid(domain="mx.example.net")
    report["Auto-Submitted"] = "auto-replied"
    report.attach(MIMEText(f"This is the mail system at host mx.example.net.\n\n<{recipient}>: host "
                           f"mx.example.net said: {diagnostic.format(rcpt=recipient)}\n"))
    per_message, per_recipient = Message(), Message()
    per_message["Reporting-MTA"] = "dns; mx.example.net"
    per_message["Arrival-Date"] = formatdate()
    per_recipient["Final-Recipient"] = f"rfc822; {recipient}"
    per_recipient["Original-Recipient"] = f"rfc822;{recipient}"
    per_recipient["Action"] = action
    per_recipient["Status"] = status
    per_recipient["Remote-MTA"] = "dns; mx.example.net"
    per_recipient["Diagnostic-Code"] = diagnostic.format(rcpt=recipient)
    status_part = MIMEBase("message", "delivery-status")
    status_part.attach(per_message)
    status_part.attach(per_recipient)
    report.attach(status_part)
    if full_copy:
        from email import message_from_bytes

        report.attach(MIMEMessage(message_from_bytes(original)))
    else:
        headers = original.split(b"\r\n\r\n", 1)[0].decode("ascii") + "\n"
        report.attach(MIMEText(headers, "rfc822-headers"))
    # What the receiving server adds when it delivers the report to the bounce mailbox.
    return f"Return-Path: <>\nDelivered-To: {to}\n".encode() + report.as_bytes()


def deliver(maildir, data: bytes) -> str:
    """Put ``data`` in the mailbox as the mail server does (in new/); its key."""
    return mailbox.Maildir(str(maildir), create=False).add(data)


def folder(maildir, name) -> list[str]:
    return sorted(path.name for path in (maildir / f".{name}" / "cur").iterdir())


def inbox(maildir) -> list[str]:
    return sorted(path.name for sub in ("new", "cur") for path in (maildir / sub).iterdir())


# The return address.

def test_each_message_returns_to_its_own_secret_address_and_shows_the_newsroom_as_sender(smtp):
    send_now(published_digest(), ["ana@example.org", "bob@example.org"])
    tokens = []
    for email in ("ana@example.org", "bob@example.org"):
        content, sender = sent_to(smtp, email)
        token = VERP.match(sender).group(1)
        assert Delivery.objects.get(email=email).return_token == token
        assert b"From: Press Review <press-review@localhost>" in content and token.encode() not in content
        tokens.append(token)
    assert tokens[0] != tokens[1]


def test_without_a_bounce_address_the_envelope_sender_is_the_from_address(smtp, settings):
    settings.BOUNCE_ADDRESS = ""
    send_now(published_digest(), ["ana@example.org"])
    assert smtp.senders() == ["press-review@localhost"]


# A permanent failure.

def test_a_hard_bounce_marks_the_delivery_and_the_address_until_a_chief_editor_clears_it(smtp, maildir, client,
                                                                                         chief):
    first = published_digest()
    send_now(first, ["ana@example.org", "bob@example.org"])
    content, sender = sent_to(smtp, "ana@example.org")
    deliver(maildir, dsn(content, to=sender, recipient="ana@example.org"))

    out = call_command_output("read_bounces")
    assert "1 messages read: 1 permanent failures" in out
    ana = Delivery.objects.get(email="ana@example.org")
    assert ana.state == "bounced" and "550 5.1.1" in ana.error and "User unknown" in ana.error
    assert Delivery.objects.get(email="bob@example.org").state == "sent"
    recipient = Recipient.objects.get(email="ana@example.org")
    assert recipient.is_bouncing() and "User unknown" in recipient.bounce_reason
    assert inbox(maildir) == [] and len(folder(maildir, "done")) == 1
    assert "0 messages read" in call_command_output("read_bounces")  # read once

    # What the chief editor sees: the log, the API.
    log = client.get(reverse("digests:deliveries", args=[first.id])).content.decode()
    assert ">bounced<" in log and "User unknown in virtual mailbox table" in log and "bouncing" in log
    token = api_token_create(user=chief)
    report = client.get(f"/api/digests/{first.id}/deliveries", HTTP_AUTHORIZATION=f"Bearer {token}").json()
    item = next(item for item in report["items"] if item["recipient"] == "ana@example.org")
    assert set(item) == {"recipient", "status", "attempts", "sent_at", "error"}
    assert item["status"] == "bounced" and "User unknown" in item["error"]

    # The next digest goes to Bob only.
    smtp.clear()
    second = published_digest("Suite")
    plan = send_now(second, ["ana@example.org", "bob@example.org"])
    assert (plan.count, plan.bouncing) == (1, 1)
    assert [rcpts for rcpts, _content, _sender in smtp.messages] == [["bob@example.org"]]

    # Shown on the list's page like an unsubscription; cleared there, the address is sent to again.
    board = delivery.distribution_list_create(name="Direction")
    delivery.recipient_add(email="ana@example.org", distribution_list=board)
    page = client.get(reverse("digests:list-detail", args=[board.id])).content.decode()
    assert "bouncing since" in page and "User unknown" in page
    response = client.post(reverse("digests:recipient-change", args=[board.id, recipient.id]),
                           {"action": "clear_bounce"}, follow=True)
    assert "ana@example.org will be sent to again." in response.content.decode()
    assert not Recipient.objects.get(email="ana@example.org").is_bouncing()
    smtp.clear()
    assert send_now(second, ["ana@example.org"]).count == 1
    assert [rcpts for rcpts, _content, _sender in smtp.messages] == [["ana@example.org"]]


def call_command_output(*args) -> str:
    from io import StringIO

    out = StringIO()
    call_command(*args, stdout=out)
    return out.getvalue()


def test_a_queued_delivery_to_an_address_that_bounced_meanwhile_is_not_sent(smtp, maildir):
    send_now(published_digest(), ["ana@example.org"])
    content, sender = sent_to(smtp, "ana@example.org")
    second = published_digest("Suite")
    delivery.deliveries_queue(digest=second, emails=["ana@example.org"])
    deliver(maildir, dsn(content, to=sender, recipient="ana@example.org"))
    assert bounces.bounces_read().hard == 1
    smtp.clear()
    queued = Delivery.objects.get(digest=second)
    assert queued.state == "failed" and "the address bounces" in queued.error
    assert delivery.deliveries_send(delivery_ids=[queued.id]).sent == 0 and smtp.messages == []


def test_without_a_bounce_address_the_original_message_id_finds_the_delivery(smtp, settings, maildir):
    settings.BOUNCE_ADDRESS = ""
    send_now(published_digest(), ["ana@example.org", "bob@example.org"])
    content, sender = sent_to(smtp, "ana@example.org")
    # A report about Ana's message that names another address is not Ana's bounce.
    deliver(maildir, dsn(content, to=sender, recipient="carl@example.org", full_copy=True))
    deliver(maildir, dsn(content, to=sender, recipient="ana@example.org", full_copy=True))
    result = bounces.bounces_read()
    assert (result.hard, result.kept) == (1, 1)
    assert dict(Delivery.objects.values_list("email", "state")) == {"ana@example.org": "bounced",
                                                                   "bob@example.org": "sent"}


def test_a_bounce_that_is_not_a_notification_is_understood_from_its_text(smtp, maildir):
    send_now(published_digest(), ["ana@example.org"])
    content, sender = sent_to(smtp, "ana@example.org")
    qmail = (f"Return-Path: <>\nDelivered-To: {sender}\nFrom: MAILER-DAEMON@mx.example.net\nTo: {sender}\n"
             "Subject: failure notice\n\nHi. This is the qmail-send program at mx.example.net.\n"
             "I'm afraid I wasn't able to deliver your message to the following addresses.\n\n"
             "<ana@example.org>:\n192.0.2.7 does not like recipient.\nRemote host said: 550 5.2.1 Mailbox disabled\n\n"
             "--- Below this line is a copy of the message.\n\n").encode() + content
    deliver(maildir, qmail)
    assert bounces.bounces_read().hard == 1
    ana = Delivery.objects.get()
    assert ana.state == "bounced" and "Mailbox disabled" in ana.error


# A delay.

def test_a_delay_is_recorded_and_changes_nothing(smtp, maildir, client, chief):
    first = published_digest()
    send_now(first, ["ana@example.org"])
    content, sender = sent_to(smtp, "ana@example.org")
    deliver(maildir, dsn(content, to=sender, recipient="ana@example.org", status="4.2.2", action="delayed",
                         diagnostic="smtp; 452 4.2.2 <{rcpt}>: Mailbox full"))
    result = bounces.bounces_read()
    assert (result.soft, result.hard) == (1, 0)
    ana = Delivery.objects.get()
    assert (ana.state, ana.error) == ("sent", "")
    assert list(Bounce.objects.values_list("kind", "status")) == [("soft", "4.2.2")]
    assert not Recipient.objects.get(email="ana@example.org").is_bouncing()
    log = client.get(reverse("digests:deliveries", args=[first.id])).content.decode()
    assert ">sent<" in log and "Delayed" in log and "Mailbox full" in log
    smtp.clear()
    assert send_now(published_digest("Suite"), ["ana@example.org"]).count == 1 and len(smtp.messages) == 1


# What is kept aside.

def test_what_cannot_be_understood_or_matches_nothing_is_kept_aside_and_counted(smtp, maildir):
    send_now(published_digest(), ["ana@example.org"])
    content, sender = sent_to(smtp, "ana@example.org")
    forged = "bounces+" + "0" * 32 + "@testserver"
    deliver(maildir, dsn(content.replace(sender.encode(), forged.encode()), to=forged, recipient="ana@example.org"))
    deliver(maildir, b"\x00\xff\xfe not a message at all \x00" * 50)
    deliver(maildir, f"From: ana@example.org\nTo: {sender}\nSubject: Out of office\nAuto-Submitted: auto-replied\n\n"
                     "I am away until Monday.\n".encode())
    result = bounces.bounces_read()
    assert (result.read, result.kept, result.hard) == (3, 3, 0)
    assert len(folder(maildir, "kept")) == 3 and inbox(maildir) == []
    ana = Delivery.objects.get()
    assert (ana.state, ana.error) == ("sent", "")
    assert not Recipient.objects.get(email="ana@example.org").is_bouncing() and not Bounce.objects.exists()


def test_a_report_read_twice_is_applied_once(smtp):
    send_now(published_digest(), ["ana@example.org"])
    content, sender = sent_to(smtp, "ana@example.org")
    report = bounces.parse(dsn(content, to=sender, recipient="ana@example.org"), bounce_address="bounces@testserver")
    assert [(s.recipient, s.action, s.status) for s in report.statuses] == [("ana@example.org", "failed", "5.1.1")]
    assert bounces.bounce_record(report=report, mailbox_key="1700000000.M1P2.mx") is not None
    assert bounces.bounce_record(report=report, mailbox_key="1700000000.M1P2.mx") is None
    assert Bounce.objects.count() == 1


def test_the_reader_says_so_when_the_folder_is_no_maildir(settings, tmp_path):
    from django.core.management.base import CommandError

    with pytest.raises(CommandError, match="not a Maildir"):
        call_command("read_bounces", "--maildir", str(tmp_path / "nowhere"))
    settings.BOUNCE_MAILDIR = ""
    with pytest.raises(CommandError, match="BOUNCE_MAILDIR"):
        call_command("read_bounces")


def test_a_viewer_or_an_editor_cannot_clear_a_bounce(client):
    board = delivery.distribution_list_create(name="Direction")
    ana = delivery.recipient_add(email="ana@example.org", distribution_list=board)
    Recipient.objects.filter(id=ana.id).update(bounced_at="2024-03-01T09:00:00Z", bounce_reason="550 5.1.1")
    for role in ("viewer", "editor"):
        client.force_login(make_user(role + "-x", role))
        response = client.post(reverse("digests:recipient-change", args=[board.id, ana.id]), {"action": "clear_bounce"})
        assert response.status_code == 403
    assert Recipient.objects.get(id=ana.id).is_bouncing()


def test_a_bounce_address_that_is_not_a_bare_address_is_refused_at_start(tmp_path):
    from tests.test_settings import manage

    result = manage("check", BOUNCE_ADDRESS="Bounces <bounces@press.example>", PRESSREVIEW_VAR_DIR=str(tmp_path))
    assert result.returncode != 0 and "BOUNCE_ADDRESS must be a bare address" in result.stderr


def test_the_deployment_checks_say_when_the_bounce_folder_is_no_maildir(tmp_path):
    from tests.test_settings import PRODUCTION, manage

    result = manage("check", "--deploy", SECRET_KEY=secrets.token_urlsafe(60), PRESSREVIEW_VAR_DIR=str(tmp_path),
                    BOUNCE_MAILDIR=str(tmp_path / "nowhere"), **PRODUCTION)
    assert "digests.W002" in result.stderr and "not a Maildir" in result.stderr
    mailbox.Maildir(str(tmp_path / "Maildir"), create=True)
    result = manage("check", "--deploy", SECRET_KEY=secrets.token_urlsafe(60), PRESSREVIEW_VAR_DIR=str(tmp_path),
                    BOUNCE_MAILDIR=str(tmp_path / "Maildir"), **PRODUCTION)
    assert "digests.W002" not in result.stderr + result.stdout


ORIGINAL = (b"From: Press Review <press-review@localhost>\r\nTo: ana@example.org\r\n"
            b"Message-ID: <1.2.3@testserver>\r\n\r\nHi")


def test_the_parser_reads_what_servers_send_and_nothing_else():
    token = "ab" * 16
    verp = f"bounces+{token}@testserver"
    exim = (f"Delivered-To: {verp}\nFrom: Mail Delivery System <Mailer-Daemon@mx.example.net>\nTo: {verp}\n"
            "Subject: Mail delivery failed: returning message to sender\n\n"
            "This message was created automatically by mail delivery software.\n\n"
            "A message that you sent could not be delivered to one or more of its\nrecipients. This is a permanent "
            "error. The following address(es) failed:\n\n  ana@example.org\n    host mx.example.net [192.0.2.25]\n"
            "    SMTP error from remote mail server after RCPT TO:<ana@example.org>:\n"
            "    550 User unknown\n\n------ This is a copy of the message, including all the headers. ------\n\n"
            ).encode() + ORIGINAL
    report = bounces.parse(exim, bounce_address="bounces@testserver")
    assert report.tokens == [token] and report.message_ids == ["<1.2.3@testserver>"]
    assert [(s.status, s.diagnostic, s.kind) for s in report.statuses] == [("5.0.0", "550 User unknown", "hard")]
    # A notice that the message was delivered, a delay, and a reply from a person.
    delivered = dsn(ORIGINAL, to=verp, recipient="ana@example.org", status="2.0.0", action="delivered",
                    diagnostic="smtp; 250 2.0.0 Ok")
    assert bounces.parse(delivered, bounce_address="bounces@testserver") is None
    delayed = bounces.parse(dsn(ORIGINAL, to=verp, recipient="ana@example.org", status="4.4.1", action="delayed",
                                diagnostic="X-Postfix; connect to mx.example.net[192.0.2.25]:25: Connection timed out"),
                            bounce_address="bounces@testserver")
    assert [(s.status, s.kind) for s in delayed.statuses] == [("4.4.1", "soft")]
    assert "Connection timed out" in delayed.statuses[0].reason
    reply = f"From: ana@example.org\nTo: {verp}\nSubject: Re: Revue\n\nMerci, version 5.1 reçue.\n".encode()
    assert bounces.parse(reply, bounce_address="bounces@testserver") is None
