"""Rows out of an import file: CSV, JSON, JSON Lines, or a ZIP of documents.

Plain Python, no Django. Each reader streams: a 200 MB file is never held in
memory as a whole, and a row is read only when the caller asks for it. A
problem with one row is reported on that row (``Row.error``); a problem with
the whole file (unknown encoding, unreadable JSON, an archive refused for
safety) raises ImportFileError, whose message is meant for the person who
uploaded the file.
"""

from __future__ import annotations

import csv
import io
import json
import re
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass, field

from pressreview.files import FileRefused, decoding, size_text, too_large
from pressreview.files.archives import ArchiveRules, check_archive
from pressreview.files.extract import ExtractionError, extract

FORMATS = ("csv", "json", "jsonl", "zip")
FIELDS = ("title", "body", "url", "source", "published_at", "language")
DELIMITERS = {",": "comma", ";": "semicolon", "\t": "tab", "|": "pipe"}

# Column names (and JSON keys) recognised without a mapping, compared without
# case, spaces, dashes or underscores. English and French, the desk's languages.
ALIASES = {
    "title": ("title", "titre", "headline", "heading", "hed"),
    "body": ("body", "text", "texte", "content", "contenu", "article", "fulltext", "articletext", "bodytext"),
    "url": ("url", "link", "lien", "permalink", "uri", "href"),
    "source": ("source", "publication", "publisher", "outlet", "media", "média", "journal", "newspaper", "sourcename"),
    "published_at": ("publishedat", "published", "publicationdate", "datepublication", "pubdate", "date",
                     "datetime", "publishedon", "parution", "dateparution"),
    "language": ("language", "lang", "langue", "locale", "languagecode"),
}
MANIFEST_FILE_COLUMNS = ("file", "filename", "path", "name", "fichier", "nomdefichier")
ARCHIVE_EXTENSIONS = (".zip", ".gz", ".tgz", ".tar", ".7z", ".rar", ".bz2", ".xz")
SAMPLE_BYTES = 1024 * 1024
_READ_CHUNK = 256 * 1024


class ImportFileError(FileRefused):
    """The whole file cannot be imported; the message says why, for the uploader."""


@dataclass
class Row:
    """One article-to-be: where it is in the file and its fields as written."""

    line: int | None
    fields: dict[str, str] = field(default_factory=dict)
    location: str = ""  # the member's name, for a ZIP
    error: str = ""


@dataclass(frozen=True)
class Limits:
    max_zip_files: int = 10_000
    max_unpacked_bytes: int = 1024 * 1024 * 1024
    max_ratio: int = 100
    max_member_bytes: int = 20 * 1024 * 1024
    max_chars: int = 1_000_000


@dataclass
class Options:
    format: str = "auto"
    delimiter: str = "auto"
    encoding: str = "auto"
    columns: dict[str, str] = field(default_factory=dict)  # field -> column name in the file
    manifest: str = ""  # name of the CSV manifest inside a ZIP; "" finds manifest.csv


# --- format and encoding ---------------------------------------------------------


def detect_format(filename: str, head: bytes) -> str:
    """csv, json, jsonl or zip, from the first bytes of the file and its name.

    The content wins where it is unambiguous: a ZIP signature, or one JSON
    object per line (often saved as .json).
    """
    if head.startswith((b"PK\x03\x04", b"PK\x05\x06")):
        return "zip"
    name = filename.lower()
    if name.endswith((".jsonl", ".ndjson")):
        return "jsonl"
    text = decoding.strip_bom(head).lstrip()
    if text.startswith(b"{"):
        first, _, rest = text.partition(b"\n")
        return "jsonl" if first.rstrip().endswith(b"}") and rest.lstrip().startswith(b"{") else "json"
    if text.startswith(b"["):
        return "json"
    if name.endswith((".csv", ".tsv", ".txt")) or text[:1].isalnum() or text[:1] == b'"':
        return "csv"
    raise ImportFileError(
        "The format of this file was not recognised: upload a .csv, .json, .jsonl or .zip file, or choose its format"
    )


def check_is_text(head: bytes, *, format: str) -> None:
    """ImportFileError when a file read as CSV or JSON is binary (an image, a PDF, a program)."""
    reason = decoding.not_text_reason(head) if format != "zip" else ""
    if reason:
        raise ImportFileError(f"{reason}: import a CSV, JSON or JSON Lines file, or a ZIP of documents")


def encoding_check(name: str) -> str:
    """The codec's canonical name, or ImportFileError for a name that is not a text encoding."""
    try:
        return decoding.text_encoding(name)
    except FileRefused as exc:
        raise ImportFileError(str(exc)) from None


def detect_encoding(sample: bytes, *, complete: bool) -> str:
    """The encoding of text that starts with ``sample`` (the whole file if ``complete``);
    see ``pressreview.files.decoding`` for the order of the guesses."""
    return _detected(sample, complete=complete).encoding


def _detected(sample: bytes, *, complete: bool) -> decoding.Detected:
    try:
        return decoding.detect_encoding(sample, complete=complete)
    except FileRefused as exc:
        raise ImportFileError(str(exc)) from None


class _CountingReader(io.RawIOBase):
    """A binary stream that counts the bytes read through it (for progress)."""

    def __init__(self, raw):
        self.raw = raw
        self.count = 0

    def readable(self):
        return True

    def readinto(self, buffer):
        data = self.raw.read(len(buffer))
        n = len(data)
        buffer[:n] = data
        self.count += n
        return n


def _file_size(fileobj) -> int:
    position = fileobj.tell()
    fileobj.seek(0, io.SEEK_END)
    size = fileobj.tell()
    fileobj.seek(position)
    return size


# --- column mapping ------------------------------------------------------------------


def _key(name: str) -> str:
    return re.sub(r"[\s_\-.]+", "", str(name)).casefold()


def resolve_columns(columns: list[str], explicit: dict[str, str]) -> dict[str, str]:
    """Which column holds each field: the explicit mapping first, then known names.

    Raises ImportFileError when an explicitly mapped column is missing.
    """
    by_key = {}
    for column in columns:
        by_key.setdefault(_key(column), column)
    mapping: dict[str, str] = {}
    for name in FIELDS:
        wanted = (explicit.get(name) or "").strip()
        if wanted:
            if wanted in columns:
                mapping[name] = wanted
            elif _key(wanted) in by_key:
                mapping[name] = by_key[_key(wanted)]
            else:
                shown = ", ".join(columns[:30]) or "none"
                raise ImportFileError(
                    f"The column {wanted!r} (chosen for {name}) is not in the file; its columns are: {shown}"
                )
    taken = set(mapping.values())
    for name in FIELDS:
        if name in mapping:
            continue
        for alias in ALIASES[name]:
            column = by_key.get(_key(alias))
            if column is not None and column not in taken:
                mapping[name] = column
                taken.add(column)
                break
    return mapping


def _text_value(value) -> str | None:
    """A cell as text; None for a nested list or object."""
    if value is None:
        return ""
    if isinstance(value, str):
        return value
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float)):
        return str(value)
    return None


# A JSON \ud800 escape decodes to a lone surrogate, which no database stores as text.
_SURROGATE = re.compile(r"[\ud800-\udfff]")


def _mapped(record: dict, mapping: dict[str, str]) -> tuple[dict[str, str], str]:
    fields, error = {}, ""
    for name, column in mapping.items():
        value = _text_value(record.get(column))
        if value is None:
            error = error or f"The field {column!r} must be text, not a list or an object."
            continue
        if _SURROGATE.search(value):
            error = error or (f"The field {column!r} holds an invalid character (a lone UTF-16 surrogate, "
                              "such as \\ud800 written alone in JSON).")
            continue
        fields[name] = value
    return fields, error


# --- readers -------------------------------------------------------------------------


class Rows:
    """Iterate a file's rows; ``progress()`` says how far the reading is."""

    format = ""
    encoding = ""
    delimiter = ""
    note = ""  # what the people checking the import should know about the reading, else ""

    def __init__(self):
        self.columns: list[str] = []
        self.mapping: dict[str, str] = {}

    def __iter__(self) -> Iterator[Row]:
        raise NotImplementedError

    def progress(self) -> tuple[int, int]:
        raise NotImplementedError

    def described(self) -> dict:
        """What was detected, for the people checking the dry run."""
        described = {"format": self.format, "encoding": self.encoding, "delimiter": self.delimiter,
                     "columns": self.columns[:100], "mapping": self.mapping}
        return {**described, "note": self.note} if self.note else described


class _TextRows(Rows):
    """Shared by the text formats: one decoded stream, progress in bytes."""

    def __init__(self, fileobj, options: Options, limits: Limits):
        super().__init__()
        self.limits = limits
        self.size = _file_size(fileobj)
        fileobj.seek(0)
        sample = fileobj.read(SAMPLE_BYTES)
        fileobj.seek(0)
        complete = len(sample) < SAMPLE_BYTES
        check_is_text(sample, format=self.format)
        errors = "strict"
        if options.encoding and options.encoding != "auto":
            self.encoding = encoding_check(options.encoding)
            try:
                decoding.check_forced(sample, self.encoding, complete=complete)
            except FileRefused as exc:
                raise ImportFileError(str(exc)) from None
        else:
            detected = _detected(sample, complete=complete)
            self.encoding, errors, self.note = detected.encoding, detected.errors, detected.note
        self.sample = sample
        self._counter = _CountingReader(fileobj)
        self.stream = io.TextIOWrapper(io.BufferedReader(self._counter, buffer_size=_READ_CHUNK),
                                       encoding=self.encoding, errors=errors, newline="")
        self.line = 0

    def progress(self) -> tuple[int, int]:
        return min(self._counter.count, self.size), self.size

    def _decode_failed(self) -> ImportFileError:
        return ImportFileError(
            f"The file is not valid {self.encoding} text after line {self.line:,}: choose its encoding in the form"
        )


class CsvRows(_TextRows):
    format = "csv"

    def __init__(self, fileobj, options: Options, limits: Limits):
        super().__init__(fileobj, options, limits)
        try:
            head = self.sample.decode(self.encoding, errors="ignore")
        except LookupError:
            head = ""
        head = head.lstrip("\ufeff")
        if options.delimiter and options.delimiter != "auto":
            if options.delimiter not in DELIMITERS:
                raise ImportFileError("Choose a delimiter among comma, semicolon, tab and pipe")
            self.delimiter = options.delimiter
        else:
            self.delimiter = detect_delimiter(head)
        self.explicit = options.columns
        fileobj.seek(max(self.size - 64, 0))
        tail = fileobj.read()
        fileobj.seek(0)
        try:
            self.ends_with_quote = tail.decode(self.encoding, errors="ignore").rstrip().endswith('"')
        except LookupError:
            self.ends_with_quote = True

    def __iter__(self) -> Iterator[Row]:
        # Article bodies are long: csv's default field limit is 128 KB.
        csv.field_size_limit(max(csv.field_size_limit(), 2 * self.limits.max_chars + 1024))
        reader = csv.reader(self.stream, delimiter=self.delimiter)
        try:
            header = next(reader, None)
            self.line = reader.line_num
            if header is None:
                raise ImportFileError("The file is empty")
            header = [column.strip().lstrip("\ufeff") for column in header]
            if len(set(filter(None, header))) != len(list(filter(None, header))):
                raise ImportFileError("The header row names a column twice: each column needs its own name")
            self.columns = [column for column in header if column]
            self.mapping = resolve_columns(self.columns, self.explicit)
            if "body" not in self.mapping:
                shown = ", ".join(self.columns[:30]) or "none"
                raise ImportFileError(
                    f"No column holds the article text: its columns are {shown}. Choose the one for body"
                    + (f" (the delimiter used was {DELIMITERS[self.delimiter]})" if len(self.columns) < 2 else "")
                )
            index = {name: header.index(column) for name, column in self.mapping.items()}
            width = len(header)
            previous = reader.line_num
            pending: tuple[Row, list[str]] | None = None  # the last row is checked for an unclosed quote
            for values in reader:
                start, previous = previous + 1, reader.line_num
                self.line = previous
                if not values or (len(values) == 1 and not values[0].strip()):
                    continue  # blank line
                if pending is not None:
                    yield pending[0]
                pending = (self._row(values, start, index, width), values)
            if pending is not None:
                yield self._unclosed_quote(*pending) or pending[0]
        except UnicodeError:
            raise self._decode_failed() from None
        except csv.Error as exc:
            raise ImportFileError(f"The CSV file cannot be read after line {reader.line_num:,}: {exc}") from None

    @staticmethod
    def _row(values: list[str], start: int, index: dict[str, int], width: int) -> Row:
        if len(values) != width and not (len(values) > width and not any(v.strip() for v in values[width:])):
            return Row(line=start, error=f"This row has {len(values)} fields where the header has {width}"
                                         " (a quote or a delimiter may be missing).")
        return Row(line=start, fields={name: values[i] for name, i in index.items()})

    def _unclosed_quote(self, row: Row, values: list[str]) -> Row | None:
        """The error for a last row whose quote never closed, or None.

        A quote left open runs to the end of the file: the csv module then
        gives the rest of the file as one field, the row's last one. A quoted
        field that was closed is followed by its quote, so a file whose last
        field spans lines but that does not end with a quote had it open.
        """
        lines = values[-1].rstrip("\r\n").count("\n")
        if not lines or self.ends_with_quote:
            return None
        return Row(line=row.line, error=f"A quote opened on line {row.line:,} is not closed: the rest of the file "
                                        f"({lines + 1:,} lines, up to line {self.line:,}) was read as one field. "
                                        "Close the quote, or double the quotes inside the text.")


def detect_delimiter(text: str) -> str:
    """The delimiter of a CSV whose text starts with ``text``.

    Decided on the header row, where column names rarely contain a comma or a
    semicolon; csv.Sniffer settles a header that has several candidates (it
    also looks at the rows, whose article text is full of commas).
    """
    header = text.split("\n", 1)[0]
    counts = {d: header.count(d) for d in DELIMITERS}
    present = [d for d, n in counts.items() if n]
    if len(present) == 1:
        return present[0]
    try:
        complete = text[: text.rfind("\n") + 1] or text
        sniffed = csv.Sniffer().sniff(complete[:64 * 1024], delimiters="".join(DELIMITERS)).delimiter
    except csv.Error:
        sniffed = ""
    if sniffed in present:
        return sniffed
    return max(present, key=counts.get) if present else ","


class JsonLinesRows(_TextRows):
    format = "jsonl"

    def __init__(self, fileobj, options: Options, limits: Limits):
        super().__init__(fileobj, options, limits)
        self.explicit = options.columns
        self.max_line = 4 * limits.max_chars + 1024 * 1024
        self._mappings: dict[frozenset, dict[str, str]] = {}

    def __iter__(self) -> Iterator[Row]:
        try:
            while True:
                text = self.stream.readline(self.max_line)
                if not text:
                    return
                self.line += 1
                if len(text) >= self.max_line and not text.endswith("\n"):
                    while (rest := self.stream.readline(self.max_line)) and not rest.endswith("\n"):
                        pass
                    yield Row(line=self.line, error="This line is too long to be one article.")
                    continue
                text = text.strip().lstrip("\ufeff")
                if not text:
                    continue
                try:
                    record = json.loads(text)
                except ValueError as exc:
                    yield Row(line=self.line, error=f"This line is not valid JSON ({_json_reason(exc)}).")
                    continue
                except RecursionError:
                    yield Row(line=self.line, error="This line is nested too deeply to be an article.")
                    continue
                yield _record_row(record, self.line, self.explicit, self._mappings, self)
        except UnicodeError:
            raise self._decode_failed() from None


def _json_reason(exc: ValueError) -> str:
    return exc.msg if isinstance(exc, json.JSONDecodeError) else str(exc)


def _record_row(record, line: int, explicit: dict, cache: dict, rows: Rows) -> Row:
    if not isinstance(record, dict):
        return Row(line=line, error="This item is not an object with named fields.")
    if any(_SURROGATE.search(key) for key in record):
        return Row(line=line, error="A field name of this item holds an invalid character (a lone UTF-16 surrogate).")
    keys = frozenset(record)
    mapping = cache.get(keys)
    if mapping is None:
        try:
            mapping = resolve_columns(list(record), explicit)
        except ImportFileError as exc:
            return Row(line=line, error=str(exc))
        cache[keys] = mapping
        for key in record:
            if key not in rows.columns and len(rows.columns) < 100:
                rows.columns.append(key)
        rows.mapping = rows.mapping or mapping
    fields, error = _mapped(record, mapping)
    if error:
        return Row(line=line, error=error)
    if "body" not in mapping:
        return Row(line=line, fields=fields, error="This item has no article text (a body or text field).")
    return Row(line=line, fields=fields)


class JsonRows(_TextRows):
    """A JSON array of objects, or an object whose "articles" key holds one.

    Streamed with the standard decoder's ``raw_decode``, one item at a time,
    so memory holds one article, not the file.
    """

    format = "json"
    _WS = re.compile(r"[ \t\n\r]*")

    def __init__(self, fileobj, options: Options, limits: Limits):
        super().__init__(fileobj, options, limits)
        self.explicit = options.columns
        self.max_item = 4 * limits.max_chars + 1024 * 1024
        self._mappings: dict[frozenset, dict[str, str]] = {}
        self._decoder = json.JSONDecoder()
        self.buf = ""
        self.pos = 0
        self.eof = False
        self.line = 1

    def __iter__(self) -> Iterator[Row]:
        try:
            self._skip()
            first = self._peek()
            if first == "[":
                yield from self._array()
            elif first == "{":
                yield from self._wrapper()
            else:
                raise ImportFileError(
                    'A JSON file must hold a list of articles, or an object with an "articles" list'
                )
            self._skip()
            if self._peek():
                raise self._invalid("unexpected text after the end of the list")
        except UnicodeError:
            raise self._decode_failed() from None

    # The buffer holds the text from ``pos`` on; consumed text is dropped as
    # it is read, counting its newlines for the line numbers.
    def _fill(self) -> None:
        if self.eof:
            return
        want = max(_READ_CHUNK, len(self.buf) - self.pos)
        if len(self.buf) - self.pos > self.max_item:
            raise ImportFileError(f"The item starting at line {self.line:,} is too large to be one article")
        chunk = self.stream.read(want)
        if not chunk:
            self.eof = True
        self.buf = self.buf[self.pos:] + chunk
        self.pos = 0

    def _advance(self, end: int) -> None:
        self.line += self.buf.count("\n", self.pos, end)
        self.pos = end

    def _skip(self) -> None:
        while True:
            self._advance(self._WS.match(self.buf, self.pos).end())
            if self.pos < len(self.buf) or self.eof:
                return
            self._fill()

    def _peek(self) -> str:
        if self.pos >= len(self.buf):
            self._fill()
        return self.buf[self.pos:self.pos + 1]

    def _expect(self, chars: str) -> str:
        self._skip()
        char = self._peek()
        if char not in chars or not char:
            raise self._invalid(f"expected {' or '.join(repr(c) for c in chars)}")
        self._advance(self.pos + 1)
        return char

    def _value(self):
        while True:
            try:
                value, end = self._decoder.raw_decode(self.buf, self.pos)
            except json.JSONDecodeError as exc:
                if self.eof:
                    raise self._invalid(exc.msg) from None
                self._fill()
                continue
            except RecursionError:
                raise self._invalid("nested too deeply") from None
            if end >= len(self.buf) and not self.eof:
                self._fill()  # a number may go on in the next chunk
                continue
            self._advance(end)
            return value

    def _invalid(self, reason: str) -> ImportFileError:
        return ImportFileError(f"The JSON file is not valid at line {self.line:,} ({reason})")

    def _array(self) -> Iterator[Row]:
        self._expect("[")
        self._skip()
        if self._peek() == "]":
            self._advance(self.pos + 1)
            return
        while True:
            self._skip()
            line = self.line
            record = self._value()
            yield _record_row(record, line, self.explicit, self._mappings, self)
            if self._expect(",]") == "]":
                return

    def _wrapper(self) -> Iterator[Row]:
        self._expect("{")
        found = False
        self._skip()
        if self._peek() == "}":
            self._advance(self.pos + 1)
        else:
            while True:
                self._skip()
                key = self._value()
                if not isinstance(key, str):
                    raise self._invalid("expected a key")
                self._expect(":")
                self._skip()
                if key == "articles" and self._peek() == "[":
                    found = True
                    yield from self._array()
                else:
                    self._value()
                if self._expect(",}") == "}":
                    break
        if not found:
            raise ImportFileError('A JSON file must hold a list of articles, or an object with an "articles" list')


class ZipRows(Rows):
    """One article per document (.txt .md .html .docx .pdf) in a ZIP archive.

    The archive is checked before anything is unpacked: number of files,
    total unpacked size, compression ratio, names that point outside the
    archive, compression methods that unpack without a bound. An optional CSV
    manifest (manifest.csv at the root, or the one named in the options) gives
    each file's metadata, in a column named file, filename or path.
    """

    format = "zip"

    def __init__(self, fileobj, options: Options, limits: Limits):
        super().__init__()
        self.limits = limits
        self.options = options
        try:
            self.archive = zipfile.ZipFile(fileobj)
            entries = self.archive.infolist()
        except (zipfile.BadZipFile, zipfile.LargeZipFile, ValueError, NotImplementedError, EOFError, OSError):
            raise ImportFileError("This ZIP archive is damaged or is not a ZIP archive") from None
        self.members = [info for info in entries if not info.is_dir()]
        self._check(entries)
        self.manifest_info = self._find_manifest()
        self.done = 0
        self.encoding = ""

    def _check(self, entries) -> None:
        limits = self.limits
        rules = ArchiveRules(max_entries=limits.max_zip_files, max_unpacked_bytes=limits.max_unpacked_bytes,
                             max_ratio=limits.max_ratio)
        try:
            check_archive(entries, rules)
        except FileRefused as exc:
            raise ImportFileError(str(exc)) from None
        self.total = sum(info.file_size for info in self.members)

    def _find_manifest(self):
        wanted = (self.options.manifest or "").strip()
        if wanted:
            for info in self.members:
                if info.filename == wanted or info.filename.rsplit("/", 1)[-1] == wanted:
                    return info
            raise ImportFileError(f"The manifest {wanted!r} is not in the archive")
        for info in self.members:
            if info.filename.lower() == "manifest.csv":
                return info
        return None

    def progress(self) -> tuple[int, int]:
        return self.done, self.total

    def _manifest(self) -> tuple[dict[str, tuple[int, dict[str, str]]], list[Row]]:
        """Manifest rows by file name, and the manifest's own row errors."""
        info = self.manifest_info
        if info is None:
            return {}, []
        if info.file_size > self.limits.max_member_bytes:
            raise ImportFileError(f"The manifest is too large ({size_text(info.file_size)}; "
                                  f"the limit is {size_text(self.limits.max_member_bytes)})")
        data = self.archive.read(info)
        rows = CsvRows(io.BytesIO(data), Options(encoding=self.options.encoding, delimiter=self.options.delimiter,
                                                 columns=self.options.columns), self.limits)
        by_name: dict[str, tuple[int, dict[str, str]]] = {}
        errors: list[Row] = []
        reader = csv.reader(rows.stream, delimiter=rows.delimiter)
        try:
            header = [column.strip().lstrip("\ufeff") for column in next(reader, [])]
            file_column = next((c for c in header if _key(c) in MANIFEST_FILE_COLUMNS), None)
            if file_column is None:
                raise ImportFileError(
                    f"The manifest {info.filename!r} needs a column named file, filename or path "
                    "with the name of each document"
                )
            mapping = resolve_columns([c for c in header if c != file_column], {**self.options.columns, "body": ""})
            mapping.pop("body", None)  # the text comes from the document itself
            self.columns, self.mapping = header, mapping
            previous = reader.line_num
            for values in reader:
                start, previous = previous + 1, reader.line_num
                if not any(v.strip() for v in values):
                    continue
                record = dict(zip(header, values, strict=False))  # a row may have more or fewer cells
                name = (record.get(file_column) or "").strip().replace("\\", "/").removeprefix("./")
                if not name:
                    errors.append(Row(line=start, location=info.filename, error="This manifest row names no file."))
                    continue
                by_name[name] = (start, {field: record.get(column, "") for field, column in mapping.items()})
        except UnicodeError:
            raise ImportFileError("The manifest is not valid text in the chosen encoding") from None
        except csv.Error as exc:
            raise ImportFileError(f"The manifest cannot be read: {exc}") from None
        self.encoding = rows.encoding
        return by_name, errors

    def __iter__(self) -> Iterator[Row]:
        manifest, errors = self._manifest()
        yield from errors
        used = set()
        for info in self.members:
            if info is self.manifest_info:
                self.done += info.file_size
                continue
            name = info.filename
            base = name.rsplit("/", 1)[-1]
            if name.startswith("__MACOSX/") or base.startswith("."):
                self.done += info.file_size
                continue  # resource forks and hidden files that archivers add
            entry = manifest.get(name) or manifest.get(base)
            if entry is not None:
                used.add(name if name in manifest else base)
            line, meta = entry if entry is not None else (None, {})
            row = self._member_row(info, line, meta)
            self.done += info.file_size
            yield row
        for name, (line, _) in manifest.items():
            if name not in used:
                yield Row(line=line, location=name, error="The manifest names this file, but it is not in the archive.")

    def _member_row(self, info: zipfile.ZipInfo, line: int | None, meta: dict[str, str]) -> Row:
        name = info.filename
        lowered = name.lower()
        if lowered.endswith(ARCHIVE_EXTENSIONS):
            return Row(line=line, location=name,
                       error="Archives inside the archive are not imported: unpack it and import it on its own.")
        if (info.external_attr >> 16) & 0o170000 == 0o120000:
            return Row(line=line, location=name, error="Links are not imported.")
        if info.flag_bits & 0x1:
            return Row(line=line, location=name, error="This file is encrypted in the archive.")
        if info.file_size > self.limits.max_member_bytes:
            return Row(line=line, location=name, error=f"{too_large(info.file_size, self.limits.max_member_bytes)}.")
        try:
            data = self.archive.read(info)
        except (zipfile.BadZipFile, ValueError, NotImplementedError, EOFError, OSError, RuntimeError):
            return Row(line=line, location=name, error="This file is damaged in the archive.")
        try:
            extracted = extract(name, data, max_bytes=self.limits.max_member_bytes, max_chars=self.limits.max_chars)
        except ExtractionError as exc:
            return Row(line=line, location=name, error=f"{exc}.")
        if extracted.note and not self.note:
            self.note = f"{name}: {extracted.note}"  # the first document read with replacements
        fields = {"body": extracted.text, "title": extracted.title, "url": extracted.url,
                  "published_at": extracted.published, "language": extracted.language}
        fields.update({key: value for key, value in meta.items() if value.strip()})
        return Row(line=line, location=name, fields=fields)


def open_rows(fileobj, *, format: str, options: Options, limits: Limits) -> Rows:
    """A row reader for ``fileobj`` (binary, seekable), already checked for
    what can be checked before reading rows."""
    readers = {"csv": CsvRows, "json": JsonRows, "jsonl": JsonLinesRows, "zip": ZipRows}
    if format not in readers:
        raise ImportFileError(f"Unknown format {format!r}: choose csv, json, jsonl or zip")
    return readers[format](fileobj, options, limits)
