"""E-mail for watches: an alert at once, or an hourly summary, through the digests' mail machinery
(the same backend and SMTP settings, the same pace for all workers together, the "mail" queue).

At most once per notification: each is claimed (``mailed_at`` set, committed) before its message
goes out; a transient refusal gives the claims back for a later try, a permanent one keeps them
(logged). A notification read before its turn is not sent; a user without an address gets none.
"""

import logging
from collections import defaultdict

from django.conf import settings
from django.core.mail import EmailMessage, get_connection
from django.db import transaction
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from digests.delivery import backoff, is_transient, pace_wait
from watches.models import Notification, Watch

logger = logging.getLogger(__name__)


def _claim(notes: list[Notification]) -> list[Notification]:
    now = timezone.now()
    with transaction.atomic():
        return [n for n in notes
                if Notification.objects.filter(id=n.id, mailed_at=None, read_at=None).update(mailed_at=now)]


def _release(notes: list[Notification]) -> None:
    Notification.objects.filter(id__in=[n.id for n in notes]).update(mailed_at=None)


def _line(note: Notification) -> str:
    link = settings.SITE_URL + reverse("articles:detail", args=[note.article_id])
    reason = note.get_reason_display()
    return f"- {note.article.title} ({reason})\n  {link}"


def _body(notes: list[Notification]) -> str:
    intro = ngettext("%(n)d article matches what you watch:", "%(n)d articles match what you watch:",
                     len(notes)) % {"n": len(notes)}
    every = settings.SITE_URL + reverse("watches:notifications")
    return "\n\n".join([intro, *(_line(n) for n in notes),
                        _("Your notifications: %(url)s") % {"url": every}]) + "\n"


def _send(user, notes: list[Notification], subject: str) -> int | None:
    """One message to the user about these notes; seconds until another try when it failed for now."""
    claimed = _claim(notes)
    if not claimed:
        return None
    message = EmailMessage(subject=subject, body=_body(claimed), from_email=settings.DEFAULT_FROM_EMAIL,
                           to=[user.email], headers={"Auto-Submitted": "auto-generated"})
    pace_wait()
    try:
        get_connection().send_messages([message])
    except Exception as exc:  # noqa: BLE001 - the server's refusal is recorded, never raised into the worker
        if is_transient(exc):
            _release(claimed)
            logger.warning("watch e-mail to user %s refused for now, tried again later: %s", user.id, exc)
            return backoff(1)
        logger.error("watch e-mail to user %s refused: %s", user.id, exc)
    return None


def _pending(**filters) -> dict:
    notes = (Notification.objects.filter(mailed_at=None, read_at=None, **filters).exclude(user__email="")
             .select_related("user", "article").only("id", "reason", "article_id", "article__title", "user__id",
                                                     "user__email", "created_at").order_by("created_at", "id"))
    by_user = defaultdict(list)
    for note in notes:
        by_user[note.user].append(note)
    return by_user


def alerts_send(*, article_id: int) -> int | None:
    """The immediate e-mails of this article's notifications; seconds until another try if one failed for now."""
    retry = None
    with translation.override(settings.LANGUAGE_CODE):
        for user, notes in _pending(article_id=article_id, mail=Watch.Mail.IMMEDIATE).items():
            subject = _("Press Review: %(title)s") % {"title": notes[0].article.title[:150]}
            retry = _send(user, notes, subject) or retry
    return retry


def summaries_send() -> int:
    """Each user's hourly summary (and any immediate alert a failure left behind); the users mailed."""
    mailed = 0
    with translation.override(settings.LANGUAGE_CODE):
        for user, notes in _pending(mail__in=[Watch.Mail.HOURLY, Watch.Mail.IMMEDIATE]).items():
            subject = ngettext("Press Review: %(n)d new notification", "Press Review: %(n)d new notifications",
                               len(notes)) % {"n": len(notes)}
            _send(user, notes, subject)
            mailed += 1
    return mailed
