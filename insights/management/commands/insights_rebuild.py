"""Count every annotated article again from scratch: for an archive that predates the counts."""

from django.core.management.base import BaseCommand

from insights.services import counts_rebuild


class Command(BaseCommand):
    help = "Rebuild the daily counts of the insights page from the articles, mentions and topics."

    def handle(self, *args, **options):
        counted = counts_rebuild()
        self.stdout.write(f"{counted} articles counted.")
