"""Test data builders: rows as the services leave them, written straight into the tables.

An article's ``content_hash`` is the digest of its text and a sequence number, so two
articles of a test never collide however they are made; a mention takes its offsets
from the surface it names in its article's body.
"""

import hashlib

import factory
from factory.django import DjangoModelFactory

from articles.models import Actor, Article, Decision, Kind, Mention, Source
from articles.services.search import articles_index


class SourceFactory(DjangoModelFactory):
    class Meta:
        model = Source
        django_get_or_create = ("name",)

    name = factory.Sequence(lambda n: f"Source {n}")


class ArticleFactory(DjangoModelFactory):
    """An annotated French article. ``indexed=True`` makes it searchable, as the ingest
    service leaves it; ``source`` may be given by name."""

    class Meta:
        model = Article
        skip_postgeneration_save = True

    title = "Dépêche"
    body = "Un texte."
    language = "fr"
    status = Article.Status.ANNOTATED
    content_hash = factory.LazyAttributeSequence(
        lambda article, n: hashlib.sha256(f"{n}\x00{article.title}\x00{article.body}".encode()).hexdigest())

    @classmethod
    def _create(cls, model_class, *args, **kwargs):
        if isinstance(kwargs.get("source"), str):
            kwargs["source"] = SourceFactory(name=kwargs["source"]) if kwargs["source"] else None
        return super()._create(model_class, *args, **kwargs)

    @factory.post_generation
    def indexed(article, create, extracted, **kwargs):
        if create and extracted:
            articles_index([article.id])


class ActorFactory(DjangoModelFactory):
    class Meta:
        model = Actor
        django_get_or_create = ("key",)

    name = factory.Sequence(lambda n: f"Actor {n}")
    kind = Kind.PERSON
    key = factory.LazyAttribute(lambda actor: Actor.key_for(actor.name, actor.kind))


class MentionFactory(DjangoModelFactory):
    """A mention of ``surface`` (its ``nth`` occurrence, from 0) in the article's body."""

    class Meta:
        model = Mention
        exclude = ("surface", "nth")

    article = factory.SubFactory(ArticleFactory)
    actor = None
    surface = factory.LazyAttribute(lambda mention: mention.actor.name if mention.actor else "texte")
    nth = 0
    kind = factory.LazyAttribute(lambda mention: mention.actor.kind if mention.actor else Kind.PERSON)
    decision = Decision.PENDING
    text = factory.SelfAttribute("surface")
    start = factory.LazyAttribute(lambda mention: _occurrence(mention.article.body, mention.surface, mention.nth))
    end = factory.LazyAttribute(lambda mention: mention.start + len(mention.surface))


def _occurrence(body: str, surface: str, nth: int) -> int:
    start = -1
    for _ in range(nth + 1):
        start = body.index(surface, start + 1)
    return start


class WatchFactory(DjangoModelFactory):
    """A watch of an actor (``actor`` given); give ``kind`` and its target for the other kinds."""

    class Meta:
        model = "watches.Watch"

    user = None
    kind = "actor"


class NotificationFactory(DjangoModelFactory):
    class Meta:
        model = "watches.Notification"

    article = factory.SubFactory(ArticleFactory)
    matched = factory.LazyAttribute(lambda note: [note.watch.id] if note.watch else [])
