"""Sending published digests by e-mail: recipients, lists, deliveries, the public link.

Exactly once per recipient, as far as SMTP allows. Each ``Delivery`` row is
claimed (queued → sending) and committed before its message is handed to the
server, and marked sent (or failed) in its own commit after. So:

- a task run twice (a message redelivered after a worker died, a sweeper's
  resend) finds the recipients it already handled claimed and skips them;
- a worker killed during a message leaves exactly that delivery "sending": the
  server may or may not have taken the message, so it is **never sent again
  automatically**. The sweeper marks it "unknown" after ``SENDING_STALE_AFTER``
  seconds and the delivery log asks a chief editor to decide (send again, or
  leave it); every other recipient of the batch is still "queued" and is sent;
- a transient refusal (a 4xx reply, a refused or dropped connection) puts the
  delivery back to "queued" with a backoff; a permanent one (5xx) is recorded
  with the server's reason as "failed", which a chief editor may retry.

An unsubscribed address is never queued, and a queued delivery whose recipient
unsubscribed before its turn is failed rather than sent. So is a bouncing address (its
server refused a message for good, ``digests.bounces``) until a chief editor clears it.

Each message's envelope sender tells its delivery apart (VERP, with BOUNCE_ADDRESS): a
random secret per attempt, stored on the row, so a bounce finds its delivery and nobody
can make up one that marks another recipient's.
"""

import csv
import functools
import io
import logging
import secrets
import smtplib
import time
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from email.utils import formataddr, make_msgid
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.mail import EmailMessage, EmailMultiAlternatives, get_connection
from django.core.mail.backends.smtp import EmailBackend as SmtpBackend
from django.core.mail.message import sanitize_address
from django.core.validators import validate_email
from django.db import IntegrityError, transaction
from django.db import connection as db
from django.db.models import F, Q, Value
from django.db.models.functions import Greatest
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.html import escape
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from digests import exports
from digests.models import Delivery, Digest, DistributionList, MailPace, Recipient, Schedule, _new_secret
from digests.selectors import view_for
from digests.tasks import send_deliveries
from pressreview.enqueue import Message, send, send_on_commit

logger = logging.getLogger(__name__)

# A delivery "sending" for longer than this was left by a worker that died (one message takes
# at most a few EMAIL_TIMEOUTs).
SENDING_STALE_AFTER = 300
MAX_CSV_ROWS = 5000
BOUNCING_ERROR = gettext_lazy("Not sent: the address bounces (a chief editor can clear that on its list's page).")
# Stands for the recipient's own unsubscribe address in the message rendered once per batch.
_PLACEHOLDER = "https://unsubscribe.invalid/recipient"


class DeliveryError(ValueError):
    """A request the chief editor must correct; the message is shown as is."""


# Links for recipients: absolute, from SITE_URL (a worker has no request).

def public_url(digest: Digest) -> str:
    if not digest.public_token:
        return ""
    return settings.SITE_URL + reverse("digests:public", args=[digest.public_token])


def unsubscribe_url(recipient: Recipient) -> str:
    return settings.SITE_URL + reverse("digests:unsubscribe", args=[recipient.token])


def digest_public_link_ensure(*, digest: Digest) -> Digest:
    """Give a published digest its public "read online" address if it has none."""
    if not digest.is_published():
        raise DeliveryError(_("Publish the digest before sharing or sending it."))
    with transaction.atomic():
        Digest.objects.filter(id=digest.id, public_token__isnull=True).update(public_token=_new_secret())
        digest.refresh_from_db(fields=["public_token"])
        return digest


def digest_public_link_revoke(*, digest: Digest) -> Digest:
    """The public address stops answering (links already sent lead nowhere); a new
    one is made on the next send or on request."""
    with transaction.atomic():
        Digest.objects.filter(id=digest.id).update(public_token=None)
        digest.refresh_from_db(fields=["public_token"])
        return digest


def feed_url(distribution_list: DistributionList) -> str:
    if not distribution_list.feed_token:
        return ""
    return settings.SITE_URL + reverse("digests:feed", args=[distribution_list.feed_token])


def entry_id(digest: Digest) -> str:
    """A digest's identifier in feeds (RFC 4151 tag URI): stable whatever its public address."""
    return f"tag:{_domain()},{digest.created_at:%Y-%m-%d}:digest-{digest.id}"


def distribution_list_feed_renew(*, distribution_list: DistributionList) -> DistributionList:
    """Give the list's feed a new secret address; the previous one, if any, stops answering."""
    with transaction.atomic():
        DistributionList.objects.filter(id=distribution_list.id).update(feed_token=_new_secret())
        distribution_list.refresh_from_db(fields=["feed_token"])
        return distribution_list


def distribution_list_feed_revoke(*, distribution_list: DistributionList) -> DistributionList:
    """The list's feed address stops answering (feed readers get 404)."""
    with transaction.atomic():
        DistributionList.objects.filter(id=distribution_list.id).update(feed_token=None)
        distribution_list.refresh_from_db(fields=["feed_token"])
        return distribution_list


# Recipients and lists.

def _clean_email(email: str) -> str:
    email = (email or "").strip()
    try:
        validate_email(email)
    except ValidationError:
        raise DeliveryError(_("%(email)s is not an e-mail address.") % {"email": email or "—"}) from None
    local, _at, domain = email.rpartition("@")
    return f"{local}@{domain.lower()}"


def _clean_language(language: str) -> str:
    language = (language or "").strip().lower()[:8]
    return language if language in dict(settings.LANGUAGES) else "fr"


def distribution_list_create(*, name: str, description: str = "") -> DistributionList:
    name = (name or "").strip()[:200]
    if not name:
        raise DeliveryError(_("Give the list a name."))
    try:
        with transaction.atomic():
            return DistributionList.objects.create(name=name, description=(description or "").strip())
    except IntegrityError:
        raise DeliveryError(_("A list with this name exists already.")) from None


def _recipient_get_or_create(email: str, name: str, language: str) -> tuple[Recipient, bool]:
    recipient = Recipient.objects.filter(email__iexact=email).first()
    if recipient is not None:
        return recipient, False
    return Recipient.objects.create(email=email, name=name[:200], language=language), True


def recipient_add(*, email: str, name: str = "", language: str = "fr",
                  distribution_list: DistributionList | None = None) -> Recipient:
    """Add an address (to a list when given). An address known already keeps its
    name, language and, above all, its unsubscription."""
    email = _clean_email(email)
    with transaction.atomic():
        recipient, _created = _recipient_get_or_create(email, (name or "").strip(), _clean_language(language))
        if distribution_list is not None:
            recipient.lists.add(distribution_list)
        return recipient


def recipient_update(*, recipient: Recipient, name: str, language: str) -> Recipient:
    """Correct a recipient's name and language (the address is the recipient: a new address is
    a new recipient). An unsubscription stays."""
    with transaction.atomic():
        recipient.name = (name or "").strip()[:200]
        recipient.language = _clean_language(language)
        recipient.save(update_fields=["name", "language"])
        return recipient


def recipient_bounce_clear(*, recipient: Recipient) -> Recipient:
    """The address may be sent to again (a chief editor checked it: the mailbox is back, the typo
    corrected elsewhere). Deliveries already bounced stay so in their logs."""
    with transaction.atomic():
        Recipient.objects.filter(id=recipient.id).update(bounced_at=None, bounce_reason="")
        recipient.refresh_from_db(fields=["bounced_at", "bounce_reason"])
        return recipient


def recipient_remove(*, recipient: Recipient, distribution_list: DistributionList) -> None:
    """Take a recipient out of a list; the address stays known (its other lists, its deliveries
    and its unsubscription are kept)."""
    with transaction.atomic():
        recipient.lists.remove(distribution_list)


@dataclass
class CsvResult:
    added: int = 0
    existing: int = 0
    unsubscribed: list[str] = field(default_factory=list)


def _csv_rows(text: str) -> list[tuple[int, str, str, str]]:
    """(line, email, name, language) for each row of ``email[,name[,language]]``; a first
    row naming the columns is skipped; a ; or tab separator is recognised."""
    text = (text or "").strip()
    if not text:
        raise DeliveryError(_("Paste at least one address."))
    try:
        dialect = csv.Sniffer().sniff(text[:4096], delimiters=",;\t")
    except csv.Error:
        dialect = csv.excel
    rows, errors = [], []
    for number, row in enumerate(csv.reader(io.StringIO(text), dialect), start=1):
        cells = [cell.strip() for cell in row]
        if not any(cells):
            continue
        if number == 1 and cells[0].lower() in ("email", "e-mail", "mail", "courriel", "adresse"):
            continue
        try:
            email = _clean_email(cells[0])
        except DeliveryError as exc:
            errors.append(_("Line %(line)d: %(error)s") % {"line": number, "error": exc})
            continue
        rows.append((number, email, cells[1] if len(cells) > 1 else "", cells[2] if len(cells) > 2 else ""))
    if errors:
        shown = "; ".join(errors[:5]) + (" …" if len(errors) > 5 else "")
        raise DeliveryError(_("Nothing was added: %(errors)s") % {"errors": shown})
    if len(rows) > MAX_CSV_ROWS:
        raise DeliveryError(_("Paste at most %(n)d addresses at a time.") % {"n": MAX_CSV_ROWS})
    return rows


def recipients_import_csv(*, distribution_list: DistributionList, text: str) -> CsvResult:
    """Add pasted rows (``email,name,language``) to a list: every row or, when one is
    wrong, none (the message names the lines)."""
    rows = _csv_rows(text)
    result = CsvResult()
    with transaction.atomic():
        for _line, email, name, language in rows:
            recipient, created = _recipient_get_or_create(email, name, _clean_language(language))
            recipient.lists.add(distribution_list)
            result.added += created
            result.existing += not created
            if recipient.is_unsubscribed():
                result.unsubscribed.append(recipient.email)
    return result


def recipient_unsubscribe(*, token: str) -> Recipient | None:
    """Unsubscribe the address with this token (for good); None for an unknown token."""
    with transaction.atomic():
        Recipient.objects.filter(token=token, unsubscribed_at__isnull=True).update(unsubscribed_at=timezone.now())
        recipient = Recipient.objects.filter(token=token).first()
        if recipient is not None:
            # Nothing more goes to it, even what was queued before.
            Delivery.objects.filter(recipient=recipient, state=Delivery.State.QUEUED).update(
                state=Delivery.State.FAILED, error=_("Unsubscribed before this message was sent."))
        return recipient


# Queuing a digest.

@dataclass
class SendPlan:
    """Who a send would reach: the confirmation's numbers."""

    recipients: list[Recipient]
    unsubscribed: int = 0
    already: int = 0
    bouncing: int = 0

    @property
    def count(self) -> int:
        return len(self.recipients)


def send_plan(*, digest: Digest, emails: list[str] | None = None,
              lists: list[DistributionList] | None = None) -> SendPlan:
    """The recipients a send would reach (subscribed, not bouncing, not sent this digest yet). Writes nothing;
    unknown addresses given by ``emails`` are counted as new recipients."""
    chosen: dict[str, Recipient] = {}
    for distribution_list in lists or []:
        for recipient in distribution_list.recipients.all():
            chosen.setdefault(recipient.email.lower(), recipient)
    for email in emails or []:
        email = _clean_email(email)
        if email.lower() not in chosen:
            chosen[email.lower()] = (Recipient.objects.filter(email__iexact=email).first()
                                     or Recipient(email=email))
    plan = SendPlan(recipients=[])
    done = set(Delivery.objects.filter(digest=digest).values_list("recipient_id", flat=True))
    for recipient in chosen.values():
        if recipient.is_unsubscribed():
            plan.unsubscribed += 1
        elif recipient.is_bouncing():
            plan.bouncing += 1
        elif recipient.id in done:
            plan.already += 1
        else:
            plan.recipients.append(recipient)
    return plan


def _batches(ids: list[int]) -> list[list[int]]:
    size = max(1, settings.MAIL_BATCH_SIZE)
    return [ids[i:i + size] for i in range(0, len(ids), size)]


def deliveries_queue(*, digest: Digest, emails: list[str] | None = None,
                     lists: list[DistributionList] | None = None, user=None) -> SendPlan:
    """Queue the digest for every subscribed recipient it was not sent to yet, and send the
    work to the ``mail`` queue after commit. A recipient gets a digest once: sending again
    to a list reaches only its new members."""
    if not digest.is_published():
        raise DeliveryError(_("Publish the digest before sending it."))
    if not emails and not lists:
        raise DeliveryError(_("Choose a list or give at least one address."))
    with transaction.atomic():
        digest = Digest.objects.select_for_update().get(id=digest.id)
        digest_public_link_ensure(digest=digest)
        plan = send_plan(digest=digest, emails=emails, lists=lists)
        digest.sent_to_lists.add(*(lists or []))
        new = [recipient for recipient in plan.recipients if recipient.pk is None]
        if new:
            Recipient.objects.bulk_create(new, ignore_conflicts=True)
            known = {r.email.lower(): r for r in Recipient.objects.filter(email__in=[r.email for r in new])}
            plan.recipients = [r if r.pk is not None else known.get(r.email.lower())
                               or Recipient.objects.get(email__iexact=r.email) for r in plan.recipients]
        now = timezone.now()
        Delivery.objects.bulk_create(
            [Delivery(digest=digest, recipient=r, email=r.email, created_by=user, queued_at=now)
             for r in plan.recipients],
            ignore_conflicts=True,
        )
        ids = list(Delivery.objects.filter(digest=digest, recipient__in=plan.recipients, state=Delivery.State.QUEUED)
                   .order_by("id").values_list("id", flat=True))
        send_on_commit(*(Message(send_deliveries, (batch,)) for batch in _batches(ids)))
        return plan


def deliveries_retry(*, digest: Digest, delivery_ids: list[int] | None = None) -> int:
    """Queue again the failed deliveries and those left "unknown" (a person decided to send
    again); unsubscribed and bouncing recipients stay out. Returns how many."""
    with transaction.atomic():
        retried = Delivery.objects.filter(digest=digest, state__in=[Delivery.State.FAILED, Delivery.State.UNKNOWN],
                                          recipient__unsubscribed_at__isnull=True,
                                          recipient__bounced_at__isnull=True)
        if delivery_ids is not None:
            retried = retried.filter(id__in=delivery_ids)
        ids = list(retried.order_by("id").values_list("id", flat=True))
        Delivery.objects.filter(id__in=ids).update(state=Delivery.State.QUEUED, attempts=0, next_attempt_at=None,
                                                   queued_at=timezone.now())
        send_on_commit(*(Message(send_deliveries, (batch,)) for batch in _batches(ids)))
        return len(ids)


# Sending (the worker).

def is_transient(exc: BaseException) -> bool:
    if isinstance(exc, smtplib.SMTPRecipientsRefused):
        return 400 <= _recipient_code(exc) < 500
    code = getattr(exc, "smtp_code", None)
    if isinstance(code, int):
        return 400 <= code < 500
    # Refused or dropped connections, timeouts: the server may be back soon.
    return isinstance(exc, smtplib.SMTPServerDisconnected | smtplib.SMTPConnectError | OSError)


def _reason(exc: BaseException) -> str:
    if isinstance(exc, smtplib.SMTPRecipientsRefused):
        return "; ".join(f"{code} {reply.decode(errors='replace') if isinstance(reply, bytes) else reply}"
                         for code, reply in exc.recipients.values())
    if isinstance(exc, smtplib.SMTPResponseException):
        error = exc.smtp_error.decode(errors="replace") if isinstance(exc.smtp_error, bytes) else exc.smtp_error
        return f"{exc.smtp_code} {error}"
    return f"{type(exc).__name__}: {exc}"


def _recipient_code(exc: smtplib.SMTPRecipientsRefused) -> int:
    codes = [code for code, _reply in exc.recipients.values()]
    return max(codes) if codes else 550


@dataclass
class Rendered:
    """A digest rendered once for a batch; each message only swaps the unsubscribe address."""

    subject: str
    html: str
    text: str


def render_digest_message(digest: Digest) -> Rendered:
    view = view_for(digest)
    # The frozen view links to the login-protected permalink; recipients read the public page.
    view.permalink = public_url(digest)
    html = exports.email_html(view, unsubscribe_url=_PLACEHOLDER).decode("utf-8")
    with translation.override(view.language):
        footer = f"\n---\n\n{_('Unsubscribe:')} <{_PLACEHOLDER}>\n"
    text = exports.markdown(view).decode("utf-8") + footer
    return Rendered(subject=view.title, html=html, text=text)


def _domain() -> str:
    return urlsplit(settings.SITE_URL).hostname or "localhost"


def envelope_sender(return_token: str | None) -> str:
    """Where a bounce of this message goes: BOUNCE_ADDRESS with the delivery's secret after a "+"
    (bounces+TOKEN@press.example); "" without that setting or a secret (the From address then)."""
    if not settings.BOUNCE_ADDRESS or not return_token:
        return ""
    local, _at, domain = settings.BOUNCE_ADDRESS.rpartition("@")
    return f"{local}+{return_token}@{domain}"


def build_message(rendered: Rendered, recipient: Recipient, *, message_id: str,
                  link: str = "", envelope_from: str = "") -> EmailMultiAlternatives:
    link = link or unsubscribe_url(recipient)
    message = EmailMultiAlternatives(
        subject=rendered.subject,
        body=rendered.text.replace(_PLACEHOLDER, link),
        # The envelope sender (Return-Path) may differ from the From the reader sees.
        from_email=envelope_from or settings.DEFAULT_FROM_EMAIL,
        to=[formataddr((recipient.name, recipient.email)) if recipient.name else recipient.email],
        headers={
            "From": settings.DEFAULT_FROM_EMAIL,
            "Message-ID": message_id,
            # RFC 2369 and RFC 8058: a mail client may unsubscribe with one POST, no page to read.
            "List-Unsubscribe": f"<{link}>",
            "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
            "Auto-Submitted": "auto-generated",
        },
    )
    message.attach_alternative(rendered.html.replace(_PLACEHOLDER, escape(link)), "text/html")
    return message


_TO = "recipient@unsubscribe.invalid"
_MESSAGE_ID = "<message-id@unsubscribe.invalid>"


class _Raw:
    """What ``EmailMessage.message()`` returns, for bytes made already."""

    def __init__(self, data: bytes):
        self.data = data

    def as_bytes(self, unixfrom=False, linesep="\r\n") -> bytes:
        return self.data


class _PreparedMessage(EmailMessage):
    """A message whose bytes are made; ``envelope_to`` is the bare address the server is given."""

    def __init__(self, raw: bytes, *, envelope_to: str, **kwargs):
        super().__init__(**kwargs)
        self.raw = raw
        self.envelope_to = envelope_to

    def message(self, *args, **kwargs):
        return _Raw(self.raw)


_TOKEN_MARK = "recipient-token-mark"


class PreparedDigest:
    """A digest's message built once for a batch, as bytes; each recipient's message swaps in their
    address, Message-ID and unsubscribe link (the same bytes ``build_message`` would make, without
    building the MIME tree a thousand times). When a swap would not be exact (a part encoded so that
    the placeholder is cut), each message is built in full instead."""

    def __init__(self, digest: Digest):
        self.rendered = render_digest_message(digest)
        template = build_message(self.rendered, Recipient(email=_TO), message_id=_MESSAGE_ID, link=_PLACEHOLDER)
        raw = template.message().as_bytes(linesep="\r\n")
        exact = (raw.count(_PLACEHOLDER.encode()) == 3 and raw.count(_TO.encode()) == 1
                 and raw.count(_MESSAGE_ID.encode()) == 1)
        self.raw = raw if exact else None
        # Every unsubscribe link differs only by its token (an URL-safe secret: nothing to escape).
        self._link_head, _mark, self._link_tail = unsubscribe_url(Recipient(token=_TOKEN_MARK)).partition(_TOKEN_MARK)
        # The envelope sender without BOUNCE_ADDRESS, parsed once.
        self.envelope_from = sanitize_address(settings.DEFAULT_FROM_EMAIL, "utf-8")

    def link_for(self, recipient: Recipient) -> str:
        return f"{self._link_head}{recipient.token}{self._link_tail}"

    def message_for(self, recipient: Recipient, *, message_id: str, return_token: str | None = None) -> EmailMessage:
        link = self.link_for(recipient)
        envelope_from = envelope_sender(return_token)
        if self.raw is None:
            return build_message(self.rendered, recipient, message_id=message_id, link=link,
                                 envelope_from=envelope_from)
        if recipient.name or not recipient.email.isascii():
            to = formataddr((recipient.name, recipient.email)) if recipient.name else recipient.email
            header_to, envelope_to = sanitize_address(to, "utf-8"), sanitize_address(recipient.email, "utf-8")
        else:
            # What sanitize_address gives for a bare ASCII address: the address itself.
            to = header_to = envelope_to = recipient.email
        raw = (self.raw.replace(_PLACEHOLDER.encode(), link.encode())
               .replace(_TO.encode(), header_to.encode())
               .replace(_MESSAGE_ID.encode(), message_id.encode()))
        return _PreparedMessage(raw, envelope_to=envelope_to, from_email=envelope_from or self.envelope_from, to=[to])


def hand_over(connection, message: EmailMessage) -> None:
    """Give one message to the server over ``connection`` (opened here, and kept open for the next).
    A message whose bytes are made goes straight to the SMTP backend's open connection: what
    ``send_messages`` does, without parsing both addresses again for every message."""
    connection.open()
    if isinstance(message, _PreparedMessage) and isinstance(connection, SmtpBackend) and connection.connection:
        connection.connection.sendmail(message.from_email, [message.envelope_to], message.raw)
    else:
        connection.send_messages([message])


def mail_slot(*, now: float | None = None) -> float:
    """Reserve the next moment a message may leave (seconds since the epoch), for every worker of
    the installation together: one conditional update of the one ``MailPace`` row, so two processes
    never get the same moment and MAIL_RATE_PER_MINUTE holds whatever the number of workers."""
    step = 60.0 / settings.MAIL_RATE_PER_MINUTE
    now = time.time() if now is None else now
    with transaction.atomic():
        moved = MailPace.objects.filter(id=1).update(next_at=Greatest(F("next_at"), Value(now)) + step)
        if not moved:
            MailPace.objects.bulk_create([MailPace(id=1, next_at=0.0)], ignore_conflicts=True)
            MailPace.objects.filter(id=1).update(next_at=Greatest(F("next_at"), Value(now)) + step)
        return MailPace.objects.values_list("next_at", flat=True).get(id=1) - step


def pace_wait() -> None:
    """Wait for this message's moment (no wait when MAIL_RATE_PER_MINUTE is 0)."""
    if settings.MAIL_RATE_PER_MINUTE <= 0:
        return
    delay = mail_slot() - time.time()
    if delay > 0:
        time.sleep(delay)


@functools.cache
def _statements(vendor: str) -> tuple[str, str]:
    """The claim and the "sent" of each message as two plain UPDATEs, written once per process (the
    ORM would build and compile the same two queries for every recipient: most of the worker's time
    besides the SMTP conversation). The unsubscription is a subquery, not a join."""
    quote = db.ops.quote_name
    delivery, recipient = quote(Delivery._meta.db_table), quote(Recipient._meta.db_table)
    claim = (f"UPDATE {delivery} SET state = %s, started_at = %s, attempts = attempts + 1, message_id = %s, "
             f"return_token = %s "
             f"WHERE id = %s AND state = %s AND (next_attempt_at IS NULL OR next_attempt_at <= %s) "
             f"AND NOT EXISTS (SELECT 1 FROM {recipient} r WHERE r.id = {delivery}.recipient_id "
             f"AND (r.unsubscribed_at IS NOT NULL OR r.bounced_at IS NOT NULL))")
    sent = (f"UPDATE {delivery} SET state = %s, sent_at = %s, error = '', next_attempt_at = NULL "
            f"WHERE id = %s AND state = %s")
    return claim, sent


def _claim(delivery_id: int, message_id: str, return_token: str) -> bool:
    """queued → sending, committed before the message goes out; False when someone else has it,
    it is done, its backoff has not passed, or its recipient unsubscribed or is bouncing. One
    statement: committed on its own outside a transaction, a savepoint's worth inside one (a test's)."""
    now = db.ops.adapt_datetimefield_value(timezone.now())
    claim, _sent = _statements(db.vendor)
    with transaction.atomic(), db.cursor() as cursor:
        cursor.execute(claim, [Delivery.State.SENDING.value, now, message_id, return_token, delivery_id,
                               Delivery.State.QUEUED.value, now])
        return cursor.rowcount == 1


def _sent(delivery_id: int) -> None:
    """sending → sent, committed at once after the server took the message."""
    _claim_sql, sent = _statements(db.vendor)
    with transaction.atomic(), db.cursor() as cursor:
        cursor.execute(sent, [Delivery.State.SENT.value, db.ops.adapt_datetimefield_value(timezone.now()),
                              delivery_id, Delivery.State.SENDING.value])


def _finish(delivery: Delivery, **fields) -> None:
    with transaction.atomic():
        Delivery.objects.filter(id=delivery.id, state=Delivery.State.SENDING).update(**fields)


def backoff(attempts: int) -> int:
    return min(settings.MAIL_RETRY_DELAY * 2 ** max(0, attempts - 1), 3600)


def _refused(delivery: Delivery, exc: BaseException, transient: bool) -> int | None:
    """Record a refusal; the seconds until the next attempt when there is one."""
    reason = _reason(exc)[:2000]
    delivery.attempts = Delivery.objects.values_list("attempts", flat=True).get(id=delivery.id)
    if transient and delivery.attempts < settings.MAIL_MAX_ATTEMPTS:
        delay = backoff(delivery.attempts)
        _finish(delivery, state=Delivery.State.QUEUED, error=reason,
                next_attempt_at=timezone.now() + timedelta(seconds=delay), queued_at=timezone.now())
        logger.warning("delivery %s to %s: %s; tried again in %s s", delivery.id, delivery.email, reason, delay)
        return delay
    _finish(delivery, state=Delivery.State.FAILED, error=reason)
    logger.warning("delivery %s to %s failed: %s", delivery.id, delivery.email, reason)
    return None


@dataclass
class BatchOutcome:
    sent: int = 0
    failed: int = 0
    # Deliveries to try again (the server was unreachable), and after how many seconds.
    retry_ids: list[int] = field(default_factory=list)
    retry_after: int = 0


def deliveries_send(*, delivery_ids: list[int], connection=None) -> BatchOutcome:
    """Send each queued delivery of the list over one connection, one message per recipient.
    Safe to run twice, or concurrently, for the same ids (the claim)."""
    outcome = BatchOutcome()
    Delivery.objects.filter(id__in=delivery_ids, state=Delivery.State.QUEUED,
                            recipient__unsubscribed_at__isnull=False).update(
        state=Delivery.State.FAILED, error=_("Unsubscribed before this message was sent."))
    Delivery.objects.filter(id__in=delivery_ids, state=Delivery.State.QUEUED,
                            recipient__bounced_at__isnull=False).update(
        state=Delivery.State.FAILED, error=BOUNCING_ERROR)
    # Read once: the claim (a conditional update) decides who is sent, not this snapshot.
    rows = {d.id: d for d in Delivery.objects.filter(id__in=delivery_ids, state=Delivery.State.QUEUED)
            .select_related("recipient")}
    prepared: dict[int, PreparedDigest] = {}
    connection = connection or get_connection(fail_silently=False)
    try:
        for index, delivery_id in enumerate(delivery_ids):
            delivery = rows.get(delivery_id)
            if delivery is None:
                continue
            pace_wait()
            delivery.message_id = make_msgid(domain=_domain())
            delivery.return_token = secrets.token_hex(16)
            if not _claim(delivery_id, delivery.message_id, delivery.return_token):
                continue
            try:
                if delivery.digest_id not in prepared:
                    prepared[delivery.digest_id] = PreparedDigest(Digest.objects.get(id=delivery.digest_id))
                message = prepared[delivery.digest_id].message_for(delivery.recipient, message_id=delivery.message_id,
                                                                   return_token=delivery.return_token)
                # One connection for the batch, opened again after an error dropped it.
                hand_over(connection, message)
            except smtplib.SMTPRecipientsRefused as exc:
                # This address only: the connection is fine for the others.
                delay = _refused(delivery, exc, is_transient(exc))
                if delay is None:
                    outcome.failed += 1
                else:
                    outcome.retry_ids.append(delivery_id)
                    outcome.retry_after = max(outcome.retry_after, delay)
                _reset(connection)
            except Exception as exc:  # noqa: BLE001 - every refusal is recorded on the delivery, none is lost
                transient = is_transient(exc)
                delay = _refused(delivery, exc, transient)
                _reset(connection)
                if delay is None:
                    outcome.failed += 1
                    continue
                # The server is unreachable or busy: the rest of the batch waits with this one.
                outcome.retry_ids += [delivery_id, *delivery_ids[index + 1:]]
                outcome.retry_after = max(outcome.retry_after, delay)
                break
            else:
                _sent(delivery_id)
                outcome.sent += 1
    finally:
        _reset(connection)
    return outcome


def _reset(connection) -> None:
    try:
        connection.close()
    except Exception:  # noqa: BLE001 - a broken connection is dropped; the next message opens another
        logger.debug("closing the SMTP connection failed", exc_info=True)


def deliveries_sweep(*, now=None) -> list[int]:
    """Every minute (beat). A delivery "sending" for longer than a message can take was left by a
    dead worker: it becomes "unknown" (never resent without a person's decision). Queued
    deliveries whose task was lost (broker down, worker gone) are sent again; returns their ids."""
    now = now or timezone.now()
    Delivery.objects.filter(state=Delivery.State.SENDING,
                            started_at__lt=now - timedelta(seconds=SENDING_STALE_AFTER)).update(
        state=Delivery.State.UNKNOWN,
        error=_("The worker stopped while sending: the message may or may not have been delivered."))
    stranded = Delivery.objects.filter(
        Q(next_attempt_at__isnull=True) | Q(next_attempt_at__lte=now),
        state=Delivery.State.QUEUED, queued_at__lt=now - timedelta(seconds=settings.SWEEP_QUEUED_AFTER),
    )
    ids = list(stranded.order_by("id").values_list("id", flat=True)[:5000])
    batches = _batches(ids)
    sent_batches = send(Message(send_deliveries, (batch,)) for batch in batches)
    sent = [i for batch in batches[:sent_batches] for i in batch]
    Delivery.objects.filter(id__in=sent).update(queued_at=now)
    if sent:
        logger.info("sweeper: %s deliveries sent again", len(sent))
    return sent


def digest_test_send(*, digest: Digest, email: str) -> str:
    """Send the digest to one address now (the chief editor's own), without a delivery row:
    the answer is the server's, at once. Returns the Message-ID."""
    if not digest.is_published():
        raise DeliveryError(_("Publish the digest before sending it."))
    email = _clean_email(email)
    digest_public_link_ensure(digest=digest)
    message_id = make_msgid(domain=_domain())
    recipient = Recipient(email=email, token="test")
    message = build_message(render_digest_message(digest), recipient, message_id=message_id)
    message.subject = f"[{_('Test')}] {message.subject}"
    try:
        get_connection(fail_silently=False).send_messages([message])
    except Exception as exc:  # noqa: BLE001 - shown to the chief editor as the server's reason
        raise DeliveryError(_("The test message was not sent: %(reason)s") % {"reason": _reason(exc)}) from None
    return message_id


# Schedules.

def schedule_create(*, distribution_list: DistributionList, weekdays: list[int], time, timezone_name: str
                    ) -> Schedule:
    """Send ``distribution_list`` the latest published digest it has not had, at ``time`` (local to
    ``timezone_name``) on ``weekdays`` (ISO: Monday 1 … Sunday 7). The first run is the next occurrence."""
    schedule = Schedule(distribution_list=distribution_list, weekdays=",".join(str(d) for d in sorted(set(weekdays))),
                        time=time, timezone=(timezone_name or "").strip())
    try:
        schedule.full_clean(exclude=["last_digest", "last_run_at"])
    except ValidationError as exc:
        raise DeliveryError(" ".join(message for messages in exc.message_dict.values() for message in messages)
                            ) from None
    schedule.save()
    return schedule


def schedule_set_enabled(*, schedule: Schedule, enabled: bool) -> Schedule:
    """Pause or resume a schedule; a resumed one does not catch up on the occurrences it missed."""
    fields = {"enabled": enabled}
    if enabled and not schedule.enabled:
        fields["last_run_at"] = timezone.now()
    Schedule.objects.filter(id=schedule.id).update(**fields)
    schedule.refresh_from_db()
    return schedule


def schedule_delete(*, schedule: Schedule) -> None:
    Schedule.objects.filter(id=schedule.id).delete()


def _last_occurrence(schedule: Schedule, now):
    """The latest scheduled time at or before ``now`` (aware), or None when no weekday is set."""
    zone = ZoneInfo(schedule.timezone)
    local = now.astimezone(zone)
    days = schedule.weekday_set()
    for back in range(8):
        day = (local - timedelta(days=back)).date()
        if day.isoweekday() not in days:
            continue
        occurrence = datetime.combine(day, schedule.time, tzinfo=zone)
        if occurrence <= local:
            return occurrence
    return None


def schedules_run(*, now=None) -> list[int]:
    """Every minute (beat): for each enabled schedule whose time has come since its last run,
    queue the latest published digest the list has not had from it (nothing when there is none).
    Each occurrence runs once, even with two beats (a conditional update claims it). Returns the
    ids of the schedules that queued a digest."""
    now = now or timezone.now()
    queued = []
    for schedule in Schedule.objects.filter(enabled=True).select_related("distribution_list", "last_digest"):
        try:
            occurrence = _last_occurrence(schedule, now)
        except (ZoneInfoNotFoundError, ValueError):
            logger.warning("schedule %s: unknown time zone %r, skipped", schedule.id, schedule.timezone)
            continue
        # An occurrence before the schedule existed, or already handled, is not run.
        if occurrence is None or occurrence < schedule.created_at or (
                schedule.last_run_at and schedule.last_run_at >= occurrence):
            continue
        with transaction.atomic():
            claimed = Schedule.objects.filter(id=schedule.id, last_run_at=schedule.last_run_at).update(
                last_run_at=occurrence)
            if not claimed:
                continue
            digests = Digest.objects.published().order_by("-published_at", "-id")
            if schedule.last_digest is not None and schedule.last_digest.published_at:
                digests = digests.filter(published_at__gt=schedule.last_digest.published_at)
            digest = digests.first()
            if digest is None:
                continue
            plan = deliveries_queue(digest=digest, lists=[schedule.distribution_list])
            Schedule.objects.filter(id=schedule.id).update(last_digest=digest)
            logger.info("schedule %s: digest %s queued for %s recipients", schedule.id, digest.id, plan.count)
            queued.append(schedule.id)
    return queued
