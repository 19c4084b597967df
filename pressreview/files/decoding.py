"""Bytes to text, for files people send: articles uploaded one by one and import files.

The order, for bytes without a declared encoding:

1. a byte order mark (UTF-8, UTF-16, UTF-32) wins;
2. valid UTF-8 is UTF-8;
3. UTF-8 with a few bad bytes is UTF-8 with errors: the bad bytes become
   U+FFFD and the caller is told where the first one is (``Decoded.note``).
   Decoding such a file as windows-1252 would turn every accented letter of the
   text into two ("prÃ©sident") to keep the one byte that was damaged;
4. windows-1252 for text that reads as mostly plain Latin letters in it;
5. charset-normalizer's guess.

"A few" bad bytes: at most ``UTF8_MAX_INVALID_SHARE`` of the non-ASCII
sequences (well-formed ones, and bad bytes counted one by one) are bad, in
the megabyte around the first bad byte. A windows-1252 or Latin-1 file is the opposite: nearly
every accented letter is an invalid UTF-8 sequence (é is the lone byte E9), and
the valid ones are accidents (a capital Ã-ß followed by a curly quote).

Binary files are refused with what they look like (``not_text_reason``).
"""

from __future__ import annotations

import codecs
import re
from dataclasses import dataclass

import charset_normalizer

from pressreview.files.limits import FileRefused

BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32"),  # before UTF-16: FF FE 00 00 starts with FF FE
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)
# WHATWG: text labelled Latin-1 or ASCII is decoded as windows-1252, which
# maps 0x80-0x9F to the curly quotes and dashes people actually typed.
AS_CP1252 = {"latin_1", "iso8859_1", "ascii", "iso8859_15"}
# Codecs Python knows that are not the encoding of a file (rot13, base64… are
# refused by their own flag).
NOT_FILE_ENCODINGS = {"idna", "punycode", "unicode_escape", "raw_unicode_escape", "undefined"}
# Up to one bad sequence in four non-ASCII ones is damage in a UTF-8 file: a
# short French paragraph with one broken byte still has several accents.
UTF8_MAX_INVALID_SHARE = 0.25
# More than this share of control characters means the bytes are not prose.
MAX_CONTROL_SHARE = 0.05
# NUL bytes beyond this share (and this count, for a short file) mean the bytes are not text.
MAX_NUL_SHARE = 0.01
MAX_STRAY_NULS = 8

# Known binary signatures, to say what a mislabelled file really is.
SIGNATURES = (
    (b"%PDF-", "a PDF"),
    (b"PK\x03\x04", "a zip archive (for instance a .docx)"),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", "an old Office file (.doc, .xls)"),
    (b"\x89PNG", "a PNG image"),
    (b"\xff\xd8\xff", "a JPEG image"),
    (b"GIF8", "a GIF image"),
    (b"{\\rtf", "an RTF document"),
    (b"\x1f\x8b", "a gzip archive"),
    (b"7z\xbc\xaf\x27\x1c", "a 7-Zip archive"),
    (b"Rar!", "a RAR archive"),
    (b"\x7fELF", "a program"),
)

_CONTROL_CHARS = re.compile(r"[\x00-\x08\x0e-\x1f\x7f-\x9f]")  # category Cc minus \t \n \v \f \r
# A well-formed UTF-8 sequence of two to four bytes (RFC 3629's table, no surrogates, no overlongs).
_UTF8_SEQUENCE = re.compile(
    rb"[\xc2-\xdf][\x80-\xbf]|\xe0[\xa0-\xbf][\x80-\xbf]|[\xe1-\xec\xee\xef][\x80-\xbf]{2}|\xed[\x80-\x9f][\x80-\xbf]"
    rb"|\xf0[\x90-\xbf][\x80-\xbf]{2}|[\xf1-\xf3][\x80-\xbf]{3}|\xf4[\x80-\x8f][\x80-\xbf]{2}"
)
_ASCII = bytes(range(128))
_CONTINUATION = bytes(range(0x80, 0xC0))
_WINDOW = 1024 * 1024
_CONTROL_BYTE_SET = bytes([*range(0x09), *range(0x0E, 0x20), 0x7F])


@dataclass(frozen=True)
class Decoded:
    text: str
    encoding: str
    note: str = ""  # what the reader should know (bytes replaced), else ""


@dataclass(frozen=True)
class Detected:
    """How to read a stream: its codec, the error handler, and what to tell the reader."""

    encoding: str
    errors: str = "strict"
    note: str = ""


def bom_encoding(data: bytes) -> str | None:
    return next((encoding for bom, encoding in BOMS if data.startswith(bom)), None)


def strip_bom(data: bytes) -> bytes:
    for bom, _ in BOMS:
        if data.startswith(bom):
            return data[len(bom):]
    return data


def looks_like(data: bytes, expected: bytes = b"") -> str:
    """A hint for a message when the content is another known format: " (its content looks like a PDF)"."""
    for magic, what in SIGNATURES:
        if data.startswith(magic) and magic != expected:
            return f" (its content looks like {what})"
    return ""


def not_text_reason(sample: bytes) -> str:
    """Why the file that starts with ``sample`` is not text, or "" if it may be.

    A known binary signature, NUL bytes without a UTF-16/32 byte order mark
    (no text encoding a desk uses writes them; a stray one in a text file is
    damage the readers strip, not a reason to refuse the file), or a high share
    of control bytes.
    """
    hint = looks_like(sample)
    if hint:
        return "This file is not text" + hint
    if bom_encoding(sample) in ("utf-16", "utf-32"):
        return ""
    controls = len(sample) - len(sample.translate(None, _CONTROL_BYTE_SET))
    nuls = sample.count(b"\x00")
    if nuls > max(MAX_NUL_SHARE * len(sample), MAX_STRAY_NULS) or controls > MAX_CONTROL_SHARE * len(sample):
        return "This file is not text"
    return ""


def text_encoding(name: str) -> str:
    """The canonical name of a text encoding; FileRefused for a name that is not one."""
    shown = (name or "").strip()
    try:
        info = codecs.lookup(shown)
    except (LookupError, ValueError):
        raise FileRefused(
            f"Unknown encoding {shown!r}: use a name such as utf-8, windows-1252, iso-8859-15 or utf-16"
        ) from None
    if not getattr(info, "_is_text_encoding", True) or info.name.replace("-", "_") in NOT_FILE_ENCODINGS:
        raise FileRefused(
            f"{shown!r} is not a text encoding: use a name such as utf-8, windows-1252, iso-8859-15 or utf-16"
        )
    return info.name


def utf8_with_errors(data: bytes, *, complete: bool = True) -> str | None:
    """The note for UTF-8 with a few bad bytes, or None if the bytes are not
    that (valid UTF-8, or too many bad bytes to be damage).

    The share of bad bytes is measured on up to 1 MB around the first one,
    with a byte-level regular expression rather than a decoder's error
    handler, which would be called once for each of the million bad bytes of
    a 20 MB windows-1252 file.
    """
    try:
        codecs.getincrementaldecoder("utf-8")().decode(data, final=complete)
        return None
    except UnicodeDecodeError as exc:
        first = exc.start
    # The window's ends may cut a sequence: drop what is cut.
    start = max(first - _WINDOW // 2, 0)
    window = data[start:first + _WINDOW // 2]
    if start:
        window = window[len(window[:3]) - len(window[:3].lstrip(_CONTINUATION)):]
    if start + len(window) < len(data) or not complete:
        window = window[:-3]
    stripped, valid = _UTF8_SEQUENCE.subn(b"", window)
    bad = max(len(stripped.translate(None, _ASCII)), 1)  # non-ASCII bytes outside valid sequences
    if bad > UTF8_MAX_INVALID_SHARE * (valid + bad):
        return None
    count = data.decode("utf-8", "replace").count("\ufffd") - data.count("\ufffd".encode())
    if not complete:
        count -= 1 if data[-3:].decode("utf-8", "replace").endswith("\ufffd") else 0  # a cut last sequence
    count = max(count, 1)
    line = data.count(b"\n", 0, first) + 1
    return (f"{count:,} invalid UTF-8 sequence{'s' if count > 1 else ''} replaced with \ufffd"
            f"{' in the first MB' if not complete else ''}; the first at line {line:,}, byte {first:,}")


def detect_encoding(sample: bytes, *, complete: bool) -> Detected:
    """How to read text that starts with ``sample`` (the whole file if ``complete``)."""
    encoding = bom_encoding(sample)
    if encoding:
        return Detected(encoding)
    try:
        codecs.getincrementaldecoder("utf-8")().decode(sample, final=complete)
        return Detected("utf-8")
    except UnicodeDecodeError:
        pass
    note = utf8_with_errors(sample, complete=complete)
    if note:
        return Detected("utf-8", errors="replace", note=note)
    if _mostly_latin(sample):
        return Detected("cp1252")
    best = charset_normalizer.from_bytes(sample).best()
    if best is None:
        raise FileRefused(
            "The encoding of this file was not recognised: choose it in the form (for example utf-8 or windows-1252)"
        )
    encoding = codecs.lookup(best.encoding).name
    return Detected("cp1252" if encoding.replace("-", "_") in AS_CP1252 else encoding)


def check_forced(sample: bytes, encoding: str, *, complete: bool) -> None:
    """FileRefused, naming the place, when ``sample`` cannot be read in the encoding someone chose."""
    if encoding in ("utf-16", "utf-32") and bom_encoding(sample) != encoding:
        raise FileRefused(
            f"This file cannot be read as {encoding}: it does not start with a byte order mark. "
            f"Choose {encoding}-le or {encoding}-be, or let the encoding be detected (auto)"
        )
    try:
        codecs.getincrementaldecoder(encoding)().decode(sample, final=complete)
    except UnicodeDecodeError as exc:
        line = sample.count(b"\n", 0, exc.start) + 1
        raise FileRefused(
            f"This file cannot be read as {encoding}: the byte at line {line:,}, "
            f"byte {exc.start:,} is not valid in it. Choose another encoding, or auto"
        ) from None
    except UnicodeError as exc:
        raise FileRefused(f"This file cannot be read as {encoding} ({exc}). Choose another encoding, or auto") from None


def decode(data: bytes, declared: str = "") -> Decoded:
    """The text of a whole file; ``declared`` is what the file says of itself
    (an HTML page's charset), used when the bytes are not UTF-8.

    FileRefused when the bytes are not text.
    """
    reason = not_text_reason(data)
    if reason:
        raise FileRefused(reason)
    encoding = bom_encoding(data)
    decoded = None
    if encoding:
        try:
            decoded = Decoded(data.decode(encoding), encoding)  # these codecs drop the BOM itself
        except UnicodeDecodeError:
            pass
    else:
        decoded = _decode_unmarked(data, declared)
    if decoded is None or _control_share(decoded.text) > MAX_CONTROL_SHARE:
        raise FileRefused("This file is not text, or its encoding is not recognised")
    return decoded


def _decode_unmarked(data: bytes, declared: str) -> Decoded | None:
    try:
        return Decoded(data.decode("utf-8"), "utf-8")
    except UnicodeDecodeError:
        pass
    note = utf8_with_errors(data)
    if note:
        return Decoded(data.decode("utf-8", "replace"), "utf-8", note)
    for encoding in (_declared(declared), "cp1252" if _mostly_latin(data) else ""):
        text = _decode_strict(data, encoding) if encoding else None
        if text is not None:
            return Decoded(text, encoding)
    best = charset_normalizer.from_bytes(data).best()
    if best is None:
        return None
    text = _decode_strict(data, best.encoding)
    return Decoded(text if text is not None else str(best), best.encoding)


def _declared(declared: str) -> str:
    """The codec a file names for itself, if it is one to trust."""
    try:
        info = codecs.lookup(declared) if declared else None
    except LookupError:
        return ""
    if info is None or not getattr(info, "_is_text_encoding", True) or info.name.startswith(("utf-16", "utf-32")):
        return ""  # a UTF-16 label without a BOM is a lie (WHATWG ignores it too)
    return info.name


def _mostly_latin(data: bytes) -> bool:
    """True when ``data`` is windows-1252 text of mostly plain Latin letters.

    charset-normalizer guesses poorly on short text: "café" comes out as
    UTF-16 Chinese and "à" as "ŕ" (windows-1250). Legacy files on a French and
    English desk are nearly always windows-1252, and text in Cyrillic, Greek
    or Arabic legacy encodings decodes in it to mostly accented letters, so
    it still goes to the detector.
    """
    try:
        text = data[:400_000].decode("cp1252", errors="strict")
    except UnicodeDecodeError:
        return False
    letters = [ch for ch in text[:100_000] if ch.isalpha()]  # a sample is enough to tell scripts apart
    accented = sum(1 for ch in letters if ord(ch) > 127)
    return bool(letters) and accented <= 0.3 * len(letters)


def _decode_strict(data: bytes, encoding: str) -> str | None:
    encoding = codecs.lookup(encoding).name
    if encoding.replace("-", "_") in AS_CP1252:
        try:
            return data.decode("cp1252")
        except UnicodeDecodeError:
            pass  # one of cp1252's five undefined bytes: keep the declared codec
    try:
        return data.decode(encoding)
    except (UnicodeDecodeError, LookupError):
        return None


def _control_share(text: str) -> float:
    return sum(1 for _ in _CONTROL_CHARS.finditer(text)) / max(len(text), 1)
