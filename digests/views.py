from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404, HttpResponse, HttpResponseRedirect, StreamingHttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.clickjacking import xframe_options_sameorigin
from django.views.decorators.http import require_http_methods, require_POST
from django_htmx.http import trigger_client_event

from articles import selectors as article_selectors
from articles.models import Article, Topic
from articles.queue_params import QueueParams
from digests import annotations, exports, selectors, services
from digests.forms import DigestForm
from digests.models import Digest, DigestItem, DigestSection, ExportJob
from digests.pull_params import PullParams
from digests.services import DigestError
from pressreview import confirm
from pressreview.htmx import stop_polling, vary_on_htmx
from pressreview.inputs import id_or_none, next_path
from pressreview.middleware import content_security_policy

can_view = permission_required("digests.view_digest", raise_exception=True)
can_add = permission_required("digests.add_digest", raise_exception=True)
can_change = permission_required("digests.change_digest", raise_exception=True)
can_edit_items = permission_required("digests.change_digestitem", raise_exception=True)
can_add_items = permission_required("digests.add_digestitem", raise_exception=True)
can_publish = permission_required("digests.publish_digest", raise_exception=True)
can_delete = permission_required("digests.delete_digest", raise_exception=True)
can_export_job = permission_required("digests.add_exportjob", raise_exception=True)
can_export_annotations = permission_required("digests.export_annotations", raise_exception=True)

# Above this many items an export runs in the background (a large PDF takes seconds).
SYNC_EXPORT_MAX_ITEMS = getattr(settings, "DIGEST_SYNC_EXPORT_MAX_ITEMS", 50)

# The e-mail HTML, shown in the preview's sandboxed frame or downloaded: inline
# styles (mail clients read no stylesheet), nothing else, never a script.
EMAIL_CSP = ("default-src 'none'; style-src 'unsafe-inline'; img-src data:; form-action 'none'; "
             "frame-ancestors 'self'; base-uri 'none'; sandbox")


def _get_digest(request, digest_id: int) -> Digest:
    """A digest the user may read: published ones, and drafts for those who build digests."""
    return get_object_or_404(Digest.objects.visible_to(request.user), id=digest_id)


def _get_draft(request, digest_id: int) -> Digest:
    digest = _get_digest(request, digest_id)
    if digest.is_published():
        raise DigestError(_("This digest is published: it can no longer be changed."))
    return digest


def _permalink(request, digest: Digest) -> str:
    return request.build_absolute_uri(reverse("digests:published", args=[digest.id]))


@login_required
@can_view
def digest_list(request):
    digests = list(selectors.digests_for_list(request.user)[:200])
    return render(request, "digests/list.html", {
        "drafts": [d for d in digests if not d.is_published()],
        "published": [d for d in digests if d.is_published()],
    })


@login_required
@can_add
def digest_new(request):
    form = DigestForm(initial=DigestForm.initial_for(request.LANGUAGE_CODE))
    if request.method == "POST":
        form = DigestForm(request.POST)
        if form.is_valid():
            try:
                digest = services.digest_create(user=request.user, **form.cleaned_data)
            except DigestError as exc:
                form.add_error(None, str(exc))
            else:
                return redirect("digests:detail", digest_id=digest.id)
    return render(request, "digests/new.html", {"form": form}, status=400 if form.errors else 200)


def _builder_context(request, digest: Digest, *, error: str = "", saved_item: int | None = None,
                     meta_form: DigestForm | None = None) -> dict:
    view = selectors.digest_view(digest, include_empty=True)
    choices = selectors.quote_choices(list(
        Article.objects.filter(id__in=[item.article_id for item in view.items if item.article_id])
        .select_related("source").only("id", "story_id", "source__name")))
    for item in view.items:
        item.quote_choices = choices.get(item.article_id, [])
        item.chosen_ids = {quote.id for quote in item.quotes}
    return {
        "digest": digest,
        "sections": view.sections,
        "error": error,
        "saved_item": saved_item,
        "meta_form": meta_form or DigestForm.for_digest(digest),
        "max_quotes": selectors.MAX_QUOTES,
        "can_edit": request.user.has_perm("digests.change_digestitem"),
    }


def _pull_context(request, digest: Digest) -> dict:
    params = PullParams.from_query(request.GET)
    return {
        "digest": digest,
        "pull": params,
        "results": selectors.articles_to_pull(digest, params),
        "can_add": request.user.has_perm("digests.add_digestitem"),
    }


@login_required
@can_view
def digest_detail(request, digest_id):
    """The builder; a published digest's address leads to its permalink."""
    digest = _get_digest(request, digest_id)
    if digest.is_published():
        return redirect("digests:published", digest_id=digest.id)
    if request.htmx and request.htmx.target == "pull-results":
        response = render(request, "digests/builder.html#pull-results", _pull_context(request, digest))
    elif request.htmx and request.htmx.target == "sections":
        response = render(request, "digests/builder.html#sections", _builder_context(request, digest))
    else:
        context = {**_builder_context(request, digest), **_pull_context(request, digest),
                   **article_selectors.queue_filter_choices(QueueParams()),
                   "actors": selectors.pull_actor_choices(digest, PullParams.from_query(request.GET)),
                   "topics": article_selectors.topics_for_choice()}
        response = render(request, "digests/builder.html", context)
    return vary_on_htmx(response)


def _after_change(request, digest: Digest, *, error: str = "", focus: str = "", saved_item: int | None = None,
                  status: int | None = None):
    """HTMX: the builder's sections again (with a message); a plain post: back to the builder."""
    if request.htmx:
        context = _builder_context(request, digest, error=error, saved_item=saved_item)
        response = render(request, "digests/builder.html#sections", context,
                          status=status or (422 if error else 200))
        if focus:
            trigger_client_event(response, "digests:focus", {"id": focus}, after="settle")
        return response
    if error:
        messages.error(request, error)
    url = reverse("digests:detail", args=[digest.id])
    return redirect(f"{url}#{focus}" if focus else url)


def _refused(request, digest_id: int, exc: DigestError):
    digest = _get_digest(request, digest_id)
    if digest.is_published():
        if request.htmx:
            response = HttpResponse(status=204)
            response["HX-Redirect"] = reverse("digests:published", args=[digest.id])
            return response
        messages.error(request, str(exc))
        return redirect("digests:published", digest_id=digest.id)
    return _after_change(request, digest, error=str(exc))


def _section(digest: Digest, section_id) -> DigestSection:
    return get_object_or_404(DigestSection.objects.select_related("digest"), id=section_id, digest=digest)


def _item(digest: Digest, item_id) -> DigestItem:
    return get_object_or_404(DigestItem.objects.select_related("digest", "section"), id=item_id, digest=digest)


def _ids(values) -> list[int]:
    found = []
    for value in values:
        for part in str(value).split(","):
            number = id_or_none(part.strip())
            if number and number not in found:
                found.append(number)
    return found


@require_POST
@login_required
@can_change
def digest_edit(request, digest_id):
    try:
        digest = _get_draft(request, digest_id)
        form = DigestForm.for_digest(digest, request.POST)
        if not form.is_valid():
            context = _builder_context(request, digest, meta_form=form)
            if request.htmx:
                return render(request, "digests/builder.html#meta", context, status=422)
            messages.error(request, _("Check the digest's title and period."))
            return redirect("digests:detail", digest_id=digest.id)
        digest = services.digest_update(digest=digest, **form.cleaned_data)
    except DigestError as exc:
        return _refused(request, digest_id, exc)
    if request.htmx:
        context = _builder_context(request, digest)
        context["meta_saved"] = True
        return render(request, "digests/builder.html#meta", context)
    messages.success(request, _("Digest saved."))
    return redirect("digests:detail", digest_id=digest.id)


def _delete_question(digest: Digest) -> confirm.Question:
    count = digest.items.count()
    return confirm.Question(
        title=_("Delete the draft “%(title)s”?") % {"title": digest.title},
        action=reverse("digests:delete", args=[digest.id]),
        button=_("Delete the draft"),
        cancel=reverse("digests:detail", args=[digest.id]),
        consequences=[
            ngettext("Its %(count)d article leaves it, with its summary, note and chosen quotes.",
                     "Its %(count)d articles leave it, with their summaries, notes and chosen quotes.",
                     count) % {"count": count},
            _("The articles themselves stay. A deleted draft cannot be brought back."),
        ],
    )


@require_http_methods(["GET", "POST"])
@login_required
@can_delete
def digest_delete(request, digest_id):
    """Delete a draft, once confirmed (pressreview.confirm)."""
    try:
        digest = _get_draft(request, digest_id)
        if not confirm.confirmed(request):
            return confirm.ask(request, _delete_question(digest))
        services.digest_delete(digest=digest)
    except DigestError as exc:
        return _refused(request, digest_id, exc)
    messages.success(request, _("Draft deleted."))
    return redirect("digests:list")


@require_POST
@login_required
@can_add_items
def items_add(request, digest_id):
    """Add the posted articles (an "add" button, or "add all" of the pull-in results)."""
    try:
        digest = _get_draft(request, digest_id)
        ids = _ids(request.POST.getlist("article"))
        articles = list(Article.objects.filter(id__in=ids))
        articles.sort(key=lambda a: ids.index(a.id))
        if not articles:
            raise DigestError(_("Choose an article to add."))
        topic = Topic.objects.filter(slug=request.POST.get("topic") or "").first()
        added = services.digest_items_add(digest=digest, articles=articles, user=request.user, topic=topic)
    except DigestError as exc:
        return _refused(request, digest_id, exc)
    if request.htmx:
        context = _builder_context(request, digest)
        context["added_ids"] = {item.article_id for item in added} | set(ids)
        return render(request, "digests/builder.html#items-added", context)
    return redirect(reverse("digests:detail", args=[digest.id]) + (f"#item-{added[0].id}" if added else ""))


@require_POST
@login_required
@can_edit_items
def item_update(request, digest_id, item_id):
    try:
        digest = _get_draft(request, digest_id)
        item = _item(digest, item_id)
        section = None
        if request.POST.get("section"):
            section = get_object_or_404(DigestSection, id=id_or_none(request.POST["section"]) or 0,
                                        digest=digest)
        services.digest_item_update(item=item, summary=request.POST.get("summary", ""),
                                    note=request.POST.get("note", ""), quote_ids=_ids(request.POST.getlist("quotes")),
                                    section=section, title=request.POST.get("title"))
    except DigestError as exc:
        return _refused(request, digest_id, exc)
    return _after_change(request, digest, focus=f"item-{item_id}", saved_item=item.id)


@require_POST
@login_required
@can_edit_items
def item_move(request, digest_id, item_id):
    try:
        digest = _get_draft(request, digest_id)
        services.digest_item_move(item=_item(digest, item_id), direction=request.POST.get("direction", ""))
    except DigestError as exc:
        return _refused(request, digest_id, exc)
    return _after_change(request, digest, focus=f"item-{item_id}")


def _item_remove_question(digest: Digest, item: DigestItem) -> confirm.Question:
    title = item.article.title if item.article else _("(article deleted)")
    return confirm.Question(
        title=_("Remove “%(title)s” from the digest?") % {"title": title},
        action=reverse("digests:item-remove", args=[digest.id, item.id]),
        button=_("Remove from the digest"),
        cancel=reverse("digests:detail", args=[digest.id]) + f"#item-{item.id}",
        consequences=[_("Its summary, note and chosen quotes in this digest are lost; the article itself stays "
                        "and can be added again.")],
    )


@require_http_methods(["GET", "POST"])
@login_required
@permission_required("digests.delete_digestitem", raise_exception=True)
def item_remove(request, digest_id, item_id):
    """Take an article out of the draft, once confirmed: its summary and note go with it."""
    try:
        digest = _get_draft(request, digest_id)
        item = _item(digest, item_id)
        if not confirm.confirmed(request):
            return confirm.ask(request, _item_remove_question(digest, item))
        services.digest_item_remove(item=item)
    except DigestError as exc:
        return _refused(request, digest_id, exc)
    return _after_change(request, digest)


@require_POST
@login_required
@can_edit_items
def section_order(request, digest_id):
    """A drag and drop: the section's items in their new order."""
    try:
        digest = _get_draft(request, digest_id)
        section = get_object_or_404(DigestSection, id=id_or_none(request.POST.get("section")) or 0,
                                    digest=digest)
        services.digest_section_order(digest=digest, section=section, item_ids=_ids(request.POST.getlist("items")))
    except DigestError as exc:
        return _refused(request, digest_id, exc)
    moved = id_or_none(request.POST.get("moved"))
    return _after_change(request, digest, focus=f"item-{moved}" if moved else "")


@require_POST
@login_required
@can_change
def section_move(request, digest_id, section_id):
    try:
        digest = _get_draft(request, digest_id)
        section = _section(digest, section_id)
        services.digest_section_move(section=section, direction=request.POST.get("direction", ""))
    except DigestError as exc:
        return _refused(request, digest_id, exc)
    return _after_change(request, digest, focus=f"section-{section_id}")


@require_POST
@login_required
@can_change
def section_remove(request, digest_id, section_id):
    try:
        digest = _get_draft(request, digest_id)
        section = _section(digest, section_id)
        services.digest_section_remove_empty(section=section)
    except DigestError as exc:
        return _refused(request, digest_id, exc)
    return _after_change(request, digest)


@require_POST
@login_required
@can_change
def section_create(request, digest_id):
    try:
        digest = _get_draft(request, digest_id)
        section = services.digest_section_create(digest=digest, title=request.POST.get("title", ""))
    except DigestError as exc:
        return _refused(request, digest_id, exc)
    return _after_change(request, digest, focus=f"section-{section.id}")


@require_POST
@login_required
@can_change
def section_rename(request, digest_id, section_id):
    try:
        digest = _get_draft(request, digest_id)
        section = _section(digest, section_id)
        services.digest_section_rename(section=section, title=request.POST.get("title", ""))
    except DigestError as exc:
        return _refused(request, digest_id, exc)
    return _after_change(request, digest, focus=f"section-{section_id}")


def _exports_context(request, digest: Digest, item_count: int) -> dict:
    return {
        "formats": exports.FORMATS.values(),
        "item_count": item_count,
        "direct": item_count <= SYNC_EXPORT_MAX_ITEMS,
        "jobs": selectors.recent_export_jobs(digest),
        "can_export_job": request.user.has_perm("digests.add_exportjob"),
        "keep_days": settings.EXPORT_KEEP_DAYS,
    }


def _exports_url(digest: Digest) -> str:
    """The exports block of the digest's page: its permalink once published, its preview before."""
    target = "digests:published" if digest.is_published() else "digests:preview"
    return reverse(target, args=[digest.id]) + "#exports"


@login_required
@can_view
def digest_preview(request, digest_id):
    """The digest exactly as it will be sent (the e-mail), with publishing and exports."""
    digest = _get_digest(request, digest_id)
    if digest.is_published():
        return redirect("digests:published", digest_id=digest.id)
    # The page shows the e-mail in a frame (its own request): only the count is needed here.
    context = {"digest": digest, **_exports_context(request, digest, digest.items.count()),
               "can_publish": request.user.has_perm("digests.publish_digest")}
    return render(request, "digests/preview.html", context)


@login_required
@can_view
def digest_published(request, digest_id):
    """The permalink: the frozen digest, whatever happened to its articles since."""
    digest = _get_digest(request, digest_id)
    if not digest.is_published():
        raise Http404
    view = selectors.view_for(digest)
    return render(request, "digests/published.html", {"digest": digest, "view": view,
                                                      **_exports_context(request, digest, view.item_count)})


def _publish_question(digest: Digest) -> confirm.Question:
    count, unreviewed = selectors.publish_counts(digest)
    consequences = [
        ngettext("“%(title)s” is published with its %(count)d article. Its permalink and exports are then "
                 "frozen: later edits to the article do not change them.",
                 "“%(title)s” is published with its %(count)d articles. Its permalink and exports are then "
                 "frozen: later edits to the articles do not change them.", count) % {"title": digest.title,
                                                                                     "count": count},
        _("A published digest cannot be changed or unpublished."),
    ]
    if not count:
        consequences = [_("It has no article yet: add one before publishing.")]
    elif unreviewed:
        consequences.append(ngettext("%(count)d of its articles is not reviewed yet.",
                                     "%(count)d of its articles are not reviewed yet.", unreviewed)
                            % {"count": unreviewed})
    unchecked = selectors.unchecked_speakers(digest) if count else 0
    if unchecked:
        consequences.append(ngettext(
            "%(count)d chosen quote goes out without its speaker: the pipeline inferred the speaker and no editor "
            "accepted the quote (accept it on its article to name the speaker).",
            "%(count)d chosen quotes go out without their speakers: the pipeline inferred the speakers and no "
            "editor accepted the quotes (accept them on their articles to name the speakers).", unchecked)
            % {"count": unchecked})
    return confirm.Question(
        title=_("Publish “%(title)s”?") % {"title": digest.title},
        action=reverse("digests:publish", args=[digest.id]),
        button=_("Publish"),
        cancel=reverse("digests:preview", args=[digest.id]),
        consequences=consequences,
    )


@require_http_methods(["GET", "POST"])
@login_required
@can_publish
def digest_publish(request, digest_id):
    """Publish the draft, once confirmed (pressreview.confirm)."""
    try:
        digest = _get_draft(request, digest_id)
        if not confirm.confirmed(request):
            return confirm.ask(request, _publish_question(digest))
        services.digest_publish(digest=digest, user=request.user, permalink=_permalink(request, digest))
    except DigestError as exc:
        digest = _get_digest(request, digest_id)
        messages.error(request, str(exc))
        return redirect("digests:published" if digest.is_published() else "digests:preview", digest_id=digest.id)
    messages.success(request, _("Digest published. Its permalink and exports no longer change."))
    return redirect("digests:published", digest_id=digest.id)


@content_security_policy(EMAIL_CSP)
@xframe_options_sameorigin
@login_required
@can_view
def digest_export(request, digest_id, fmt):
    """A direct download (or, for the e-mail HTML with ?inline=1, the preview frame's document)."""
    digest = _get_digest(request, digest_id)
    export_format = exports.FORMATS.get(fmt)
    if export_format is None:
        raise Http404
    inline = fmt == "html" and request.GET.get("inline") == "1"
    view = selectors.view_for(digest, permalink=_permalink(request, digest))
    if view.item_count > SYNC_EXPORT_MAX_ITEMS and not inline:
        messages.warning(request, _("This digest is large: prepare the file in the background below."))
        return redirect(_exports_url(digest))
    content = export_format.render(view)
    response = HttpResponse(content, content_type=export_format.content_type)
    if not inline:
        response["Content-Disposition"] = f'attachment; filename="{services.export_filename(view, fmt)}"'
    response["X-Content-Type-Options"] = "nosniff"
    return response


def _job_response(request, job: ExportJob):
    response = render(request, "digests/_export_job.html", {"job": job, "digest": job.digest})
    return stop_polling(response) if job.is_finished() else response


@require_POST
@login_required
@can_export_job
def export_start(request, digest_id):
    digest = _get_digest(request, digest_id)
    fmt = request.POST.get("format", "")
    if fmt not in exports.FORMATS:
        return HttpResponse(_("Unknown export format."), status=400)
    job = services.export_job_create(digest=digest, fmt=fmt, user=request.user,
                                     base_url=request.build_absolute_uri("/"))
    if request.htmx:
        return render(request, "digests/_export_job.html", {"job": job, "digest": digest})
    return redirect(_exports_url(digest))


@login_required
@can_view
def export_job(request, digest_id, job_id):
    digest = _get_digest(request, digest_id)
    job = get_object_or_404(ExportJob.objects.select_related("digest"), id=job_id, digest=digest)
    return _job_response(request, job)


@content_security_policy(EMAIL_CSP)
@login_required
@can_view
def export_download(request, digest_id, job_id):
    """The file a background export wrote; served through this view, never as public media."""
    digest = _get_digest(request, digest_id)
    job = get_object_or_404(ExportJob, id=job_id, digest=digest, status=ExportJob.Status.DONE)
    if not job.file:
        raise Http404
    try:
        handle = job.file.open("rb")
    except FileNotFoundError:
        raise Http404 from None
    content_type = exports.FORMATS[job.format].content_type if job.format in exports.FORMATS else None
    return FileResponse(handle, as_attachment=True, filename=job.filename or None, content_type=content_type)


@require_POST
@login_required
@can_add_items
def add_from_article(request):
    """The review page's "Add to digest" control."""
    article = get_object_or_404(Article, id=id_or_none(request.POST.get("article")) or 0)
    digest = Digest.objects.drafts().filter(id=id_or_none(request.POST.get("digest")) or 0).first()
    error, added = "", []
    if digest is None:
        error = _("Choose a draft digest.")
    else:
        try:
            added = services.digest_items_add(digest=digest, articles=[article], user=request.user)
        except DigestError as exc:
            error = str(exc)
    if request.htmx:
        context = {"article": article, "request": request, "added_to": digest if not error else None,
                   "already": not error and not added, "add_error": error}
        return render(request, "digests/_add_to_digest.html", context, status=422 if error else 200)
    if error:
        messages.error(request, error)
    elif added:
        messages.success(request, _("Added to the digest “%(title)s”.") % {"title": digest.title})
    else:
        messages.info(request, _("The digest “%(title)s” has this article already, or another article of its story "
                                 "(a story is one item).") % {"title": digest.title})
    return HttpResponseRedirect(next_path(request, reverse("articles:detail", args=[article.id])))


@login_required
@can_export_annotations
def annotations_page(request):
    articles = annotations.reviewed_articles()
    languages = list(articles.exclude(language="").order_by("language").values_list("language", flat=True).distinct())
    return render(request, "digests/annotations.html", {"count": articles.count(), "languages": languages})


@login_required
@can_export_annotations
def annotations_download(request, fmt):
    if fmt not in ("jsonl", "spacy"):
        raise Http404
    language = request.GET.get("language", "")
    if language and not language.replace("-", "").isalnum():
        raise PermissionDenied
    records = annotations.annotation_records(annotations.reviewed_articles(language=language[:8]))
    suffix = f"-{language}" if language else ""
    if fmt == "jsonl":
        response = StreamingHttpResponse(annotations.jsonl_lines(records),
                                         content_type="application/jsonl; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="reviewed-annotations{suffix}.jsonl"'
        return response
    data, report = annotations.docbin_bytes(records)
    response = HttpResponse(data, content_type="application/octet-stream")
    response["Content-Disposition"] = f'attachment; filename="reviewed-annotations{suffix}.spacy"'
    response["X-Skipped-Spans"] = f"misaligned={report.misaligned}; overlapping={report.overlapping}"
    return response
