"""The actor directory's filters, as a request's query string gives them."""

from collections.abc import Mapping
from dataclasses import asdict, dataclass
from urllib.parse import urlencode

from articles.models import Kind

# A sort's name in the query string, and the count or field it orders by.
ACTOR_SORTS = {"mentions": "-mention_count", "recent": "-last_seen", "name": "name"}


@dataclass
class ActorParams:
    q: str = ""
    kind: str = ""
    sort: str = "mentions"
    confirmed: str = ""  # "", "yes", "no"

    @classmethod
    def from_query(cls, query: Mapping) -> "ActorParams":
        kind = query.get("kind", "")
        sort = query.get("sort", "mentions")
        confirmed = query.get("confirmed", "")
        return cls(
            q=" ".join(str(query.get("q", "")).split())[:200],
            kind=kind if kind in Kind.values else "",
            sort=sort if sort in ACTOR_SORTS else "mentions",
            confirmed=confirmed if confirmed in ("yes", "no") else "",
        )

    def query_string(self, **changes) -> str:
        values = {**asdict(self), **changes}
        return urlencode({k: v for k, v in values.items() if v and not (k == "sort" and v == "mentions")})
