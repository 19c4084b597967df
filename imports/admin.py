from django.contrib import admin
from django.shortcuts import redirect
from django.urls import path

from articles.admin import ModelAdmin, ReadOnlyAdmin
from imports import views
from imports.models import ImportBatch, ImportedArticle, ImportIssue


@admin.register(ImportBatch)
class ImportBatchAdmin(ModelAdmin):
    """Batches are made by the "Import articles" page and changed only by their
    buttons (import, check again, cancel): "add" opens the import page and a
    batch's page is its progress page."""

    list_display = ["__str__", "status", "format", "parsed", "created", "duplicates", "failed", "created_by",
                    "created_at"]
    list_filter = ["status", "format"]
    search_fields = ["original_filename"]
    list_select_related = ["created_by"]

    def get_urls(self):
        wrap = self.admin_site.admin_view
        name = f"{self.opts.app_label}_{self.opts.model_name}"
        return [
            path("import/", wrap(views.import_new), name=f"{name}_import"),
            path("<int:batch_id>/confirm/", wrap(views.import_confirm), name=f"{name}_confirm"),
            path("<int:batch_id>/recheck/", wrap(views.import_recheck), name=f"{name}_recheck"),
            path("<int:batch_id>/cancel/", wrap(views.import_cancel), name=f"{name}_cancel"),
            path("<int:batch_id>/rejected-rows.csv", wrap(views.import_errors), name=f"{name}_errors"),
        ] + super().get_urls()

    def add_view(self, request, form_url="", extra_context=None):
        return redirect("admin:imports_importbatch_import")

    def change_view(self, request, object_id, form_url="", extra_context=None):
        if not str(object_id).isdigit():
            return redirect("admin:imports_importbatch_changelist")
        return views.import_detail(request, int(object_id))

    def has_delete_permission(self, request, obj=None):
        # A running batch is deleted by cancelling it, which also removes what it wrote.
        return super().has_delete_permission(request, obj) and (obj is None or not obj.is_running())


@admin.register(ImportedArticle)
class ImportedArticleAdmin(ReadOnlyAdmin):
    """What a batch created (a cancel removes these articles)."""

    list_display = ["article", "batch", "line"]
    list_filter = ["batch"]
    list_select_related = ["article", "batch"]
    raw_id_fields = ["article", "batch"]


@admin.register(ImportIssue)
class ImportIssueAdmin(ReadOnlyAdmin):
    """The rows a batch did not create, and why (also in the batch's error report)."""

    list_display = ["batch", "line", "location", "kind", "reason"]
    list_filter = ["kind", "batch"]
    search_fields = ["reason", "title", "location"]
    list_select_related = ["batch"]
    raw_id_fields = ["batch", "duplicate_of"]
