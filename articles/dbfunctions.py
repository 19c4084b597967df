"""SQL functions the embedded mode's SQLite needs and does not have.

PostgreSQL searches through ``SearchDocument`` vectors with unaccent-aware text
search configurations; SQLite gets the same folding (case and accents ignored)
as a Python function, registered on each new connection (``ArticlesConfig.ready``).
"""

from django.db.models import BooleanField, Func, Value

from articles.nlp.normalise import fold_search_word, fold_text

SEARCH_MATCH = "pressreview_search_match"


def _search_match(title, body, words) -> int:
    folded = fold_text(f"{title or ''} {body or ''}")
    return int(all(word in folded for word in (words or "").split()))


def sqlite_functions_register(sender, connection, **kwargs) -> None:
    if connection.vendor == "sqlite":
        connection.connection.create_function(SEARCH_MATCH, 3, _search_match, deterministic=True)


class SearchMatch(Func):
    """True when the folded title and body contain every folded word of ``words`` (SQLite)."""

    function = SEARCH_MATCH
    output_field = BooleanField()

    def __init__(self, title, body, words: list[str]):
        folded = " ".join(filter(None, (fold_search_word(word) for word in words)))
        super().__init__(title, body, Value(folded))
