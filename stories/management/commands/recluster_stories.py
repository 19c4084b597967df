"""Group the archive's articles into stories again with the current settings.

After a change of ``STORY_THRESHOLD`` or ``STORY_WINDOW_DAYS``, a new pipeline or a new way of reading
an article's words, the key frequencies are counted again from the articles weighed so far, then the
articles the machine placed are grouped again one by one in order of time. Articles an editor placed stay where
they are, and renamed titles stay. Safe to stop and run again.
"""

from django.core.management.base import BaseCommand

from stories.services import stories_recluster


class Command(BaseCommand):
    help = "Group again the articles the machine placed in stories (editors' placements stay)."

    def handle(self, *args, **options):
        def progress(done: int, total: int) -> None:
            if done == total or done % 500 == 0:
                self.stdout.write(f"{done:,} of {total:,} articles grouped")

        count = stories_recluster(progress=progress)
        self.stdout.write(self.style.SUCCESS(f"{count:,} articles grouped again."))
