from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from digests.bounces import MaildirMissing, bounces_read


class Command(BaseCommand):
    help = ("Read the bounce mailbox (a Maildir, BOUNCE_MAILDIR) once: mark the deliveries that bounced, "
            "move each message read to its 'done' folder, or to 'kept' when it cannot be understood.")

    def add_arguments(self, parser):
        parser.add_argument("--maildir", default="", help="The Maildir to read (default: BOUNCE_MAILDIR).")

    def handle(self, *args, maildir, **options):
        maildir = maildir or settings.BOUNCE_MAILDIR
        if not maildir:
            raise CommandError("No Maildir: set BOUNCE_MAILDIR or give --maildir.")
        try:
            result = bounces_read(maildir=maildir)
        except MaildirMissing as exc:
            raise CommandError(str(exc)) from None
        self.stdout.write(f"{result.read} messages read: {result.hard} permanent failures, {result.soft} delayed, "
                          f"{result.other} read before, {result.kept} kept aside (not understood or matching "
                          f"no delivery).")
