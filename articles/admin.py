from django.contrib import admin

from articles import models


@admin.register(models.Source)
class SourceAdmin(admin.ModelAdmin):
    list_display = ["name", "domain", "country", "language"]
    search_fields = ["name", "domain"]


class MentionInline(admin.TabularInline):
    model = models.Mention
    extra = 0
    raw_id_fields = ["actor", "decided_by"]
    fields = ["start", "end", "text", "kind", "actor", "origin", "decision"]


@admin.register(models.Article)
class ArticleAdmin(admin.ModelAdmin):
    list_display = ["title", "source", "language", "status", "review_state", "attempts", "created_at"]
    list_filter = ["status", "review_state", "language", "source"]
    search_fields = ["title", "url"]
    raw_id_fields = ["created_by"]
    readonly_fields = ["content_hash", "pipeline_version", "annotated_at", "created_at", "updated_at"]
    list_select_related = ["source"]
    inlines = [MentionInline]


@admin.register(models.Actor)
class ActorAdmin(admin.ModelAdmin):
    list_display = ["name", "kind", "confirmed", "merged_into", "created_at"]
    list_filter = ["kind", "confirmed"]
    search_fields = ["name", "aliases__surface"]
    raw_id_fields = ["merged_into", "created_by"]


@admin.register(models.ActorAlias)
class ActorAliasAdmin(admin.ModelAdmin):
    list_display = ["surface", "actor", "language"]
    search_fields = ["surface", "normalised"]
    raw_id_fields = ["actor", "created_by"]


@admin.register(models.ActorRole)
class ActorRoleAdmin(admin.ModelAdmin):
    list_display = ["title", "actor", "article"]
    raw_id_fields = ["actor", "article"]


@admin.register(models.Mention)
class MentionAdmin(admin.ModelAdmin):
    list_display = ["text", "kind", "actor", "origin", "decision", "article"]
    list_filter = ["kind", "origin", "decision"]
    search_fields = ["text"]
    raw_id_fields = ["article", "actor", "decided_by"]


@admin.register(models.RejectedSurface)
class RejectedSurfaceAdmin(admin.ModelAdmin):
    list_display = ["normalised", "kind", "source", "created_by", "created_at"]
    raw_id_fields = ["created_by"]


@admin.register(models.Topic)
class TopicAdmin(admin.ModelAdmin):
    list_display = ["name_en", "name_fr", "slug", "iptc_code", "parent", "active"]
    list_filter = ["active"]
    search_fields = ["name_en", "name_fr", "slug"]
    prepopulated_fields = {"slug": ["name_en"]}


@admin.register(models.ArticleTopic)
class ArticleTopicAdmin(admin.ModelAdmin):
    list_display = ["article", "topic", "score", "origin", "decision"]
    list_filter = ["topic", "origin", "decision"]
    raw_id_fields = ["article", "decided_by"]


@admin.register(models.Quote)
class QuoteAdmin(admin.ModelAdmin):
    list_display = ["text", "speaker", "kind", "origin", "decision"]
    raw_id_fields = ["article", "speaker", "decided_by"]


@admin.register(models.ReviewEvent)
class ReviewEventAdmin(admin.ModelAdmin):
    list_display = ["created_at", "user", "action", "target", "article"]
    list_filter = ["action"]
    raw_id_fields = ["article", "user"]

    # The log is append-only, here too.
    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(models.ApiToken)
class ApiTokenAdmin(admin.ModelAdmin):
    list_display = ["user", "label", "created_at", "last_used_at"]
    readonly_fields = ["digest", "created_at", "last_used_at"]
    raw_id_fields = ["user"]


class ReadOnlyAdmin(admin.ModelAdmin):
    """Records the application writes and reads back (an undo, a progress bar): shown, never edited here."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(models.ActorMerge)
class ActorMergeAdmin(ReadOnlyAdmin):
    list_display = ["merged", "survivor", "created_by", "created_at", "undone_at"]
    list_select_related = ["merged", "survivor", "created_by"]


@admin.register(models.DuplicateDismissal)
class DuplicateDismissalAdmin(ReadOnlyAdmin):
    """Deleting one suggests the pair again."""

    list_display = ["low", "high", "created_by", "created_at"]
    list_select_related = ["low", "high", "created_by"]


@admin.register(models.ReannotationJob)
class ReannotationJobAdmin(ReadOnlyAdmin):
    list_display = ["reason", "created_by", "created_at"]


@admin.register(models.SearchDocument)
class SearchDocumentAdmin(ReadOnlyAdmin):
    """Written by the application (``articles.services.search``); deleting one is made good within a minute."""

    list_display = ["article"]
    list_select_related = ["article"]
    raw_id_fields = ["article"]
