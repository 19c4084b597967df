"""The admin's bulk import pages. Served under the ImportBatch admin
(``ImportBatchAdmin.get_urls``), which requires a staff account; each view
also checks its own permission."""

from django.contrib import admin, messages
from django.contrib.auth.decorators import permission_required
from django.http import StreamingHttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from imports import parsers
from imports.forms import ImportForm, ImportOptionsForm
from imports.models import ImportBatch
from imports.services import batches, report
from pressreview.htmx import stop_polling, vary_on_htmx

ISSUES_SHOWN = 50


def _context(request, **extra) -> dict:
    return {**admin.site.each_context(request), "opts": ImportBatch._meta, **extra}


def _detail_url(batch: ImportBatch) -> str:
    return reverse("admin:imports_importbatch_change", args=[batch.id])


@permission_required("imports.add_importbatch", raise_exception=True)
def import_new(request):
    """The upload form; "Dry run" checks the file first, "Import" imports it at once."""
    form = ImportForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        create = batches.import_start if request.POST.get("action") == "import" else batches.import_preview
        try:
            batch = create(file=upload, filename=upload.name, options=form.cleaned_data["options"],
                           created_by=request.user)
        except parsers.ImportFileError as exc:
            form.add_error("file", str(exc))
        else:
            return redirect(_detail_url(batch))
    status = 400 if request.method == "POST" else 200
    return render(request, "admin/imports/importbatch/import.html",
                  _context(request, form=form, title=_("Import articles")), status=status)


def _progress_context(batch: ImportBatch) -> dict:
    annotated, annotation_failed = batch.annotation_counts()
    eta = batch.eta(annotated=annotated)
    if batch.inserted_at and batch.created:  # annotating, or done: the articles annotated
        bar_value, bar_max = annotated, batch.created
    else:
        bar_value, bar_max = round(batch.reading_fraction() * 1000), 1000
    return {
        "batch": batch,
        "annotated": annotated,
        "annotation_failed": annotation_failed,
        "eta_text": _duration(eta.total_seconds()) if eta else "",
        "bar_value": bar_value,
        "bar_max": bar_max,
        "percent": round(100 * bar_value / bar_max) if bar_max else 0,
        "issues": list(batch.issues.order_by("id")[:ISSUES_SHOWN]),
        "issue_count": batch.failed + batch.duplicates,
        "now": timezone.now(),
    }


def _duration(seconds: float) -> str:
    seconds = max(int(seconds), 1)
    if seconds < 60:
        return _("%(s)d s") % {"s": seconds}
    if seconds < 3600:
        return _("%(m)d min %(s)02d s") % {"m": seconds // 60, "s": seconds % 60}
    return _("%(h)d h %(m)02d min") % {"h": seconds // 3600, "m": seconds % 3600 // 60}


@permission_required("imports.view_importbatch", raise_exception=True)
def import_detail(request, batch_id: int):
    """The batch's page; under htmx, only its progress block, polled until the batch stops running."""
    batch = report.import_refresh(batch=get_object_or_404(ImportBatch, id=batch_id))
    context = _context(request, title=_("Import %(name)s") % {"name": batch.original_filename},
                       **_progress_context(batch))
    if request.htmx:
        response = render(request, "admin/imports/importbatch/detail.html#progress", context)
        if not batch.is_running():
            response = stop_polling(response)
    else:
        can_recheck = (batch.status in (ImportBatch.Status.DRY_RUN_READY, ImportBatch.Status.FAILED)
                       and batch.inserted_at is None and bool(batch.file))
        context["options_form"] = ImportOptionsForm(initial=ImportOptionsForm.initial_from(batch.options)) \
            if can_recheck and request.user.has_perm("imports.change_importbatch") else None
        response = render(request, "admin/imports/importbatch/detail.html", context)
    return vary_on_htmx(response)


@require_POST
@permission_required("imports.change_importbatch", raise_exception=True)
def import_confirm(request, batch_id: int):
    batch = get_object_or_404(ImportBatch, id=batch_id)
    if not batches.import_confirm(batch=batch):
        if batch.status == ImportBatch.Status.DRY_RUN_READY and not batch.created:
            messages.warning(request, _("There is nothing to import: the dry run found no article to create."))
        else:
            messages.warning(request, _("This batch cannot be imported now (its state is: %(status)s).")
                             % {"status": batch.get_status_display()})
    return redirect(_detail_url(batch))


@require_POST
@permission_required("imports.change_importbatch", raise_exception=True)
def import_recheck(request, batch_id: int):
    batch = get_object_or_404(ImportBatch, id=batch_id)
    form = ImportOptionsForm(request.POST)
    if not form.is_valid():
        for error in form.errors.values():
            messages.error(request, " ".join(error))
    elif not batches.import_recheck(batch=batch, options=form.cleaned_data["options"]):
        messages.warning(request, _("This batch cannot be checked again now."))
    return redirect(_detail_url(batch))


@require_POST
@permission_required("imports.change_importbatch", raise_exception=True)
def import_cancel(request, batch_id: int):
    batch = get_object_or_404(ImportBatch, id=batch_id)
    if batches.import_cancel(batch=batch):
        messages.success(request, _("The import was cancelled; nothing from it was kept."))
    else:
        messages.warning(request, _("Too late to cancel: the rows of this import are already committed."))
    return redirect(_detail_url(batch))


@permission_required("imports.view_importbatch", raise_exception=True)
def import_errors(request, batch_id: int):
    """Every rejected row (invalid or duplicate), with its line and reason, as CSV."""
    batch = get_object_or_404(ImportBatch, id=batch_id)
    response = StreamingHttpResponse(report.import_error_report(batch=batch), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="import-{batch.id}-rejected-rows.csv"'
    return response
