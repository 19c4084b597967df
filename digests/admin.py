from django.contrib import admin

from articles.admin import ModelAdmin
from digests import models


class DigestSectionInline(admin.TabularInline):
    model = models.DigestSection
    extra = 0
    fields = ["position", "topic"]


class DigestItemInline(admin.TabularInline):
    model = models.DigestItem
    extra = 0
    raw_id_fields = ["article", "section", "added_by"]
    fields = ["section", "position", "article", "summary", "note"]


@admin.register(models.Digest)
class DigestAdmin(ModelAdmin):
    list_display = ["title", "period_start", "period_end", "status", "published_at", "created_by"]
    list_filter = ["status", "language"]
    search_fields = ["title"]
    raw_id_fields = ["created_by", "published_by"]
    readonly_fields = ["token", "snapshot", "published_at", "published_by", "created_at", "updated_at"]
    inlines = [DigestSectionInline, DigestItemInline]


@admin.register(models.ExportJob)
class ExportJobAdmin(ModelAdmin):
    list_display = ["id", "digest", "format", "status", "progress_done", "progress_total", "created_at", "finished_at"]
    list_filter = ["status", "format"]
    raw_id_fields = ["digest", "created_by"]
