"""Bulk import from the admin or the command line: formats, dry run, duplicates,
cancellation and failure, limits, the error report, and a real worker importing
and annotating a batch (Redis + PostgreSQL in CI, SQLite + filesystem in embedded mode).

Every file is built here, so each test says exactly what it feeds in.
"""

import codecs
import csv
import io
import json
import random
import re
import threading
import zipfile
from datetime import timedelta

import pytest
from celery.exceptions import SoftTimeLimitExceeded
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.db import connection
from django.urls import reverse
from django.utils import timezone

from articles.models import Article, Source
from articles.services.ingest import article_create
from imports import parsers
from imports.models import ImportBatch, ImportedArticle
from imports.services import runner
from imports.services.batches import import_cancel, import_confirm, import_preview, import_recheck, import_start
from imports.services.report import import_error_report
from imports.services.runner import import_check, import_run
from imports.services.sweep import imports_sweep
from imports.tasks import check_import, run_import
from tests.conftest import _reset_broker_pools, make_user, wait_for
from tests.files import docx_bytes, pdf_bytes, zip_bytes

FR = [
    "Le ministre de l'Intérieur Gérald Darmanin est arrivé lundi à Rabat pour une visite de deux jours.",
    "La coopération sécuritaire entre Paris et Rabat a été saluée par les deux délégations.",
    "Le Front Polisario a dénoncé la position française sur le Sahara occidental.",
    "Les Jeux olympiques de Paris mobiliseront des milliers de policiers et de gendarmes.",
]
EN = [
    "The Prime Minister met union leaders in London on Monday to discuss the strike.",
    "Shares in the carmaker fell sharply after it warned that profits would be lower.",
]
HEADER = ["title", "body", "url", "source", "published_at", "language"]


@pytest.fixture(autouse=True)
def media(request, settings, tmp_path):
    # Worker tests keep the shared MEDIA_ROOT: the worker process reads the files there.
    if request.node.get_closest_marker("worker") is None:
        settings.MEDIA_ROOT = tmp_path / "media"


def csv_bytes(rows, *, header=HEADER, delimiter=",", encoding="utf-8") -> bytes:
    out = io.StringIO()
    writer = csv.writer(out, delimiter=delimiter, lineterminator="\r\n")
    if header:
        writer.writerow(header)
    writer.writerows(rows)
    return out.getvalue().encode(encoding)


def articles_csv(texts, **kwargs) -> bytes:
    rows = [[f"Titre {i}", text, f"https://news.example/{i}", "Le Desk", "2024-03-01", ""]
            for i, text in enumerate(texts)]
    return csv_bytes(rows, **kwargs)


def dry_run(data: bytes, name="feed.csv", **options) -> ImportBatch:
    batch = import_preview(file=ContentFile(data), filename=name, options=options, enqueue=False)
    import_check(batch_id=batch.id)
    batch.refresh_from_db()
    return batch


def imported(data: bytes, name="feed.csv", **options) -> ImportBatch:
    batch = import_start(file=ContentFile(data), filename=name, options=options, enqueue=False)
    import_run(batch_id=batch.id)
    batch.refresh_from_db()
    return batch


def sent(callbacks) -> list[tuple[str, tuple]]:
    """The tasks sent once the transaction committed, as (name, arguments)."""
    return [(m.task.name, m.args) for c in callbacks for m in getattr(c, "messages", ())]


def issues(batch) -> list[tuple]:
    return list(batch.issues.order_by("id").values_list("line", "kind", "reason"))


def read_rows(data: bytes, fmt: str, **options) -> list[parsers.Row]:
    return list(parsers.open_rows(io.BytesIO(data), format=fmt, options=parsers.Options(**options),
                                  limits=parsers.Limits()))


# --- CSV ---------------------------------------------------------------------------------


def test_a_semicolon_csv_with_french_column_names_is_read_without_a_mapping():
    data = csv_bytes([["Visite à Rabat", FR[0], "https://news.example/a", "Le Desk",
                       "2024-03-01T10:00:00+01:00", "fr"]],
                     header=["Titre", "Texte", "Lien", "Source", "Date", "Langue"], delimiter=";")
    rows = parsers.open_rows(io.BytesIO(data), format="csv", options=parsers.Options(), limits=parsers.Limits())
    [row] = list(rows)
    assert rows.delimiter == ";" and rows.encoding == "utf-8"
    assert row.line == 2
    assert row.fields == {"title": "Visite à Rabat", "body": FR[0], "url": "https://news.example/a",
                          "source": "Le Desk", "published_at": "2024-03-01T10:00:00+01:00", "language": "fr"}


def test_the_delimiter_detection_is_not_fooled_by_commas_in_article_text():
    data = csv_bytes([["Un, deux", "Un texte, avec, beaucoup, de, virgules; et un point-virgule."]],
                     header=["title", "body"], delimiter="\t")
    [row] = read_rows(data, "csv")
    assert row.fields["body"] == "Un texte, avec, beaucoup, de, virgules; et un point-virgule."


def test_an_explicit_delimiter_and_mapping_are_used():
    data = csv_bytes([["x", "Headline", FR[1]]], header=["id", "hed", "Texte intégral"], delimiter="|")
    [row] = read_rows(data, "csv", delimiter="|", columns={"body": "Texte intégral", "title": "hed"})
    assert row.fields == {"title": "Headline", "body": FR[1]}


def test_a_mapped_column_that_is_not_in_the_file_names_the_columns_found():
    data = csv_bytes([["a", FR[0]]], header=["titre", "texte"])
    with pytest.raises(parsers.ImportFileError, match="'contenu' .*chosen for body.* columns are: titre, texte"):
        read_rows(data, "csv", columns={"body": "contenu"})


@pytest.mark.parametrize(
    "encoding, expected",
    [("cp1252", "cp1252"), ("utf-8-sig", "utf-8-sig"), ("utf-16", "utf-16"), ("cp1251", "cp1251")],
)
def test_the_encoding_is_detected(encoding, expected):
    body = "Министр внутренних дел Франции прибыл в Рабат." if encoding == "cp1251" else FR[1] + " « Déjà vu » — 5 €"
    data = csv_bytes([["t", body * 3]], header=["title", "body"], encoding=encoding)
    rows = parsers.open_rows(io.BytesIO(data), format="csv", options=parsers.Options(), limits=parsers.Limits())
    [row] = list(rows)
    assert codecs.lookup(rows.encoding).name == codecs.lookup(expected).name
    assert row.fields["body"] == body * 3


def test_an_unknown_encoding_name_is_refused_with_a_clear_message(db):
    with pytest.raises(parsers.ImportFileError, match="Unknown encoding 'klingon-8'"):
        import_preview(file=ContentFile(articles_csv(FR)), filename="feed.csv", options={"encoding": "klingon-8"})
    assert not ImportBatch.objects.exists()


def test_bytes_whose_encoding_cannot_be_recognised_fail_the_file_with_a_clear_message():
    noise = random.Random(1).randbytes(5000)
    with pytest.raises(parsers.ImportFileError, match="encoding of this file was not recognised: choose it"):
        parsers.detect_encoding(noise, complete=True)


def test_bytes_invalid_in_the_encoding_fail_the_import_with_the_line_and_keep_nothing(db, settings):
    settings.IMPORT_CHUNK_ROWS = 10
    # Valid UTF-8 for the first megabyte (the sample the encoding is detected on), then a Latin-1 byte.
    rows = [[f"t{i}", f"Article numéro {i}. " + "x" * 2000, "", "", "", ""] for i in range(600)]
    data = csv_bytes(rows) + "t,Café au lait à la française,,,,\r\n".encode("cp1252")
    batch = imported(data)
    assert batch.status == ImportBatch.Status.FAILED
    assert "not valid utf-8 text after line" in batch.error and "choose its encoding" in batch.error
    assert "Nothing was imported" in batch.error
    assert not Article.objects.exists()


def test_quoted_multiline_bodies_keep_the_line_numbers_of_the_rows_after_them():
    data = csv_bytes([["a", "ligne 1\nligne 2\nligne 3"], ["b", "une ligne"], ["c", "deux\r\nlignes"], ["d", "fin"]],
                     header=["title", "body"])
    assert [row.line for row in read_rows(data, "csv")] == [2, 5, 6, 8]


def test_a_row_with_a_missing_field_is_rejected_with_its_line():
    data = b"title,body,url\r\na,texte,https://x.example\r\nb,texte seul\r\n"
    rows = read_rows(data, "csv")
    assert rows[0].error == ""
    assert (rows[1].line, rows[1].error) == (
        3, "This row has 2 fields where the header has 3 (a quote or a delimiter may be missing).")


def test_a_csv_without_a_text_column_fails_with_the_columns_found(db):
    batch = dry_run(csv_bytes([["a", "b"]], header=["headline", "summary"]))
    assert batch.status == ImportBatch.Status.FAILED
    assert "No column holds the article text: its columns are headline, summary" in batch.error


def test_a_field_longer_than_csv_default_limit_is_read():
    long_body = "mot " * 100_000  # 400 KB, past csv's default 128 KB field limit
    [row] = read_rows(csv_bytes([["a", long_body]], header=["title", "body"]), "csv")
    assert row.fields["body"] == long_body


# --- JSON and JSON Lines --------------------------------------------------------------------


def test_a_json_list_of_articles_is_read_with_the_line_of_each_item():
    data = json.dumps([{"title": "A", "text": FR[0], "lang": "fr"}, {"headline": "B", "content": EN[0]}],
                      indent=2, ensure_ascii=False).encode()
    rows = read_rows(data, "json")
    assert [(row.line, row.fields) for row in rows] == [
        (2, {"title": "A", "body": FR[0], "language": "fr"}),
        (7, {"title": "B", "body": EN[0]}),
    ]


def test_a_json_object_with_an_articles_list_is_read_whatever_comes_before_it():
    data = json.dumps({"exported": 12345, "meta": {"by": "feed"},
                       "articles": [{"body": FR[2], "published": 1}]}).encode()
    [row] = read_rows(data, "json")
    assert row.fields == {"body": FR[2], "published_at": "1"}


def test_a_large_json_file_is_streamed_across_reads():
    items = [{"title": f"Dépêche {i}", "body": f"{FR[i % 4]} {i} " + "é" * 3000} for i in range(400)]
    data = json.dumps(items, indent=1, ensure_ascii=False).encode()
    assert len(data) > 4 * 256 * 1024
    rows = read_rows(data, "json")
    assert [row.fields["title"] for row in rows] == [f"Dépêche {i}" for i in range(400)]
    assert rows[399].line == 1 + 399 * 4 + 1


def test_invalid_json_fails_the_file_with_its_line():
    data = b'[\n  {"body": "un"},\n  {"body": "deux",}\n]'
    with pytest.raises(parsers.ImportFileError, match="not valid at line 3"):
        read_rows(data, "json")


def test_a_json_file_that_is_not_a_list_of_articles_is_refused():
    with pytest.raises(parsers.ImportFileError, match='a list of articles, or an object with an "articles" list'):
        read_rows(b'{"items": []}', "json")


def test_json_items_that_are_not_articles_are_rejected_one_by_one():
    data = json.dumps([{"body": FR[0]}, "just text", {"body": {"nested": True}}, {"title": "no text"}]).encode()
    assert [row.error for row in read_rows(data, "json")] == [
        "",
        "This item is not an object with named fields.",
        "The field 'body' must be text, not a list or an object.",
        "This item has no article text (a body or text field).",
    ]


def test_json_lines_skip_blank_lines_and_reject_a_broken_line_with_its_number():
    data = (json.dumps({"text": FR[0]}) + "\n\n" + '{"text": "broken\n' + json.dumps({"text": EN[0], "lang": "en"})
            + "\n").encode()
    rows = read_rows(data, "jsonl")
    assert [(row.line, row.error[:28]) for row in rows] == [(1, ""), (3, "This line is not valid JSON "), (4, "")]
    assert rows[2].fields == {"body": EN[0], "language": "en"}


@pytest.mark.parametrize("name, head, expected", [
    ("export.csv", b"title,body", "csv"),
    ("export", b'[{"body": "x"}]', "json"),
    ("export.txt", b'{"body": "x"}\n{"body": "y"}\n', "jsonl"),
    ("export.bin", b"PK\x03\x04rest", "zip"),
    ("feed.jsonl", b"{}", "jsonl"),
])
def test_the_format_is_detected_from_the_content_then_the_name(name, head, expected):
    assert parsers.detect_format(name, head) == expected


# --- ZIP ------------------------------------------------------------------------------------


def test_every_document_type_in_a_zip_becomes_an_article(db):
    html = ("<html lang='fr'><head><title>Rabat</title></head><body><article><h1>Rabat</h1>"
            f"<p>{FR[1]} {FR[2]}</p><p>{FR[3]}</p></article></body></html>").encode()
    data = zip_bytes({
        "depeches/visite.txt": FR[0].encode("cp1252"),
        "depeches/polisario.md": f"# Le Polisario\n\n{FR[2]}".encode(),
        "depeches/page.html": html,
        "depeches/jo.docx": docx_bytes(heading="Les JO", paragraphs=[FR[3], FR[1]]),
        "depeches/london.pdf": pdf_bytes([EN[0]], title="Strike talks"),
        "depeches/": b"",
        "__MACOSX/depeches/._visite.txt": b"\x00\x05\x16\x07",
    })
    batch = imported(data, name="archive.zip")
    assert (batch.status, batch.format, batch.created, batch.failed) == ("annotating", "zip", 5, 0), issues(batch)
    titles = dict(Article.objects.values_list("original_filename", "title"))
    assert titles["depeches/visite.txt"] == FR[0]
    assert titles["depeches/polisario.md"] == "Le Polisario"
    assert titles["depeches/jo.docx"] == "Les JO"
    assert titles["depeches/london.pdf"] == "Strike talks"
    assert Article.objects.get(original_filename="depeches/visite.txt").body == FR[0]  # decoded from windows-1252


def test_a_zip_manifest_gives_each_file_its_metadata(db):
    manifest = csv_bytes([["a.txt", "Visite", "Le Desk", "2024-03-01", "fr", "https://news.example/a"],
                          ["missing.txt", "Perdu", "AFP", "", "", ""]],
                         header=["file", "titre", "source", "date", "langue", "url"], delimiter=";")
    data = zip_bytes({"manifest.csv": manifest, "a.txt": FR[0].encode(), "b.txt": FR[1].encode()})
    batch = imported(data, name="archive.zip")
    assert batch.created == 2
    article = Article.objects.get(original_filename="a.txt")
    assert (article.title, article.source.name, article.language, article.url) == ("Visite", "Le Desk", "fr",
                                                                                    "https://news.example/a")
    assert timezone.localtime(article.published_at).date().isoformat() == "2024-03-01"
    assert ImportedArticle.objects.get(article=article).line == 2
    assert issues(batch) == [(3, "invalid", "The manifest names this file, but it is not in the archive.")]


def test_nested_archives_and_unsupported_files_in_a_zip_are_rejected_one_by_one(db):
    data = zip_bytes({"a.txt": FR[0].encode(), "inner.zip": zip_bytes({"b.txt": FR[1].encode()}),
                     "logo.png": b"\x89PNG\r\n\x1a\n"})
    batch = imported(data, name="archive.zip")
    assert batch.created == 1
    reasons = {location: reason for location, reason in batch.issues.values_list("location", "reason")}
    assert reasons["inner.zip"].startswith("Archives inside the archive are not imported")
    assert reasons["logo.png"].startswith("Unsupported file type .png")


# --- limits ---------------------------------------------------------------------------------


@pytest.mark.parametrize("name", ["../evil.txt", "/etc/evil.txt", "ok/../../evil.txt", "C:\\evil.txt"])
def test_a_zip_name_pointing_outside_the_archive_refuses_the_whole_archive(db, name):
    batch = dry_run(zip_bytes({"a.txt": FR[0].encode(), name: FR[1].encode()}), name="archive.zip")
    assert batch.status == ImportBatch.Status.FAILED
    assert f"the name {name!r} points outside the archive" in batch.error
    assert batch.created == 0 and not Article.objects.exists()


def test_a_zip_with_too_many_files_is_refused(db, settings):
    settings.IMPORT_MAX_ZIP_FILES = 3
    batch = dry_run(zip_bytes({f"{i}.txt": FR[i].encode() for i in range(4)}), name="archive.zip")
    assert "This archive holds 4 files; the limit is 3" in batch.error


def test_a_zip_that_would_unpack_past_the_limit_is_refused_before_unpacking(db, settings):
    settings.IMPORT_MAX_UNPACKED_BYTES = 100_000
    batch = dry_run(zip_bytes({"a.txt": FR[0].encode() * 1000, "b.txt": FR[1].encode() * 1000}), name="archive.zip")
    assert "This archive was refused: it would unpack to" in batch.error
    assert "the limit is 97.7 KB" in batch.error


def test_a_zip_bomb_is_refused_by_its_compression_ratio(db):
    batch = dry_run(zip_bytes({"a.txt": FR[0].encode(), "bomb.txt": b"0" * (30 * 1024 * 1024)}), name="archive.zip")
    assert batch.status == ImportBatch.Status.FAILED
    assert "compressed" in batch.error and "far more than documents are" in batch.error


def test_a_zip_member_compressed_with_an_unbounded_method_refuses_the_archive(db):
    batch = dry_run(zip_bytes({"a.txt": FR[0].encode()}, compression=zipfile.ZIP_BZIP2), name="archive.zip")
    assert "uses a compression method other than deflate" in batch.error


def test_a_damaged_zip_is_reported(db):
    batch = dry_run(b"PK\x03\x04" + b"\x00" * 100, name="archive.zip")
    assert batch.error.startswith("This ZIP archive is damaged or is not a ZIP archive")


def test_a_file_with_more_rows_than_the_limit_fails_and_keeps_nothing(db, settings):
    settings.IMPORT_MAX_ROWS = 5
    settings.IMPORT_CHUNK_ROWS = 2
    batch = imported(articles_csv([f"{FR[i % 4]} ({i})" for i in range(8)]))
    assert batch.status == ImportBatch.Status.FAILED
    assert "more than 5 rows, the limit for one import" in batch.error
    assert not Article.objects.exists()
    assert not Source.objects.exists()  # "Le Desk" came with the import and left with it


def test_a_file_over_the_import_size_limit_is_refused_by_the_form(admin_client, settings):
    settings.IMPORT_MAX_BYTES = 1000
    response = admin_client.post(reverse("admin:imports_importbatch_import"),
                                 {**form_data(), "file": SimpleUploadedFile("big.csv", articles_csv(FR * 3))})
    assert response.status_code == 400
    assert re.search(r"The file is too large \([\d.]+ KB; the limit for an import is 1000 bytes\)",
                     response.content.decode())
    assert not ImportBatch.objects.exists()


def test_an_oversized_import_request_is_refused_before_reading_it(admin_client, settings):
    settings.IMPORT_MAX_BYTES = 1024
    response = admin_client.post(reverse("admin:imports_importbatch_import"),
                                 {**form_data(), "file": SimpleUploadedFile("big.csv", b"a" * 200_000)})
    assert response.status_code == 413
    page = response.content.decode()
    assert "File too large to import" in page and "Nothing was saved" in page
    assert not ImportBatch.objects.exists()


def test_the_import_page_takes_files_larger_than_the_article_upload_limit(admin_client, settings,
                                                                           django_capture_on_commit_callbacks):
    settings.MAX_UPLOAD_BYTES = 1024
    data = articles_csv([f"{FR[i % 4]} ({i})" for i in range(800)])
    assert len(data) > 1024 + 64 * 1024  # the project's limit, with its room for the other fields
    with django_capture_on_commit_callbacks():
        response = admin_client.post(reverse("admin:imports_importbatch_import"),
                                     {**form_data(), "file": SimpleUploadedFile("feed.csv", data)})
    assert response.status_code == 302
    # Everywhere else the project's limit still holds.
    too_big = admin_client.post(reverse("articles:new"), {"upload-file": SimpleUploadedFile("a.txt", data)})
    assert too_big.status_code == 413


# --- dry run, duplicates, import ---------------------------------------------------------------


def test_a_dry_run_classifies_every_row_and_writes_no_article(db):
    existing = article_create(body=FR[3], enqueue=False).article
    rows = [
        ["Visite", FR[0], "https://news.example/1", "Le Desk", "2024-03-01", "fr"],
        ["Coopération", FR[1], "", "", "", ""],
        ["Même texte", FR[0].replace("'", "\u2019").upper(), "", "", "", ""],  # typography and case folded
        ["Même URL", FR[2], "https://news.example/1?utm_source=feed", "", "", ""],
        ["Déjà là", FR[3], "", "", "", ""],
        ["Vide", "   ", "", "", "", ""],
        ["Date", EN[0], "", "", "yesterday", ""],
        ["Langue", EN[1], "", "", "", "english"],
    ]
    batch = dry_run(csv_bytes(rows))
    assert (batch.status, batch.parsed, batch.created, batch.duplicates, batch.failed) == ("dry_run_ready", 8, 2, 3, 3)
    assert issues(batch) == [
        (4, "duplicate_in_file", "Same text as line 2."),
        (5, "duplicate_in_file", "Same URL as line 2."),
        (6, "duplicate", f"The same text is already in the review (article {existing.id})."),
        (7, "invalid", "The article text is empty."),
        (8, "invalid", "Unrecognised date 'yesterday': use ISO 8601 such as 2024-03-01 or 2024-03-01T10:30:00+01:00."),
        (9, "invalid", "Unknown language code 'english': use a two-letter code such as fr or en."),
    ]
    assert [row[:3] for row in batch.sample] == [[2, "", "Visite"], [3, "", "Coopération"]]
    assert list(Article.objects.all()) == [existing]
    assert not Source.objects.exists()


def test_confirming_a_dry_run_imports_it(db, django_capture_on_commit_callbacks, settings):
    batch = dry_run(articles_csv(FR))
    read_long_ago = timezone.now() - timedelta(seconds=settings.SWEEP_QUEUED_AFTER + 60)
    ImportBatch.objects.filter(id=batch.id).update(updated_at=read_long_ago)  # the editor read the dry run slowly
    with django_capture_on_commit_callbacks() as callbacks:
        assert import_confirm(batch=batch)
    assert sent(callbacks) == [("imports.run_import", (batch.id,))]
    assert imports_sweep() == [], "just sent: the sweeper leaves it alone"
    import_run(batch_id=batch.id)
    batch.refresh_from_db()
    assert (batch.status, batch.created) == ("annotating", 4)
    assert not import_confirm(batch=batch)  # only once


def test_an_import_stores_the_rows_and_queues_them_for_annotation_in_batches(db, settings,
                                                                              django_capture_on_commit_callbacks):
    settings.IMPORT_ANNOTATION_BATCH = 2
    settings.IMPORT_CHUNK_ROWS = 3
    admin = make_user("boss", "admin")
    rows = [["Visite à Rabat", FR[0], "https://News.Example/visite/?utm_source=rss", " Le  Desk ",
             "2024-03-01T10:30:00Z", "fr-FR"],
            ["", FR[1] + "\r\n\r\nSecond paragraphe.", "", "", "Fri, 01 Mar 2024 10:30:00 +0100", ""],
            ["Strike", EN[0], "", "BBC", "2024-03-01", "EN"],
            ["Shares", EN[1], "", "", "", ""],
            ["Polisario", FR[2], "", "", "", ""]]
    batch = import_start(file=ContentFile(csv_bytes(rows)), filename="C:\\exports\\feed.csv", options={
        "default_source": "AFP"}, created_by=admin, enqueue=False)
    with django_capture_on_commit_callbacks() as callbacks:
        import_run(batch_id=batch.id)
    batch.refresh_from_db()
    assert (batch.status, batch.parsed, batch.created, batch.original_filename) == ("annotating", 5, 5, "feed.csv")
    ids = list(batch.articles().order_by("id").values_list("id", flat=True))
    tasks = sent(callbacks)
    assert tasks[0] == ("articles.index_search", ())  # searchable before the annotation batches start
    assert [args[0] for name, args in tasks if name == "articles.annotate_batch"] == [ids[0:2], ids[2:4], ids[4:5]]
    assert tasks[-1] == ("imports.finish_import", (batch.id,))

    visite, second, strike, shares, _ = Article.objects.order_by("id")
    assert (visite.title, visite.url, visite.source.name, visite.language, visite.language_given) == (
        "Visite à Rabat", "https://news.example/visite", "Le Desk", "fr", True)
    assert visite.published_at.isoformat() == "2024-03-01T10:30:00+00:00"
    assert (second.title, second.body, second.source.name) == (FR[1], FR[1] + "\n\nSecond paragraphe.", "AFP")
    assert second.published_at.isoformat() == "2024-03-01T09:30:00+00:00"
    assert (strike.language, strike.published_at.isoformat()) == ("en", "2024-02-29T23:00:00+00:00")  # Paris midnight
    assert (shares.language, shares.language_given, shares.status, shares.created_by) == ("", False, "queued", admin)
    assert not batch.file  # the uploaded file is deleted once its rows are in


def test_rows_whose_url_is_not_a_web_address_are_rejected_with_the_message_of_every_entry_point(db):
    rows = [
        ["Script", FR[0], "javascript:alert(1)", "", "", ""],
        ["Données", FR[1], "data:text/html,x", "", "", ""],
        ["Sans schéma", FR[2], "//evil.example/a", "", "", ""],
        ["IPv6", FR[3], "http://[::1", "", "", ""],
        ["Bon", EN[0], "https://news.example/ok", "", "", ""],
    ]
    batch = imported(csv_bytes(rows))
    assert (batch.created, batch.failed) == (1, 4)
    assert [(line, kind, reason.split(":")[0]) for line, kind, reason in issues(batch)] == [
        (line, "invalid", "Not a web address") for line in (2, 3, 4, 5)]
    assert list(Article.objects.values_list("url", flat=True)) == ["https://news.example/ok"]


def test_control_characters_in_imported_titles_and_sources_are_turned_into_spaces(db):
    batch = imported(csv_bytes([["Visite\x00 à\x1b Rabat", FR[0], "", "Le\x00Desk", "", ""]]))
    assert batch.created == 1
    article = Article.objects.select_related("source").get()
    assert (article.title, article.source.name) == ("Visite à Rabat", "Le Desk")


def test_imported_and_pasted_articles_are_duplicates_of_each_other(db):
    pasted = article_create(body=FR[0], enqueue=False).article
    batch = imported(articles_csv([FR[0].replace("'", "\u2019") + "  ", FR[1]]))
    assert (batch.created, batch.duplicates) == (1, 1)
    assert batch.issues.get().duplicate_of == pasted
    again = article_create(body=FR[1].upper(), enqueue=False)
    assert again.duplicate and again.article.import_entry.batch == batch


def test_reimporting_the_same_file_creates_nothing_new(db):
    data = articles_csv(FR + EN)
    first = imported(data)
    second = imported(data)
    assert (first.created, second.created, second.duplicates) == (6, 0, 6)
    assert second.status == ImportBatch.Status.DONE
    assert Article.objects.count() == 6 and Source.objects.count() == 1


def test_an_import_whose_rows_are_all_rejected_is_done_at_once(db):
    batch = imported(csv_bytes([["a", "", "", "", "", ""]]))
    assert (batch.status, batch.created, batch.failed) == ("done", 0, 1)
    assert batch.finished_at is not None


# --- cancellation and failure -------------------------------------------------------------


def test_cancelling_a_queued_import_writes_nothing(db):
    batch = import_start(file=ContentFile(articles_csv(FR)), filename="feed.csv", options={}, enqueue=False)
    assert import_cancel(batch=batch)
    import_run(batch_id=batch.id)  # the task arrives after the cancel
    batch.refresh_from_db()
    assert (batch.status, batch.parsed) == ("cancelled", 0)
    assert not Article.objects.exists()
    assert not batch.file


@pytest.mark.django_db(transaction=True)
def test_cancelling_during_the_import_removes_every_row_it_wrote(settings):
    settings.IMPORT_CHUNK_ROWS = 5
    texts = [f"Dépêche {i}. {FR[i % 4]} {EN[i % 2]}" for i in range(3000)]
    batch = import_start(file=ContentFile(articles_csv(texts)), filename="feed.csv", options={}, enqueue=False)

    def run():
        try:
            import_run(batch_id=batch.id)
        finally:
            connection.close()

    worker = threading.Thread(target=run)
    worker.start()
    try:
        wait_for(lambda: ImportBatch.objects.get(id=batch.id).created >= 50, timeout=60, interval=0.005,
                 what="the first chunks")
        assert import_cancel(batch=batch)
    finally:
        worker.join(timeout=120)
    batch.refresh_from_db()
    assert batch.status == ImportBatch.Status.CANCELLED
    assert 50 <= batch.parsed < 3000 and batch.created == 0
    assert not Article.objects.exists()
    assert not ImportedArticle.objects.exists()
    assert not Source.objects.exists()
    assert not import_cancel(batch=batch)


def test_an_import_taken_over_from_a_worker_that_died_starts_again_from_nothing(db):
    batch = import_start(file=ContentFile(articles_csv(FR)), filename="feed.csv", options={}, enqueue=False)
    # What a worker killed after its first chunk leaves: the batch importing, one chunk committed.
    leftover = article_create(body=FR[0], enqueue=False).article
    ImportedArticle.objects.create(batch=batch, article=leftover, line=2)
    ImportBatch.objects.filter(id=batch.id).update(status="importing", attempts=1, created=1, parsed=1)

    import_run(batch_id=batch.id)  # the task, delivered again
    batch.refresh_from_db()
    assert (batch.status, batch.attempts, batch.parsed, batch.created, batch.duplicates) == ("annotating", 2, 4, 4, 0)
    assert not Article.objects.filter(id=leftover.id).exists()
    assert Article.objects.count() == 4


def test_an_import_left_importing_past_its_time_limit_is_sent_again_by_the_sweeper(db, settings):
    batch = import_start(file=ContentFile(articles_csv(FR)), filename="feed.csv", options={}, enqueue=False)
    # A worker died after its first chunk, and Redis lost the message it would have delivered again.
    leftover = article_create(body=FR[0], enqueue=False).article
    ImportedArticle.objects.create(batch=batch, article=leftover, line=2)
    started = timezone.now()
    ImportBatch.objects.filter(id=batch.id).update(status="importing", attempts=1, created=1, started_at=started,
                                                   updated_at=started)
    limit = settings.IMPORT_TIME_LIMIT + 60 + settings.SWEEP_ANNOTATING_GRACE
    assert imports_sweep(now=started + timedelta(seconds=limit - 5)) == [], "it may still be running"
    assert imports_sweep(now=started + timedelta(seconds=limit + 5)) == [batch.id]
    assert imports_sweep(now=started + timedelta(seconds=limit + 10)) == [], "stamped: sent once per period"

    import_run(batch_id=batch.id)  # what the message sent again does
    batch.refresh_from_db()
    assert (batch.status, batch.attempts, batch.created) == ("annotating", 2, 4)
    assert not Article.objects.filter(id=leftover.id).exists()


def test_a_batch_that_kills_its_worker_every_time_fails_without_leftovers(db):
    batch = import_start(file=ContentFile(articles_csv(FR)), filename="feed.csv", options={}, enqueue=False)
    leftover = article_create(body=FR[0], enqueue=False).article
    ImportedArticle.objects.create(batch=batch, article=leftover)
    ImportBatch.objects.filter(id=batch.id).update(status="importing", attempts=3)
    import_run(batch_id=batch.id)
    batch.refresh_from_db()
    assert batch.status == ImportBatch.Status.FAILED
    assert batch.error.startswith("Gave up after 3 attempts")
    assert not Article.objects.exists()


def stop_at_time_limit_on_line(monkeypatch, line: int):
    """What a worker's soft time limit does: an exception wherever the run is, here while reading ``line``."""
    read = runner.row_candidate

    def reading(row, options, index):
        if row.line == line:
            raise SoftTimeLimitExceeded()
        return read(row, options, index)

    monkeypatch.setattr(runner, "row_candidate", reading)


def test_an_import_stopped_by_its_time_limit_fails_and_keeps_nothing(db, settings, monkeypatch):
    settings.IMPORT_CHUNK_ROWS = 2
    stop_at_time_limit_on_line(monkeypatch, 6)  # the third chunk: the first one is committed by then
    batch = import_start(file=ContentFile(articles_csv(FR + EN)), filename="feed.csv", options={}, enqueue=False)
    run_import(batch.id)
    batch.refresh_from_db()
    assert batch.status == ImportBatch.Status.FAILED
    assert batch.error == (f"The import took longer than its time limit ({settings.IMPORT_TIME_LIMIT} s). "
                           "Nothing was imported.")
    assert (batch.created, Article.objects.count(), ImportedArticle.objects.count()) == (0, 0, 0)
    assert not Source.objects.filter(name="Le Desk").exists()


def test_a_dry_run_stopped_by_its_time_limit_fails_with_the_same_message(db, settings, monkeypatch):
    stop_at_time_limit_on_line(monkeypatch, 3)
    batch = import_preview(file=ContentFile(articles_csv(FR)), filename="feed.csv", options={}, enqueue=False)
    check_import(batch.id)
    batch.refresh_from_db()
    assert batch.status == ImportBatch.Status.FAILED
    assert batch.error == (f"The import took longer than its time limit ({settings.IMPORT_TIME_LIMIT} s). "
                           "Nothing was imported.")


def test_a_time_limit_reached_after_the_batch_was_cancelled_leaves_it_cancelled(db):
    batch = import_start(file=ContentFile(articles_csv(FR)), filename="feed.csv", options={}, enqueue=False)
    import_cancel(batch=batch)
    runner.import_fail_time_limit(batch_id=batch.id)
    batch.refresh_from_db()
    assert (batch.status, batch.error) == (ImportBatch.Status.CANCELLED, "")


def test_running_the_import_task_again_changes_nothing(db):
    batch = imported(articles_csv(FR))
    before = (batch.status, batch.created, list(Article.objects.values_list("id", flat=True)))
    import_run(batch_id=batch.id)
    batch.refresh_from_db()
    assert (batch.status, batch.created, list(Article.objects.values_list("id", flat=True))) == before


def test_an_import_past_its_rows_cannot_be_cancelled(db):
    batch = imported(articles_csv(FR))
    assert not import_cancel(batch=batch)
    assert Article.objects.count() == 4


def test_a_failed_dry_run_can_be_checked_again_with_other_options(db):
    data = csv_bytes([["a", FR[0]]], header=["headline", "Texte intégral"])
    batch = dry_run(data)
    assert batch.status == ImportBatch.Status.FAILED
    assert import_recheck(batch=batch, options={"columns": {"body": "Texte intégral"}}, enqueue=False)
    import_check(batch_id=batch.id)
    batch.refresh_from_db()
    assert (batch.status, batch.created, batch.error) == ("dry_run_ready", 1, "")


# --- the error report --------------------------------------------------------------------------


def test_the_error_report_lists_every_rejected_row_and_never_runs_a_formula(db):
    rows = [["=HYPERLINK(\"http://evil.example\")", "", "", "", "", ""],
            ["+cmd|' /C calc'!A0", EN[0], "", "", "-1", ""],
            ["Bon", FR[0], "", "", "", ""],
            ["@SUM(A1)", FR[0], "", "", "", ""]]
    batch = imported(csv_bytes(rows))
    report = "".join(import_error_report(batch=batch))
    assert report.startswith("\ufeff")
    lines = list(csv.reader(io.StringIO(report.lstrip("\ufeff"))))
    assert lines[0] == ["line", "file", "kind", "reason", "title", "duplicate_of"]
    assert [line[:3] for line in lines[1:]] == [
        ["2", "", "invalid"], ["3", "", "invalid"], ["5", "", "duplicate within the file"]]
    assert [line[4] for line in lines[1:]] == [
        "'=HYPERLINK(\"http://evil.example\")", "'+cmd|' /C calc'!A0", "'@SUM(A1)"]
    assert lines[2][3] == "Unrecognised date '-1': use ISO 8601 such as 2024-03-01 or 2024-03-01T10:30:00+01:00."


# --- admin pages ---------------------------------------------------------------------------------


def form_data(**overrides) -> dict:
    data = {"format": "auto", "delimiter": "auto", "encoding": "auto", "default_source": "", "default_language": "",
            "manifest": "", **{f"column_{name}": "" for name in parsers.FIELDS}, "action": "dry_run"}
    data.update(overrides)
    return data


@pytest.fixture
def importer(db):
    user = make_user("importer", "admin")
    user.is_staff = True
    user.save()
    return user


@pytest.fixture
def importer_client(client, importer):
    client.force_login(importer)
    return client


def test_the_admin_role_may_import_and_the_editor_role_may_not(db):
    admin, editor = make_user("boss", "admin"), make_user("ed", "editor")
    assert admin.has_perms(["imports.add_importbatch", "imports.view_importbatch", "imports.change_importbatch"])
    assert not editor.has_perm("imports.view_importbatch")


def test_the_import_page_needs_a_staff_account_with_the_permission(client, db):
    url = reverse("admin:imports_importbatch_import")
    editor = make_user("ed", "editor")
    client.force_login(editor)
    assert client.get(url).status_code == 302  # not staff: the admin's login page
    editor.is_staff = True
    editor.save()
    assert client.get(url).status_code == 403
    assert client.post(url, {**form_data(), "file": SimpleUploadedFile("f.csv", articles_csv(FR))}).status_code == 403
    assert not ImportBatch.objects.exists()


def test_the_import_page_offers_a_dry_run_and_an_import(importer_client):
    page = importer_client.get(reverse("admin:imports_importbatch_import")).content.decode()
    assert 'enctype="multipart/form-data"' in page
    assert 'value="dry_run"' in page and 'value="import"' in page
    assert "htmx-2.0.11.min.js" in page and "<script>" not in page
    # The changelist's "add" button leads there.
    response = importer_client.get(reverse("admin:imports_importbatch_add"))
    assert response["Location"] == reverse("admin:imports_importbatch_import")


def test_a_dry_run_from_the_admin_stores_the_file_and_queues_its_check(importer_client, importer,
                                                                        django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks() as callbacks:
        response = importer_client.post(reverse("admin:imports_importbatch_import"), {
            **form_data(delimiter=";", column_body="texte", default_language="fr"),
            "file": SimpleUploadedFile("feed.csv", csv_bytes([["a", FR[0]]], header=["titre", "texte"], delimiter=";")),
        })
    batch = ImportBatch.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("admin:imports_importbatch_change", args=[batch.id])
    assert (batch.status, batch.format, batch.created_by) == ("checking", "csv", importer)
    assert batch.options["delimiter"] == ";" and batch.options["columns"] == {"body": "texte"}
    assert sent(callbacks) == [("imports.check_import", (batch.id,))]


def test_an_import_asked_for_while_the_broker_is_down_is_kept_and_sent_by_the_sweeper(
        importer_client, broker_down, monkeypatch, settings, django_capture_on_commit_callbacks, caplog):
    with django_capture_on_commit_callbacks(execute=True):
        response = importer_client.post(reverse("admin:imports_importbatch_import"), {
            **form_data(action="import"), "file": SimpleUploadedFile("feed.csv", articles_csv(FR[:2]))})
    assert response.status_code == 302, "the request does not fail"
    batch = ImportBatch.objects.get()
    assert batch.status == "queued" and batch.file
    assert f"imports.run_import({batch.id},) not sent to the workers" in caplog.text

    later = timezone.now() + timedelta(seconds=settings.SWEEP_QUEUED_AFTER + 1)
    assert imports_sweep(now=later) == [], "still down: nothing sent, tried again next time"
    monkeypatch.undo()  # the broker is back
    _reset_broker_pools()
    assert imports_sweep(now=timezone.now()) == [], "not before SWEEP_QUEUED_AFTER seconds"
    assert imports_sweep(now=later) == [batch.id]
    assert imports_sweep(now=later) == [], "stamped: sent once per period"
    import_run(batch_id=batch.id)  # what the message does; a second one would find the batch taken
    batch.refresh_from_db()
    assert (batch.status, batch.created) == ("annotating", 2)
    assert imports_sweep(now=later + timedelta(seconds=settings.SWEEP_QUEUED_AFTER + 1)) == []


def test_an_import_that_ends_while_the_broker_is_down_keeps_its_rows(db, broker_down,
                                                                     django_capture_on_commit_callbacks):
    batch = import_start(file=ContentFile(articles_csv(FR[:3])), filename="feed.csv", options={}, enqueue=False)
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        import_run(batch_id=batch.id)  # the sends after the commit fail, and are logged
    batch.refresh_from_db()
    assert (batch.status, batch.created) == ("annotating", 3)
    assert set(batch.articles().values_list("status", flat=True)) == {"queued"}  # the articles' sweeper sends them
    assert [name for name, _ in sent(callbacks)][:2] == ["articles.index_search", "articles.annotate_batch"]


def test_the_sweeper_marks_done_an_annotating_batch_whose_articles_are_done(db, settings):
    batch = imported(articles_csv(FR[:2]))
    assert batch.status == "annotating"
    batch.articles().update(status=Article.Status.ANNOTATED)
    later = timezone.now() + timedelta(seconds=settings.SWEEP_QUEUED_AFTER + 1)
    imports_sweep(now=timezone.now())
    assert ImportBatch.objects.get(id=batch.id).status == "annotating", "not before SWEEP_QUEUED_AFTER seconds"
    imports_sweep(now=later)
    assert ImportBatch.objects.get(id=batch.id).status == "done"


def test_the_import_button_queues_the_import_itself(importer_client, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks() as callbacks:
        importer_client.post(reverse("admin:imports_importbatch_import"), {
            **form_data(action="import"), "file": SimpleUploadedFile("feed.jsonl", b'{"text": "x"}\n')})
    batch = ImportBatch.objects.get()
    assert (batch.status, batch.format) == ("queued", "jsonl")
    assert [name for name, _ in sent(callbacks)] == ["imports.run_import"]


def test_bad_options_are_refused_on_the_form(importer_client):
    response = importer_client.post(reverse("admin:imports_importbatch_import"), {
        **form_data(encoding="klingon-8"), "file": SimpleUploadedFile("feed.csv", articles_csv(FR))})
    assert response.status_code == 400
    assert "Unknown encoding &#x27;klingon-8&#x27;" in response.content.decode()
    assert not ImportBatch.objects.exists()


def test_the_progress_block_polls_while_the_batch_runs_and_stops_with_286(importer_client):
    batch = import_start(file=ContentFile(articles_csv(FR)), filename="feed.csv", options={}, enqueue=False)
    url = reverse("admin:imports_importbatch_change", args=[batch.id])
    page = importer_client.get(url)
    assert page.status_code == 200 and 'hx-trigger="every 1s"' in page.content.decode()
    assert "HX-Request" in page["Vary"]

    partial = importer_client.get(url, headers={"HX-Request": "true"})
    assert partial.status_code == 200
    assert partial.content.decode().lstrip().startswith('<section id="import-progress"')

    import_run(batch_id=batch.id)
    annotating = importer_client.get(url, headers={"HX-Request": "true"})
    assert annotating.status_code == 200 and 'data-status="annotating"' in annotating.content.decode()
    Article.objects.update(status=Article.Status.ANNOTATED)
    done = importer_client.get(url, headers={"HX-Request": "true"})
    assert done.status_code == 286
    html = done.content.decode()
    assert 'data-status="done"' in html and "hx-trigger" not in html
    assert '<dd data-count="annotated">4</dd>' in html


def test_the_dry_run_page_shows_rows_and_offers_to_import_or_discard(importer_client):
    batch = dry_run(csv_bytes([["<script>alert(1)</script>", FR[0], "", "", "", ""], ["<b>x</b>", "", "", "", "", ""]]))
    html = importer_client.get(reverse("admin:imports_importbatch_change", args=[batch.id])).content.decode()
    assert "Dry run: 1 article would be created" in html
    assert "Import 1 article" in html and "Discard" in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html and "<script>alert" not in html
    assert "&lt;b&gt;x&lt;/b&gt;" in html
    assert reverse("admin:imports_importbatch_errors", args=[batch.id]) in html

    response = importer_client.post(reverse("admin:imports_importbatch_confirm", args=[batch.id]))
    assert response.status_code == 302
    batch.refresh_from_db()
    assert batch.status == ImportBatch.Status.QUEUED


def test_the_cancel_button_cancels(importer_client):
    batch = import_start(file=ContentFile(articles_csv(FR)), filename="feed.csv", options={}, enqueue=False)
    assert importer_client.get(reverse("admin:imports_importbatch_cancel", args=[batch.id])).status_code == 405
    importer_client.post(reverse("admin:imports_importbatch_cancel", args=[batch.id]))
    batch.refresh_from_db()
    assert batch.status == ImportBatch.Status.CANCELLED


def test_the_error_report_downloads_as_csv(importer_client):
    batch = imported(csv_bytes([["a", "", "", "", "", ""]]))
    response = importer_client.get(reverse("admin:imports_importbatch_errors", args=[batch.id]))
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"] == f'attachment; filename="import-{batch.id}-rejected-rows.csv"'
    assert "The article text is empty." in b"".join(response.streaming_content).decode()


def test_the_changelist_lists_batches(importer_client):
    imported(articles_csv(FR))
    page = importer_client.get(reverse("admin:imports_importbatch_changelist")).content.decode()
    assert "feed.csv" in page


# --- the management command -----------------------------------------------------------------------


def test_the_command_dry_run_prints_counts_and_writes_nothing(db, tmp_path, capsys):
    path = tmp_path / "feed.csv"
    path.write_bytes(articles_csv(FR + [""]))
    call_command("import_articles", str(path), "--dry-run")
    out = capsys.readouterr().out
    assert "parsed 5, would be created 4, duplicates 0, failed 1" in out
    assert "line 6: invalid: The article text is empty." in out
    assert not Article.objects.exists()


def test_the_command_imports_and_a_second_run_creates_nothing(db, tmp_path, capsys):
    path = tmp_path / "feed.jsonl"
    path.write_text("\n".join(json.dumps({"texte": text, "source": "AFP"}) for text in FR), encoding="utf-8")
    call_command("import_articles", str(path), "--wait", "--language", "fr")
    assert "parsed 4, created 4, duplicates 0, failed 0" in capsys.readouterr().out
    assert set(Article.objects.values_list("language", flat=True)) == {"fr"}
    call_command("import_articles", str(path), "--wait")
    assert "parsed 4, created 0, duplicates 4, failed 0" in capsys.readouterr().out


def test_the_command_reports_a_refused_file(db, tmp_path):
    path = tmp_path / "archive.zip"
    path.write_bytes(zip_bytes({"../evil.txt": b"x"}))
    with pytest.raises(CommandError, match="points outside the archive"):
        call_command("import_articles", str(path), "--wait")


# --- a real worker ----------------------------------------------------------------------------


@pytest.mark.worker
@pytest.mark.django_db(transaction=True)
def test_a_worker_imports_a_batch_then_annotates_it_in_batches(worker):
    texts = [
        "Le ministre français de l'Intérieur, Gérald Darmanin, est arrivé à Rabat pour parler de terrorisme.",
        "Le président du Sénégal, Macky Sall, a reçu à Dakar le Premier ministre espagnol Pedro Sánchez.",
        "The Prime Minister of Canada met the President of Mexico in Ottawa to discuss trade and migration.",
    ]
    data = json.dumps({"articles": [{"title": f"Dépêche {i}", "text": text} for i, text in enumerate(texts)]
                       + [{"title": "Sans texte"}]}).encode()
    batch = import_start(file=ContentFile(data), filename="feed.json", options={"default_source": "AFP"})

    def finished():
        batch.refresh_from_db()
        return batch.status in ("done", "failed") or None

    wait_for(finished, timeout=240, worker=worker, what="the import to be annotated")
    assert (batch.status, batch.parsed, batch.created, batch.failed) == ("done", 4, 3, 1), batch.error
    articles = list(batch.articles().order_by("id"))
    assert [a.status for a in articles] == ["annotated"] * 3
    assert [a.language for a in articles] == ["fr", "fr", "en"]
    assert all(a.mentions.exists() for a in articles)
    assert batch.annotation_counts() == (3, 0)
    assert list(Article.objects.search("Dakar Sénégal")) == [articles[1]]  # the worker wrote its search document


def test_the_dedupe_key_is_the_one_pasted_articles_always_had():
    # The fingerprint was rewritten for speed; stored content_hash values must still match.
    import hashlib
    import unicodedata

    from articles.services.ingest import content_fingerprint

    folds = str.maketrans({"\u2019": "'", "\u2018": "'", "\u02bc": "'", "\u201c": '"', "\u201d": '"', "\u00ab": '"',
                           "\u00bb": '"'})

    def reference(body):
        folded = unicodedata.normalize("NFKC", body).translate(folds)
        folded = re.sub(r"\s+", " ", folded).strip().casefold()
        return hashlib.sha256(folded.encode("utf-8")).hexdigest()

    spaces = [chr(c) for c in range(0x3001) if chr(c).isspace()] + ["\u202f", "\ufeff", "\u200b"]
    alphabet = list("aàÉß ﬁ’‘ʼ“”«»'\"Ǆǅ\u0301") + spaces
    rng = random.Random(7)
    texts = ["".join(rng.choice(alphabet) for _ in range(rng.randint(0, 40))) for _ in range(3000)]
    texts += FR + EN + ["  « Déjà »\u00a0vu\r\n\r\n", ""]
    assert [content_fingerprint(t) for t in texts] == [reference(t) for t in texts]


def test_one_json_object_per_line_is_json_lines_even_when_named_json():
    assert parsers.detect_format("feed.json", b'{"body": "x"}\n{"body": "y"}\n') == "jsonl"
    assert parsers.detect_format("feed.json", b'{\n  "articles": []\n}') == "json"


def test_a_json_lines_line_too_long_to_be_an_article_is_rejected_and_the_next_one_read():
    data = (json.dumps({"text": "x" * 2_000_000}) + "\n" + json.dumps({"text": FR[0]}) + "\n").encode()
    rows = list(parsers.open_rows(io.BytesIO(data), format="jsonl", options=parsers.Options(),
                                  limits=parsers.Limits(max_chars=100_000)))
    assert [(row.line, row.error) for row in rows] == [(1, "This line is too long to be one article."), (2, "")]


def test_the_time_left_is_estimated_from_the_rate_so_far(db):
    now = timezone.now()
    batch = ImportBatch(status="importing", started_at=now - timedelta(seconds=10), progress_done=25,
                        progress_total=100)
    assert batch.eta(now=now).total_seconds() == 30
    batch = ImportBatch(status="annotating", inserted_at=now - timedelta(seconds=60), created=400)
    assert batch.eta(annotated=100, now=now).total_seconds() == 180
    assert ImportBatch(status="done").eta(now=now) is None


def test_deeply_nested_json_is_refused_without_crashing():
    nested = b"[" * 100_000 + b"]" * 100_000
    [row] = read_rows(b'{"text": ' + nested + b"}\n", "jsonl")
    assert row.error == "This line is nested too deeply to be an article."
    with pytest.raises(parsers.ImportFileError, match="nested too deeply"):
        read_rows(b"[" + nested + b"]", "json")


# --- reading: damaged text, binary files, encodings chosen, quotes, dates -------------------------


def test_utf8_with_one_bad_byte_is_imported_as_utf8_and_the_report_says_where(db):
    # One stray windows-1252 byte (a curly apostrophe) in a UTF-8 file.
    good = articles_csv(FR)
    cut = good.index("Gérald".encode())
    data = good[:cut] + b"\x92" + good[cut:]
    batch = imported(data)
    assert (batch.status, batch.created, batch.detected["encoding"]) == ("annotating", 4, "utf-8")
    body = Article.objects.get(title="Titre 0").body
    assert "Intérieur \ufffdGérald Darmanin est arrivé" in body and "Ã©" not in body
    line = good[:cut].count(b"\n") + 1
    assert batch.detected["note"] == (f"1 invalid UTF-8 sequence replaced with \ufffd; "
                                      f"the first at line {line}, byte {cut}")


def test_the_import_page_shows_what_was_replaced(importer_client):
    data = articles_csv(FR)
    batch = dry_run(data[:60] + b"\xff" + data[60:])
    html = importer_client.get(reverse("admin:imports_importbatch_change", args=[batch.id])).content.decode()
    assert "1 invalid UTF-8 sequence replaced with \ufffd; the first at line 2, byte 60" in html


def test_a_windows_1252_file_is_still_read_as_windows_1252(db):
    batch = imported(articles_csv(FR, encoding="cp1252"))
    assert (batch.created, batch.detected["encoding"], batch.detected.get("note")) == (4, "cp1252", None)
    assert Article.objects.filter(body=FR[0]).exists()


def test_a_lone_surrogate_in_json_rejects_its_item_only(db):
    items = [{"texte": FR[0]}, {"texte": "x\ud800" + FR[1]}, {"texte": FR[2]}]
    batch = imported(json.dumps(items, indent=1).encode(), name="feed.json")
    assert (batch.status, batch.created, batch.failed) == ("annotating", 2, 1)
    [(line, kind, reason)] = issues(batch)
    assert (line, kind) == (5, "invalid") and "'texte' holds an invalid character (a lone UTF-16 surrogate" in reason


@pytest.mark.parametrize("encoding", ["rot13", "base64"])
def test_an_encoding_that_is_not_a_text_encoding_is_refused_on_the_form(importer_client, encoding):
    response = importer_client.post(reverse("admin:imports_importbatch_import"), {
        **form_data(encoding=encoding), "file": SimpleUploadedFile("feed.csv", articles_csv(FR))})
    assert response.status_code == 400
    assert f"&#x27;{encoding}&#x27; is not a text encoding" in response.content.decode()
    assert not ImportBatch.objects.exists()


def test_utf16_chosen_for_a_file_without_a_byte_order_mark_fails_with_the_way_out(db):
    batch = dry_run(articles_csv(FR), encoding="utf-16")
    assert batch.status == ImportBatch.Status.FAILED
    assert batch.error.startswith("This file cannot be read as utf-16: it does not start with a byte order mark. "
                                  "Choose utf-16-le or utf-16-be")


def test_an_encoding_chosen_that_cannot_read_the_file_says_where(db):
    batch = dry_run(articles_csv(FR, encoding="cp1252"), encoding="utf-8")
    assert batch.status == ImportBatch.Status.FAILED
    assert "This file cannot be read as utf-8: the byte at line 2, byte" in batch.error


@pytest.mark.parametrize("name, fmt", [("feed.csv", "auto"), ("feed.json", "auto"), ("photo.png", "auto"),
                                       ("feed.txt", "csv"), ("feed.txt", "json")])
def test_an_image_uploaded_as_an_import_is_refused_as_not_text(db, name, fmt):
    png = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + random.Random(2).randbytes(3000)
    with pytest.raises(parsers.ImportFileError, match=r"^This file is not text \(its content looks like a PNG image\)"):
        import_preview(file=ContentFile(png), filename=name, options={"format": fmt})
    assert not ImportBatch.objects.exists()


def test_a_binary_file_is_refused_by_the_worker_too(db):
    batch = import_preview(file=ContentFile(b"title,body\r\n"), filename="feed.csv", options={}, enqueue=False)
    batch.file.save("feed.csv", ContentFile(b"title,body\r\n" + bytes(range(32)) * 40))
    import_check(batch_id=batch.id)
    batch.refresh_from_db()
    assert batch.error.startswith("This file is not text: import a CSV, JSON or JSON Lines file")


def test_an_unclosed_quote_is_reported_on_the_line_where_it_opened(db):
    data = (b"title,body\r\nUn,Premier texte sans guillemets.\r\n"
            b'Deux,"Le guillemet de ce texte ne se ferme pas.\r\nTrois,Troisieme texte.\r\nQuatre,Quatrieme texte.\r\n')
    batch = imported(data)
    assert (batch.created, batch.failed) == (1, 1)
    [(line, kind, reason)] = issues(batch)
    assert (line, kind) == (3, "invalid")
    assert reason.startswith("A quote opened on line 3 is not closed: the rest of the file (3 lines, up to line 5)")


def test_a_quoted_multiline_last_row_is_not_taken_for_an_unclosed_quote():
    data = csv_bytes([["a", "Premier paragraphe, avec une virgule.\nDeuxième, aussi.\nTroisième, encore."]],
                     header=["title", "body"])
    [row] = read_rows(data, "csv")
    assert row.error == "" and row.fields["body"].count("\n") == 2


@pytest.mark.parametrize("written, expected", [
    ("06/12/2026 08:15", "2026-12-06T08:15"),
    ("6.12.2026", "2026-12-06T00:00"),
    ("25/12/2026", "2026-12-25T00:00"),
    ("6 décembre 2026", "2026-12-06T00:00"),
    ("1er déc. 2026 à 8h15", "2026-12-01T08:15"),
    ("dimanche 6 décembre 2026", "2026-12-06T00:00"),
    ("December 6, 2026", "2026-12-06T00:00"),
    ("6 Dec 2026", "2026-12-06T00:00"),
    ("Dec 6, 2026 8:15 pm", "2026-12-06T20:15"),
])
def test_french_and_english_written_dates_are_read(db, written, expected):
    batch = imported(csv_bytes([["t", FR[0], "", "", written, "fr"]]))
    assert batch.created == 1, issues(batch)
    published = timezone.localtime(Article.objects.get().published_at)
    assert published.strftime("%Y-%m-%dT%H:%M") == expected


def test_a_numeric_date_is_read_month_first_or_day_first_as_chosen(db):
    rows = [["a", FR[0], "", "", "06/12/2026", "en"], ["b", FR[1], "", "", "06/12/2026", "en"]]
    imported(csv_bytes(rows[:1]), date_order="month")
    imported(csv_bytes(rows[1:]), date_order="day")
    dates = dict(Article.objects.values_list("title", "published_at"))
    assert (timezone.localtime(dates["a"]).month, timezone.localtime(dates["b"]).month) == (6, 12)


def test_an_ambiguous_date_without_an_order_is_a_row_error_that_names_it(db):
    rows = [["a", FR[0], "", "", "06/07/2026", "en"], ["b", FR[1], "", "", "13/07/2026", "en"],
            ["c", FR[2], "", "", "07/06/2026", ""]]
    batch = imported(csv_bytes(rows))
    assert (batch.created, batch.failed) == (1, 2)
    reasons = [reason for _, _, reason in issues(batch)]
    assert reasons[0].startswith("Ambiguous date '06/07/2026': the day or the month may come first.")
    assert reasons[1].startswith("Ambiguous date '07/06/2026'")
    assert Article.objects.filter(title="b").exists()


def test_the_default_language_french_reads_numeric_dates_day_first(db):
    batch = imported(csv_bytes([["a", FR[0], "", "", "06/07/2026", ""]]), default_language="fr")
    assert batch.created == 1
    assert timezone.localtime(Article.objects.get().published_at).month == 7


def test_a_dry_run_that_creates_nothing_offers_no_import_button_and_says_why(importer_client):
    batch = dry_run(csv_bytes([["a", "", "", "", "", ""]]))
    html = importer_client.get(reverse("admin:imports_importbatch_change", args=[batch.id])).content.decode()
    assert "Import 0" not in html and reverse("admin:imports_importbatch_confirm", args=[batch.id]) not in html
    assert "no article would be created, so there is nothing to import" in html
    importer_client.post(reverse("admin:imports_importbatch_confirm", args=[batch.id]))
    batch.refresh_from_db()
    assert batch.status == ImportBatch.Status.DRY_RUN_READY


def test_an_import_links_to_its_articles_in_the_queue(importer_client):
    article_create(body=EN[0])
    batch = imported(articles_csv(FR[:2]))
    html = importer_client.get(reverse("admin:imports_importbatch_change", args=[batch.id])).content.decode()
    link = f'{reverse("articles:list")}?batch={batch.id}'
    assert link in html and "See the 2 imported articles in the review queue" in html
    queue = importer_client.get(link).content.decode()
    assert "Titre 0" in queue and "Titre 1" in queue and "Prime Minister" not in queue
    assert f"Only the articles of import {batch.id}." in queue


def test_a_document_of_a_zip_read_with_replaced_bytes_is_named_on_the_batch(db):
    text = (FR[0] + " " + FR[1]).encode()
    cut = text.index(b"Rabat")
    batch = imported(zip_bytes({"a.txt": FR[2].encode(), "b.txt": text[:cut] + b"\xff" + text[cut:]}),
                     name="archive.zip")
    assert batch.created == 2
    assert batch.detected["note"] == (f"b.txt: 1 invalid UTF-8 sequence replaced with \ufffd; "
                                      f"the first at line 1, byte {cut}")
