"""An article's review against a hand-made reference file (``*.gold.json`` in the shared corpus): every
difference the reference can tell, in words, so a test can assert there is none left and show what
the pipeline left to the editor."""

import json
from pathlib import Path

from articles.models import Article, Decision, Mention, Quote


def fold(text: str) -> str:
    """Surfaces compared as the reference says: typographic apostrophes folded, spaces collapsed."""
    return " ".join(text.replace("\u2019", "'").split())


def name_key(name: str) -> str:
    """Actor names compared as names: folded, and the case of a common noun ("ministère", "Ministère") ignored."""
    return fold(name).casefold()


def load(path: Path) -> dict:
    return json.loads(path.read_text(encoding="utf-8"))


def _kept(article: Article):
    return lambda row: row.decision != Decision.REJECTED and article.kept_bounds()[0] <= row.start \
        and row.end <= article.kept_bounds()[1]


def actor_errors(article: Article, gold: dict) -> list[str]:
    """Each reference actor found, under one actor of the reference's kind for all its surfaces (the
    actor named by the reference's name or one of its surfaces, ``name_key``); no mention the reference
    excludes."""
    kept = _kept(article)
    mentions = [m for m in Mention.objects.filter(article=article).select_related("actor") if kept(m)]
    by_surface: dict[str, list[Mention]] = {}
    for mention in mentions:
        by_surface.setdefault(fold(mention.text), []).append(mention)
    errors = []
    for actor in gold["actors"]:
        surfaces = {fold(s) for s in actor["surfaces"]}
        found = [m for s in surfaces for m in by_surface.get(s, [])]
        names = {name_key(name) for name in [*actor["surfaces"], actor["name"]]}
        if not found:
            errors.append(f"missing actor {actor['name']}")
            continue
        linked = {m.actor_id for m in found}
        wrong = [m for m in found if m.actor is None or name_key(m.actor.name) not in names or m.kind != actor["kind"]]
        if len(linked) > 1 or wrong:
            errors.append(f"{actor['name']}: " + ", ".join(
                sorted({f"{m.text} ({m.kind} → {m.actor.name if m.actor else '—'})" for m in found})))
    unwanted = {fold(s) for s in gold["must_not_be_annotated_as_actors"]}
    errors += [f"not an actor: {m.text}" for m in mentions if fold(m.text) in unwanted]
    errors += [f"not a {rule['kind']}: {m.text}" for rule in gold["must_not_have_kind"] for m in mentions
               if fold(m.text) == fold(rule["surface"]) and m.kind == rule["kind"]]
    return errors


def topic_errors(article: Article, gold: dict) -> list[str]:
    """The required topics kept, none of those the reference does not expect."""
    kept = set(article.topics.exclude(decision=Decision.REJECTED).values_list("topic__slug", flat=True))
    errors = [f"missing topic {slug}" for slug in gold["topics"]["required"] if slug not in kept]
    return errors + [f"unexpected topic {slug}" for slug in gold["topics"]["not_expected"] if slug in kept]


def quote_errors(article: Article, gold: dict) -> list[str]:
    """Each reference quote kept with its speaker (the first, or the only one); nothing kept that the
    reference says is not a quote."""
    kept = _kept(article)
    quotes = [q for q in Quote.objects.filter(article=article).select_related("speaker") if kept(q)]
    errors = []
    for expected in gold["quotes"]:
        start = fold(expected["starts_with"])
        found = [q for q in quotes if fold(q.text).lstrip("«“\" ").startswith(start)]
        if not found:
            errors.append(f"missing quote “{expected['starts_with'][:40]}”")
        elif not any(q.speaker and name_key(q.speaker.name) == name_key(expected["speaker"]) for q in found):
            names = ", ".join(q.speaker.name if q.speaker else "—" for q in found)
            errors.append(f"speaker of “{expected['starts_with'][:40]}”: {names}, not {expected['speaker']}")
    for unwanted in gold.get("not_quotes", []):
        start = fold(unwanted["starts_with"])
        errors += [f"not a quote: “{q.text[:40]}”" for q in quotes if fold(q.text).lstrip("«“\" ").startswith(start)]
    return errors


def errors(article: Article, gold: dict) -> list[str]:
    """Every difference between the article's review and the reference, in words."""
    article.refresh_from_db()
    return actor_errors(article, gold) + topic_errors(article, gold) + quote_errors(article, gold)
