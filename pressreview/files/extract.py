"""Text out of an uploaded file (.txt, .md, .html, .docx, .pdf).

Plain Python, no Django: uploads and bulk imports share it.
Every failure an editor can fix or should know about is an ExtractionError
whose message is shown as is.

Uploads are untrusted: sizes are checked before parsing, archives are
inspected before they are unpacked, and every regular expression below only
uses negated character classes or per-line work, so hostile input cannot make
it backtrack for ever.
"""

from __future__ import annotations

import io
import re
import zipfile
from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING

from pressreview.files import FileRefused
from pressreview.files.archives import ArchiveRules, check_archive
from pressreview.files.decoding import decode, looks_like
from pressreview.files.limits import check_size

# The parsers (python-docx, pypdf, trafilatura with lxml: some 16 MB a process) are imported by the
# function that reads their kind of file, not here: every web process imports this module (the upload
# form), and most of them never read a .docx, a .pdf or an HTML file.
if TYPE_CHECKING:
    from docx.text.paragraph import Paragraph

# A Word document is a zip; these bound what unpacking it may cost. Real
# documents are a few MB of XML and images in a few dozen entries, and XML
# compresses about 10:1, so a 100:1 archive is built to blow up, not written.
DOCX_MAX_UNPACKED_BYTES = 50 * 1024 * 1024
DOCX_RULES = ArchiveRules(
    max_entries=1000, max_unpacked_bytes=DOCX_MAX_UNPACKED_BYTES, max_ratio=100, subject="This .docx file",
    refused="This .docx file was refused for safety", normal="a normal Word document",
)
PDF_MAX_PAGES = 500
# trafilatura's time grows faster than linearly with the number of elements:
# about 5 s for 15,000 nested divs, over a minute past 50,000. Article pages
# have a few thousand; inline SVG icons are not counted (removed early, cheaply).
HTML_MAX_ELEMENTS = 20_000


class ExtractionError(FileRefused):
    """A file we cannot turn into article text; the message is for the editor."""


@dataclass(frozen=True)
class Extracted:
    text: str
    title: str = ""
    url: str = ""
    published: str = ""  # ISO date if the document states one, else ""
    language: str = ""  # two-letter code if the document declares one, else ""
    note: str = ""  # what the editor should know about the reading (bytes replaced), else ""


def extract(
    filename: str,
    data: bytes,
    *,
    max_bytes: int = 20 * 1024 * 1024,
    max_chars: int = 1_000_000,
) -> Extracted:
    """Return the article text and whatever metadata the file declares.

    Raises ExtractionError with a message meant for the editor.
    """
    ext = _extension(filename)
    handler = _HANDLERS.get(ext)
    if handler is None:
        shown = ext or "(no extension)"
        raise ExtractionError(f"Unsupported file type {shown}: upload .txt, .md, .html, .docx or .pdf")
    if not data.strip():
        raise ExtractionError("The file is empty")
    try:
        check_size(len(data), max_bytes)
        result = handler(data, max_chars)
    except ExtractionError:
        raise
    except FileRefused as exc:
        raise ExtractionError(str(exc)) from None
    text = _tidy(result.text)
    if not text:
        raise ExtractionError("The file is empty")
    if len(text) > max_chars:
        raise _too_long(max_chars)
    return Extracted(
        text=text,
        title=_one_line(result.title)[:500],  # a PDF's metadata title can be any length
        url=result.url.strip(),
        published=result.published,
        language=result.language,
        note=result.note,
    )


# --- helpers shared by all formats ---------------------------------------


def _extension(filename: str) -> str:
    # Browsers may send a Windows path ("C:\fakepath\x.pdf"); only the last part counts.
    name = filename.replace("\\", "/").rsplit("/", 1)[-1]
    stem, dot, ext = name.rpartition(".")
    return f".{ext.lower()}" if dot and stem else ""


def _too_long(max_chars: int) -> ExtractionError:
    return ExtractionError(f"The text of this file is too long: the limit is {max_chars:,} characters")


_NEWLINES = re.compile(r"\r\n?|[\f\v\x85\u2028\u2029]")
_CONTROLS = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\ufeff]")
_BLANK_RUNS = re.compile(r"\n{3,}")


def _tidy(text: str) -> str:
    # Form feeds and Unicode separators are line breaks (a form feed is a page
    # break in text dumps); deleting them would glue words together.
    text = _NEWLINES.sub("\n", text)
    # C1 controls too: they only appear in mis-decoded text, and the ingest
    # layer would drop them later anyway, shifting nothing if we do it here.
    text = _CONTROLS.sub("", text)
    # Per line rather than a regex: a regex for trailing blanks is quadratic
    # on a long run of spaces with no newline.
    text = "\n".join(line.rstrip() for line in text.split("\n"))
    return _BLANK_RUNS.sub("\n\n", text).strip()


def _one_line(title: str) -> str:
    return " ".join((title or "").split())


_LANG = re.compile(r"\s*([A-Za-z]{2})(?:[-_][A-Za-z0-9-]*)?\s*$")


def _language(declared: object) -> str:
    # The rest of the app works with two-letter codes; "fr-FR" counts as "fr",
    # anything else ("x-none", "fra", garbage) as undeclared.
    match = _LANG.match(str(declared or ""))
    return match.group(1).lower() if match else ""


# --- .txt and .md ----------------------------------------------------------


def _extract_txt(data: bytes, max_chars: int) -> Extracted:
    decoded = _decode_text(data, max_chars)
    return Extracted(text=decoded.text, note=decoded.note)


def _extract_md(data: bytes, max_chars: int) -> Extracted:
    decoded = _decode_text(data, max_chars)
    return _strip_markdown(decoded.text, note=decoded.note)


def _decode_text(data: bytes, max_chars: int):
    decoded = decode(data)
    # Tidying only removes blank space, so twice the limit is surely too long;
    # failing here spares the work on a text we would refuse anyway.
    if len(decoded.text) > 2 * max_chars:
        raise _too_long(max_chars)
    return decoded


_FENCE = re.compile(r"^ {0,3}(```|~~~)")
_ATX = re.compile(r"^ {0,3}#{1,6}(?:[ \t]+|$)")
_SETEXT = re.compile(r"^ {0,3}(?:=+|-+)[ \t]*$")
_RULE = re.compile(r"^ {0,3}([-*_])(?:[ \t]*\1){2,}[ \t]*$")
_QUOTE = re.compile(r"^(?: {0,3}> ?)+")
_LINK_DEF = re.compile(r"^ {0,3}\[[^\[\]]+\]:[ \t]+\S")

# Each pattern's repeated part excludes its own delimiter, so a match attempt
# stops at the next delimiter and the scan stays linear.
_INLINE = (
    (re.compile(r"!\[[^\[\]]*\](?:\([^()]*\)|\[[^\[\]]*\])"), ""),  # images
    (re.compile(r"\[([^\[\]]*)\]\([^()]*\)"), r"\1"),  # [text](url)
    (re.compile(r"\[([^\[\]]*)\]\[[^\[\]]*\]"), r"\1"),  # [text][ref]
    (re.compile(r"<((?:https?|mailto):[^<>\s]+)>"), r"\1"),  # <https://autolink>
    (re.compile(r"`([^`\n]+)`"), r"\1"),
    (re.compile(r"(?<!\\)\*\*(?=[^\s*])([^*\n]*?[^\s*\\])\*\*"), r"\1"),
    (re.compile(r"(?<![\w\\])__(?=[^\s_])([^_\n]*?[^\s_\\])__(?!\w)"), r"\1"),
    (re.compile(r"(?<![\w\\])\*(?=[^\s*])([^*\n]*?[^\s*\\])\*(?!\w)"), r"\1"),
    (re.compile(r"(?<![\w\\])_(?=[^\s_])([^_\n]*?[^\s_\\])_(?!\w)"), r"\1"),
    (re.compile(r"~~(?=[^\s~])([^~\n]*?[^\s~\\])~~"), r"\1"),
    (re.compile(r"\\([\\`*_{}\[\]()#+\-.!~|>])"), r"\1"),  # escapes last
)


def _strip_inline(text: str) -> str:
    for pattern, replacement in _INLINE:
        text = pattern.sub(replacement, text)
    return text


def _strip_markdown(text: str, *, note: str = "") -> Extracted:
    """Readable text from Markdown, without a Markdown library.

    Light on purpose: headings, emphasis, links, images, quotes and fences
    lose their syntax; lists and tables stay as typed, which reads fine.
    """
    title = ""
    out: list[str] = []
    in_code = False
    for line in text.replace("\r\n", "\n").replace("\r", "\n").split("\n"):
        if _FENCE.match(line):
            in_code = not in_code
            continue
        if in_code:
            out.append(line)
            continue
        previous = out[-1].strip() if out else ""
        if previous and _SETEXT.match(line):
            title = title or previous  # "Title\n=====": the line above was a heading
            continue
        if _RULE.match(line) or _LINK_DEF.match(line):
            continue
        line = _QUOTE.sub("", line)
        heading = _ATX.match(line)
        if heading:
            line = line[heading.end() :].rstrip()
            # "## Title ##": closing hashes are syntax only after a space.
            if line.rstrip("#").endswith((" ", "\t")) or not line.rstrip("#"):
                line = line.rstrip("#").rstrip()
            line = _strip_inline(line)
            title = title or line.strip()
            out.append(line)
            continue
        out.append(_strip_inline(line))
    return Extracted(text="\n".join(out), title=title, note=note)


# --- .html -------------------------------------------------------------------

_META_CHARSET = re.compile(rb"""<meta[^>]{0,512}?charset\s*=\s*["']?\s*([A-Za-z0-9_.:-]{1,40})""", re.IGNORECASE)
_XML_CHARSET = re.compile(rb"""^\s*<\?xml[^>]{0,200}?encoding\s*=\s*["']([A-Za-z0-9_.:-]{1,40})""", re.IGNORECASE)
_XML_DECLARATION = re.compile(r"^\s*<\?xml[^>]{0,200}\?>")
_DATE_PARAMS = {
    # Only dates the page states in its markup; the extensive search guesses
    # from any date-looking string in the text, which is not "the document says so".
    "original_date": True,
    "extensive_search": False,
}


def _declared_charset(head: bytes) -> str:
    # The HTML standard's prescan only looks at the first 1024 bytes; we are
    # a little more lenient for pages with a long <head>.
    match = _META_CHARSET.search(head) or _XML_CHARSET.search(head)
    return match.group(1).decode("ascii") if match else ""


def _extract_html(data: bytes, max_chars: int) -> Extracted:
    import trafilatura
    from trafilatura.utils import load_html

    decoded = decode(data, declared=_declared_charset(data[:4096]))
    text = decoded.text
    # lxml refuses an already decoded string that still declares an encoding.
    text = _XML_DECLARATION.sub("", text, count=1)
    try:
        # A fragment saved as .html ("<p>…</p>") is rejected as "not HTML";
        # trafilatura's own advice is to wrap it.
        tree = load_html(text)
        if tree is None:
            tree = load_html(f"<html><body>{text}</body></html>")
        document = None
        if tree is not None:
            _check_complexity(tree)
            document = trafilatura.bare_extraction(
                tree,
                favor_precision=True,
                include_comments=False,
                include_tables=True,
                with_metadata=True,
                date_extraction_params=_DATE_PARAMS,
            )
    except ExtractionError:
        raise
    except Exception as exc:  # lxml and trafilatura raise many kinds on broken markup
        raise ExtractionError("This HTML page could not be read") from exc
    if document is None or not (document.text or "").strip():
        raise ExtractionError("No article text found in this HTML page")
    return Extracted(
        text=document.text,
        title=document.title or "",
        url=document.url or "",
        published=_iso_date(document.date),
        language=_html_language(tree),
        note=decoded.note,
    )


def _check_complexity(tree) -> None:
    elements = int(tree.xpath("count(//*) - count(//svg//* | //math//*)"))
    if elements > HTML_MAX_ELEMENTS:
        raise ExtractionError(
            f"This HTML page is too complex to extract ({elements:,} elements; "
            f"the limit is {HTML_MAX_ELEMENTS:,}): copy the article text and paste it instead"
        )


def _html_language(tree) -> str:
    declared = tree.get("lang") or tree.get("xml:lang")
    if not declared:
        values = tree.xpath(
            "//meta[translate(@http-equiv, 'ABCDEFGHIJKLMNOPQRSTUVWXYZ', 'abcdefghijklmnopqrstuvwxyz')"
            " = 'content-language']/@content"
        )
        declared = values[0] if values else ""
    return _language(declared)


def _iso_date(value: str | None) -> str:
    try:
        return date.fromisoformat((value or "")[:10]).isoformat()
    except ValueError:
        return ""


# --- .docx -------------------------------------------------------------------

_W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
# python-docx's Paragraph.text skips runs inside tracked insertions, smart
# tags, simple fields and inline content controls; journalists' drafts are
# full of tracked changes. Deleted text lives in w:delText, so it stays out.
_RUNS = (
    "w:r | w:hyperlink | w:ins/w:r | w:ins/w:hyperlink | w:smartTag/w:r"
    " | w:fldSimple/w:r | w:sdt/w:sdtContent/w:r | w:sdt/w:sdtContent/w:hyperlink"
)
_MAX_TABLE_NESTING = 10


def _extract_docx(data: bytes, max_chars: int) -> Extracted:
    hint = looks_like(data, expected=b"PK\x03\x04")
    damaged = ExtractionError(f"This .docx file is damaged or not a Word document{hint}")
    if data.startswith(b"\xd0\xcf\x11\xe0"):
        raise ExtractionError(
            "This is an old Word .doc file renamed .docx: open it in Word, save it as .docx, and upload again"
        )
    if not data.startswith(b"PK\x03\x04"):
        raise damaged
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            _check_archive(archive)
    except ExtractionError:
        raise
    except Exception as exc:  # BadZipFile, but also NotImplementedError, ValueError… on odd headers
        raise damaged from exc

    import docx

    try:
        document = docx.Document(io.BytesIO(data))
        blocks, first_heading = _docx_blocks(document)
        props = document.core_properties
        title, language = props.title or "", props.language or ""
    except ExtractionError:
        raise
    except Exception as exc:  # python-docx, lxml and zipfile raise many kinds on broken files
        raise damaged from exc
    return Extracted(text="\n\n".join(blocks), title=title.strip() or first_heading, language=_language(language))


def _check_archive(archive: zipfile.ZipFile) -> None:
    """Refuse archives built to exhaust memory, before anything unpacks them."""
    entries = archive.infolist()
    if "word/document.xml" not in {info.filename for info in entries}:
        raise ExtractionError(
            "This .docx file is damaged or not a Word document (it is a zip archive, but not a Word one)"
        )
    try:
        check_archive(entries, DOCX_RULES)
    except FileRefused as exc:
        raise ExtractionError(str(exc)) from None


def _docx_blocks(document) -> tuple[list[str], str]:
    """Paragraph and table texts in document order, and the first heading."""
    from docx.text.paragraph import Paragraph

    blocks: list[str] = []
    first_heading = ""
    for element in _block_elements(document.element.body):
        if element.tag == f"{_W}tbl":
            text = _table_text(element, depth=1)
        else:
            text = _paragraph_text(element)
            if text.strip() and not first_heading and _is_heading(Paragraph(element, document)):
                first_heading = text
        if text.strip():
            blocks.append(text)
    return blocks, first_heading


def _block_elements(container):
    """w:p and w:tbl children, looking through block-level content controls."""
    for child in container:
        if child.tag in (f"{_W}p", f"{_W}tbl"):
            yield child
        elif child.tag == f"{_W}sdt":
            content = child.find(f"{_W}sdtContent")
            if content is not None:
                yield from _block_elements(content)


def _paragraph_text(p) -> str:
    return "".join(run.text for run in p.xpath(_RUNS))


def _table_text(tbl, depth: int) -> str:
    """One line per row, cells separated by tabs."""
    if depth > _MAX_TABLE_NESTING:
        return ""
    rows = []
    for tr in tbl.findall(f"{_W}tr"):
        cells = []
        # Actual w:tc elements, not python-docx's grid view, which repeats a
        # merged cell's text in every grid column and row it spans.
        for tc in tr.findall(f"{_W}tc"):
            parts = [
                _table_text(el, depth + 1) if el.tag == f"{_W}tbl" else _paragraph_text(el)
                for el in _block_elements(tc)
            ]
            cells.append("\n".join(part for part in parts if part.strip()))
        if any(cells):
            rows.append("\t".join(cells).strip("\t"))
    return "\n".join(rows)


def _is_heading(paragraph: Paragraph) -> bool:
    name = paragraph.style.name if paragraph.style is not None else ""
    return name == "Title" or name.startswith("Heading")


# --- .pdf ----------------------------------------------------------------------


def _extract_pdf(data: bytes, max_chars: int) -> Extracted:
    damaged = ExtractionError("This .pdf file is damaged or not a PDF" + looks_like(data, expected=b"%PDF-"))
    # Readers accept junk before the header within the first 1024 bytes.
    if b"%PDF-" not in data[:1024]:
        raise damaged
    import pypdf
    from pypdf.errors import DependencyError, LimitReachedError

    try:
        reader = pypdf.PdfReader(io.BytesIO(data))
        if reader.is_encrypted and reader.decrypt("") == pypdf.PasswordType.NOT_DECRYPTED:
            raise ExtractionError("This PDF is password-protected: remove the password and upload it again")
        pages = len(reader.pages)
        if pages > PDF_MAX_PAGES:
            raise ExtractionError(f"This PDF has {pages:,} pages; the limit is {PDF_MAX_PAGES:,}")
        texts: list[str] = []
        total = 0
        for page in reader.pages:
            texts.append(page.extract_text() or "")
            total += len(texts[-1])
            if total > 2 * max_chars:
                raise _too_long(max_chars)  # stop reading pages we will refuse anyway
        title = _pdf_str(reader.metadata.title if reader.metadata else "")
        language = _language(_pdf_str(reader.trailer["/Root"].get("/Lang")))
    except ExtractionError:
        raise
    except LimitReachedError as exc:
        raise ExtractionError("This PDF was refused for safety: part of it is unreasonably large") from exc
    except Exception as exc:  # pypdf raises many kinds (KeyError, ValueError, …) on broken files
        # AES needs the optional "cryptography" package (DependencyError), and
        # certificate encryption is not supported: neither means "damaged".
        if isinstance(exc, DependencyError) or b"/Encrypt" in data:
            raise ExtractionError(
                "This PDF is encrypted in a way that cannot be read here: "
                "save or print it as an unprotected PDF and upload it again"
            ) from exc
        raise damaged from exc
    text = "\n\n".join(t.strip() for t in texts if t.strip())
    if not text:
        raise ExtractionError("No text found in this PDF (scanned pages need OCR, which is not supported)")
    return Extracted(text=text, title=title, language=language)


def _pdf_str(value: object) -> str:
    if value is None:
        return ""
    value = value.get_object() if hasattr(value, "get_object") else value
    return str(value) if isinstance(value, str) else ""


_HANDLERS = {
    ".txt": _extract_txt,
    ".md": _extract_md,
    ".html": _extract_html,
    ".htm": _extract_html,
    ".docx": _extract_docx,
    ".pdf": _extract_pdf,
}
