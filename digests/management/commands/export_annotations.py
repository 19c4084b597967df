from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from digests.annotations import annotation_records, docbin_bytes, jsonl_lines, reviewed_articles


class Command(BaseCommand):
    help = "Export the reviewed articles' spans and topics as JSON Lines or a spaCy DocBin, for training."

    def add_arguments(self, parser):
        parser.add_argument("--format", choices=["jsonl", "docbin"], default="jsonl")
        parser.add_argument("--out", required=True, help="File to write ('-' for standard output, JSON Lines only).")
        parser.add_argument("--language", default="", help="Only articles in this language (e.g. fr).")

    def handle(self, *args, format, out, language, **options):
        records = annotation_records(reviewed_articles(language=language))
        if format == "jsonl":
            count = 0
            if out == "-":
                for line in jsonl_lines(records):
                    self.stdout.write(line, ending="")
                    count += 1
                return
            with Path(out).open("w", encoding="utf-8") as handle:
                for line in jsonl_lines(records):
                    handle.write(line)
                    count += 1
            self.stderr.write(f"{count} reviewed articles written to {out}")
            return
        if out == "-":
            raise CommandError("A DocBin is binary: give a file with --out.")
        data, report = docbin_bytes(records)
        Path(out).write_bytes(data)
        self.stderr.write(
            f"{report.docs} reviewed articles, {report.spans} entities written to {out}; "
            f"skipped {report.misaligned} spans that do not align with tokens and {report.overlapping} overlapping ones"
        )
