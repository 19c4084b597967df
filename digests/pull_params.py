"""The digest builder's "pull in articles" form, as a request's query string gives it."""

import re
from collections.abc import Mapping
from dataclasses import dataclass
from urllib.parse import urlencode

from pressreview.inputs import id_or_none


@dataclass(frozen=True)
class PullParams:
    """The builder's "pull in articles" form. ``within_period`` and ``reviewed_only``
    are on unless a submitted form left them unticked."""

    topic: str = ""
    actor: int | None = None
    source: int | None = None
    q: str = ""
    within_period: bool = True
    reviewed_only: bool = True

    @classmethod
    def from_query(cls, data: Mapping) -> "PullParams":
        submitted = bool(data.get("pull"))
        topic = " ".join(str(data.get("topic") or "").split())[:80]
        return cls(
            topic=topic if re.fullmatch(r"[-a-zA-Z0-9_]+", topic) else "",
            actor=id_or_none(data.get("actor")),
            source=id_or_none(data.get("source")),
            q=" ".join(str(data.get("q") or "").split())[:200],
            within_period=bool(data.get("within_period")) if submitted else True,
            reviewed_only=bool(data.get("reviewed_only")) if submitted else True,
        )

    def is_filtered(self) -> bool:
        return bool(self.topic or self.actor or self.source or self.q)

    def querystring(self) -> str:
        values = {"pull": "1", "topic": self.topic, "actor": self.actor or "", "source": self.source or "",
                  "q": self.q, "within_period": "1" if self.within_period else "",
                  "reviewed_only": "1" if self.reviewed_only else ""}
        return urlencode({k: v for k, v in values.items() if v})
