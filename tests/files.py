"""Files as editors send them, built in memory: archives, Word documents, PDFs."""

import io
import zipfile

import docx


def pdf_bytes(pages: list[str], *, title: str = "", lang: str = "") -> bytes:
    """A minimal PDF with one line of Helvetica text per page, xref and all."""

    def literal(text: str) -> bytes:
        raw = text.encode("cp1252")
        return b"".join(
            b"\\" + bytes([c]) if c in b"()\\" else (b"\\%03o" % c if c > 126 else bytes([c])) for c in raw
        )

    n = len(pages)
    font_id, info_id = 3 + 2 * n, 4 + 2 * n
    catalog = b"<< /Type /Catalog /Pages 2 0 R" + (b" /Lang (%s)" % lang.encode() if lang else b"") + b" >>"
    kids = b" ".join(b"%d 0 R" % (3 + 2 * i) for i in range(n))
    objects = [catalog, b"<< /Type /Pages /Kids [%s] /Count %d >>" % (kids, n)]
    for i, text in enumerate(pages):
        stream = b"BT /F1 12 Tf 72 720 Td (" + literal(text) + b") Tj ET"
        objects.append(
            b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792]"
            b" /Resources << /Font << /F1 %d 0 R >> >> /Contents %d 0 R >>" % (font_id, 4 + 2 * i)
        )
        objects.append(b"<< /Length %d >>\nstream\n%s\nendstream" % (len(stream), stream))
    objects.append(b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>")
    objects.append(b"<< /Title (%s) >>" % literal(title))

    out = bytearray(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n%s\nendobj\n" % (number, body)
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R /Info %d 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (
        len(objects) + 1,
        info_id,
        xref,
    )
    return bytes(out)


def zip_bytes(members: dict[str, bytes], *, compression=zipfile.ZIP_DEFLATED) -> bytes:
    """A ZIP archive of ``members``; a name no archiver would write (absolute, ``..``,
    backslashes) is stored as given."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", compression=compression) as archive:
        for name, data in members.items():
            archive.writestr(zipfile.ZipInfo(name) if name.startswith(("/", "..")) or "\\" in name else name, data,
                             compress_type=compression)
    return out.getvalue()


def docx_bytes(*, heading: str = "", paragraphs=(), title: str = "", language: str = "", build=None) -> bytes:
    """A Word document: ``heading`` as its first heading, then ``paragraphs``; ``title`` and
    ``language`` in its properties; ``build(document)`` adds anything else."""
    document = docx.Document()
    document.core_properties.title = title
    document.core_properties.language = language
    if heading:
        document.add_heading(heading, level=1)
    for paragraph in paragraphs:
        document.add_paragraph(paragraph)
    if build:
        build(document)
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()
