"""Reads of watches that the pages, the API and the watch buttons share."""

from django.db.models import Q

from watches.models import Notification, SavedSearch, Watch


def watches_of(user) -> list[Watch]:
    """The user's watches with what they follow, newest first (a fixed number of queries)."""
    return list(Watch.objects.of(user).select_related("actor", "topic", "source", "story", "search"))


def searches_for(user) -> list[SavedSearch]:
    """The user's saved searches and those the desk shares."""
    return list(SavedSearch.objects.filter(Q(owner=user) | Q(shared=True)).select_related("owner"))


def watch_of(user, kind: str, target_id: int) -> Watch | None:
    """The user's watch of this target, if any (one query)."""
    return Watch.objects.of(user).filter(kind=kind, **{f"{Watch.TARGETS[kind]}_id": target_id}).first()


def unread_count(user) -> int:
    return Notification.objects.of(user).unread().count()


def notifications_of(user, *, unread: bool = False):
    notes = Notification.objects.of(user).select_related("article", "article__source", "watch", "story")
    return notes.unread() if unread else notes
