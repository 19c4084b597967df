"""Uploaded-file text extraction. Plain pytest, no Django:

    .venv/bin/pytest tests/test_extract.py -p no:django

Every fixture file is built here, so the tests say exactly what they feed in.
"""

import io
import os
import random
import sys
import zipfile
from pathlib import Path

import pytest
from docx.oxml import parse_xml
from pypdf import PdfReader, PdfWriter

# Without pytest-django nothing puts the project root on sys.path.
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from pressreview.files.extract import (  # noqa: E402
    DOCX_MAX_UNPACKED_BYTES,
    Extracted,
    ExtractionError,
    extract,
)
from tests.files import docx_bytes, pdf_bytes, zip_bytes  # noqa: E402

FRENCH = "Le ministre de l’Intérieur a déclaré à Rabat : « la coopération est exemplaire »."


def refused(filename: str, data: bytes, **limits) -> str:
    with pytest.raises(ExtractionError) as info:
        extract(filename, data, **limits)
    return str(info.value)


# --- fixture builders ----------------------------------------------------------


def encrypt_pdf(data: bytes, *, user_password: str, owner_password: str = "owner") -> bytes:
    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(data)))
    # RC4 works without the optional "cryptography" package, which is not installed.
    writer.encrypt(user_password=user_password, owner_password=owner_password, algorithm="RC4-128")
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def zip_of_zeros(size: int) -> bytes:
    """A Word-shaped zip whose document.xml is `size` zero bytes, written in
    chunks so neither the test nor the archive holds them in memory."""
    out = io.BytesIO()
    chunk = bytes(1024 * 1024)
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", b"<Types/>")
        with archive.open("word/document.xml", "w", force_zip64=True) as entry:
            for _ in range(size // len(chunk)):
                entry.write(chunk)
    return out.getvalue()


# --- .txt ----------------------------------------------------------------------


def test_txt_utf8_keeps_text_and_takes_no_title():
    data = f"Titre de l’article\r\n\r\n\r\n\r\n{FRENCH}\r\n".encode()
    result = extract("note.txt", data)
    assert result == Extracted(text=f"Titre de l’article\n\n{FRENCH}")


def test_txt_utf8_with_bom():
    assert extract("note.TXT", b"\xef\xbb\xbf" + FRENCH.encode()).text == FRENCH


@pytest.mark.parametrize("encoding", ["cp1252", "latin-1"])
def test_txt_legacy_western_encoding(encoding):
    text = "Déclaration du ministre à la presse" if encoding == "latin-1" else FRENCH
    assert extract("note.txt", text.encode(encoding)).text == text


def test_txt_short_cp1252_is_not_mistaken_for_utf16():
    # charset-normalizer alone reads these four bytes as Chinese.
    assert extract("note.txt", "café".encode("cp1252")).text == "café"


def test_txt_cyrillic_legacy_encoding_still_detected():
    text = "Министр внутренних дел Франции заявил в Рабате, что сотрудничество продолжится."
    assert extract("note.txt", text.encode("cp1251")).text == text


@pytest.mark.parametrize("encoding", ["utf-16", "utf-16-be", "utf-32"])
def test_txt_utf16_and_utf32_with_bom(encoding):
    data = FRENCH.encode(encoding)
    if encoding == "utf-16-be":
        data = b"\xfe\xff" + data
    assert extract("note.txt", data).text == FRENCH


def test_txt_broken_utf16_refused():
    lone_surrogate = b"\x00\xd8"
    assert refused("note.txt", b"\xff\xfe" + "abc".encode("utf-16-le") + lone_surrogate).startswith(
        "This file is not text"
    )


def test_txt_cleanup_controls_blank_runs_and_trailing_spaces():
    data = b"  \n\nfirst\x01 line of the note\x07   \t\n\n\n\n\n\tsecond line\x0cthird line\r\rfourth line  \n\n"
    assert extract("note.txt", data).text == "first line of the note\n\n\tsecond line\nthird line\n\nfourth line"


def test_txt_binary_garbage_refused():
    rng = random.Random(1)
    data = b"\x89PNG\r\n\x1a\n" + bytes(rng.randrange(256) for _ in range(4000))
    message = refused("photo.txt", data)
    assert message.startswith("This file is not text")
    assert "PNG image" in message


def test_txt_control_characters_without_nul_refused():
    assert refused("dump.txt", bytes(range(1, 32)) * 50).startswith("This file is not text")


def test_empty_file_refused():
    assert refused("note.txt", b"") == "The file is empty"


@pytest.mark.parametrize("filename", ["note.txt", "note.md", "page.html"])
def test_whitespace_only_file_refused(filename):
    assert refused(filename, b" \r\n\t \n\n   \n") == "The file is empty"


def test_oversize_refused_before_reading():
    message = refused("note.txt", b"x" * 3000, max_bytes=2048)
    assert message == "The file is too large (2.9 KB; the limit is 2 KB)"
    big = refused("note.pdf", b"%PDF-" + bytes(25 * 1024 * 1024))
    assert big == "The file is too large (25 MB; the limit is 20 MB)"


def test_text_over_max_chars_refused():
    message = refused("note.txt", b"word " * 100, max_chars=50)
    assert "too long" in message and "50 characters" in message


def test_hostile_text_does_not_hang():
    # Patterns that make naive regexes backtrack quadratically.
    data = (b"[" * 200_000) + (b"*a " * 100_000) + (b" " * 200_000) + b"x" + (b"_" * 100_000)
    assert extract("note.md", data).text.endswith("x" + "_" * 100_000)
    assert extract("note.txt", data).text.startswith("[[[")


# --- .md -----------------------------------------------------------------------


def test_md_strips_syntax_lightly_and_takes_first_heading():
    md = (
        "# Darmanin à *Rabat* #\n\n"
        "Le ministre a **déclaré** que la [coopération](https://example.org/a) était _exemplaire_.\n"
        "![photo du ministre](photo.jpg)\n\n"
        "## Contexte\n\n"
        "> Une citation ~~barrée~~ avec `code`.\n\n"
        "* premier point *important*\n"
        "- second point, variable snake_case et 2*3*4\n\n"
        "---\n\n"
        "Voir [la source][1] ou <https://example.org/b>.\n\n"
        "[1]: https://example.org/source\n"
        "```\n# not a heading in code\n```\n"
    )
    result = extract("notes.md", md.encode())
    assert result.title == "Darmanin à Rabat"
    assert result.text == (
        "Darmanin à Rabat\n\n"
        "Le ministre a déclaré que la coopération était exemplaire.\n\n"
        "Contexte\n\n"
        "Une citation barrée avec code.\n\n"
        "* premier point important\n"
        "- second point, variable snake_case et 2*3*4\n\n"
        "Voir la source ou https://example.org/b.\n\n"
        "# not a heading in code"
    )


def test_md_setext_heading_is_title():
    result = extract("notes.md", b"Le titre\n========\n\nLe corps du texte.\n")
    assert (result.title, result.text) == ("Le titre", "Le titre\n\nLe corps du texte.")


def test_md_without_heading_has_no_title():
    assert extract("notes.md", b"Just a paragraph.\n").title == ""


# --- .html ---------------------------------------------------------------------

ARTICLE_HTML = """<!DOCTYPE html>
<html lang="fr-FR"><head><meta charset="windows-1252">
<title>Darmanin à Rabat | Le Journal</title>
<meta property="og:title" content="Darmanin à Rabat">
<link rel="canonical" href="https://example.org/2024/03/darmanin-rabat">
<meta property="article:published_time" content="2024-03-12T10:00:00+01:00">
<script>alert(1); var leak = "SCRIPT-IN-HEAD";</script>
<style>.STYLE-LEAK { color: red }</style>
</head><body onload="alert('ONLOAD-LEAK')">
<nav><a href="/">Accueil</a> <a href="/monde">Monde</a></nav>
<article><h1>Darmanin à Rabat</h1>
<p onclick="alert('CLICK-LEAK')">{body}</p>
<script>alert(1); document.write("SCRIPT-IN-BODY")</script>
<p>La visite s’est achevée par une conférence de presse commune avec les journalistes présents.</p>
<noscript>NOSCRIPT-LEAK</noscript>
<img src="x.png" onerror="alert('ERROR-LEAK')">
</article>
<footer>© Le Journal 2024</footer>
</body></html>"""


def test_html_main_text_metadata_and_no_script():
    body = " ".join([FRENCH] * 4)
    result = extract("page.html", ARTICLE_HTML.replace("{body}", body).encode("cp1252"))
    assert body in result.text
    assert "La visite s’est achevée" in result.text
    assert result.title == "Darmanin à Rabat"
    assert result.url == "https://example.org/2024/03/darmanin-rabat"
    assert result.published == "2024-03-12"
    assert result.language == "fr"
    for leak in ("alert", "SCRIPT-IN", "STYLE-LEAK", "LEAK", "document.write", "Accueil"):
        assert leak not in result.text


def test_html_utf8_and_htm_extension_without_metadata():
    html = f"<html><body><article><p>{FRENCH}</p></article></body></html>"
    result = extract("Page.HTM", html.encode())
    assert result == Extracted(text=FRENCH)


def test_html_fragment_is_accepted():
    assert extract("snippet.html", f"<p>{FRENCH}</p>".encode()).text == FRENCH


def test_html_without_main_text_refused():
    html = (
        b"<html><head><title>Empty</title><script>var x = 'only script';</script></head>"
        b"<body><img src=a.png></body></html>"
    )
    assert refused("page.html", html) == "No article text found in this HTML page"


def test_html_too_complex_refused(monkeypatch):
    import pressreview.files.extract as extract_module

    monkeypatch.setattr(extract_module, "HTML_MAX_ELEMENTS", 100)
    html = "<html><body><article>" + f"<p>{FRENCH}</p>" * 200 + "</article></body></html>"
    assert refused("page.html", html.encode()).startswith("This HTML page is too complex to extract (203 elements")


def test_html_that_is_binary_refused():
    assert refused("page.html", pdf_bytes(["x"])).startswith("This file is not text (its content looks like a PDF)")


# --- .docx ---------------------------------------------------------------------


def _article(document):
    document.add_heading("Darmanin à Rabat", level=1)
    document.add_paragraph(FRENCH)
    paragraph = document.add_paragraph("Deuxième ")
    paragraph.add_run("paragraphe").bold = True
    table = document.add_table(rows=2, cols=2)
    table.cell(0, 0).text, table.cell(0, 1).text = "Ville", "Date"
    table.cell(1, 0).text, table.cell(1, 1).text = "Rabat", "12 mars"
    document.add_paragraph("Fin.")


def test_docx_paragraphs_tables_title_and_language():
    result = extract("article.docx", docx_bytes(title="Titre des propriétés", language="fr-FR", build=_article))
    assert result.text == f"Darmanin à Rabat\n\n{FRENCH}\n\nDeuxième paragraphe\n\nVille\tDate\nRabat\t12 mars\n\nFin."
    assert result.title == "Titre des propriétés"
    assert result.language == "fr"
    assert result.published == ""


def test_docx_title_falls_back_to_first_heading():
    result = extract("article.DOCX", docx_bytes(build=_article))
    assert (result.title, result.language) == ("Darmanin à Rabat", "")


def test_docx_merged_cells_read_once_and_tracked_insertions_kept():
    w = 'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"'

    def build(document):
        table = document.add_table(rows=2, cols=3)
        merged = table.cell(0, 0).merge(table.cell(1, 1))
        merged.text = "fusion"
        table.cell(0, 2).text = "a"
        table.cell(1, 2).text = "b"
        paragraph = document.add_paragraph("Le texte ")
        inserted = f'<w:ins {w} w:id="1" w:author="x"><w:r><w:t>inséré</w:t></w:r></w:ins>'
        deleted = f'<w:del {w} w:id="2" w:author="x"><w:r><w:delText>effacé</w:delText></w:r></w:del>'
        paragraph._p.append(parse_xml(inserted))
        paragraph._p.append(parse_xml(deleted))

    assert extract("a.docx", docx_bytes(build=build)).text == "fusion\ta\nb\n\nLe texte inséré"


def test_docx_without_text_is_empty():
    assert refused("blank.docx", docx_bytes()) == "The file is empty"


def test_docx_random_bytes_refused():
    assert refused("article.docx", os.urandom(5000)).startswith("This .docx file is damaged or not a Word document")


def test_docx_zip_without_word_document_refused():
    message = refused("article.docx", zip_bytes({"hello.txt": b"hi"}))
    assert message.startswith("This .docx file is damaged or not a Word document")


def test_docx_truncated_refused():
    data = docx_bytes(build=_article)
    assert refused("article.docx", data[: len(data) // 2]).startswith("This .docx file is damaged")


def test_docx_old_doc_format_explained():
    message = refused("old.docx", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(600))
    assert "old Word .doc file" in message


def test_docx_zip_bomb_refused_before_unpacking():
    data = zip_of_zeros(200 * 1024 * 1024)
    assert len(data) < 1024 * 1024
    message = refused("bomb.docx", data)
    assert message == "This .docx file was refused for safety: it would unpack to 200 MB (the limit is 50 MB)"


def test_docx_compression_ratio_refused():
    data = zip_of_zeros(20 * 1024 * 1024)
    assert 20 * 1024 * 1024 < DOCX_MAX_UNPACKED_BYTES
    assert "compressed far more than a normal Word document" in refused("dense.docx", data)


@pytest.mark.parametrize("name", ["../evil.xml", "/etc/evil.xml", "word/../../evil.xml"])
def test_docx_path_traversal_refused(name):
    data = zip_bytes({"word/document.xml": b"<w:document/>", name: b"x"})
    assert refused("evil.docx", data).startswith("This .docx file was refused for safety")


# --- .pdf ----------------------------------------------------------------------


def test_pdf_pages_title_and_language():
    data = pdf_bytes(["Première page : déclaration du ministre.", "Seconde page (fin)."], title="Le titre",
                     lang="fr-FR")
    result = extract("article.pdf", data)
    assert result == Extracted(
        text="Première page : déclaration du ministre.\n\nSeconde page (fin).", title="Le titre", language="fr"
    )


def test_pdf_random_bytes_refused():
    assert refused("article.pdf", os.urandom(5000)) == "This .pdf file is damaged or not a PDF"


def test_pdf_truncated_refused():
    data = pdf_bytes(["Une page de texte assez longue pour être coupée au milieu."])
    assert refused("article.pdf", data[: len(data) // 2]).startswith("This .pdf file is damaged")


def test_pdf_password_protected_refused():
    data = encrypt_pdf(pdf_bytes(["Secret."]), user_password="secret")
    assert "password-protected" in refused("secret.pdf", data)


def test_pdf_with_owner_password_only_is_read():
    # Permissions-only protection (no password to open) is common on publisher PDFs.
    data = encrypt_pdf(pdf_bytes(["Texte lisible."]), user_password="")
    assert extract("restricted.pdf", data).text == "Texte lisible."


def test_pdf_without_text_refused():
    assert refused("scan.pdf", pdf_bytes([""])) == (
        "No text found in this PDF (scanned pages need OCR, which is not supported)"
    )


def test_pdf_page_limit(monkeypatch):
    import pressreview.files.extract as extract_module

    monkeypatch.setattr(extract_module, "PDF_MAX_PAGES", 2)
    assert refused("long.pdf", pdf_bytes(["a", "b", "c"])) == "This PDF has 3 pages; the limit is 2"


# --- extension versus content ----------------------------------------------------


def test_pdf_named_docx_refused():
    message = refused("article.docx", pdf_bytes(["x"]))
    assert message == "This .docx file is damaged or not a Word document (its content looks like a PDF)"


def test_docx_named_pdf_refused():
    message = refused("article.pdf", docx_bytes(build=_article))
    assert message.startswith("This .pdf file is damaged or not a PDF (its content looks like a zip archive")


def test_pdf_named_txt_refused():
    assert refused("article.txt", pdf_bytes(["x"])).startswith("This file is not text (its content looks like a PDF)")


@pytest.mark.parametrize(
    ("filename", "shown"),
    [("photo.jpeg", ".jpeg"), ("archive.tar.GZ", ".gz"), ("README", "(no extension)"), (".pdf", "(no extension)")],
)
def test_unknown_extension_refused(filename, shown):
    assert refused(filename, b"anything") == f"Unsupported file type {shown}: upload .txt, .md, .html, .docx or .pdf"


def test_windows_path_in_filename():
    assert extract("C:\\fakepath\\dossier.v2\\note.txt", b"Bonjour").text == "Bonjour"
