"""Full-text search documents on PostgreSQL: written after the articles, not with them.

``ArticleQuerySet.search`` finds an article through its ``SearchDocument``.
Parsing a text into a search vector is most of what storing an article costs
the database, so a bulk import stores its rows first and leaves the documents
to the ``articles.index_search`` task it sends when it ends (on the ``export``
queue, not behind annotation batches): its archive becomes searchable seconds
after its rows are in. An article pasted by an editor gets its document in the
transaction that stores it. The same task runs every minute from beat and
writes any document still missing (an article stored by other means, or an
import whose task was lost), so nothing stays unsearchable. On other
databases the search reads the text itself and these do nothing.
"""

import logging
from collections.abc import Iterable

from django.db import connection, transaction

from articles.models import Article, SearchDocument

logger = logging.getLogger(__name__)

INDEX_BATCH = 1000

# The article's language's configuration (accents folded, then stemmed); both
# when its language is not known yet, since a query is parsed with both
# (``ArticleQuerySet.search``). Migration 0009 holds a copy of this expression.
VECTOR = """CASE language
    WHEN 'fr' THEN to_tsvector('french_unaccent'::regconfig, COALESCE(title, '') || ' ' || COALESCE(body, ''))
    WHEN 'en' THEN to_tsvector('english_unaccent'::regconfig, COALESCE(title, '') || ' ' || COALESCE(body, ''))
    ELSE to_tsvector('french_unaccent'::regconfig, COALESCE(title, '') || ' ' || COALESCE(body, ''))
        || to_tsvector('english_unaccent'::regconfig, COALESCE(title, '') || ' ' || COALESCE(body, ''))
END"""
_WRITE = """
INSERT INTO {documents} (article_id, vector)
SELECT id, """ + VECTOR + """
FROM {articles} WHERE id = ANY(%s)
ON CONFLICT (article_id) DO NOTHING
"""
_MISSING = """
SELECT a.id FROM {articles} a
WHERE NOT EXISTS (SELECT 1 FROM {documents} d WHERE d.article_id = a.id)
ORDER BY a.id LIMIT %s
"""


def _sql(template: str) -> str:
    quote = connection.ops.quote_name
    return template.format(articles=quote(Article._meta.db_table), documents=quote(SearchDocument._meta.db_table))


def articles_index(article_ids: Iterable[int]) -> int:
    """Write the search documents of these articles (those that have none); the number written."""
    ids = list(article_ids)
    if not ids or connection.vendor != "postgresql":
        return 0
    with connection.cursor() as cursor:
        cursor.execute(_sql(_WRITE), [ids])
        return cursor.rowcount


def articles_index_missing(*, batch_size: int = INDEX_BATCH) -> int:
    """Write every missing search document, ``batch_size`` articles per transaction; the number written."""
    if connection.vendor != "postgresql":
        return 0
    written = 0
    while True:
        with transaction.atomic():
            with connection.cursor() as cursor:
                cursor.execute(_sql(_MISSING), [batch_size])
                ids = [row[0] for row in cursor.fetchall()]
            if not ids:
                break
            written += articles_index(ids)
    if written:
        logger.info("search: %s articles indexed", written)
    return written
