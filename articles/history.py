"""Review events in words: "Marie rejected “Soutien” (person)", not ``mention_rejected``.

Every kind of ReviewEvent the code records has a sentence here, translatable, with
placeholders for what editors wrote (mention text, actor and topic names), which the
template escapes like any other text. The names an event refers to only by id (an
actor, a quote's speaker, a story) are looked up once for the whole list: a constant
number of queries, whatever the number of events. The decisions one action took on
several mentions at once ("every occurrence") make one line with their count.
"""

from dataclasses import dataclass
from datetime import datetime

from django.apps import apps
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.formats import date_format
from django.utils.text import Truncator
from django.utils.translation import get_language, gettext_lazy, ngettext
from django.utils.translation import gettext as _

from articles.models import Actor, Decision, Kind, Mention, Quote, ReviewEvent, Topic, suggestions_in_words


@dataclass(frozen=True)
class HistoryEntry:
    created_at: datetime
    sentence: str


def _target(event: ReviewEvent) -> tuple[str, str]:
    kind, _space, ident = event.target.partition(" ")
    return kind, ident


def _int(value) -> int | None:
    return value if isinstance(value, int) else (int(value) if str(value or "").isdigit() else None)


def _lookup(model, ids: set[int], field: str) -> dict:
    return dict(model.objects.filter(id__in=ids).values_list("id", field)) if ids else {}


class _Names:
    """What the events name by id, fetched in one query per kind of thing."""

    def __init__(self, events: list[ReviewEvent]):
        actor_ids, mention_ids, quote_ids, slugs, story_ids = set(), set(), set(), set(), set()
        for event in events:
            kind, ident = _target(event)
            for state in (event.before, event.after):
                for key in ("actor", "speaker"):
                    if _int(state.get(key)):
                        actor_ids.add(_int(state[key]))
            if kind == "actor" and _int(ident):
                actor_ids.add(_int(ident))
            elif kind == "mention" and _int(ident) and "text" not in event.after:
                mention_ids.add(_int(ident))
            elif kind == "quote" and _int(ident) and "text" not in event.after:
                quote_ids.add(_int(ident))
            elif kind == "topic":
                slugs.add(ident)
            elif kind == "story" and _int(ident):
                story_ids.add(_int(ident))
        self.actors = _lookup(Actor, actor_ids, "name")
        self.mentions = _lookup(Mention, mention_ids, "text")
        self.quotes = _lookup(Quote, quote_ids, "text")
        self.stories = _lookup(apps.get_model("stories", "Story"), story_ids, "title")
        french = (get_language() or "").startswith("fr")
        self.topics = {
            slug: (name_fr if french else name_en) or slug
            for slug, name_en, name_fr in Topic.objects.filter(slug__in=slugs).values_list("slug", "name_en", "name_fr")
        } if slugs else {}

    def actor(self, actor_id) -> str:
        return self.actors.get(_int(actor_id), _("an actor since deleted"))

    def topic(self, slug: str) -> str:
        name = self.topics.get(slug, slug)
        return name[:1].upper() + name[1:]


KINDS = dict(Kind.choices)
DECISIONS = dict(Decision.choices)


def _kind(value) -> str:
    return str(KINDS.get(value, value or "—"))


def _decision(value) -> str:
    return str(DECISIONS.get(value, value or "—"))


def _who(event: ReviewEvent) -> str:
    user = event.user
    if user is None:
        return _("Someone")
    return user.get_full_name() or user.get_username()


def _text(event: ReviewEvent, names: _Names) -> str:
    """The words a mention or quote event is about (recorded, or the row's)."""
    kind, ident = _target(event)
    text = event.after.get("text") or event.before.get("text")
    if not text:
        rows = names.mentions if kind == "mention" else names.quotes if kind == "quote" else {}
        text = rows.get(_int(ident), "")
    return Truncator(" ".join(str(text).split())).chars(60) or "…"


def _mention_sentence(event: ReviewEvent, names: _Names, values: dict) -> str:
    before, after = event.before, event.after
    values.update(text=_text(event, names), kind=_kind(after.get("kind") or before.get("kind")))
    action = event.action
    if action == "mention_accepted":
        return _("%(who)s accepted “%(text)s” (%(kind)s)") % values
    if action == "mention_rejected":
        return _("%(who)s rejected “%(text)s” (%(kind)s)") % values
    if action == "mention_add":
        return _("%(who)s added “%(text)s” (%(kind)s)") % values
    if action == "mention_link":
        values["actor"] = names.actor(after.get("actor"))
        return _("%(who)s linked “%(text)s” to %(actor)s") % values
    # mention_relabel
    if before.get("kind") and before.get("kind") != after.get("kind"):
        values.update(old=_kind(before.get("kind")), new=_kind(after.get("kind")))
        return _("%(who)s changed “%(text)s” from %(old)s to %(new)s") % values
    return _("%(who)s accepted “%(text)s” as %(kind)s") % values


def _quote_sentence(event: ReviewEvent, names: _Names, values: dict) -> str:
    values["text"] = _text(event, names)
    action = event.action
    if action == "quote_accepted":
        return _("%(who)s accepted the quote “%(text)s”") % values
    if action == "quote_rejected":
        return _("%(who)s rejected the quote “%(text)s”") % values
    if action == "quote_add":
        return _("%(who)s added the quote “%(text)s”") % values
    if action == "quote_span":
        return _("%(who)s corrected where the quote “%(text)s” starts and ends") % values
    if action in ("quote_speaker_add", "quote_speaker_remove"):
        values["speaker"] = names.actor(event.after.get("actor"))
        if action == "quote_speaker_add":
            return _("%(who)s added %(speaker)s as a speaker of “%(text)s”") % values
        return _("%(who)s removed %(speaker)s from the speakers of “%(text)s”") % values
    # quote_speaker
    if event.after.get("speaker"):
        values["speaker"] = names.actor(event.after["speaker"])
        return _("%(who)s gave the quote “%(text)s” to %(speaker)s") % values
    return _("%(who)s said that nobody named speaks the quote “%(text)s”") % values


def _topic_sentence(event: ReviewEvent, names: _Names, values: dict) -> str:
    values["topic"] = names.topic(_target(event)[1])
    if event.action == "topic_add":
        return _("%(who)s added topic %(topic)s") % values
    if event.action == "topic_accepted":
        return _("%(who)s accepted topic %(topic)s") % values
    return _("%(who)s rejected topic %(topic)s") % values


def _undo_sentence(event: ReviewEvent, names: _Names, values: dict) -> str:
    kind, ident = _target(event)
    values["decision"] = _decision(event.after.get("decision"))
    if kind == "topic":
        values["topic"] = names.topic(ident)
        return _("%(who)s undid their decision on topic %(topic)s (now %(decision)s)") % values
    values["text"] = _text(event, names)
    if kind == "quote":
        return _("%(who)s undid their decision on the quote “%(text)s” (now %(decision)s)") % values
    return _("%(who)s undid their decision on “%(text)s” (now %(decision)s)") % values


ACTOR_FIELDS = {"name": gettext_lazy("name"), "kind": gettext_lazy("kind"),
                "description": gettext_lazy("description"), "wikidata_id": gettext_lazy("Wikidata id")}


def _registry_sentence(event: ReviewEvent, names: _Names, values: dict) -> str:
    before, after, action = event.before, event.after, event.action
    ident = _target(event)[1]
    values["actor"] = names.actor(ident)
    if action == "alias_add":
        return _("%(who)s added the alias “%(alias)s” to %(actor)s") % {**values, "alias": after.get("alias", "")}
    if action == "alias_remove":
        return _("%(who)s removed the alias “%(alias)s” of %(actor)s") % {**values, "alias": before.get("alias", "")}
    if action == "actor_update":
        changed = [str(label) for key, label in ACTOR_FIELDS.items() if before.get(key) != after.get(key)]
        values["fields"] = ", ".join(changed) or _("nothing")
        return _("%(who)s edited %(actor)s: %(fields)s") % values
    if action == "actor_merge":
        values.update(merged=before.get("name") or values["actor"], survivor=after.get("name") or
                      names.actor(after.get("actor")))
        return _("%(who)s merged “%(merged)s” into %(survivor)s") % values
    if action == "actor_merge_undo":
        values["survivor"] = names.actor(before.get("actor"))
        return _("%(who)s undid the merge of %(actor)s into %(survivor)s") % values
    # actor_split
    values["alias"] = before.get("alias", "")
    return _("%(who)s split “%(alias)s” off %(actor)s into its own actor") % values


ARTICLE_FIELDS = {"title": gettext_lazy("title"), "source": gettext_lazy("source"), "url": gettext_lazy("address"),
                  "published_at": gettext_lazy("publication date")}


def _field_value(field: str, value) -> str:
    # A date is kept in ISO 8601 (JSON has no dates): shown as every date is, in the reader's time zone.
    when = parse_datetime(value) if field == "published_at" and isinstance(value, str) and value else None
    if when is not None:
        return date_format(timezone.localtime(when) if timezone.is_aware(when) else when, "DATETIME_FORMAT")
    return Truncator(str(value or "—")).chars(80)


def _article_edit_sentence(event: ReviewEvent, values: dict) -> str:
    field = next(iter(event.after), "")
    values.update(field=ARTICLE_FIELDS.get(field, field), before=_field_value(field, event.before.get(field)),
                  after=_field_value(field, event.after.get(field)))
    return _("%(who)s changed the %(field)s: “%(before)s” → “%(after)s”") % values


def _sentence(event: ReviewEvent, names: _Names) -> str:
    values = {"who": _who(event)}
    action = event.action
    if action.startswith("mention_"):
        return _mention_sentence(event, names, values)
    if action.startswith("quote_"):
        return _quote_sentence(event, names, values)
    if action.startswith("topic_"):
        return _topic_sentence(event, names, values)
    if action == "undo":
        return _undo_sentence(event, names, values)
    if action == "article_reviewed":
        accepted = event.after.get("accepted") or {}
        counts = suggestions_in_words(**{kind: len(ids) for kind, ids in accepted.items()
                                         if kind in ("mentions", "topics", "quotes") and isinstance(ids, list)})
        if counts:
            return _("%(who)s accepted the rest (%(counts)s) and marked the article reviewed") % {
                **values, "counts": counts}
        return _("%(who)s marked the article reviewed") % values
    if action == "article_edit":
        return _article_edit_sentence(event, values)
    if action == "article_crop":
        values["cut"] = Truncator(event.after.get("cut", "")).chars(80)
        return _("%(who)s cut “%(cut)s” off the article (not part of it)") % values
    if action == "article_uncrop":
        return _("%(who)s put the cut text back") % values
    if action == "story_move":
        title = names.stories.get(_int(_target(event)[1]))
        if title:
            return _("%(who)s moved the article to the story “%(story)s”") % {**values, "story": title}
        return _("%(who)s moved the article to another story") % values
    if action in ("alias_add", "alias_remove", "actor_update", "actor_merge", "actor_merge_undo", "actor_split"):
        return _registry_sentence(event, names, values)
    if action == "rejected_surface_remove":
        values["surface"] = event.before.get("surface", "")
        return _("%(who)s let “%(surface)s” be suggested again") % values
    if action == "convention_stop":
        return _("%(who)s stopped the convention of titles inside people's mentions") % values
    if action == "convention_resume":
        return _("%(who)s let the editors' mentions decide again whether titles go inside people's mentions") % values
    if action == "reannotate":
        count = _int(event.after.get("articles")) or 0
        values.update(count=count, reason=event.after.get("reason", ""))
        return ngettext("%(who)s had %(count)d article annotated again (%(reason)s)",
                        "%(who)s had %(count)d articles annotated again (%(reason)s)", count) % values
    return _("%(who)s made a change (%(action)s)") % {**values, "action": action}


def describe(events: list[ReviewEvent]) -> list[HistoryEntry]:
    """The events (newest first) as sentences; one entry per decision, however many mentions it changed."""
    names = _Names(events)
    groups: list[list[ReviewEvent]] = []
    for event in events:
        batch = event.after.get("batch")
        if batch and groups and groups[-1][0].after.get("batch") == batch:
            groups[-1].append(event)
        else:
            groups.append([event])
    entries = []
    for group in groups:
        text = _sentence(group[0], names)
        if len(group) > 1:
            text = ngettext("%(sentence)s (%(count)d occurrence)", "%(sentence)s (%(count)d occurrences)",
                            len(group)) % {"sentence": text, "count": len(group)}
        entries.append(HistoryEntry(created_at=group[0].created_at, sentence=text))
    return entries


def sentence(event: ReviewEvent) -> str:
    """One event in words (the admin's list): its names looked up on their own."""
    return _sentence(event, _Names([event]))
