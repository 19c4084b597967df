"""The actor registry: aliases, merges, splits, learned corrections, re-annotation.

Every change here is an explicit record (an alias, a rejected surface, a
merge) with who made it and when; the pipeline changes only through such
records, and each can be removed or undone. Every function runs in one
transaction and logs a ReviewEvent.
"""

from collections.abc import Iterable

from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from articles.models import (
    Actor,
    ActorAlias,
    ActorMerge,
    ActorRole,
    Article,
    ConventionOff,
    DuplicateDismissal,
    Kind,
    Mention,
    Quote,
    QuoteSpeaker,
    ReannotationJob,
    RejectedSurface,
    ReviewEvent,
    Source,
)
from articles.nlp.normalise import normalise_surface
from articles.services.ingest import articles_requeue
from insights.services import counts_refresh_later

# Names of people and places are the same in every language; an
# organisation's or an event's ("ONU", "UN"; "JO") belong to one.
LANGUAGE_FREE_KINDS = (Kind.PERSON, Kind.PLACE)
REANNOTATE_MAX = 20_000


class RegistryError(ValueError):
    """A request the user must correct; the message is shown as is."""


def _event(*, user, action: str, actor: Actor, before: dict, after: dict, article: Article | None = None) -> None:
    ReviewEvent.objects.create(article=article, user=user, action=action, target=f"actor {actor.id}",
                               before=before, after=after)


def _bump_articles(mention_ids: Iterable[int]) -> None:
    """Links shown on these articles changed: a page opened before is stale."""
    article_ids = set(Mention.objects.filter(id__in=list(mention_ids)).values_list("article_id", flat=True))
    if article_ids:
        Article.objects.filter(id__in=article_ids).update(version=F("version") + 1)
        counts_refresh_later(article_ids)  # their actors changed: so do their counts (insights)


def actors_by_alias(normalised: Iterable[str]) -> dict[tuple[str, str], Actor]:
    """The registry actor each (normalised surface, kind) names, in one query:
    a confirmed actor before a suggested one, then the oldest; merges followed."""
    by_alias: dict[tuple[str, str], Actor] = {}
    aliases = (
        ActorAlias.objects.filter(normalised__in=set(normalised))
        .select_related("actor", "actor__merged_into")
        .order_by("actor__confirmed", "-actor_id")  # later rows win: confirmed, then oldest
    )
    for alias in aliases:
        by_alias[(alias.normalised, alias.actor.kind)] = alias.actor.merged_into or alias.actor
    return by_alias


def alias_language(*, kind: str, language: str) -> str:
    return "" if kind in LANGUAGE_FREE_KINDS else (language or "")


def alias_add(*, actor: Actor, surface: str, user, language: str = "") -> ActorAlias | None:
    """Give the actor another name (idempotent); None for a surface with nothing to match."""
    alias = ActorAlias.build(actor=actor, surface=surface, created_by=user,
                             language=alias_language(kind=actor.kind, language=language))
    if not alias.normalised:
        return None
    existing = ActorAlias.objects.filter(actor=actor, normalised=alias.normalised).first()
    if existing is not None:
        return existing
    alias.save()
    return alias


def surface_teach(*, actor: Actor, surface: str, user, language: str = "") -> ActorAlias | None:
    """An editor confirmed that ``surface`` names ``actor``: confirm the actor,
    keep the surface as its alias, and drop the rejections it contradicts
    (the surface for any kind or for this kind, everywhere or for a source):
    the newest decision wins, and the removal is logged."""
    actor_confirm(actor=actor)
    alias = alias_add(actor=actor, surface=surface, user=user, language=language)
    normalised = normalise_surface(surface)[:300]
    contradicted = RejectedSurface.objects.filter(normalised=normalised, kind__in=["", actor.kind])
    _rejected_surfaces_delete(list(contradicted), user=user,
                              after={"actor": actor.id, "reason": "confirmed as a name"})
    return alias


def actor_alias_add(*, actor: Actor, surface: str, user, language: str = "") -> ActorAlias:
    """An editor adds an alias on the actor page (the actor is confirmed: the alias feeds the ruler)."""
    if not " ".join(surface.split()):
        raise RegistryError(_("Type the alias."))
    with transaction.atomic():
        alias = surface_teach(actor=actor, surface=surface, user=user, language=language)
        if alias is None:
            raise RegistryError(_("An alias needs at least one letter or digit."))
        _event(user=user, action="alias_add", actor=actor, before={}, after={"alias": alias.surface})
        return alias


def actor_alias_remove(*, alias: ActorAlias, user) -> None:
    actor = alias.actor
    if normalise_surface(actor.name) == alias.normalised:
        raise RegistryError(_("This alias is the actor's name: rename the actor first."))
    with transaction.atomic():
        _event(user=user, action="alias_remove", actor=actor, before={"alias": alias.surface}, after={})
        alias.delete()


def actor_confirm(*, actor: Actor) -> None:
    if not actor.confirmed:
        Actor.objects.filter(id=actor.id).update(confirmed=True)
        actor.confirmed = True


def actor_update(*, actor: Actor, user, name: str, kind: str, description: str, wikidata_id: str) -> Actor:
    """Rename, re-kind or describe an actor; the new name becomes an alias."""
    name = " ".join(name.split())[:300]
    wikidata_id = wikidata_id.strip().upper()
    if not name:
        raise RegistryError(_("An actor needs a name."))
    if kind not in Kind.values:
        raise RegistryError(_("Unknown kind '%(kind)s'.") % {"kind": kind})
    if wikidata_id and not (wikidata_id[0] == "Q" and wikidata_id[1:].isdigit()):
        raise RegistryError(_("A Wikidata id looks like Q90."))
    with transaction.atomic():
        before = {"name": actor.name, "kind": actor.kind, "description": actor.description,
                  "wikidata_id": actor.wikidata_id}
        actor.name, actor.description, actor.wikidata_id = name, description.strip(), wikidata_id
        if kind != actor.kind:
            actor.kind = kind
            mention_ids = list(actor.mentions.exclude(kind=kind).values_list("id", flat=True))
            Mention.objects.filter(id__in=mention_ids).update(kind=kind)
            _bump_articles(mention_ids)
        actor.confirmed = True
        actor.save()
        alias_add(actor=actor, surface=name, user=user)
        after = {"name": actor.name, "kind": actor.kind, "description": actor.description,
                 "wikidata_id": actor.wikidata_id}
        _event(user=user, action="actor_update", actor=actor, before=before, after=after)
        return actor


def actor_merge(*, survivor: Actor, merged: Actor, user) -> ActorMerge:
    """Move every mention, alias, role and quote of ``merged`` to ``survivor``.

    ``merged`` stays as a record pointing at the survivor (its page
    redirects); what moved is kept on the ActorMerge so that it can be undone.
    """
    with transaction.atomic():
        locked = {a.id: a for a in Actor.objects.select_for_update().filter(id__in=[survivor.id, merged.id])}
        survivor, merged = locked.get(survivor.id), locked.get(merged.id)
        if survivor is None or merged is None:
            raise RegistryError(_("One of the two actors no longer exists."))
        if survivor.id == merged.id:
            raise RegistryError(_("An actor cannot be merged into itself."))
        if survivor.merged_into_id or merged.merged_into_id:
            raise RegistryError(_("One of the two actors was already merged into another one."))
        if survivor.kind != merged.kind:
            raise RegistryError(
                _("“%(merged)s” is a %(merged_kind)s and “%(survivor)s” a %(survivor_kind)s: "
                  "change the kind of one of them first.")
                % {"merged": merged.name, "merged_kind": merged.get_kind_display(),
                   "survivor": survivor.name, "survivor_kind": survivor.get_kind_display()}
            )
        mention_ids = list(Mention.objects.filter(actor=merged).values_list("id", flat=True))
        kept = set(survivor.aliases.values_list("normalised", flat=True))
        moved_aliases, dropped = [], []
        for alias in merged.aliases.all():
            if alias.normalised in kept:
                dropped.append({"surface": alias.surface, "normalised": alias.normalised, "folded": alias.folded,
                                "language": alias.language})
            else:
                moved_aliases.append(alias.id)
        role_ids = list(ActorRole.objects.filter(actor=merged).values_list("id", flat=True))
        quote_ids = list(Quote.objects.filter(speaker=merged).values_list("id", flat=True))

        Mention.objects.filter(id__in=mention_ids).update(actor=survivor)
        ActorAlias.objects.filter(actor=merged).exclude(id__in=moved_aliases).delete()
        ActorAlias.objects.filter(id__in=moved_aliases).update(actor=survivor)
        ActorRole.objects.filter(id__in=role_ids).update(actor=survivor)
        Quote.objects.filter(id__in=quote_ids).update(speaker=survivor)
        speaker_row_ids = _speaker_rows_move(merged=merged, survivor=survivor)
        # Earlier merges into the merged actor now lead to the survivor.
        Actor.objects.filter(merged_into=merged).update(merged_into=survivor)
        merge = ActorMerge.objects.create(
            survivor=survivor, merged=merged, created_by=user,
            moved={"mentions": mention_ids, "aliases": moved_aliases, "roles": role_ids, "quotes": quote_ids,
                   "quote_speakers": speaker_row_ids,
                   "dropped_aliases": dropped, "survivor_confirmed": survivor.confirmed,
                   "merged_confirmed": merged.confirmed},
        )
        merged.merged_into = survivor
        merged.save(update_fields=["merged_into"])
        actor_confirm(actor=survivor)
        _bump_articles(mention_ids)
        _event(user=user, action="actor_merge", actor=merged, before={"actor": merged.id, "name": merged.name},
               after={"actor": survivor.id, "name": survivor.name})
        return merge


def _speaker_rows_move(*, merged: Actor, survivor: Actor) -> list[int]:
    """The merged actor's places among a quote's other speakers, given to the survivor (its quotes'
    first speaker already moved); where the survivor already speaks the quote, the place is dropped.
    Returns the ids of the rows moved."""
    rows = QuoteSpeaker.objects.filter(actor=merged)
    twice = rows.filter(Q(quote__speaker=survivor) | Q(quote__speaker_rows__actor=survivor))
    twice.delete()
    QuoteSpeaker.objects.filter(actor=survivor, quote__speaker=survivor).delete()
    moved = list(rows.values_list("id", flat=True))
    QuoteSpeaker.objects.filter(id__in=moved).update(actor=survivor)
    return moved


def actor_merge_undo(*, merge: ActorMerge, user) -> Actor:
    """Give the merged actor back what the merge moved (what was moved since stays)."""
    with transaction.atomic():
        merge = ActorMerge.objects.select_for_update().select_related("survivor", "merged").get(id=merge.id)
        if merge.undone_at is not None:
            raise RegistryError(_("This merge was already undone."))
        merged, survivor = merge.merged, merge.survivor
        if merged.merged_into_id != survivor.id:
            raise RegistryError(_("The merged actor was changed since; this merge cannot be undone."))
        moved = merge.moved
        # Only rows still on the survivor go back: an editor's later relink stays.
        mention_ids = list(Mention.objects.filter(id__in=moved.get("mentions", []), actor=survivor)
                           .values_list("id", flat=True))
        Mention.objects.filter(id__in=mention_ids).update(actor=merged)
        ActorAlias.objects.filter(id__in=moved.get("aliases", []), actor=survivor).update(actor=merged)
        ActorAlias.objects.bulk_create(
            [ActorAlias(actor=merged, surface=a["surface"], normalised=a["normalised"], folded=a.get("folded", ""),
                        language=a.get("language", "")) for a in moved.get("dropped_aliases", [])],
            ignore_conflicts=True,
        )
        ActorRole.objects.filter(id__in=moved.get("roles", []), actor=survivor).update(actor=merged)
        Quote.objects.filter(id__in=moved.get("quotes", []), speaker=survivor).update(speaker=merged)
        QuoteSpeaker.objects.filter(id__in=moved.get("quote_speakers", []), actor=survivor).update(actor=merged)
        merged.merged_into = None
        merged.save(update_fields=["merged_into"])
        if not moved.get("survivor_confirmed", True):
            Actor.objects.filter(id=survivor.id).update(confirmed=False)
        merge.undone_by, merge.undone_at = user, timezone.now()
        merge.save(update_fields=["undone_by", "undone_at"])
        _bump_articles(mention_ids)
        _event(user=user, action="actor_merge_undo", actor=merged, before={"actor": survivor.id},
               after={"actor": merged.id})
        return merged


def actor_split(*, actor: Actor, alias: ActorAlias, user) -> Actor:
    """Make an alias its own actor; the mentions written that way follow it."""
    if alias.actor_id != actor.id:
        raise RegistryError(_("This alias belongs to another actor."))
    if normalise_surface(actor.name) == alias.normalised:
        raise RegistryError(_("This alias is the actor's name: rename the actor first, then split the alias off."))
    with transaction.atomic():
        key = Actor.key_for(alias.surface, actor.kind)
        if Actor.objects.filter(key=key).exists():
            key = f"{key}|{alias.id}"[:340]
        new = Actor.objects.create(key=key, name=alias.surface, kind=actor.kind, confirmed=True, created_by=user)
        mention_ids = [m.id for m in actor.mentions.only("id", "text") if normalise_surface(m.text) == alias.normalised]
        Mention.objects.filter(id__in=mention_ids).update(actor=new)
        alias.actor = new
        alias.save(update_fields=["actor"])
        _bump_articles(mention_ids)
        _event(user=user, action="actor_split", actor=actor, before={"actor": actor.id, "alias": alias.surface},
               after={"actor": new.id, "mentions": len(mention_ids)})
        return new


def duplicate_dismiss(*, first: Actor, second: Actor, user) -> DuplicateDismissal:
    low, high = sorted([first, second], key=lambda a: a.id)
    if low.id == high.id:
        raise RegistryError(_("Choose two different actors."))
    dismissal, _created = DuplicateDismissal.objects.get_or_create(low=low, high=high, defaults={"created_by": user})
    return dismissal


def surface_reject(*, surface: str, user, kind: str = "", source: Source | None = None,
                   article: Article | None = None) -> RejectedSurface | None:
    """Never suggest this surface again (for one kind or any), everywhere or for one source."""
    normalised = normalise_surface(surface)[:300]
    if not normalised:
        return None
    rejected, _created = RejectedSurface.objects.get_or_create(
        normalised=normalised, kind=kind, source=source,
        defaults={"surface": surface[:300], "created_by": user, "article": article},
    )
    return rejected


def _rejected_surfaces_delete(rejected: list[RejectedSurface], *, user, after: dict) -> None:
    """Let these surfaces be suggested again, logging one event each."""
    ReviewEvent.objects.bulk_create(
        ReviewEvent(user=user, action="rejected_surface_remove", target=f"surface {r.normalised}"[:100],
                    before={"surface": r.normalised, "kind": r.kind, "source": r.source_id}, after=after)
        for r in rejected
    )
    RejectedSurface.objects.filter(id__in=[r.id for r in rejected]).delete()


def rejected_surface_remove(*, rejected: RejectedSurface, user) -> None:
    with transaction.atomic():
        _rejected_surfaces_delete([rejected], user=user, after={})


def convention_stop(*, name: str, user) -> ConventionOff:
    """Stop applying a span convention learned from the editors' mentions, whatever they show next
    (idempotent); logged."""
    with transaction.atomic():
        off, created = ConventionOff.objects.get_or_create(name=name, defaults={"created_by": user})
        if created:
            ReviewEvent.objects.create(user=user, action="convention_stop", target=f"convention {name}")
        return off


def convention_resume(*, name: str, user) -> None:
    """Let the editors' mentions decide the convention again (idempotent); logged."""
    with transaction.atomic():
        deleted, _rows = ConventionOff.objects.filter(name=name).delete()
        if deleted:
            ReviewEvent.objects.create(user=user, action="convention_resume", target=f"convention {name}")


def articles_affected(*, surfaces: Iterable[str], exclude: Iterable[int] = ()) -> list[int]:
    """Finished articles whose text contains one of the surfaces (case-insensitive)."""
    query = Q()
    for surface in {" ".join(s.split()) for s in surfaces} - {""}:
        query |= Q(body__icontains=surface)
        folded = surface.replace("'", "\u2019")
        if folded != surface:
            query |= Q(body__icontains=folded)  # the stored text keeps typographic apostrophes
    if not query:
        return []
    ids = Article.objects.finished().filter(query).exclude(id__in=list(exclude)).order_by("-id")
    return list(ids.values_list("id", flat=True)[: REANNOTATE_MAX + 1])


def reannotation_start(*, article_ids: list[int], reason: str, user) -> ReannotationJob:
    """Queue the articles again; only their pending suggestions will change."""
    if not article_ids:
        raise RegistryError(_("No past article is affected."))
    if len(article_ids) > REANNOTATE_MAX:
        raise RegistryError(_("More than %(limit)s articles are affected: use the queue's filters "
                              "and its re-annotate action in steps.") % {"limit": f"{REANNOTATE_MAX:,}"})
    with transaction.atomic():
        queued = articles_requeue(article_ids=article_ids)
        job = ReannotationJob.objects.create(reason=reason[:300], article_ids=queued, created_by=user)
        ReviewEvent.objects.create(user=user, action="reannotate", target=f"job {job.id}",
                                   before={}, after={"articles": len(queued), "reason": job.reason})
        return job
