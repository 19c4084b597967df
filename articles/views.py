from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from django_htmx.http import HttpResponseStopPolling

from articles import selectors
from articles.forms import ArticlePasteForm, ArticleUploadForm
from articles.models import Article, Kind
from articles.services.extract import ExtractionError, extract
from articles.services.ingest import IngestError, article_create, article_requeue

can_view = permission_required("articles.view_article", raise_exception=True)
can_add = permission_required("articles.add_article", raise_exception=True)
can_change = permission_required("articles.change_article", raise_exception=True)


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


@login_required
@can_view
def article_detail(request, article_id):
    try:
        article = selectors.article_for_display(article_id)
    except Article.DoesNotExist:
        raise Http404 from None
    context = {
        "article": article,
        "groups": selectors.article_actor_groups(article),
        "segments": selectors.article_segments(article),
        "topics": [(t, selectors.topic_evidence(article, t)) for t in article.topics.all()],
        "kinds": Kind.choices,
    }
    if request.htmx:
        response = render(request, "articles/detail.html#annotation", context)
        return _stop_polling(response) if article.is_finished() else response
    return render(request, "articles/detail.html", context)


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
