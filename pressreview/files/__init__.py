"""Reading untrusted files, shared by the article upload and the bulk import.

Plain Python, no database: every error is a ``FileRefused`` (a ValueError)
whose message is meant for the person who sent the file.

- ``decoding``: bytes to text (byte order marks, UTF-8, UTF-8 with a few bad
  bytes, windows-1252, a detector's guess), and telling binary files from text;
- ``archives``: checks on a ZIP archive before anything in it is unpacked;
- ``limits``: sizes as people read them, and the one "too large" message;
- ``extract``: an article's text, title, language and date out of a .txt, .md,
  .html, .docx or .pdf file, through the three above.
"""

from pressreview.files.limits import FileRefused, size_text, too_large

__all__ = ["FileRefused", "size_text", "too_large"]
