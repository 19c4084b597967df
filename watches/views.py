"""Watches pages: what the user follows, the desk's shared searches, the notifications and the bell.

Every role may watch and be notified (viewers only read; following is reading). A view
only ever touches the user's own watches, searches and notifications.
"""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.core.paginator import Paginator
from django.db import transaction
from django.http import HttpResponseRedirect
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from articles.models import Topic
from pressreview.inputs import id_or_none, next_path, posted_id
from watches import selectors, services
from watches.models import Watch

can_view = permission_required("articles.view_article", raise_exception=True)

PAGE_SIZE = 50


def _back(request, default: str = "watches:list"):
    """Where the form came from (a path on this site), or ``default``."""
    return HttpResponseRedirect(next_path(request, reverse(default)))


def _mail(request) -> str:
    return str(request.POST.get("mail") or Watch.Mail.NONE)[:20]


@login_required
@can_view
def watch_list(request):
    return render(request, "watches/list.html", {
        "watches": selectors.watches_of(request.user), "searches": selectors.searches_for(request.user),
        "mail_choices": Watch.Mail.choices})


def _posted_target(request, kind: str) -> int | None:
    if kind == Watch.Kind.TOPIC and not request.POST.get("target"):
        slug = str(request.POST.get("topic") or "")[:80]
        return Topic.objects.filter(slug=slug).values_list("id", flat=True).first() or 0
    return posted_id(request.POST, "target")


@require_POST
@login_required
@can_view
def watch_add(request):
    kind = str(request.POST.get("kind") or "")[:20]
    try:
        services.watch_create(user=request.user, kind=kind, target_id=_posted_target(request, kind),
                              mail=_mail(request))
    except services.WatchError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, _("Watched: you will be notified of new articles."))
    return _back(request)


@require_POST
@login_required
@can_view
def watch_delete(request, watch_id):
    if services.watch_delete(user=request.user, watch_id=watch_id):
        messages.success(request, _("You no longer watch this."))
    else:
        messages.error(request, _("That watch is gone already."))
    return _back(request)


@require_POST
@login_required
@can_view
def watch_mail(request, watch_id):
    watch = Watch.objects.of(request.user).filter(id=watch_id).first()
    if watch is None:
        messages.error(request, _("That watch is gone already."))
        return redirect("watches:list")
    try:
        services.watch_set_mail(watch=watch, mail=_mail(request))
    except services.WatchError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, _("E-mail choice saved."))
    return redirect("watches:list")


@require_POST
@login_required
@can_view
def search_save(request):
    """Save the queue's filters under a name and watch them."""
    try:
        with transaction.atomic():
            search = services.saved_search_create(user=request.user, name=request.POST.get("name", ""),
                                                  query=str(request.POST.get("query") or ""),
                                                  shared=request.POST.get("shared") == "on")
            services.watch_create(user=request.user, kind=Watch.Kind.SEARCH, target_id=search.id,
                                  mail=_mail(request))
    except services.WatchError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, _("Search saved and watched: see it under Watches."))
    return _back(request)


@require_POST
@login_required
@can_view
def search_delete(request, search_id):
    if services.saved_search_delete(user=request.user, search_id=search_id):
        messages.success(request, _("Saved search deleted."))
    else:
        messages.error(request, _("Only its owner can delete a saved search."))
    return redirect("watches:list")


@require_GET
@login_required
@can_view
def notification_list(request):
    unread = request.GET.get("unread") == "1"
    notes = selectors.notifications_of(request.user, unread=unread)
    page = Paginator(notes, PAGE_SIZE).get_page(id_or_none(request.GET.get("page")) or 1)
    return render(request, "watches/notifications.html", {
        "page": page, "unread": unread, "unread_count": selectors.unread_count(request.user)})


@require_POST
@login_required
@can_view
def notification_read(request, notification_id):
    if not services.notification_read(user=request.user, notification_id=notification_id):
        messages.error(request, _("That notification is gone (an editor's decision withdrew it)."))
    return _back(request, "watches:notifications")


@require_POST
@login_required
@can_view
def notifications_read_all(request):
    count = services.notifications_read_all(user=request.user)
    messages.success(request, _("All read (%(count)d).") % {"count": count})
    return redirect("watches:notifications")


@require_GET
@login_required
def bell(request):
    """The header's bell: the unread count, polled by htmx (no role: nothing to count)."""
    count = selectors.unread_count(request.user) if request.user.has_perm("articles.view_article") else 0
    return render(request, "watches/_bell.html", {"count": count, "every": settings.WATCH_BELL_EVERY, "polled": True})
