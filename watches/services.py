"""What a user does with watches: follow and stop following, save searches, read notifications.

Every function here is the user's own decision, on the user's own rows: a watch,
a saved search or a notification of another user is "not found", never touched.
"""

from django.db import IntegrityError, transaction
from django.http import QueryDict
from django.utils import timezone
from django.utils.translation import gettext as _

from articles.models import Actor, Source, Topic
from articles.queue_params import QueueParams
from stories.models import Story
from watches.models import Notification, SavedSearch, Watch

TARGET_MODELS = {Watch.Kind.ACTOR: Actor, Watch.Kind.TOPIC: Topic, Watch.Kind.SOURCE: Source,
                 Watch.Kind.STORY: Story}


class WatchError(ValueError):
    """A request the user must correct; the message is shown as is."""


def _visible_search(user, search_id: int) -> SavedSearch:
    search = SavedSearch.objects.filter(id=search_id).first()
    if search is None or (search.owner_id != user.id and not search.shared):
        raise WatchError(_("No such saved search."))
    return search


def _target(user, kind: str, target_id: int | None):
    if target_id is None:
        raise WatchError(_("Say what to watch."))
    if kind == Watch.Kind.SEARCH:
        return _visible_search(user, target_id)
    target = TARGET_MODELS[kind].objects.filter(id=target_id).first()
    if target is None:
        raise WatchError(_("There is no such %(kind)s.") % {"kind": Watch.Kind(kind).label})
    if kind == Watch.Kind.ACTOR and target.merged_into_id:
        target = target.merged_into  # a merged actor's mentions are its survivor's now
    return target


def watch_create(*, user, kind: str, target_id: int | None, mail: str = Watch.Mail.NONE) -> Watch:
    """The user watches the actor, topic, source, story or saved search; once per target."""
    if kind not in Watch.Kind.values:
        raise WatchError(_("A watch is on an actor, a topic, a source, a story or a saved search."))
    if mail not in Watch.Mail.values:
        raise WatchError(_("Choose no e-mail, an e-mail at once or an hourly summary."))
    target = _target(user, kind, target_id)
    try:
        with transaction.atomic():
            return Watch.objects.create(user=user, kind=kind, mail=mail, **{Watch.TARGETS[kind]: target})
    except IntegrityError:
        raise WatchError(_("You already watch this.")) from None


def watch_set_mail(*, watch: Watch, mail: str) -> Watch:
    if mail not in Watch.Mail.values:
        raise WatchError(_("Choose no e-mail, an e-mail at once or an hourly summary."))
    with transaction.atomic():
        Watch.objects.filter(id=watch.id).update(mail=mail)
        watch.mail = mail
        return watch


def watch_delete(*, user, watch_id: int) -> bool:
    """The user stops watching; False when the watch is not theirs (or gone). Its notifications stay."""
    with transaction.atomic():
        return bool(Watch.objects.filter(id=watch_id, user=user).delete()[0])


def saved_search_create(*, user, name: str, query: str, shared: bool = False) -> SavedSearch:
    """The queue's filters under a name; only the filters the queue understands are kept."""
    name = " ".join((name or "").split())[:200]
    if not name:
        raise WatchError(_("Give the search a name."))
    params = QueueParams.from_query(QueryDict((query or "").lstrip("?")[:4000]))
    if not params.is_filtered():
        raise WatchError(_("Filter or search the queue first: an empty search would match every article."))
    try:
        with transaction.atomic():
            return SavedSearch.objects.create(owner=user, name=name, query=params.querystring()[:2000],
                                              shared=bool(shared))
    except IntegrityError:
        raise WatchError(_("You already have a search named “%(name)s”.") % {"name": name}) from None


def saved_search_delete(*, user, search_id: int) -> bool:
    """The owner deletes the search (and every watch of it, theirs and the desk's)."""
    with transaction.atomic():
        return bool(SavedSearch.objects.filter(id=search_id, owner=user).delete()[0])


def notification_read(*, user, notification_id: int) -> bool:
    """Mark the user's notification read; False when it is not theirs. Reading twice keeps the first time."""
    with transaction.atomic():
        if not Notification.objects.of(user).filter(id=notification_id).exists():
            return False
        Notification.objects.filter(id=notification_id, read_at=None).update(read_at=timezone.now())
        return True


def notifications_read_all(*, user) -> int:
    """Every unread notification of the user read; the number marked."""
    with transaction.atomic():
        return Notification.objects.of(user).unread().update(read_at=timezone.now())
