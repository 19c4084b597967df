"""A digest in every format it leaves the newsroom in.

Each function takes a ``DigestView`` (live or frozen, it does not matter) and
returns bytes. Everything a person typed is escaped for the format: HTML and
PDF through the template engine's autoescaping, Markdown by backslashes, DOCX
as plain text runs, CSV cells that a spreadsheet would run as a formula get a
leading quote. Fixed texts ("Contents", "Key actors"…) are in the digest's
language, whatever the language of the person exporting it.

``progress(done, total)``, when given, is called after each item, so a
background job can report how far it got.
"""

import csv
import io
import json
import logging
import re
from collections.abc import Callable
from dataclasses import dataclass

from django.template.loader import render_to_string
from django.utils import formats, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from articles.services.ingest import is_web_url
from digests.viewmodel import DigestView, ItemView

Progress = Callable[[int, int], None] | None

# WeasyPrint logs every page it lays out at INFO: a 70-page digest would fill a worker's log.
logging.getLogger("weasyprint.progress").setLevel(logging.WARNING)

NINJS_VERSION = "2.1"
NINJS_SCHEMA_URI = "http://www.iptc.org/std/ninjs/ninjs-schema_2.1.json"
MEDIATOPIC_URI = "http://cv.iptc.org/newscodes/mediatopic/"

# Characters XML 1.0 refuses (DOCX is XML): control characters but tab, line feed and carriage return.
_XML_ILLEGAL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def _xml_safe(text: str) -> str:
    return _XML_ILLEGAL.sub("", text or "")


def http_url(url: str) -> str:
    """``url`` if it is an http(s) address, else "" (a javascript: link never reaches a reader)."""
    url = (url or "").strip()
    return url if is_web_url(url) else ""


def _tick(progress: Progress, done: int, total: int) -> None:
    if progress is not None:
        progress(done, total)


def _context(view: DigestView, progress: Progress = None) -> dict:
    total = view.item_count
    if progress is not None:
        # Rendering goes item by item through the template; report as the items are prepared.
        for done, _item in enumerate(view.items, start=1):
            _tick(progress, done, total)
    return {"digest": view, "sections": view.sections}


def email_html(view: DigestView, *, progress: Progress = None, unsubscribe_url: str = "") -> bytes:
    """A complete HTML document for a mail client: inline styles only, tables for
    layout, no script, no stylesheet link, no image. ``unsubscribe_url``, when
    given, is linked at the bottom (a message sent to a recipient)."""
    with translation.override(view.language):
        context = {**_context(view, progress), "unsubscribe_url": unsubscribe_url}
        return render_to_string("digests/email.html", context).encode("utf-8")


def pdf(view: DigestView, *, progress: Progress = None) -> bytes:
    """A PDF with a title page, contents, one heading per section and per item, page numbers."""
    import weasyprint

    with translation.override(view.language):
        html = render_to_string("digests/print.html", _context(view, progress))
    # Nothing is fetched while rendering: an address in a title stays text.
    fetcher = weasyprint.URLFetcher(allowed_protocols=["data"])
    return weasyprint.HTML(string=html, url_fetcher=fetcher, base_url=None).write_pdf()


def period_label(view) -> str:
    """"3 Mar 2024" or "1 Mar 2024 – 3 Mar 2024" ("3 mars 2024"), in the active language (a view or a digest)."""
    start = formats.date_format(view.period_start, "DATE_FORMAT")
    end = formats.date_format(view.period_end, "DATE_FORMAT")
    return start if view.period_start == view.period_end else f"{start} – {end}"


def _item_meta(item: ItemView) -> str:
    parts = [item.source] if item.source else []
    if item.published_at:
        parts.append(formats.date_format(item.published_at, "DATE_FORMAT"))
    return " · ".join(parts)


QUOTE_MARKS = "«»“”\"' \u00a0\u202f"
# Outlets named in "Also reported by:", the others counted.
OUTLETS_SHOWN = 8


def outlets_text(names: list[str]) -> str:
    """"Le Monde, BBC and 3 more": the other outlets of an item's story, as every format shows them."""
    shown = ", ".join(names[:OUTLETS_SHOWN])
    more = len(names) - OUTLETS_SHOWN
    if more <= 0:
        return shown
    return ngettext("%(names)s and %(n)d more", "%(names)s and %(n)d more", more) % {"names": shown, "n": more}


def _quote_line(quote) -> str:
    speaker = quote.speaker or quote.speaker_role
    text = quote.text.strip(QUOTE_MARKS)
    return f"« {text} »" + (f" — {speaker}" if speaker else "")


def _add_toc_field(paragraph) -> None:
    """A Word table-of-contents field; Word fills it when the document is opened (or on F9)."""
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    def char(kind):
        element = OxmlElement("w:fldChar")
        element.set(qn("w:fldCharType"), kind)
        return element

    begin = char("begin")
    begin.set(qn("w:dirty"), "true")
    paragraph.add_run()._r.append(begin)
    instruction = OxmlElement("w:instrText")
    instruction.set(qn("xml:space"), "preserve")
    instruction.text = 'TOC \\o "1-3" \\h \\z \\u'
    paragraph.add_run()._r.append(instruction)
    paragraph.add_run()._r.append(char("separate"))
    paragraph.add_run(_("Update this field to see the table of contents with page numbers."))
    paragraph.add_run()._r.append(char("end"))


def _update_fields_on_open(document) -> None:
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    element = OxmlElement("w:updateFields")
    element.set(qn("w:val"), "true")
    document.settings.element.append(element)


def docx(view: DigestView, *, progress: Progress = None) -> bytes:
    """A Word document: title, introduction, a table of contents field with a plain
    list of the sections under it (the field only fills in Word), then a
    Heading 1 per section and a Heading 2 per item."""
    from docx import Document
    from docx.enum.text import WD_BREAK
    from docx.shared import Pt

    with translation.override(view.language):
        document = Document()
        document.core_properties.title = _xml_safe(view.title)
        document.core_properties.language = view.language
        document.add_heading(_xml_safe(view.title), level=0)
        document.add_paragraph(_("Press review") + " · " + period_label(view), style="Subtitle")
        for paragraph in filter(None, (view.introduction or "").split("\n")):
            document.add_paragraph(_xml_safe(paragraph))

        contents = document.add_paragraph()
        contents.add_run(_("Contents")).bold = True
        _add_toc_field(document.add_paragraph())
        _update_fields_on_open(document)
        for section in view.sections:
            document.add_paragraph(_xml_safe(section.title), style="List Number")
        document.add_paragraph().add_run().add_break(WD_BREAK.PAGE)

        total, done = view.item_count, 0
        for section in view.sections:
            document.add_heading(_xml_safe(section.title), level=1)
            for item in section.items:
                document.add_heading(_xml_safe(item.title), level=2)
                meta = _item_meta(item)
                if meta or item.url:
                    paragraph = document.add_paragraph()
                    run = paragraph.add_run(_xml_safe(meta))
                    run.italic = True
                    if http_url(item.url):
                        paragraph.add_run(("\n" if meta else "") + _xml_safe(item.url)).font.size = Pt(8)
                if item.summary:
                    document.add_paragraph(_xml_safe(item.summary))
                for quote in item.quotes:
                    document.add_paragraph(_xml_safe(_quote_line(quote)), style="Quote")
                if item.also_reported:
                    paragraph = document.add_paragraph()
                    paragraph.add_run(_("Also reported by:") + " ").bold = True
                    paragraph.add_run(_xml_safe(outlets_text(item.also_reported)))
                if item.actors:
                    paragraph = document.add_paragraph()
                    paragraph.add_run(_("Key actors:") + " ").bold = True
                    paragraph.add_run(_xml_safe(", ".join(actor.name for actor in item.actors)))
                if item.note:
                    paragraph = document.add_paragraph()
                    paragraph.add_run(_("Editor's note:") + " ").bold = True
                    paragraph.add_run(_xml_safe(item.note)).italic = True
                done += 1
                _tick(progress, done, total)
        out = io.BytesIO()
        document.save(out)
        return out.getvalue()


# Backslash escapes (CommonMark): inline markup anywhere, block markup at the start of a line.
_MARKDOWN_INLINE = re.compile(r"([\\`*_{}\[\]<>|~&#])")
_MARKDOWN_LINE_START = re.compile(r"^(\s*)([+\-=])", re.MULTILINE)
_MARKDOWN_ORDERED = re.compile(r"^(\s*\d+)([.)])", re.MULTILINE)


def markdown_escape(text: str) -> str:
    """``text`` as literal Markdown: no markup, no link, no HTML tag survives."""
    text = _MARKDOWN_INLINE.sub(r"\\\1", text or "")
    text = _MARKDOWN_LINE_START.sub(r"\1\\\2", text)
    # "1. " would start a list: escape the stop after the number.
    return _MARKDOWN_ORDERED.sub(r"\1\\\2", text)


def markdown(view: DigestView, *, progress: Progress = None) -> bytes:
    with translation.override(view.language):
        kicker = markdown_escape(_("Press review") + " · " + period_label(view))
        lines = [f"# {markdown_escape(view.title)}", "", f"*{kicker}*", ""]
        for paragraph in filter(None, (view.introduction or "").split("\n")):
            lines += [markdown_escape(paragraph), ""]
        lines += [f"## {markdown_escape(_('Contents'))}", ""]
        lines += [f"{n}. {markdown_escape(section.title)}" for n, section in enumerate(view.sections, start=1)]
        lines.append("")
        total, done = view.item_count, 0
        for section in view.sections:
            lines += [f"## {markdown_escape(section.title)}", ""]
            for item in section.items:
                title = markdown_escape(item.title)
                url = http_url(item.url)
                heading = f"### [{title}](<{url.replace('>', '%3E').replace(' ', '%20')}>)" if url else f"### {title}"
                lines += [heading, ""]
                meta = _item_meta(item)
                if meta:
                    lines += [f"*{markdown_escape(meta)}*", ""]
                if item.summary:
                    lines += [markdown_escape(line) for line in item.summary.split("\n")] + [""]
                for quote in item.quotes:
                    lines += [f"> {markdown_escape(_quote_line(quote))}", ""]
                if item.also_reported:
                    label = markdown_escape(_("Also reported by:"))
                    lines += [f"**{label}** {markdown_escape(outlets_text(item.also_reported))}", ""]
                if item.actors:
                    names = ", ".join(markdown_escape(actor.name) for actor in item.actors)
                    lines += [f"**{markdown_escape(_('Key actors:'))}** {names}", ""]
                if item.note:
                    note = " ".join(markdown_escape(line) for line in item.note.split("\n"))
                    label = markdown_escape(_("Editor's note:"))
                    lines += [f"**{label}** *{note}*", ""]
                done += 1
                _tick(progress, done, total)
        if view.permalink:
            lines += ["---", "", f"{markdown_escape(_('Read online:'))} <{http_url(view.permalink)}>", ""]
        return "\n".join(lines).encode("utf-8")


_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def csv_cell(value) -> str:
    """A cell a spreadsheet shows as text: one starting like a formula gets a leading quote."""
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(_FORMULA_START) else text


CSV_COLUMNS = ["section", "position", "title", "source", "url", "published_at", "summary", "note", "actors", "quotes",
               "also_reported"]


def csv_rows(view: DigestView, *, progress: Progress = None) -> bytes:
    """One row per item, UTF-8 with a byte order mark (spreadsheets then read the accents right)."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(CSV_COLUMNS)
    total, done = view.item_count, 0
    for section in view.sections:
        for position, item in enumerate(section.items, start=1):
            writer.writerow([csv_cell(value) for value in (
                section.title, position, item.title, item.source, http_url(item.url),
                item.published_at.isoformat() if item.published_at else "", item.summary, item.note,
                "; ".join(actor.name for actor in item.actors),
                " | ".join(_quote_line(quote) for quote in item.quotes), "; ".join(item.also_reported),
            )])
            done += 1
            _tick(progress, done, total)
    return ("\ufeff" + out.getvalue()).encode("utf-8")


def _mediatopic(code: str) -> str:
    code = (code or "").strip()
    if code.startswith("medtop:"):
        code = code.split(":", 1)[1]
    return MEDIATOPIC_URI + code if code.isdigit() else ""


def _subjects(item: ItemView, section) -> list[dict]:
    subjects, seen = [], set()
    candidates = [(section.slug, section.title, section.iptc_code, "")] if section.slug else []
    candidates += [(t.slug, t.name, t.iptc_code, t.parent_iptc_code) for t in item.topics]
    for slug, name, code, parent_code in candidates:
        if slug in seen:
            continue
        seen.add(slug)
        subject = {"name": name, "rel": "about", "creator": "editor"}
        uri = _mediatopic(code)
        if uri:
            subject["uri"] = uri
        else:
            subject["literal"] = slug
        subjects.append(subject)
        parent = _mediatopic(parent_code)
        if not uri and parent and parent not in seen:
            seen.add(parent)
            subjects.append({"uri": parent, "rel": "broader", "name": name})
    return subjects


def _party(actor) -> dict:
    party = {"name": actor.name, "rel": "mentioned", "literal": f"actor:{actor.id}" if actor.id else actor.name}
    if actor.wikidata_id and re.fullmatch(r"Q\d+", actor.wikidata_id):
        party["uri"] = f"http://www.wikidata.org/entity/{actor.wikidata_id}"
    return party


def ninjs_item(view: DigestView, section, item: ItemView, position: int) -> dict:
    """One article of the digest as an IPTC ninjs 2.1 text object."""
    created = view.published_at or view.created_at
    obj = {
        "uri": f"urn:pressreview:digest:{view.token}:item:{item.id}",
        "type": "text",
        "representationtype": "partial",
        "standard": {"name": "ninjs", "version": NINJS_VERSION, "schema": NINJS_SCHEMA_URI},
        "headlines": [{"role": "main", "value": item.title}],
        "descriptions": [{"role": "summary", "contenttype": "text/plain", "value": item.summary}],
        "bodies": [{"role": "summary", "contenttype": "text/plain", "value": item.summary,
                    "charcount": len(item.summary), "wordcount": len(item.summary.split())}],
        "language": item.language or view.language,
        "pubstatus": "usable" if view.status == "published" else "withheld",
        "slugline": f"{section.title} {position}",
        "subjects": _subjects(item, section),
        "people": [_party(a) for a in item.actors_of("person")],
        "organisations": [_party(a) for a in item.actors_of("organisation")],
        "places": [_party(a) for a in item.actors_of("place")],
        "events": [_party(a) for a in item.actors_of("event")],
        "altids": [{"role": "pressreview-article", "value": str(item.article_id or "")}],
    }
    if item.published_at:
        obj["firstcreated"] = obj["contentcreated"] = item.published_at.isoformat()
    if created:
        obj["versioncreated"] = created.isoformat()
    if http_url(item.url):
        obj["altids"].append({"role": "url", "value": item.url})
    if item.source:
        obj["infosources"] = [{"name": item.source, "role": "originator"}]
    if item.note:
        obj["ednote"] = item.note
    for quote in item.quotes:
        obj["bodies"].append({"role": "quote", "contenttype": "text/plain", "value": _quote_line(quote)})
    return {key: value for key, value in obj.items() if value != []}


_JSON_ESCAPES = {ord("<"): "\\u003c", ord(">"): "\\u003e", ord("&"): "\\u0026"}


def ninjs(view: DigestView, *, progress: Progress = None) -> bytes:
    """The digest as one ninjs 2.1 composite object whose associations are its
    articles, each a ninjs text object (subjects, people, organisations, places)."""
    with translation.override(view.language):
        associations = []
        total = view.item_count
        for section in view.sections:
            for position, item in enumerate(section.items, start=1):
                associations.append({"name": f"item-{len(associations) + 1}",
                                     **ninjs_item(view, section, item, position)})
                _tick(progress, len(associations), total)
        digest = {
            "uri": f"urn:pressreview:digest:{view.token}",
            "type": "composite",
            "profile": "press-review-digest",
            "standard": {"name": "ninjs", "version": NINJS_VERSION, "schema": NINJS_SCHEMA_URI},
            "headlines": [{"role": "main", "value": view.title}],
            "language": view.language,
            "pubstatus": "usable" if view.status == "published" else "withheld",
            "title": f"{_('Press review')} {period_label(view)}",
            "associations": associations,
        }
        if view.introduction:
            digest["descriptions"] = [{"role": "introduction", "contenttype": "text/plain", "value": view.introduction}]
        when = view.published_at or view.created_at
        if when:
            digest["versioncreated"] = when.isoformat()
        if view.created_at:
            digest["firstcreated"] = view.created_at.isoformat()
        text = json.dumps(digest, ensure_ascii=False, indent=2)
        # Markup characters as JSON escapes (same data): the file stays inert if pasted into a page.
        return text.translate(_JSON_ESCAPES).encode("utf-8")


@dataclass(frozen=True)
class Format:
    name: str
    label: str  # or a lazy translation
    extension: str
    content_type: str
    render: Callable[..., bytes]


FORMATS = {
    "html": Format("html", gettext_lazy("E-mail (HTML)"), "html", "text/html; charset=utf-8", email_html),
    "pdf": Format("pdf", "PDF", "pdf", "application/pdf", pdf),
    "docx": Format("docx", gettext_lazy("Word (DOCX)"), "docx",
                   "application/vnd.openxmlformats-officedocument.wordprocessingml.document", docx),
    "md": Format("md", "Markdown", "md", "text/markdown; charset=utf-8", markdown),
    "csv": Format("csv", "CSV", "csv", "text/csv; charset=utf-8", csv_rows),
    "json": Format("json", gettext_lazy("ninjs (JSON)"), "json", "application/json", ninjs),
}
