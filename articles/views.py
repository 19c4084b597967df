from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from django_htmx.http import HttpResponseStopPolling

from articles import selectors
from articles.forms import ArticlePasteForm, ArticleUploadForm
from articles.models import Actor, Article, ArticleTopic, Kind, Mention, Topic
from articles.services import review
from articles.services.extract import ExtractionError, extract
from articles.services.ingest import IngestError, article_create, article_requeue
from articles.services.review import Conflict, ReviewError

can_view = permission_required("articles.view_article", raise_exception=True)
can_add = permission_required("articles.add_article", raise_exception=True)
can_change = permission_required("articles.change_article", raise_exception=True)
can_review = permission_required("articles.change_mention", raise_exception=True)


@login_required
@can_view
def article_list(request):
    articles = Article.objects.select_related("source").defer("body")
    status = request.GET.get("status", "")
    if status in Article.Status.values:
        articles = articles.filter(status=status)
    page = Paginator(articles, 50).get_page(request.GET.get("page"))
    polling = any(not a.is_finished() for a in page.object_list)
    context = {"page": page, "status": status, "statuses": Article.Status.choices, "polling": polling}
    if request.htmx:
        response = render(request, "articles/list.html#rows", context)
        return response if polling else _stop_polling(response)
    return render(request, "articles/list.html", context)


def _stop_polling(response):
    stopped = HttpResponseStopPolling(response.content)
    stopped["Content-Type"] = response["Content-Type"]
    return stopped


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
    else:
        messages.success(request, _("Article queued for annotation."))
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
                result = article_create(body=paste_form.cleaned_data["body"], created_by=request.user, **_meta(paste_form))
            except IngestError as exc:
                paste_form.add_error("body", str(exc))
            else:
                return _created_response(request, result)
    elif request.method == "POST":
        upload_form = ArticleUploadForm(request.POST, request.FILES, prefix="upload")
        if upload_form.is_valid():
            upload = upload_form.cleaned_data["file"]
            try:
                if upload.size > settings.MAX_UPLOAD_BYTES:
                    raise ExtractionError(
                        f"The file is too large ({upload.size / 1048576:.1f} MB; the limit is "
                        f"{settings.MAX_UPLOAD_BYTES / 1048576:.0f} MB)."
                    )
                extracted = extract(upload.name, upload.read(), max_bytes=settings.MAX_UPLOAD_BYTES,
                                    max_chars=settings.MAX_ARTICLE_CHARS)
                meta = _meta(upload_form)
                meta["title"] = meta["title"] or extracted.title
                meta["url"] = meta["url"] or extracted.url
                result = article_create(
                    body=extracted.text, created_by=request.user, original_filename=upload.name, **meta
                )
            except (ExtractionError, IngestError) as exc:
                upload_form.add_error("file", str(exc))
            else:
                return _created_response(request, result)
    status = 400 if request.method == "POST" else 200
    return render(request, "articles/new.html", {"paste_form": paste_form, "upload_form": upload_form}, status=status)


def _review_context(article_id: int, *, mention_id=None, error: str = "") -> dict:
    article = selectors.article_for_display(article_id)
    mentions = list(article.mentions.all())
    current = next((m for m in mentions if str(m.id) == str(mention_id)), None) if mention_id else None
    return {
        "article": article,
        "groups": selectors.article_actor_groups(article),
        "segments": selectors.article_segments(article),
        "topics": [(t, selectors.topic_evidence(article, t)) for t in article.topics.all()],
        "all_topics": selectors.topics_for_choice(),
        "kinds": Kind.choices,
        "current": current,
        "events": selectors.article_events(article),
        "error": error,
    }


def _get_article(article_id: int) -> Article:
    return get_object_or_404(Article.objects.only("id", "version", "body", "language", "review_state", "created_at"), id=article_id)


@login_required
@can_view
def article_detail(request, article_id):
    try:
        context = _review_context(article_id, mention_id=request.GET.get("mention"))
    except Article.DoesNotExist:
        raise Http404 from None
    if request.htmx and request.htmx.target == "mention-panel":
        return render(request, "articles/detail.html#mention-panel", context)
    if request.htmx:
        response = render(request, "articles/detail.html#annotation", context)
        return _stop_polling(response) if context["article"].is_finished() else response
    response = render(request, "articles/detail.html", context)
    response["Vary"] = "HX-Request"
    return response


def _after_review_action(request, article_id, *, mention_id=None, error="", status=200):
    """HTMX: the refreshed workspace; plain form post: back to the page."""
    if request.htmx:
        context = _review_context(article_id, mention_id=mention_id, error=error)
        return render(request, "articles/detail.html#workspace", context, status=status)
    if error:
        messages.error(request, error)
    url = reverse("articles:detail", args=[article_id])
    return redirect(f"{url}?mention={mention_id}#mention-panel" if mention_id else url)


def _version(request) -> int:
    try:
        return int(request.POST.get("version", ""))
    except ValueError:
        return -1


def _review_action(request, article_id, action, *, mention_id=None):
    """Run a review service, turning its refusals into messages for the editor."""
    try:
        action()
    except Conflict:
        return _after_review_action(
            request, article_id, mention_id=mention_id, status=409,
            error=_("Someone else changed this article since you opened it. Their changes are shown now; "
                    "check them and try again."),
        )
    except ReviewError as exc:
        return _after_review_action(request, article_id, mention_id=mention_id, error=str(exc), status=422)
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
        expected_version=_version(request), everywhere=bool(request.POST.get("everywhere"))), mention_id=mention_id)


@require_POST
@login_required
@can_review
def mention_kind(request, article_id, mention_id):
    mention = _mention(article_id, mention_id)
    return _review_action(request, article_id, lambda: review.mention_relabel(
        mention=mention, user=request.user, kind=request.POST.get("kind", ""),
        expected_version=_version(request), everywhere=bool(request.POST.get("everywhere"))), mention_id=mention_id)


@require_POST
@login_required
@can_review
def mention_link(request, article_id, mention_id):
    mention = _mention(article_id, mention_id)
    everywhere = bool(request.POST.get("everywhere"))
    if request.POST.get("new_name", "").strip():
        def action():
            review.mention_link_new(mention=mention, user=request.user, name=request.POST["new_name"],
                                    kind=request.POST.get("new_kind", mention.kind),
                                    expected_version=_version(request), everywhere=everywhere)
    else:
        def action():
            actor = Actor.objects.filter(id=request.POST.get("actor") or 0).first()
            if actor is None:
                raise review.ReviewError(_("Choose an actor from the list, or give a new one a name."))
            review.mention_link(mention=mention, user=request.user, actor=actor,
                                expected_version=_version(request), everywhere=everywhere)
    return _review_action(request, article_id, action, mention_id=mention_id)


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
        return redirect(f"{reverse('articles:detail', args=[article_id])}?mention={created[0].id}#mention-panel")
    return response


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
        expected_version=_version(request)))


@require_POST
@login_required
@can_review
def article_reviewed(request, article_id):
    article = _get_article(article_id)
    if not request.POST.get("next"):
        return _review_action(request, article_id, lambda: review.article_mark_reviewed(
            article=article, user=request.user, expected_version=_version(request)))
    try:
        review.article_mark_reviewed(article=article, user=request.user, expected_version=_version(request))
    except (Conflict, ReviewError):
        return _review_action(request, article_id, lambda: review.article_mark_reviewed(
            article=article, user=request.user, expected_version=_version(request)))
    following = selectors.next_article_for_review(after=article)
    url = reverse("articles:detail", args=[following.id]) if following else reverse("articles:list")
    if request.htmx:
        response = HttpResponse(status=204)
        response["HX-Redirect"] = url
        return response
    return redirect(url)


@login_required
@can_view
def actor_search(request, article_id, mention_id):
    mention = _mention(article_id, mention_id)
    actors = review.actors_search(request.GET.get("q", ""))
    context = {"actors": actors, "current": mention, "article": mention.article, "query": request.GET.get("q", "")}
    return render(request, "articles/detail.html#actor-results", context)


@require_POST
@login_required
@can_change
def article_retry(request, article_id):
    article = get_object_or_404(Article, id=article_id)
    if article.can_retry():
        article_requeue(article=article)
    if request.htmx:
        return article_detail(request, article_id)
    return redirect("articles:detail", article_id=article_id)
