"""Stories pages: the desk's stories, newest activity first, and one story's articles by time.

Editors correct the machine here as on the API: rename a story, take an article out into a
story of its own, merge a story into another. Those are editor decisions the machine keeps.
"""

from datetime import timedelta
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from articles.selectors import languages_in_use, topics_for_choice
from pressreview.inputs import DayField, cleaned, id_or_none, posted_id
from stories import selectors, services
from stories.models import Story

can_view = permission_required("articles.view_article", raise_exception=True)
can_change = permission_required("articles.change_article", raise_exception=True)

PAGE_SIZE = 50
# Stories offered to merge into: those active this close to the story's own span.
MERGE_WINDOW = timedelta(days=7)
MERGE_CHOICES = 30


def _filters(query) -> selectors.StoryFilters:
    topic = " ".join(str(query.get("topic") or "").split())[:80]
    language = str(query.get("language") or "").strip().lower()[:8]
    return selectors.StoryFilters(
        start=cleaned(DayField(), query.get("from")), end=cleaned(DayField(), query.get("to")),
        topic=topic if topic.replace("-", "").replace("_", "").isalnum() else "",
        language=language if language.isalpha() else "")


@login_required
@can_view
def story_list(request):
    filters = _filters(request.GET)
    stories = selectors.stories_filtered(filters)
    page = Paginator(stories, PAGE_SIZE).get_page(id_or_none(request.GET.get("page")) or 1)
    return render(request, "stories/list.html", {
        "stories": selectors.stories_describe(list(page.object_list)), "page": page, "filters": filters,
        "topics": topics_for_choice(), "languages_in_use": languages_in_use(), "query": _query(filters)})


def _query(filters: selectors.StoryFilters) -> str:
    """The filters that are on, for the pager's links."""
    values = {"from": filters.start, "to": filters.end, "topic": filters.topic, "language": filters.language}
    return urlencode({k: v for k, v in values.items() if v})


def _merge_choices(story: Story) -> list[Story]:
    if story.first_seen is None:
        return []
    return list(Story.objects.live().exclude(id=story.id)
                .active_between(story.first_seen - MERGE_WINDOW, story.last_seen + MERGE_WINDOW)
                .order_by("-last_seen", "-id")[:MERGE_CHOICES])


@login_required
@can_view
def story_detail(request, story_id):
    story = get_object_or_404(Story.objects.live(), id=story_id)
    articles = selectors.story_articles(story)
    return render(request, "stories/detail.html", {
        "story": story, "summary": selectors.stories_describe([story])[0], "articles": articles,
        "can_change": request.user.has_perm("articles.change_article"),
        "merge_choices": _merge_choices(story)})


@require_POST
@login_required
@can_change
def story_rename(request, story_id):
    story = get_object_or_404(Story, id=story_id)
    try:
        services.story_rename(story_id=story.id, title=request.POST.get("title", ""), user=request.user)
    except services.StoryError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, _("Story renamed."))
    return redirect("stories:detail", story_id=story.id)


@require_POST
@login_required
@can_change
def article_take_out(request, story_id):
    """An article out of this story, into a story of its own."""
    story = get_object_or_404(Story, id=story_id)
    article_id = posted_id(request.POST, "article")
    if not story.articles.filter(id=article_id).exists():
        messages.error(request, _("That article is no longer in this story."))
        return redirect("stories:detail", story_id=story.id)
    try:
        moved_to = services.article_story_move(article_id=article_id, story_id=None, user=request.user)
    except services.StoryError as exc:
        messages.error(request, str(exc))
        return redirect("stories:detail", story_id=story.id)
    messages.success(request, _("The article is now a story of its own."))
    if Story.objects.live().filter(id=story.id).exists():
        return redirect("stories:detail", story_id=story.id)
    return redirect("stories:detail", story_id=moved_to.id)


@require_POST
@login_required
@can_change
def story_merge(request, story_id):
    story = get_object_or_404(Story.objects.live(), id=story_id)
    into = posted_id(request.POST, "into")
    if into is None:
        messages.error(request, _("Choose the story to merge into."))
        return redirect("stories:detail", story_id=story.id)
    try:
        target = services.story_merge(story_id=story.id, into_id=into, user=request.user)
    except services.StoryError as exc:
        messages.error(request, str(exc))
        return redirect("stories:detail", story_id=story.id)
    messages.success(request, _("Merged: its articles are in this story now."))
    return redirect("stories:detail", story_id=target.id)


@require_POST
@login_required
@can_change
def story_split(request, story_id):
    """The ticked articles of this story into a new story of their own, together."""
    story = get_object_or_404(Story.objects.live(), id=story_id)
    ids = [article_id for article_id in (id_or_none(value) for value in request.POST.getlist("article")) if article_id]
    try:
        new = services.story_split(story_id=story.id, article_ids=ids, user=request.user)
    except services.StoryError as exc:
        messages.error(request, str(exc))
        return redirect("stories:detail", story_id=story.id)
    messages.success(request, _("The ticked articles are a story of their own now."))
    return redirect("stories:detail", story_id=new.id)
