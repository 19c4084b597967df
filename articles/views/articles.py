from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.http import Http404, HttpResponse, QueryDict
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import translation
from django.utils.html import format_html
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django.views.decorators.cache import cache_control
from django.views.decorators.http import require_POST

from articles import selectors
from articles.forms import ArticleDetailsForm, ArticlePasteForm, ArticleUploadForm
from articles.models import Actor, Article, ArticleTopic, Decision, Kind, Mention, Quote, Topic, speakers_prefetch
from articles.queue_params import QueueParams
from articles.services import review
from articles.services.ingest import IngestError, article_create, article_create_from_upload
from articles.services.review import Conflict, ReviewError
from pressreview.htmx import stop_polling, vary_on_htmx
from pressreview.inputs import id_or_none, posted_id
from sources.services import articles_retry

can_view = permission_required("articles.view_article", raise_exception=True)
can_add = permission_required("articles.add_article", raise_exception=True)
can_change = permission_required("articles.change_article", raise_exception=True)
can_review = permission_required("articles.change_mention", raise_exception=True)
can_review_quotes = permission_required("articles.change_quote", raise_exception=True)


BULK_ACTIONS = [
    ("reviewed", gettext_lazy("Mark reviewed")),
    ("topic_add", gettext_lazy("Add a topic")),
    ("topic_remove", gettext_lazy("Remove a topic")),
    ("requeue", gettext_lazy("Re-annotate")),
]
BULK_MAX = 1000
MESSAGE_LEVELS = {"success": messages.SUCCESS, "warning": messages.WARNING, "error": messages.ERROR}


def _queue_url(params: QueueParams, page=None) -> str:
    page = id_or_none(page)
    query = params.querystring(page=page if page and page > 1 else None)
    return f"{reverse('articles:list')}?{query}" if query else reverse("articles:list")


def _queue_context(request, params: QueueParams, *, page_number=None, part="page", notice="",
                   notice_level="success") -> dict:
    """What the queue page needs; ``part`` is "page", "results" or "rows" (less to load for the smaller parts)."""
    articles = selectors.articles_for_queue(params)
    groups = None
    if params.group == "story":
        paginator = selectors.StoryQueuePaginator(selectors.queue_story_keys(articles),
                                                  selectors.QUEUE_STORIES_PAGE_SIZE, page_number=page_number)
        page = paginator.get_page(page_number)
        groups = selectors.queue_story_groups(articles, list(page.object_list))
        rows = [row for group in groups for article in group.rows for row in (article, *article.copies)]
    else:
        paginator = selectors.QueuePaginator(articles, selectors.QUEUE_PAGE_SIZE, page_number=page_number)
        page = paginator.get_page(page_number)
        rows = selectors.queue_rows(list(page.object_list))
    can_bulk = request.user.has_perm("articles.change_article")
    topics = selectors.topics_for_choice() if part == "page" or (part == "results" and can_bulk) else []
    context = {
        "page": page,
        "rows": rows,
        "groups": groups,
        "params": params,
        "polling": any(not article.is_finished() for article in rows),
        # Where the rows poll and where a bulk action comes back to: this page of the filtered queue.
        "queue_url": _queue_url(params, page.number),
        "queue_query": params.querystring(page=page.number if page.number > 1 else None),
        "previous_url": _queue_url(params, page.previous_page_number()) if page.has_previous() else "",
        "next_url": _queue_url(params, page.next_page_number()) if page.has_next() else "",
        "can_bulk": can_bulk,
        "bulk_topics": topics if can_bulk else [],
        "bulk_actions": BULK_ACTIONS,
        "notice": notice,
        "notice_level": notice_level,
    }
    if part == "page":
        context.update(selectors.queue_filter_choices(params, actor_query=_actor_query(request)), topics=topics,
                       statuses=Article.Status.choices, review_states=Article.ReviewState.choices)
    return context


def _actor_query(request) -> str:
    return " ".join(request.GET.get("actor_q", "").split())[:100]


@login_required
@can_view
def queue_actors(request):
    """The actor filter's choices for the words typed in its search field (the chosen actor stays first)."""
    params = QueueParams.from_query(request.GET)
    context = {"params": params, "actors": selectors.queue_actor_choices(params, _actor_query(request)),
               "actor_query": _actor_query(request)}
    return render(request, "articles/list.html#actor-choices", context)


@login_required
@can_view
def article_list(request):
    params = QueueParams.from_query(request.GET)
    part = "page"
    if request.htmx and not request.htmx.history_restore_request:
        part = "rows" if request.htmx.target == "article-rows" else "results"
    context = _queue_context(request, params, page_number=request.GET.get("page"), part=part)
    context["actor_query"] = _actor_query(request)
    if part == "rows":
        # The rows poll while annotation runs; 286 tells htmx to stop once nothing on the page is pending.
        response = render(request, "articles/list.html#rows", context)
        if not context["polling"]:
            response = stop_polling(response)
    elif part == "results":
        response = render(request, "articles/list.html#results", context)
        # The address bar shows the filters that are on, not every empty field of the form.
        response["HX-Push-Url"] = context["queue_url"]
    else:
        response = render(request, "articles/list.html", context)
    return vary_on_htmx(response)


def _selected_ids(post) -> list[int]:
    # "all" is the select-all box: without JavaScript it stands for every row the page showed.
    values = post.getlist("shown") if post.get("all") == "page" else post.getlist("articles")
    return sorted({id_or_none(v) for v in values} - {None})[:BULK_MAX]


def _bulk_run(request, action: str, article_ids: list[int]) -> tuple[str, str]:
    """Run one bulk action through its service; returns (message, level)."""
    if action not in dict(BULK_ACTIONS):
        return _("Choose an action for the selected articles."), "error"
    if not article_ids:
        return _("Select at least one article first."), "error"
    topic = None
    if action in ("topic_add", "topic_remove"):
        topics = Topic.objects.active() if action == "topic_add" else Topic.objects.all()
        topic = topics.filter(slug=request.POST.get("topic") or "").first()
        if topic is None:
            return _("Choose the topic to add or remove."), "error"
    if action == "reviewed":
        changed = review.articles_mark_reviewed(article_ids=article_ids, user=request.user)
        done = ngettext("%(n)d article marked reviewed.", "%(n)d articles marked reviewed.", len(changed))
        left = _("%(left)d left as they were (already reviewed, or still being annotated).")
    elif action == "topic_add":
        changed = review.articles_topic_add(article_ids=article_ids, topic=topic, user=request.user)
        done = ngettext("Topic “%(topic)s” added to %(n)d article.", "Topic “%(topic)s” added to %(n)d articles.",
                        len(changed))
        left = _("%(left)d already had it.")
    elif action == "topic_remove":
        changed = review.articles_topic_remove(article_ids=article_ids, topic=topic, user=request.user)
        done = ngettext("Topic “%(topic)s” removed from %(n)d article.",
                        "Topic “%(topic)s” removed from %(n)d articles.", len(changed))
        left = _("%(left)d did not have it.")
    else:
        changed = articles_retry(article_ids=article_ids)
        done = ngettext("%(n)d article queued for annotation again.", "%(n)d articles queued for annotation again.",
                        len(changed))
        left = _("%(left)d left as they were (already queued or being annotated).")
    values = {"n": len(changed), "left": len(article_ids) - len(changed),
              "topic": topic.name_for(request.LANGUAGE_CODE) if topic else ""}
    message = done % values
    if values["left"]:
        message = f"{message} {left % values}"
    return message, "success" if changed else "warning"


@require_POST
@login_required
@can_change
def articles_bulk(request):
    """Apply one action to the articles selected in the queue, then show the same filtered queue page."""
    query = QueryDict(request.POST.get("query", ""))
    params = QueueParams.from_query(query)
    message, level = _bulk_run(request, request.POST.get("action", ""), _selected_ids(request.POST))
    if request.htmx:
        context = _queue_context(request, params, page_number=query.get("page"), part="results", notice=message,
                                 notice_level=level)
        return render(request, "articles/list.html#results", context, status=422 if level == "error" else 200)
    messages.add_message(request, MESSAGE_LEVELS[level], message)
    return redirect(_queue_url(params, query.get("page")))


def _meta(form):
    data = form.cleaned_data
    return {
        "title": data.get("title") or "",
        "source_name": data.get("source") or "",
        "url": data.get("url") or "",
        "published_at": data.get("published_at"),
        "language": data.get("language") or "",
    }


def _created_response(request, result):
    if result.duplicate:
        messages.warning(
            request,
            format_html(
                _('This article is already in the review: <a href="{}">{}</a>.'),
                reverse("articles:detail", args=[result.article.id]),
                result.article.title,
            ),
        )
    # A new article: its page says that it is queued for annotation, for as long as it is.
    if result.note:
        messages.warning(request, _("Part of the file was not valid text: %(note)s.") % {"note": result.note})
    return redirect("articles:detail", article_id=result.article.id)


@login_required
@can_add
def article_new(request):
    paste_form = ArticlePasteForm(prefix="paste")
    upload_form = ArticleUploadForm(prefix="upload")
    if request.method == "POST" and "paste-body" in request.POST:
        paste_form = ArticlePasteForm(request.POST, prefix="paste")
        if paste_form.is_valid():
            try:
                result = article_create(body=paste_form.cleaned_data["body"], created_by=request.user,
                                        **_meta(paste_form))
            except IngestError as exc:
                paste_form.add_error("body", str(exc))
            else:
                return _created_response(request, result)
    elif request.method == "POST":
        upload_form = ArticleUploadForm(request.POST, request.FILES, prefix="upload")
        if upload_form.is_valid():
            try:
                result = article_create_from_upload(file=upload_form.cleaned_data["file"], created_by=request.user,
                                                    **_meta(upload_form))
            except IngestError as exc:
                upload_form.add_error("file", str(exc))
            else:
                return _created_response(request, result)
    status = 400 if request.method == "POST" else 200
    return render(request, "articles/new.html", {"paste_form": paste_form, "upload_form": upload_form}, status=status)


def _current_mention(article: Article, mention_id) -> Mention | None:
    if not str(mention_id or "").isdigit():
        return None
    return Mention.objects.select_related("actor").filter(id=mention_id, article=article).first()


def _mention_panel(article: Article, mention_id) -> dict:
    """What the mention panel shows: the mention, and the actors it may be linked to in one step."""
    current = _current_mention(article, mention_id)
    return {"current": current, "suggested": selectors.mention_link_suggestions(current) if current else []}


def _review_context(article_id: int, *, mention_id=None, quote_id=None, error: str = "", details_form=None
                    ) -> dict:
    article = selectors.article_for_display(article_id)
    mentions = selectors.article_mentions(article) if article.status == Article.Status.ANNOTATED else []
    groups = selectors.article_actor_groups(mentions)
    quotes = selectors.article_quotes(article)
    open_quote = id_or_none(quote_id)
    return {
        "article": article,
        "groups": groups,
        "hidden_groups": selectors.article_hidden_groups(mentions, groups),
        "segments": selectors.article_segments(article, mentions),
        "topics": [(t, selectors.topic_evidence(article, t)) for t in article.topics.all()],
        "all_topics": selectors.topics_for_choice(),
        "kinds": Kind.choices,
        **_mention_panel(article, mention_id),
        "events": selectors.article_events(article),
        "quotes": quotes,
        "pending": selectors.PendingCounts.of(mentions, article.topics.all(), quotes),
        "details_form": details_form or ArticleDetailsForm(article=article),
        # A quote's speaker and span forms only for the quote whose editor is open (?quote=).
        "open_quote": open_quote,
        "speakers": selectors.article_speaker_names(article.id) if open_quote else [],
        "error": error,
    }


def _css_string(text: str) -> str:
    """``text`` as a CSS string: letters, digits, spaces and commas as they are, anything else escaped."""
    return '"' + "".join(c if c.isalnum() or c in " ," else f"\\{ord(c):x} " for c in text) + '"'


@cache_control(max_age=24 * 3600)
def mention_kinds_css(request, language):
    """The label after each mention of the review page's text ("person"), in ``language``: said once
    here rather than on each of an article's thousand mentions. Screen readers hear the decision
    too ("person, accepted"), which the page shows by style alone."""
    try:
        language = translation.get_supported_language_variant(language)
    except LookupError:
        raise Http404 from None
    with translation.override(language):
        kinds = [(value, str(label)) for value, label in Kind.choices]
        decisions = [(value, str(label)) for value, label in Decision.choices]
    rules = []
    for kind, label in kinds:
        rules.append(f"a.mention.kind-{kind}::after {{ content: {_css_string(label)}; }}")
        rules.extend(f"a.mention.kind-{kind}.decision-{decision}::after "
                     f"{{ content: {_css_string(label)} / {_css_string(f'{label}, {decided}')}; }}"
                     for decision, decided in decisions)
    return HttpResponse("\n".join(rules) + "\n", content_type="text/css; charset=utf-8")


def _get_article(article_id: int) -> Article:
    return get_object_or_404(
        Article.objects.only("id", "title", "version", "body", "language", "review_state", "created_at"), id=article_id)


@login_required
@can_view
def article_detail(request, article_id):
    if request.htmx and request.htmx.target == "mention-panel":
        # A click on a mention: only the panel, not the body, groups, quotes and history of the whole page.
        article = get_object_or_404(Article.objects.select_related("source").only("id", "version", "source__name"),
                                    id=article_id)
        context = {"article": article, **_mention_panel(article, request.GET.get("mention")), "kinds": Kind.choices}
        return render(request, "articles/detail.html#mention-panel", context)
    quote_id = id_or_none(request.GET.get("quote"))
    if request.htmx and quote_id and request.htmx.target == f"quote-{quote_id}":
        return _quote_editor(request, article_id, quote_id)
    try:
        context = _review_context(article_id, mention_id=request.GET.get("mention"), quote_id=quote_id)
    except Article.DoesNotExist:
        raise Http404 from None
    if request.htmx:
        response = render(request, "articles/detail.html#annotation", context)
        return stop_polling(response) if context["article"].is_finished() else response
    return vary_on_htmx(render(request, "articles/detail.html", context))


def _quote_editor(request, article_id: int, quote_id: int):
    """A click on a quote's "Edit": that quote with its forms, not the whole page (the page
    draws none of them: a speaker field per quote would grow with quotes × the article's actors)."""
    article = get_object_or_404(Article.objects.only("id", "version", "language"), id=article_id)
    quote = get_object_or_404(Quote.objects.select_related("speaker").prefetch_related(speakers_prefetch()),
                              id=quote_id, article=article)
    context = {"article": article, "quote": quote, "open_quote": quote.id,
               "speakers": selectors.article_speaker_names(article.id)}
    return vary_on_htmx(render(request, "articles/detail.html#quote-item", context))


def _after_review_action(request, article_id, *, mention_id=None, error="", status=200):
    """HTMX: the refreshed workspace; plain form post: back to the page."""
    if request.htmx:
        context = _review_context(article_id, mention_id=mention_id, error=error)
        return render(request, "articles/detail.html#workspace", context, status=status)
    if error:
        messages.error(request, error)
    url = reverse("articles:detail", args=[article_id])
    # Back to the mention in the text: the panel beside it (or under it on a phone) follows.
    return redirect(f"{url}?mention={mention_id}#m-{mention_id}" if mention_id else url)


def _changes_response(request, article_id, *, mention_id=None, mentions=(), all_groups=False, article_topic=None,
                      quote=None, quote_open=False):
    """HTMX: what one decision changed, each piece swapped in place by its id (the mention's links in the
    text, their actor groups, the panel, the topic or quote, the review state, the history and the
    version the next decision sends), rather than the whole workspace, whose size grows with the article."""
    article = selectors.article_for_display(article_id)
    rows = selectors.mention_rows(mentions)
    context = {
        "oob": True,
        "article": article,
        **_mention_panel(article, mention_id),
        "kinds": Kind.choices,
        "changed_mentions": rows,
        "all_groups": all_groups,
        "events": selectors.article_events(article),
        "topics": [(article_topic, selectors.topic_evidence(article, article_topic))] if article_topic else [],
        "quotes": [quote] if quote else [],
        "pending": selectors.article_pending(article.id),
        # A change made in a quote's editor leaves it open, the focus where it was.
        "open_quote": quote.id if quote and quote_open else None,
        "speakers": selectors.article_speaker_names(article.id) if quote and quote_open else [],
    }
    if all_groups:  # a new kind or actor moves mentions between groups, perhaps to a new one
        all_mentions = selectors.article_mentions(article)
        context["groups"] = selectors.article_actor_groups(all_mentions)
        context["hidden_groups"] = selectors.article_hidden_groups(all_mentions, context["groups"])
    else:
        context["groups"], context["hidden_groups"] = selectors.article_groups_of(article.id, rows)
    if quote:
        context["all_quotes"] = selectors.article_quotes(article)
    response = render(request, "articles/_review_changes.html", context)
    response["HX-Reswap"] = "none"  # everything is out of band: the workspace itself stays
    return response


def _version(request) -> int:
    try:
        return int(request.POST.get("version", ""))
    except ValueError:
        return -1


def _refused(request, article_id, exc: Conflict | ReviewError, *, mention_id=None):
    """A review service's refusal, as a message for the editor."""
    if isinstance(exc, Conflict):
        return _after_review_action(
            request, article_id, mention_id=mention_id, status=409,
            error=_("Someone else changed this article since you opened it. Their changes are shown now; "
                    "check them and try again."),
        )
    return _after_review_action(request, article_id, mention_id=mention_id, error=str(exc), status=422)


def _review_action(request, article_id, action, *, mention_id=None, changes=None):
    """Run a review service, turning its refusals into messages for the editor. ``changes`` maps the
    service's result to the pieces an HTMX answer sends back (see ``_changes_response``)."""
    try:
        result = action()
    except (Conflict, ReviewError) as exc:
        return _refused(request, article_id, exc, mention_id=mention_id)
    if request.htmx and changes is not None:
        return _changes_response(request, article_id, mention_id=mention_id, **changes(result))
    return _after_review_action(request, article_id, mention_id=mention_id)


def _mention(article_id, mention_id) -> Mention:
    return get_object_or_404(Mention.objects.select_related("article", "actor"), id=mention_id, article_id=article_id)


@require_POST
@login_required
@can_review
def mention_decide(request, article_id, mention_id):
    mention = _mention(article_id, mention_id)
    return _review_action(request, article_id, lambda: review.mention_decide(
        mention=mention, user=request.user, decision=request.POST.get("decision", ""),
        expected_version=_version(request), everywhere=bool(request.POST.get("everywhere")),
        forget=request.POST.get("forget", "")), mention_id=mention_id, changes=lambda changed: {"mentions": changed})


@require_POST
@login_required
@can_review
def decision_undo(request, article_id):
    article = get_object_or_404(Article, id=article_id)
    try:
        undone = review.decision_undo(article=article, user=request.user, expected_version=_version(request))
    except (Conflict, ReviewError) as exc:
        return _refused(request, article_id, exc, mention_id=request.POST.get("mention"))
    # The mention whose decision came back is the one the editor sees.
    kind, _sep, ident = undone[0].target.partition(" ")
    mention_id = ident if kind == "mention" else request.POST.get("mention")
    targets = [log.target.partition(" ") for log in undone]
    if request.htmx and all(kind == "mention" and ident.isdigit() for kind, _sep, ident in targets):
        mentions = Mention.objects.select_related("actor").filter(
            article_id=article_id, id__in=[int(ident) for _kind, _sep, ident in targets])
        # A kind or actor put back moves mentions between groups: all of them are drawn again.
        regroup = any(log.before.get(field) != log.after.get(field) for log in undone for field in ("kind", "actor"))
        return _changes_response(request, article_id, mention_id=mention_id, mentions=list(mentions),
                                 all_groups=regroup)
    return _after_review_action(request, article_id, mention_id=mention_id)


@require_POST
@login_required
@can_review
def mention_kind(request, article_id, mention_id):
    mention = _mention(article_id, mention_id)
    return _review_action(request, article_id, lambda: review.mention_relabel(
        mention=mention, user=request.user, kind=request.POST.get("kind", ""),
        expected_version=_version(request), everywhere=bool(request.POST.get("everywhere"))), mention_id=mention_id,
        changes=lambda changed: {"mentions": changed, "all_groups": True})


@require_POST
@login_required
@can_review
def mention_link(request, article_id, mention_id):
    mention = _mention(article_id, mention_id)
    everywhere = bool(request.POST.get("everywhere"))
    actor_id = posted_id(request.POST, "actor")
    if request.POST.get("new_name", "").strip():
        def action():
            return review.mention_link_new(mention=mention, user=request.user, name=request.POST["new_name"],
                                    kind=request.POST.get("new_kind", mention.kind),
                                    expected_version=_version(request), everywhere=everywhere)
    else:
        def action():
            actor = Actor.objects.filter(id=actor_id).first() if actor_id else None
            if actor is None:
                raise review.ReviewError(_("Choose an actor from the list, or give a new one a name."))
            return review.mention_link(mention=mention, user=request.user, actor=actor,
                                       expected_version=_version(request), everywhere=everywhere)
    return _review_action(request, article_id, action, mention_id=mention_id,
                          changes=lambda changed: {"mentions": changed, "all_groups": True})


@require_POST
@login_required
@can_review
def mention_add(request, article_id):
    article = _get_article(article_id)
    kind = request.POST.get("kind", "")
    if request.POST.get("text", "").strip():
        def action():
            review.mentions_add_by_text(article=article, user=request.user, text=request.POST["text"], kind=kind,
                                        expected_version=_version(request))
    else:
        def action():
            try:
                start, end = int(request.POST.get("start", "")), int(request.POST.get("end", ""))
            except ValueError:
                raise review.ReviewError(_("Select the words to mark in the text first.")) from None
            created.append(review.mention_create(article=article, user=request.user, start=start, end=end,
                                                 kind=kind, expected_version=_version(request)))
    created = []
    response = _review_action(request, article_id, action)
    if created and not request.htmx:
        return redirect(f"{reverse('articles:detail', args=[article_id])}?mention={created[0].id}#m-{created[0].id}")
    return response


def _offsets(request) -> tuple[int, int]:
    try:
        return int(request.POST.get("start", "")), int(request.POST.get("end", ""))
    except ValueError:
        raise review.ReviewError(_("Select the words in the text first.")) from None


def _speaker(request) -> Actor | None:
    speaker_id = posted_id(request.POST, "speaker")
    return Actor.objects.filter(id=speaker_id).first() if speaker_id else None


def _quote(article_id, quote_id) -> Quote:
    return get_object_or_404(Quote.objects.select_related("article", "speaker").prefetch_related(speakers_prefetch()),
                             id=quote_id, article_id=article_id)


@require_POST
@login_required
@can_review_quotes
def quote_add(request, article_id):
    article = _get_article(article_id)
    speaker = _speaker(request)

    def action():
        start, end = _offsets(request)
        review.quote_create(article=article, user=request.user, start=start, end=end, speaker=speaker,
                            expected_version=_version(request))

    return _review_action(request, article_id, action)


@require_POST
@login_required
@can_review_quotes
def quote_decide(request, article_id, quote_id):
    quote = _quote(article_id, quote_id)
    return _review_action(request, article_id, lambda: review.quote_decide(
        quote=quote, user=request.user, decision=request.POST.get("decision", ""), expected_version=_version(request)),
        changes=lambda changed: {"quote": changed})


@require_POST
@login_required
@can_review_quotes
def quote_speaker(request, article_id, quote_id):
    quote = _quote(article_id, quote_id)
    typed = request.POST.get("speaker_name")
    # Without a typed name, an actor's id, as the form sent it before the speaker became a typed name.
    by_id = _speaker(request) if typed is None else None

    def action():
        speaker = by_id if typed is None else _speaker_by_name(quote, typed)
        return review.quote_set_speaker(quote=quote, user=request.user, actor=speaker,
                                        expected_version=_version(request))

    return _review_action(request, article_id, action,
                          changes=lambda changed: {"quote": changed, "quote_open": True})


@require_POST
@login_required
@can_review_quotes
def quote_speaker_add(request, article_id, quote_id):
    """One more speaker of the quote, by the name typed (one the speaker field suggests)."""
    quote = _quote(article_id, quote_id)

    def action():
        speaker = _speaker_by_name(quote, request.POST.get("speaker_name", ""))
        if speaker is None:
            raise review.ReviewError(_("Type the name of the speaker to add."))
        return review.quote_speaker_add(quote=quote, user=request.user, actor=speaker,
                                        expected_version=_version(request))

    return _review_action(request, article_id, action,
                          changes=lambda changed: {"quote": _quote(article_id, changed.id), "quote_open": True})


@require_POST
@login_required
@can_review_quotes
def quote_speaker_remove(request, article_id, quote_id):
    quote = _quote(article_id, quote_id)

    def action():
        speaker = _speaker(request)
        if speaker is None:
            raise review.ReviewError(_("Choose the speaker to remove."))
        return review.quote_speaker_remove(quote=quote, user=request.user, actor=speaker,
                                           expected_version=_version(request))

    return _review_action(request, article_id, action,
                          changes=lambda changed: {"quote": _quote(article_id, changed.id), "quote_open": True})


def _speaker_by_name(quote: Quote, name: str) -> Actor | None:
    """The actor a typed speaker name stands for: one of the article's people and organisations
    (the names the field suggests), or the quote's current speaker; empty is "nobody named"."""
    name = " ".join(name.split())
    if not name:
        return None
    if quote.speaker is not None and quote.speaker.name.casefold() == name.casefold():
        return quote.speaker
    speaker = selectors.article_speaker_named(quote.article_id, name)
    if speaker is None:
        raise review.ReviewError(
            _("“%(name)s” is not one of this article's actors: choose a speaker the field suggests, "
              "or leave it empty for nobody named.") % {"name": name})
    return speaker


@require_POST
@login_required
@can_review_quotes
def quote_span(request, article_id, quote_id):
    quote = _quote(article_id, quote_id)

    def action():
        start, end = _offsets(request)
        review.quote_set_span(quote=quote, user=request.user, start=start, end=end, expected_version=_version(request))

    return _review_action(request, article_id, action)


@require_POST
@login_required
@can_review
def article_crop(request, article_id):
    """The selected text, at the start or the end of the article, is not part of it."""
    article = _get_article(article_id)

    def action():
        start, end = _offsets(request)
        review.article_crop(article=article, user=request.user, start=start, end=end,
                            expected_version=_version(request))

    return _review_action(request, article_id, action)


@require_POST
@login_required
@can_review
def article_uncrop(request, article_id):
    article = _get_article(article_id)
    return _review_action(request, article_id, lambda: review.article_uncrop(
        article=article, user=request.user, expected_version=_version(request)))


@require_POST
@login_required
@can_review
def topic_add(request, article_id):
    article = _get_article(article_id)

    def action():
        topic = Topic.objects.active().filter(slug=request.POST.get("topic", "")).first()
        if topic is None:
            raise review.ReviewError(_("Choose a topic from the list."))
        review.topic_add(article=article, user=request.user, topic=topic, expected_version=_version(request))

    return _review_action(request, article_id, action)


@require_POST
@login_required
@can_review
def topic_decide(request, article_id, topic_id):
    article_topic = get_object_or_404(ArticleTopic.objects.select_related("article", "topic"), id=topic_id,
                                      article_id=article_id)
    return _review_action(request, article_id, lambda: review.topic_decide(
        article_topic=article_topic, user=request.user, decision=request.POST.get("decision", ""),
        expected_version=_version(request)), changes=lambda changed: {"article_topic": changed})


@require_POST
@login_required
@can_review
def article_reviewed(request, article_id):
    """Accept the rest and mark reviewed; with ``next``, open the next article, which says which one was saved."""
    article = _get_article(article_id)
    try:
        accepted = review.article_mark_reviewed(article=article, user=request.user,
                                                expected_version=_version(request))
    except (Conflict, ReviewError) as exc:
        return _refused(request, article_id, exc)
    if not request.POST.get("next"):
        return _after_review_action(request, article_id)
    saved = format_html(_("“{}” marked reviewed."), article.title)
    if sum(accepted.values()):
        rest = selectors.PendingCounts(**accepted).in_words()
        saved = format_html("{} {}", saved, _("Accepted the rest: %(parts)s.") % {"parts": rest})
    messages.success(request, format_html('{} <a href="{}">{}</a>', saved,
                                          reverse("articles:detail", args=[article.id]), _("Open it again")))
    following = selectors.next_article_for_review(after=article)
    url = reverse("articles:detail", args=[following.id]) if following else reverse("articles:list")
    if request.htmx:
        response = HttpResponse(status=204)
        response["HX-Redirect"] = url
        return response
    return redirect(url)


@require_POST
@login_required
@can_change
def article_edit(request, article_id):
    """Correct the article's title, source, address and publication date (the "Edit details" form)."""
    article = get_object_or_404(Article.objects.only("id", "version"), id=article_id)
    form = ArticleDetailsForm(request.POST)
    status, error = 422, ""
    if form.is_valid():
        data = form.cleaned_data
        try:
            changed = review.article_details_edit(
                article=article, user=request.user, title=data["title"], source_name=data["source"] or "",
                url=data["url"] or "", published_at=data["published_at"], expected_version=_version(request))
        except Conflict:
            status, error = 409, _("Someone else changed this article since you opened it: its details are shown "
                                   "as they are now above your own. Check them and save again.")
        except ReviewError as exc:
            form.add_error(None, str(exc))
        else:
            return _details_saved(request, article_id, changed)
    form.focus_first_error()
    if request.htmx:
        context = {**_head_context(article_id, details_form=form), "details_error": error}
        return render(request, "articles/detail.html#article-head", context, status=status)
    context = {**_review_context(article_id, details_form=form), "details_error": error}
    return render(request, "articles/detail.html", context, status=status)


def _head_context(article_id: int, *, details_form=None) -> dict:
    """What the page's head needs, and the pieces of the workspace that an edit of the details changes."""
    article = selectors.article_for_display(article_id)
    return {"article": article, "details_form": details_form or ArticleDetailsForm(article=article),
            "events": selectors.article_events(article), "pending": selectors.article_pending(article.id)}


def _details_saved(request, article_id, changed: list[str]):
    """HTMX: the page's head again (the new details, the form closed) and, out of band, what
    the edit changed in the workspace: the version its forms send, the review state, the history."""
    saved = _("Details saved.") if changed else _("Nothing to save: the details are unchanged.")
    if not request.htmx:
        messages.success(request, saved)
        return redirect("articles:detail", article_id=article_id)
    context = {**_head_context(article_id), "oob": True, "details_saved": saved}
    return render(request, "articles/detail.html#article-head", context)


@login_required
@can_view
def actor_search(request, article_id, mention_id):
    mention = _mention(article_id, mention_id)
    query = request.GET.get("q", "")
    # An emptied search gives back the actors the panel suggested.
    actors = selectors.actors_search(query) if query.strip() else selectors.mention_link_suggestions(mention)
    context = {"actors": actors, "current": mention, "article": mention.article, "query": query}
    return render(request, "articles/detail.html#actor-results", context)


@require_POST
@login_required
@can_change
def article_retry(request, article_id):
    article = get_object_or_404(Article, id=article_id)
    if article.can_retry():
        articles_retry(article_ids=[article.id])
    if request.htmx:
        return article_detail(request, article_id)
    return redirect("articles:detail", article_id=article_id)
