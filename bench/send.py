"""Sending a published digest to many recipients, against a bare smtplib loop, in one run.

    .venv/bin/python bench/send.py [--recipients 1000] [--items 30] [--keep]

In a throwaway SQLite database (a temporary PRESSREVIEW_VAR_DIR, migrated from scratch, removed at
the end unless --keep): a published digest of --items articles, --recipients recipients, and a
real SMTP server (aiosmtpd) on a free loopback port that counts what it receives.

- app: the recipients queued (``deliveries_queue``) then sent as the worker sends them
  (``deliveries_send``: per recipient, the claim committed, the message built with its own
  unsubscribe link and Message-ID, sent over one SMTP connection, "sent" committed), no rate limit;
- baseline: a bare smtplib loop sending the same rendered message (its bytes built once) the same
  number of times over one connection.

Reported: messages per second for each, their ratio (target ≥ 0.5), the size of one message.
"""

import argparse
import os
import shutil
import smtplib
import socket
import sys
import tempfile
import time
from datetime import date, datetime
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))


class Counter:
    def __init__(self):
        self.count = 0

    async def handle_DATA(self, server, session, envelope):
        self.count += 1
        return "250 OK"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def setup(var_dir: Path, port: int):
    os.environ.update({
        "PRESSREVIEW_VAR_DIR": str(var_dir), "DJANGO_SETTINGS_MODULE": "pressreview.settings", "DEBUG": "false",
        "EMAIL_HOST": "127.0.0.1", "EMAIL_PORT": str(port), "MAIL_RATE_PER_MINUTE": "0",
        "MAIL_BATCH_SIZE": "100000", "SITE_URL": "https://press.example",
    })
    os.environ.pop("DATABASE_URL", None)
    os.environ.pop("REDIS_URL", None)
    import django

    django.setup()
    import logging

    from django.core.management import call_command

    # aiosmtpd logs every SMTP command at INFO: its log lines would be most of what is timed.
    logging.getLogger("mail.log").setLevel(logging.WARNING)

    call_command("migrate", verbosity=0)


def published_digest(items: int):
    from django.utils import timezone

    from articles.models import Article, Source
    from digests import services

    source = Source.objects.create(name="Le Desk")
    articles = [Article.objects.create(
        title=f"Article {n} : la visite du ministre à Rabat",
        body=("Le ministre s'est rendu à Rabat pour parler de coopération. " * 12) + f"Fin {n}.",
        language="fr", content_hash=f"bench-{n}", source=source, url=f"https://news.example/{n}",
        published_at=timezone.make_aware(datetime(2024, 3, 2, 9, 0)), status=Article.Status.ANNOTATED,
        review_state=Article.ReviewState.REVIEWED) for n in range(items)]
    digest = services.digest_create(title="Revue de presse", period_start=date(2024, 3, 1),
                                    period_end=date(2024, 3, 3), introduction="Bonjour.", language="fr")
    services.digest_items_add(digest=digest, articles=articles)
    return services.digest_publish(digest=digest, user=None)


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--recipients", type=int, default=1000)
    parser.add_argument("--items", type=int, default=30)
    parser.add_argument("--keep", action="store_true")
    args = parser.parse_args()

    from aiosmtpd.controller import Controller

    counter, port = Counter(), free_port()
    controller = Controller(counter, hostname="127.0.0.1", port=port)
    controller.start()
    var_dir = Path(tempfile.mkdtemp(prefix="bench-send-"))
    try:
        setup(var_dir, port)
        from django.conf import settings

        from digests import delivery
        from digests.models import Delivery, Recipient

        digest = published_digest(args.items)
        emails = [f"reader{n}@example.org" for n in range(args.recipients)]

        started = time.perf_counter()
        delivery.deliveries_queue(digest=digest, emails=emails)
        queued = time.perf_counter() - started
        ids = list(Delivery.objects.filter(digest=digest).order_by("id").values_list("id", flat=True))
        started = time.perf_counter()
        outcome = delivery.deliveries_send(delivery_ids=ids)
        app_seconds = time.perf_counter() - started
        assert outcome.sent == args.recipients, outcome
        assert counter.count == args.recipients, counter.count

        # The same rendered message, bytes built once, over one bare connection.
        digest.refresh_from_db()
        message = delivery.build_message(delivery.render_digest_message(digest), Recipient.objects.first(),
                                         message_id="<bench@press.example>")
        raw = message.message().as_bytes(linesep="\r\n")
        started = time.perf_counter()
        with smtplib.SMTP("127.0.0.1", port) as smtp:
            for email in emails:
                smtp.sendmail(settings.DEFAULT_FROM_EMAIL, [email], raw)
        bare_seconds = time.perf_counter() - started
        assert counter.count == 2 * args.recipients

        app_rate, bare_rate = args.recipients / app_seconds, args.recipients / bare_seconds
        print(f"digest: {args.items} items, {args.recipients} recipients, SQLite, aiosmtpd on 127.0.0.1")
        print(f"queue (rows + public link):      {queued:7.2f} s")
        print(f"app (claim, build, send, mark):  {app_rate:7.0f} messages/s  ({app_seconds:.2f} s)")
        print(f"bare smtplib, one connection:    {bare_rate:7.0f} messages/s  ({bare_seconds:.2f} s)")
        print(f"ratio app / bare:                {app_rate / bare_rate:7.2f}  (target >= 0.5)")
        print(f"one message:                     {len(raw) / 1024:7.1f} KiB")
    finally:
        controller.stop()
        if args.keep:
            print(f"kept {var_dir}")
        else:
            shutil.rmtree(var_dir, ignore_errors=True)


if __name__ == "__main__":
    main()
