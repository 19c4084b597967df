"""Import articles from a CSV, JSON, JSON Lines or ZIP file, as the admin's
"Import articles" page does.

    manage.py import_articles feed.csv --dry-run
    manage.py import_articles archive.zip --source "Le Desk" --wait
    manage.py import_articles export.csv --delimiter ";" --encoding windows-1252 --column body=Texte --wait

Without --wait the import runs on a worker (the bulk queue) and the command
prints where to follow it; with --wait it runs in this process and prints the
counts. Either way the articles are then annotated by the workers.
"""

from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.files import File
from django.core.management.base import BaseCommand, CommandError
from django.urls import reverse

from imports import parsers
from imports.models import ImportBatch
from imports.services import batches, runner


class Command(BaseCommand):
    help = "Import articles from a CSV, JSON, JSON Lines or ZIP file (same rules as the admin's import page)."

    def add_arguments(self, parser):
        parser.add_argument("path", help="the file to import")
        parser.add_argument("--format", default="auto", choices=["auto", *parsers.FORMATS])
        parser.add_argument("--delimiter", default="auto", help="CSV delimiter: auto, ',', ';', 'tab' or '|'")
        parser.add_argument("--encoding", default="auto", help="auto, or a name such as utf-8 or windows-1252")
        parser.add_argument("--column", action="append", default=[], metavar="FIELD=COLUMN",
                            help=f"which column holds a field ({', '.join(parsers.FIELDS)}); repeatable")
        parser.add_argument("--manifest", default="", help="name of the CSV manifest inside a ZIP")
        parser.add_argument("--source", default="", help="source for rows that name none")
        parser.add_argument("--language", default="", help="two-letter language for rows that state none")
        parser.add_argument("--date-order", default="auto", choices=["auto", "day", "month"],
                            help="how to read 06/12/2026: auto (day first for French rows), day or month first")
        parser.add_argument("--user", default="", help="username recorded as the importer")
        parser.add_argument("--dry-run", action="store_true", help="check every row and report; write no article")
        parser.add_argument("--wait", action="store_true", help="run the import in this process and print the counts")

    def handle(self, *args, **options):
        path = Path(options["path"])
        if not path.is_file():
            raise CommandError(f"{path} is not a file")
        columns = {}
        for item in options["column"]:
            name, sep, column = item.partition("=")
            if not sep or name.strip() not in parsers.FIELDS:
                raise CommandError(
                    f"--column takes FIELD=COLUMN with FIELD among {', '.join(parsers.FIELDS)}, not {item!r}")
            columns[name.strip()] = column
        delimiter = {"tab": "\t", "\\t": "\t"}.get(options["delimiter"], options["delimiter"])
        import_options = {"format": options["format"], "delimiter": delimiter, "encoding": options["encoding"],
                          "columns": columns, "manifest": options["manifest"], "default_source": options["source"],
                          "default_language": options["language"], "date_order": options["date_order"]}
        user = None
        if options["user"]:
            user = get_user_model().objects.filter(username=options["user"]).first()
            if user is None:
                raise CommandError(f"No user named {options['user']!r}")

        in_process = options["dry_run"] or options["wait"]
        create = batches.import_preview if options["dry_run"] else batches.import_start
        try:
            with path.open("rb") as handle:
                batch = create(file=File(handle, name=path.name), filename=path.name, options=import_options,
                               created_by=user, enqueue=not in_process)
        except parsers.ImportFileError as exc:
            raise CommandError(str(exc)) from None

        if not in_process:
            self.stdout.write(f"Import batch {batch.id} queued; follow it at "
                              f"{reverse('admin:imports_importbatch_change', args=[batch.id])}")
            return
        if options["dry_run"]:
            runner.import_check(batch_id=batch.id)
        else:
            runner.import_run(batch_id=batch.id)
        batch.refresh_from_db()
        self._report(batch, dry_run=options["dry_run"])

    def _report(self, batch: ImportBatch, *, dry_run: bool):
        detected = batch.detected or {}
        found = ", ".join(f"{field} <- {column}" for field, column in (detected.get("mapping") or {}).items())
        self.stdout.write(f"Batch {batch.id}: {batch.original_filename} ({batch.get_format_display()}"
                          + (f", {detected['encoding']}" if detected.get("encoding") else "") + ")"
                          + (f"; columns: {found}" if found else ""))
        created = "would be created" if dry_run else "created"
        self.stdout.write(f"parsed {batch.parsed}, {created} {batch.created}, duplicates {batch.duplicates}, "
                          f"failed {batch.failed}")
        for issue in batch.issues.order_by("id")[:20]:
            where = f"line {issue.line}" if issue.line else issue.location
            self.stdout.write(f"  {where}: {issue.get_kind_display()}: {issue.reason}")
        if batch.failed + batch.duplicates > 20:
            self.stdout.write(f"  … and {batch.failed + batch.duplicates - 20} more (error report in the admin)")
        if batch.status == ImportBatch.Status.FAILED:
            raise CommandError(batch.error)
        if batch.status == ImportBatch.Status.ANNOTATING:
            self.stdout.write(f"{batch.created} articles queued for annotation on the bulk queue.")
