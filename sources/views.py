"""The sources page: followed sources with their health, added and managed by chief editors."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from pressreview.htmx import vary_on_htmx
from sources import selectors, services
from sources.forms import SourceAddForm, SourceEditForm
from sources.models import Feed

can_view = permission_required("sources.view_feed", raise_exception=True)
can_add = permission_required("sources.add_feed", raise_exception=True)
can_change = permission_required("sources.change_feed", raise_exception=True)


def _list_context(request, form=None) -> dict:
    return {"feeds": list(selectors.feeds_with_counts()), "form": form or SourceAddForm(),
            "can_change": request.user.has_perm("sources.change_feed"),
            "can_add": request.user.has_perm("sources.add_feed")}


@login_required
@can_view
def source_list(request):
    """The list; HTMX asks for its table alone every few seconds (health at a glance)."""
    if request.htmx and request.htmx.target == "sources-table":
        response = render(request, "sources/list.html#sources-table", _list_context(request))
    else:
        response = render(request, "sources/list.html", _list_context(request))
    return vary_on_htmx(response)


@login_required
@can_add
@require_POST
def source_add(request):
    form = SourceAddForm(request.POST)
    if form.is_valid():
        try:
            feed = services.feed_create(created_by=request.user, **form.cleaned_data)
        except services.SourceError as exc:
            form.add_error("url" if "address" in str(exc) else None, str(exc))
        else:
            messages.success(request, _("Source added: its first poll is on its way."))
            return redirect("sources:detail", feed_id=feed.id)
    return render(request, "sources/list.html", _list_context(request, form), status=400)


def _detail_context(feed: Feed, form=None) -> dict:
    per_day = selectors.items_per_day(feed)
    return {
        "feed": feed,
        "form": form or SourceEditForm(initial={"name": feed.source.name, "language": feed.language,
                                                "poll_minutes": feed.poll_minutes, "fetch_pages": feed.fetch_pages,
                                                "active": feed.active,
                                                "topics": list(feed.source.default_topics.all())}),
        "polls": list(feed.polls.all()[:20]),
        "items": list(feed.items.select_related("article").order_by("-created_at", "-id")[:50]),
        "per_day": per_day,
        "per_day_max": max([day.count for day in per_day] + [1]),
    }


@login_required
@can_view
def source_detail(request, feed_id):
    """A source's settings (changed by chief editors), its last polls with their errors and its last items."""
    feed = get_object_or_404(selectors.feeds_with_counts(), id=feed_id)
    form = None
    if request.method == "POST":
        if not request.user.has_perm("sources.change_feed"):
            raise PermissionDenied
        form = SourceEditForm(request.POST)
        if form.is_valid():
            try:
                services.feed_update(feed=feed, **form.cleaned_data)
            except services.SourceError as exc:
                form.add_error(None, str(exc))
            else:
                messages.success(request, _("Settings saved."))
                return redirect("sources:detail", feed_id=feed.id)
    context = {**_detail_context(feed, form), "can_change": request.user.has_perm("sources.change_feed")}
    return render(request, "sources/detail.html", context, status=400 if form is not None else 200)


def _back(request, feed: Feed):
    """HTMX: the source's row again; a plain post: back to the page it came from."""
    if request.htmx:
        feed = selectors.feeds_with_counts().get(id=feed.id)
        return render(request, "sources/list.html#source-row", {"feed": feed, "can_change": True})
    if request.POST.get("next") == "detail":
        return redirect("sources:detail", feed_id=feed.id)
    return redirect("sources:list")


@login_required
@can_change
@require_POST
def source_active(request, feed_id):
    feed = get_object_or_404(Feed.objects.select_related("source"), id=feed_id)
    services.feed_set_active(feed=feed, active=request.POST.get("active") == "1")
    if not request.htmx:
        messages.success(request, _("Source resumed.") if feed.active else _("Source paused."))
    return _back(request, feed)


@login_required
@can_change
@require_POST
def source_poll(request, feed_id):
    feed = get_object_or_404(Feed, id=feed_id)
    services.feed_poll_now(feed=feed)
    if not request.htmx:
        messages.success(request, _("A poll of this source is on its way."))
    return _back(request, feed)
