"""Reading the bounces that come back by e-mail, and marking what they report.

The mail server delivers the bounce address (BOUNCE_ADDRESS and its ``+TOKEN`` variants) to a
Maildir, BOUNCE_MAILDIR. ``bounces_read`` reads each message of its inbox once:

- a delivery status notification (RFC 3464, ``multipart/report; report-type=delivery-status``)
  gives the per-recipient ``Action``, ``Status`` and ``Diagnostic-Code``, and the original
  message's headers; a plain-text bounce that does not follow it is understood when it names an
  enhanced status code (``5.1.1``) or an SMTP reply (``550 …``);
- it is matched to its delivery by the secret in the address it was sent back to (VERP:
  ``bounces+TOKEN@…``, unguessable, stored on the delivery) or else by the original Message-ID,
  which must then be that of a message sent to the address the report names;
- a permanent failure (5.x.x) marks the delivery "bounced" with the server's reason and the
  address "bouncing" (nothing more is sent to it until a chief editor clears it); a delay or a
  transient failure (4.x.x) is recorded (``Bounce``) and changes nothing else;
- the message is then moved to the Maildir's ``done`` folder; one that is not understood, or
  matches no delivery (an out-of-office reply, a forged or stale token), to ``kept``, for a
  person to look at. Nothing in a message makes the reader fail: it is counted and kept.

Each report is applied once: its Maildir name is unique on ``Bounce``, so a message read twice
(two readers at once, a crash before the move) changes nothing the second time.
"""

import logging
import mailbox
import os
import re
from dataclasses import dataclass, field
from email import message_from_bytes
from email.message import Message
from email.parser import HeaderParser
from email.policy import compat32
from pathlib import Path

from django.conf import settings
from django.db import DatabaseError, IntegrityError, transaction
from django.utils import timezone

from digests.delivery import BOUNCING_ERROR
from digests.models import Bounce, Delivery, Recipient

logger = logging.getLogger(__name__)

DONE, KEPT = "done", "kept"
# A bounce quotes at most the original message; anything much larger is not one.
MAX_BYTES = 20 * 1024 * 1024
ENHANCED_STATUS = re.compile(r"(?<![\d.])([245])\.(\d{1,3})\.(\d{1,3})(?![\d.])")
# "host mx.example[192.0.2.1] said: 550 …", or a line opening with the reply ("550-…", "550 …").
SMTP_REPLY = re.compile(r"(?:said:\s*|^\s*)([45][0-5]\d)[ -]", re.MULTILINE)
BLANK_LINE = re.compile(rb"\r?\n\r?\n")
MESSAGE_ID = re.compile(r"^Message-ID:\s*(<[^<>\s]+>)", re.IGNORECASE | re.MULTILINE)
# The headers a mail server writes the envelope recipient into (Postfix, Exim, qmail, Dovecot).
ADDRESS_HEADERS = ("Delivered-To", "X-Original-To", "Envelope-To", "X-Envelope-To", "To")


# Parsing: no database.

@dataclass
class RecipientStatus:
    recipient: str = ""
    action: str = ""
    status: str = ""
    diagnostic: str = ""

    @property
    def kind(self) -> str:
        """hard, soft, or "" when it reports no failure (delivered, relayed, expanded)."""
        if self.status.startswith("5"):
            return Bounce.Kind.HARD
        if self.status.startswith("4") or self.action == "delayed":
            return Bounce.Kind.SOFT
        return ""

    @property
    def reason(self) -> str:
        return self.diagnostic or " ".join(part for part in (self.status, self.action) if part)


@dataclass
class Report:
    """What a bounce says: the tokens and Message-IDs it carries, the failures it reports."""

    tokens: list[str] = field(default_factory=list)
    message_ids: list[str] = field(default_factory=list)
    statuses: list[RecipientStatus] = field(default_factory=list)

    def status_for(self, email: str) -> RecipientStatus | None:
        """The failure reported for ``email``, else the only one reported (a forwarded address)."""
        failures = [status for status in self.statuses if status.kind]
        named = [status for status in failures if status.recipient.lower() == email.lower()]
        if named:
            return named[0]
        return failures[0] if len(failures) == 1 else None

    def names(self, email: str) -> bool:
        recipients = {status.recipient.lower() for status in self.statuses if status.recipient}
        return not recipients or email.lower() in recipients


def _flat(value) -> str:
    return " ".join(str(value or "").split())


def _address(value: str) -> str:
    """``rfc822; Ana@Example.org`` → ``Ana@Example.org``."""
    _type, _semicolon, address = _flat(value).rpartition(";")
    return address.strip().strip("<>")


def _diagnostic(value: str) -> str:
    """``smtp; 550 5.1.1 No such user`` → ``550 5.1.1 No such user``."""
    kind, semicolon, text = _flat(value).partition(";")
    return text.strip() if semicolon and " " not in kind.strip() else _flat(value)


def _status(value: str) -> str:
    found = ENHANCED_STATUS.search(_flat(value))
    return ".".join(found.groups()) if found else ""


def _dsn_statuses(part: Message) -> list[RecipientStatus]:
    blocks = part.get_payload()
    if not isinstance(blocks, list):  # a report the parser could not split into its field groups
        blocks = [HeaderParser(policy=compat32).parsestr(block) for block in str(blocks).split("\n\n")]
    statuses = []
    # The first group is about the message (Reporting-MTA…), each next one about a recipient.
    for block in blocks:
        status = RecipientStatus(
            recipient=_address(block.get("Final-Recipient") or block.get("Original-Recipient") or ""),
            action=_flat(block.get("Action")).lower(),
            status=_status(block.get("Status") or ""),
            diagnostic=_diagnostic(block.get("Diagnostic-Code") or ""),
        )
        if status.status or status.action:
            statuses.append(status)
    return statuses


def _original_ids(message: Message) -> list[str]:
    """The Message-IDs of the returned message (its full copy, or its headers only)."""
    ids = []
    for part in message.walk():
        kind = part.get_content_type()
        if kind == "message/rfc822" and isinstance(part.get_payload(), list) and part.get_payload():
            ids.append(_flat(part.get_payload()[0].get("Message-ID")))
        elif kind == "text/rfc822-headers":
            text = part.get_payload(decode=True) or b""
            ids.append(_flat(HeaderParser(policy=compat32).parsestr(text.decode("utf-8", "replace")).get("Message-ID")))
    return [found for found in ids if found]


def _text(message: Message) -> str:
    """Every text part, decoded, for a bounce that is not a delivery status notification."""
    texts = []
    for part in message.walk():
        if part.get_content_maintype() == "text":
            payload = part.get_payload(decode=True) or b""
            try:
                texts.append(payload.decode(part.get_content_charset() or "utf-8", "replace"))
            except LookupError:  # a charset Python does not know
                texts.append(payload.decode("utf-8", "replace"))
    return "\n".join(texts)


def _plain_statuses(text: str) -> list[RecipientStatus]:
    enhanced = next((found for found in ENHANCED_STATUS.finditer(text) if found.group(1) in "45"), None)
    reply = SMTP_REPLY.search(text)
    if enhanced:
        status = ".".join(enhanced.groups())
        line_start = text.rfind("\n", 0, enhanced.start()) + 1
        line_end = text.find("\n", enhanced.end())
        return [RecipientStatus(status=status, diagnostic=_flat(text[line_start:line_end if line_end >= 0 else None]))]
    if reply:
        line_end = text.find("\n", reply.start(1))
        line = _flat(text[reply.start(1):line_end if line_end >= 0 else None])
        return [RecipientStatus(status=f"{reply.group(1)[0]}.0.0", diagnostic=line)]
    return []


def verp_pattern(bounce_address: str) -> re.Pattern | None:
    """``bounces+TOKEN@press.example`` for BOUNCE_ADDRESS ``bounces@press.example``."""
    if not bounce_address:
        return None
    local, _at, domain = bounce_address.rpartition("@")
    # Not inside a longer address: nothing address-like before it, no longer domain after it.
    return re.compile(rf"(?<![\w.+-]){re.escape(local)}\+([0-9a-f]{{32}})@{re.escape(domain)}(?![\w-]|\.\w)",
                      re.IGNORECASE)


def parse(data: bytes, *, bounce_address: str = "") -> Report | None:
    """What the bounce ``data`` reports; None when it reports no failure one can tell."""
    message = message_from_bytes(data, policy=compat32)
    report = Report()
    pattern = verp_pattern(bounce_address)
    if pattern is not None:
        # The address it came back to (headers the receiving server wrote), else anywhere in it (the
        # returned message's Return-Path): the secret is unguessable wherever it is found.
        seen = " ".join(_flat(value) for name in ADDRESS_HEADERS for value in message.get_all(name) or [])
        found = pattern.findall(seen) + pattern.findall(data.decode("latin-1"))
        report.tokens = list(dict.fromkeys(token.lower() for token in found))
    reports = [part for part in message.walk() if part.get_content_type() == "message/delivery-status"]
    for part in reports:
        report.statuses += _dsn_statuses(part)
    report.message_ids = _original_ids(message)
    if not reports:
        # Not a notification: the status and the original headers are somewhere in its text.
        end_of_headers = BLANK_LINE.search(data)
        body = data[end_of_headers.end():] if end_of_headers else b""
        report.statuses = _plain_statuses(_text(message))
        report.message_ids += MESSAGE_ID.findall(body.decode("utf-8", "replace"))
    if not any(status.kind for status in report.statuses):
        return None
    return report


# Applying a report.

def _delivery_for(report: Report) -> tuple[Delivery, RecipientStatus] | None:
    """The delivery a report is about, and the failure it reports for it: by the envelope
    secret, else by the Message-ID of a message sent to the address the report names. A report
    carrying a secret that matches no delivery (forged, or of an attempt since replaced) is
    nobody's: the Message-ID it quotes is not tried."""
    if report.tokens:
        delivery = Delivery.objects.filter(return_token__in=report.tokens).first()
        status = report.status_for(delivery.email) if delivery is not None else None
        return (delivery, status) if status else None
    for message_id in dict.fromkeys(report.message_ids):
        delivery = Delivery.objects.filter(message_id=message_id).exclude(message_id="").first()
        if delivery is not None and report.names(delivery.email):
            status = report.status_for(delivery.email)
            return (delivery, status) if status else None
    return None


def bounce_record(*, report: Report, mailbox_key: str) -> Bounce | None:
    """Record what ``report`` says of its delivery. A permanent failure marks the delivery
    "bounced" (when it was sent, or unknown) with the server's reason and its address "bouncing",
    and fails that address's queued deliveries; a delay changes nothing but the record. None when
    the report matches no delivery, or was recorded already (same ``mailbox_key``)."""
    found = _delivery_for(report)
    if found is None:
        return None
    delivery, status = found
    reason = (status.reason or status.status)[:2000]
    try:
        with transaction.atomic():
            bounce = Bounce.objects.create(delivery=delivery, kind=status.kind, status=status.status,
                                           action=status.action[:16], reason=reason, mailbox_key=mailbox_key[:255])
            if status.kind == Bounce.Kind.HARD:
                _mark_bounced(delivery, reason)
    except IntegrityError:
        logger.info("bounce %s was recorded already", mailbox_key)
        return None
    return bounce


def _mark_bounced(delivery: Delivery, reason: str) -> None:
    Delivery.objects.filter(id=delivery.id, state__in=[Delivery.State.SENT, Delivery.State.UNKNOWN,
                                                       Delivery.State.SENDING]).update(
        state=Delivery.State.BOUNCED, error=reason)
    Recipient.objects.filter(id=delivery.recipient_id, bounced_at__isnull=True).update(
        bounced_at=timezone.now(), bounce_reason=reason)
    Delivery.objects.filter(recipient_id=delivery.recipient_id, state=Delivery.State.QUEUED).update(
        state=Delivery.State.FAILED, error=str(BOUNCING_ERROR))


# Reading the mailbox.

@dataclass
class ReadResult:
    hard: int = 0
    soft: int = 0
    # Recorded already (read twice).
    other: int = 0
    # Not a bounce one can tell, or matching no delivery: moved to the "kept" folder.
    kept: int = 0

    @property
    def read(self) -> int:
        return self.hard + self.soft + self.other + self.kept


class MaildirMissing(FileNotFoundError):
    pass


def _folder(inbox: Path, name: str) -> Path:
    folder = inbox / f".{name}"
    if not (folder / "cur").is_dir():
        mailbox.Maildir(str(inbox), create=False).add_folder(name)
    return folder


def _move(path: Path, folder: Path, key: str) -> None:
    """Into ``folder``'s cur/, marked seen: a rename, atomic, so a message is in one place only."""
    try:
        os.rename(path, folder / "cur" / f"{key}:2,S")
    except FileNotFoundError:
        logger.info("bounce %s was moved by another reader", key)
    except OSError:
        logger.exception("bounce %s could not be moved out of the inbox", key)


def _read_one(path: Path, key: str, bounce_address: str) -> str:
    """"hard", "soft", "other" or "kept" for the message at ``path``."""
    if path.stat().st_size > MAX_BYTES:
        return KEPT
    try:
        report = parse(path.read_bytes(), bounce_address=bounce_address)
    except Exception:  # noqa: BLE001 - a message the parser cannot read is kept for a person, never fatal
        logger.warning("bounce %s could not be parsed", key, exc_info=True)
        return KEPT
    if report is None or not (report.tokens or report.message_ids):
        return KEPT
    bounce = bounce_record(report=report, mailbox_key=key)
    if bounce is not None:
        return bounce.kind
    recorded = Bounce.objects.filter(mailbox_key=key[:255]).exists()
    return "other" if recorded else KEPT


def bounces_read(*, maildir: str | os.PathLike | None = None) -> ReadResult:
    """Read every message in the inbox of ``maildir`` (default BOUNCE_MAILDIR) once: apply what it
    reports, then move it to the ``done`` folder, or to ``kept`` when it cannot be understood or
    matches no delivery. Raises MaildirMissing when the folder is not a Maildir."""
    inbox = Path(maildir or settings.BOUNCE_MAILDIR)
    if not (inbox / "new").is_dir() or not (inbox / "cur").is_dir():
        raise MaildirMissing(f"{inbox} is not a Maildir (it needs new/ and cur/ folders)")
    done, kept = _folder(inbox, DONE), _folder(inbox, KEPT)
    result = ReadResult()
    for sub in ("new", "cur"):
        for entry in sorted(os.scandir(inbox / sub), key=lambda entry: entry.name):
            if entry.name.startswith(".") or not entry.is_file():
                continue
            key = entry.name.split(":", 1)[0]
            try:
                outcome = _read_one(Path(entry.path), key, settings.BOUNCE_ADDRESS)
            except FileNotFoundError:
                continue  # another reader took it
            except (DatabaseError, OSError):
                logger.exception("bounce %s not applied; it stays in the inbox for the next reading", key)
                continue
            setattr(result, outcome, getattr(result, outcome) + 1)
            _move(Path(entry.path), kept if outcome == KEPT else done, key)
    if result.read:
        logger.info("bounces read: %s permanent, %s delayed, %s other, %s kept aside",
                    result.hard, result.soft, result.other, result.kept)
    return result
