"""Log lines that say which articles they are about.

The annotation tasks set the ids of the articles they work on for the time
of the task; every line logged meanwhile — the pipeline's, spaCy's, the
database's — carries them as ``article``. ``LOG_FORMAT=json`` writes one
JSON object a line, for a log collector.
"""

import contextvars
import json
import logging
from collections.abc import Iterable, Iterator
from contextlib import contextmanager

_articles: contextvars.ContextVar[tuple[int, ...]] = contextvars.ContextVar("articles", default=())


@contextmanager
def about_articles(article_ids: Iterable[int]) -> Iterator[None]:
    token = _articles.set(tuple(article_ids))
    try:
        yield
    finally:
        _articles.reset(token)


class ArticleFilter(logging.Filter):
    """Adds ``record.article``: the ids of the articles being worked on, or "-"."""

    def filter(self, record: logging.LogRecord) -> bool:
        ids = _articles.get()
        record.article = ",".join(map(str, ids)) if ids else "-"
        return True


class JsonFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        entry = {
            "time": self.formatTime(record, "%Y-%m-%dT%H:%M:%S"),
            "level": record.levelname,
            "logger": record.name,
            "article": getattr(record, "article", "-"),
            "message": record.getMessage(),
        }
        if record.exc_info:
            entry["exception"] = self.formatException(record.exc_info)
        return json.dumps(entry, ensure_ascii=False)
