"""Every export of a digest, read back with the tools its readers use."""

import csv
import io
import json
import re
import shutil
import subprocess
from datetime import timedelta
from html.parser import HTMLParser
from pathlib import Path

import pytest
from django.utils import timezone

from articles.models import Article, Quote
from digests import exports, services
from digests.models import Digest, DigestItem, ExportJob
from digests.selectors import view_for
from tests.conftest import ARTIFACTS, _reset_broker_pools, make_user, wait_for
from tests.test_digests import build_digest, newsroom, url

pytestmark = pytest.mark.django_db

SCHEMA = Path(__file__).resolve().parents[1] / "digests" / "schemas" / "ninjs-2.1-subset.schema.json"
SCRIPT = "<script>alert('x')</script>"


@pytest.fixture
def digest():
    """A digest of three articles in two sections, with quotes chosen and notes written."""
    found = newsroom()
    digest = build_digest([found["rabat"], found["attentat"], found["jo"]])
    rabat = DigestItem.objects.get(article=found["rabat"])
    services.digest_item_update(item=rabat, summary=rabat.summary, note="À lire en entier.",
                                quote_ids=list(Quote.objects.filter(article=found["rabat"])
                                               .values_list("id", flat=True)))
    jo = DigestItem.objects.get(article=found["jo"])
    services.digest_item_update(item=jo, summary="Les Jeux auront leur plan de sécurité.", note="",
                                quote_ids=list(Quote.objects.filter(article=found["jo"]).order_by("start")
                                               .values_list("id", flat=True)[:2]))
    return digest


@pytest.fixture
def hostile(digest):
    """The same digest with markup and formulas typed by people in every free field."""
    item = DigestItem.objects.get(article__title="Menace terroriste")
    Article.objects.filter(id=item.article_id).update(title=f"Menace {SCRIPT}")
    services.digest_item_update(item=item, summary="=HYPERLINK(\"http://evil.example\",\"clic\")",
                                note=f"{SCRIPT} **gras** [lien](http://evil.example)")
    services.digest_update(digest=digest, title=f"Revue {SCRIPT}", period_start=digest.period_start,
                           period_end=digest.period_end, introduction="@SUM(1+1) <img src=x onerror=alert(1)>")
    return Digest.objects.get(id=digest.id)


def view(digest):
    return view_for(digest, permalink="http://testserver" + url("published", digest))


class Resources(HTMLParser):
    """Every address a mail client would fetch, and every script."""

    def __init__(self):
        super().__init__()
        self.fetched, self.scripts, self.styles = [], 0, 0

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "script":
            self.scripts += 1
        if tag == "style":
            self.styles += 1
        for name in ("src", "href", "background", "poster", "srcset"):
            value = attrs.get(name) or ""
            if tag in ("img", "link", "script", "iframe", "video", "audio", "source", "input", "body", "table", "td") \
                    and value and not value.startswith("#"):
                self.fetched.append((tag, name, value))


def test_email_html_has_no_external_resources(digest):
    html = exports.email_html(view(digest)).decode()
    parser = Resources()
    parser.feed(html)
    assert parser.fetched == [] and parser.scripts == 0 and parser.styles == 0
    assert "<link" not in html and "http" not in "".join(v for _, _, v in parser.fetched)
    assert 'style="' in html and "Darmanin à Rabat" in html and "Le Maroc nous aide beaucoup" in html
    assert "À lire en entier." in html


def test_pdf_opens_and_holds_sections_titles_summaries_and_quotes(digest):
    from pypdf import PdfReader

    data = exports.pdf(view(digest))
    reader = PdfReader(io.BytesIO(data))
    text = " ".join(" ".join((page.extract_text() or "").split()) for page in reader.pages)
    for expected in ("Revue de presse du 3 mars", "Terrorisme", "Jeux olympiques", "Darmanin à Rabat",
                     "Menace terroriste", "Sécurité des Jeux", "Le ministre Gérald Darmanin s'est rendu à Rabat.",
                     "Les Jeux auront leur plan de sécurité.", "Le Maroc nous aide beaucoup", "Nous sommes prêts",
                     "Gérald Darmanin", "À lire en entier."):
        assert expected in text, expected
    assert "2 / " in text  # page numbers from the print stylesheet
    ARTIFACTS.mkdir(exist_ok=True)
    (ARTIFACTS / "digest.pdf").write_bytes(data)


def test_pdf_first_page_as_a_picture(digest, tmp_path):
    if not shutil.which("pdftoppm"):
        pytest.skip("pdftoppm is missing: install Debian's poppler-utils (make install-dev does, as root)")
    source = tmp_path / "digest.pdf"
    source.write_bytes(exports.pdf(view(digest)))
    ARTIFACTS.mkdir(exist_ok=True)
    subprocess.run(["pdftoppm", "-png", "-r", "80", "-f", "1", "-l", "1", "-singlefile", str(source),
                    str(ARTIFACTS / "digest-pdf-page-1")], check=True, timeout=60)
    picture = ARTIFACTS / "digest-pdf-page-1.png"
    assert picture.exists() and picture.stat().st_size > 5000


def test_docx_opens_with_headings_a_table_of_contents_summaries_and_quotes(digest):
    from docx import Document

    document = Document(io.BytesIO(exports.docx(view(digest))))
    headings = [(p.style.name, p.text) for p in document.paragraphs if p.style.name.startswith(("Heading", "Title"))]
    assert ("Title", "Revue de presse du 3 mars") in headings
    assert ("Heading 1", "Terrorisme") in headings and ("Heading 1", "Jeux olympiques") in headings
    assert ("Heading 2", "Darmanin à Rabat") in headings and ("Heading 2", "Sécurité des Jeux") in headings
    body_xml = document.element.body.xml
    assert 'TOC \\o "1-3" \\h \\z \\u' in body_xml and 'w:fldCharType="begin"' in body_xml
    assert "updateFields" in document.settings.element.xml
    texts = [p.text for p in document.paragraphs]
    # The visible list and the heading.
    assert [t for t in texts if t in ("Terrorisme", "Jeux olympiques")].count("Terrorisme") == 2
    assert any(t.startswith("Le ministre Gérald Darmanin s'est rendu à Rabat.") for t in texts)
    quotes = [p.text for p in document.paragraphs if p.style.name == "Quote"]
    assert "« Le Maroc nous aide beaucoup » — Gérald Darmanin" in quotes and len(quotes) == 3


def test_ninjs_validates_against_the_schema(digest):
    from jsonschema import Draft202012Validator, FormatChecker

    data = json.loads(exports.ninjs(view(digest)))
    validator = Draft202012Validator(json.loads(SCHEMA.read_text()), format_checker=FormatChecker())
    errors = [f"{list(e.path)}: {e.message}" for e in validator.iter_errors(data)]
    assert errors == []
    assert data["type"] == "composite" and len(data["associations"]) == 3
    rabat = next(a for a in data["associations"] if a["headlines"][0]["value"] == "Darmanin à Rabat")
    assert rabat["type"] == "text" and rabat["language"] == "fr"
    assert {"uri": "http://cv.iptc.org/newscodes/mediatopic/20000053", "name": "Terrorisme", "rel": "about",
            "creator": "editor"} in rabat["subjects"]
    assert {p["name"] for p in rabat["people"]} == {"Gérald Darmanin", "Abdelouafi Laftit"}
    assert [p["name"] for p in rabat["places"]] == ["Rabat"]
    assert rabat["descriptions"][0]["value"].startswith("Le ministre Gérald Darmanin")
    assert {"role": "url", "value": Article.objects.get(title="Darmanin à Rabat").url} in rabat["altids"]
    assert rabat["ednote"] == "À lire en entier."
    games = next(a for a in data["associations"] if a["headlines"][0]["value"] == "Sécurité des Jeux")
    # A topic without an IPTC code is named by a literal instead.
    assert {"name": "Jeux olympiques", "rel": "about", "creator": "editor",
            "literal": "olympic-games"} in games["subjects"]


def test_the_schema_refuses_what_ninjs_does_not_define(digest):
    from jsonschema import Draft202012Validator

    data = json.loads(exports.ninjs(view(digest)))
    data["associations"][0]["headline"] = "ninjs 1.x field"
    data["associations"][1]["type"] = "article"
    validator = Draft202012Validator(json.loads(SCHEMA.read_text()))
    assert len(list(validator.iter_errors(data))) == 2


def test_csv_has_one_row_per_item_and_neutralises_formulas(hostile):
    rows = list(csv.DictReader(io.StringIO(exports.csv_rows(view(hostile)).decode("utf-8-sig"))))
    assert [r["title"] for r in rows] == ["Darmanin à Rabat", f"Menace {SCRIPT}", "Sécurité des Jeux"]
    assert rows[1]["summary"] == "'=HYPERLINK(\"http://evil.example\",\"clic\")"
    assert rows[0]["section"] == "Terrorisme" and rows[0]["position"] == "1" and rows[1]["position"] == "2"
    assert rows[0]["quotes"] == "« Le Maroc nous aide beaucoup » — Gérald Darmanin"
    assert rows[0]["actors"].startswith("Gérald Darmanin")
    for value in ("=1+1", "+33 1 23", "-2", "@SUM(A1)", "\tx", "\rx"):
        assert exports.csv_cell(value) == "'" + value
    assert exports.csv_cell("Paris") == "Paris"


def test_no_export_writes_an_address_that_is_not_a_web_address(digest):
    # An article stored before URLs were checked at ingest.
    item = DigestItem.objects.get(article__title="Menace terroriste")
    Article.objects.filter(id=item.article_id).update(url="javascript:alert(document.cookie)")
    digest_view = view(Digest.objects.get(id=digest.id))
    rows = list(csv.DictReader(io.StringIO(exports.csv_rows(digest_view).decode("utf-8-sig"))))
    assert [r["url"].startswith("https://news.example/") for r in rows] == [True, False, True]
    assert rows[1]["url"] == ""
    for fmt in ("html", "md", "json"):
        assert b"javascript:" not in exports.FORMATS[fmt].render(digest_view)


def test_markdown_escapes_what_people_typed(hostile):
    text = exports.markdown(view(hostile)).decode()
    assert "# Revue \\<script\\>alert('x')\\</script\\>" in text
    assert not re.search(r"(?<!\\)<(script|img)", text)
    assert "\\*\\*gras\\*\\* \\[lien\\](http://evil.example)" in text
    assert "### [Darmanin à Rabat](<https://news.example/" in text
    assert "> « Le Maroc nous aide beaucoup » — Gérald Darmanin" in text


def test_a_script_in_a_title_or_note_is_escaped_everywhere(hostile):
    from docx import Document
    from pypdf import PdfReader

    digest_view = view(hostile)
    for fmt in ("html", "md", "json"):
        assert SCRIPT.encode() not in exports.FORMATS[fmt].render(digest_view)
    html = exports.email_html(digest_view).decode()
    assert "&lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt;" in html and "&lt;img src=x" in html
    assert json.loads(exports.ninjs(digest_view))["headlines"][0]["value"] == f"Revue {SCRIPT}"  # data, escaped as JSON
    pdf_text = " ".join(p.extract_text() for p in PdfReader(io.BytesIO(exports.pdf(digest_view))).pages)
    assert SCRIPT in " ".join(pdf_text.split())  # shown as text, not run
    document = Document(io.BytesIO(exports.docx(digest_view)))
    assert f"Menace {SCRIPT}" in [p.text for p in document.paragraphs]


def test_exports_of_a_published_digest_do_not_change_when_its_articles_do(digest):
    services.digest_publish(digest=digest, user=None, permalink="http://testserver/digests/1/published")
    digest.refresh_from_db()
    before = {fmt: f.render(view_for(digest)) for fmt, f in exports.FORMATS.items() if fmt not in ("pdf", "docx")}
    Article.objects.filter(title="Darmanin à Rabat").update(title="Changé")
    Quote.objects.update(text="« changé »")
    after = {fmt: f.render(view_for(digest)) for fmt, f in exports.FORMATS.items() if fmt not in ("pdf", "docx")}
    assert before == after
    assert "Changé" not in " ".join(p.extract_text() for p in __import__("pypdf").PdfReader(
        io.BytesIO(exports.pdf(view_for(digest)))).pages)


def test_direct_downloads_carry_their_type_and_name(editor_client, digest):
    response = editor_client.get(url("export", digest, "docx"))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    assert response["Content-Disposition"] == 'attachment; filename="revue-de-presse-du-3-mars-2024-03-03.docx"'
    inline = editor_client.get(url("export", digest, "html"), {"inline": "1"})
    assert "default-src 'none'" in inline["Content-Security-Policy"] and "Content-Disposition" not in inline
    assert inline["X-Frame-Options"] == "SAMEORIGIN"
    assert editor_client.get(url("export", digest, "exe")).status_code == 404


@pytest.mark.worker
@pytest.mark.django_db(transaction=True)
def test_a_background_export_runs_on_a_worker_and_downloads(client, worker):
    found = newsroom()
    digest = build_digest([found["rabat"], found["jo"], found["attentat"]])
    client.force_login(make_user("ed", "editor"))
    response = client.post(url("export-start", digest), {"format": "pdf"}, headers={"HX-Request": "true"})
    job = ExportJob.objects.get()
    assert response.status_code == 200 and f'hx-get="{url("export-job", digest, job.id)}"' in response.content.decode()

    def finished():
        job.refresh_from_db()
        return job.is_finished()

    wait_for(finished, timeout=120, worker=worker, what="the export job to finish")
    assert job.status == ExportJob.Status.DONE, job.error
    assert job.progress_done == job.progress_total == 4
    progress = client.get(url("export-job", digest, job.id), headers={"HX-Request": "true"})
    assert progress.status_code == 286 and "Download" in progress.content.decode()
    download = client.get(url("export-download", digest, job.id))
    data = b"".join(download.streaming_content)
    assert download["Content-Disposition"].startswith('attachment; filename="revue-de-presse-du-3-mars')
    assert data.startswith(b"%PDF") and len(data) == job.size
    assert Path(job.file.path).is_relative_to(Path(__import__("django.conf").conf.settings.MEDIA_ROOT) / "exports")
    # The running task's second delivery finds the job finished and leaves it.
    assert services.export_job_run(job_id=job.id) is False


def test_export_files_are_not_public_media(client, digest):
    job = ExportJob.objects.create(digest=digest, format="md")
    services.export_job_run(job_id=job.id)
    job.refresh_from_db()
    assert job.status == "done" and job.progress_done == job.progress_total
    assert client.get(url("export-download", digest, job.id)).status_code == 302  # to the login page
    client.force_login(make_user("vi", "viewer"))
    assert client.get(url("export-download", digest, job.id)).status_code == 404  # a draft: not theirs to read
    assert client.get("/media/" + job.file.name).status_code in (302, 404)


def test_old_export_files_are_removed_and_recent_ones_kept(editor_client, digest, settings):
    settings.EXPORT_KEEP_DAYS = 7
    assert "kept for 7 days" in editor_client.get(url("preview", digest)).content.decode()
    old, recent, lost = (ExportJob.objects.create(digest=digest, format="md") for _ in range(3))
    for job in (old, recent, lost):
        services.export_job_run(job_id=job.id)
    old, recent, lost = (ExportJob.objects.get(id=job.id) for job in (old, recent, lost))
    eight_days_ago = old.finished_at - timedelta(days=8)
    ExportJob.objects.filter(id__in=[old.id, lost.id]).update(finished_at=eight_days_ago)
    Path(lost.file.path).unlink()  # removed by hand already: not an error
    old_path = Path(old.file.path)
    assert old_path.exists()

    assert services.export_jobs_expire() == 2

    assert list(ExportJob.objects.values_list("id", flat=True)) == [recent.id]
    assert not old_path.exists()
    assert Path(recent.file.path).exists()


def test_an_export_asked_for_while_the_broker_is_down_waits_and_is_sent_by_the_sweeper(
        editor_client, digest, broker_down, monkeypatch, settings, django_capture_on_commit_callbacks, caplog):
    with django_capture_on_commit_callbacks(execute=True):
        response = editor_client.post(url("export-start", digest), {"format": "md"}, headers={"HX-Request": "true"})
    assert response.status_code == 200, "the request does not fail"
    job = ExportJob.objects.get()
    assert job.status == ExportJob.Status.QUEUED
    assert f"digests.export({job.id},) not sent to the workers" in caplog.text

    later = timezone.now() + timedelta(seconds=settings.SWEEP_QUEUED_AFTER + 1)
    assert services.export_jobs_sweep(stale_after=960, now=later) == [], "still down: tried again next time"
    monkeypatch.undo()  # the broker is back
    _reset_broker_pools()
    assert services.export_jobs_sweep(stale_after=960, now=timezone.now()) == [], "not before SWEEP_QUEUED_AFTER"
    assert services.export_jobs_sweep(stale_after=960, now=later) == [job.id]
    assert services.export_jobs_sweep(stale_after=960, now=later) == [], "stamped: sent once per period"
    assert services.export_job_run(job_id=job.id) is True  # what the message does
    job.refresh_from_db()
    assert job.status == ExportJob.Status.DONE
    much_later = later + timedelta(seconds=settings.SWEEP_QUEUED_AFTER + 1)
    assert services.export_jobs_sweep(stale_after=960, now=much_later) == [], "a finished job is left alone"


def test_an_export_left_running_by_a_dead_worker_is_sent_again(digest, settings):
    job = ExportJob.objects.create(digest=digest, format="md")
    now = timezone.now()
    ExportJob.objects.filter(id=job.id).update(status=ExportJob.Status.RUNNING, started_at=now - timedelta(seconds=100))
    later = now + timedelta(seconds=settings.SWEEP_QUEUED_AFTER + 1)
    assert services.export_jobs_sweep(stale_after=960, now=later) == [], "a worker may still be writing it"
    ExportJob.objects.filter(id=job.id).update(started_at=now - timedelta(seconds=2000))
    assert services.export_jobs_sweep(stale_after=960, now=later) == [job.id]
