from django.contrib import admin
from django.contrib.admin.widgets import AdminURLFieldWidget
from django.contrib.auth.admin import UserAdmin
from django.contrib.auth.models import Group, User
from django.core.exceptions import ValidationError

from articles import models
from articles.forms import WebURLField
from pressreview.inputs import MAX_ID


class ModelAdmin(admin.ModelAdmin):
    """The admin, answering values from the address bar that Django's admin fails on with a 500."""

    def get_changeform_initial_data(self, request):
        # ?published_at=abc prefills the add form; the date-time widget cannot draw a string.
        initial = super().get_changeform_initial_data(request)
        fields = self.get_form(request).base_fields
        return {name: value for name, value in initial.items() if name in fields and _cleans(fields[name], value)}

    def get_object(self, request, object_id, from_field=None):
        # A primary key that is a relation (SearchDocument.article) has no overflow guard: SQLite fails on 10**20.
        if str(object_id).isdigit() and int(str(object_id)[:20]) > MAX_ID:
            return None
        return super().get_object(request, object_id, from_field)


def _cleans(field, value) -> bool:
    try:
        field.clean(value)
    except (ValidationError, ValueError, TypeError):
        return False
    return True


@admin.register(models.Source)
class SourceAdmin(ModelAdmin):
    list_display = ["name", "domain", "country", "language"]
    search_fields = ["name", "domain"]


class MentionInline(admin.TabularInline):
    model = models.Mention
    extra = 0
    raw_id_fields = ["actor", "decided_by"]
    fields = ["start", "end", "text", "kind", "actor", "origin", "decision"]


@admin.register(models.Article)
class ArticleAdmin(ModelAdmin):
    list_display = ["title", "source", "language", "status", "review_state", "attempts", "created_at"]
    list_filter = ["status", "review_state", "language", "source"]
    search_fields = ["title", "url"]
    raw_id_fields = ["created_by"]
    # The crop is an editor decision taken on the review page (with its history and undo), not here.
    readonly_fields = ["content_hash", "pipeline_version", "annotated_at", "created_at", "updated_at", "crop_start",
                       "crop_end"]
    list_select_related = ["source"]
    inlines = [MentionInline]

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        if db_field.name == "url":  # the same check as every other way in, not URLField's (which takes ftp://)
            return WebURLField(label=db_field.verbose_name, max_length=db_field.max_length, required=False,
                               assume_scheme="https", widget=AdminURLFieldWidget)
        return super().formfield_for_dbfield(db_field, request, **kwargs)


@admin.register(models.Actor)
class ActorAdmin(ModelAdmin):
    list_display = ["name", "kind", "confirmed", "merged_into", "created_at"]
    list_filter = ["kind", "confirmed"]
    search_fields = ["name", "aliases__surface"]
    raw_id_fields = ["merged_into", "created_by"]


@admin.register(models.ActorAlias)
class ActorAliasAdmin(ModelAdmin):
    list_display = ["surface", "actor", "language"]
    search_fields = ["surface", "normalised"]
    raw_id_fields = ["actor", "created_by"]


@admin.register(models.ActorRole)
class ActorRoleAdmin(ModelAdmin):
    list_display = ["title", "actor", "article"]
    raw_id_fields = ["actor", "article"]


@admin.register(models.Mention)
class MentionAdmin(ModelAdmin):
    list_display = ["text", "kind", "actor", "origin", "decision", "article"]
    list_filter = ["kind", "origin", "decision"]
    search_fields = ["text"]
    raw_id_fields = ["article", "actor", "decided_by"]


@admin.register(models.RejectedSurface)
class RejectedSurfaceAdmin(ModelAdmin):
    list_display = ["normalised", "kind", "source", "created_by", "created_at"]
    raw_id_fields = ["created_by"]


@admin.register(models.ConventionOff)
class ConventionOffAdmin(ModelAdmin):
    list_display = ["name", "created_by", "created_at"]
    raw_id_fields = ["created_by"]


@admin.register(models.Topic)
class TopicAdmin(ModelAdmin):
    list_display = ["name_en", "name_fr", "slug", "iptc_code", "parent", "thresholds", "active"]
    list_filter = ["active"]
    search_fields = ["name_en", "name_fr", "slug"]
    prepopulated_fields = {"slug": ["name_en"]}


@admin.register(models.ArticleTopic)
class ArticleTopicAdmin(ModelAdmin):
    list_display = ["article", "topic", "score", "origin", "decision"]
    list_filter = ["topic", "origin", "decision"]
    raw_id_fields = ["article", "decided_by"]


class QuoteSpeakerInline(admin.TabularInline):
    model = models.QuoteSpeaker
    extra = 0
    raw_id_fields = ["actor"]
    fields = ["position", "actor"]


@admin.register(models.Quote)
class QuoteAdmin(ModelAdmin):
    list_display = ["text", "speaker", "kind", "origin", "decision"]
    raw_id_fields = ["article", "speaker", "decided_by"]
    inlines = [QuoteSpeakerInline]


@admin.register(models.ReviewEvent)
class ReviewEventAdmin(ModelAdmin):
    list_display = ["created_at", "user", "action", "target", "article"]
    list_filter = ["action"]
    raw_id_fields = ["article", "user"]

    # The log is append-only, here too.
    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(models.ApiToken)
class ApiTokenAdmin(ModelAdmin):
    list_display = ["user", "label", "created_at", "last_used_at"]
    readonly_fields = ["digest", "created_at", "last_used_at"]
    raw_id_fields = ["user"]


class ReadOnlyAdmin(ModelAdmin):
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


admin.site.unregister(User)


@admin.register(User)
class AccountAdmin(UserAdmin):
    """Accounts, for the admin role, with no way up: only a superuser grants superuser status,
    direct permissions or the admin role, or edits a superuser or another admin.

    A staff member who is not a superuser may change a user only if every group of that user is
    one they could grant (a group other than "admin" whose permissions they hold themselves), and
    in their own account changes neither their groups nor their flags.
    """

    def grantable_groups(self, request):
        if request.user.is_superuser:
            return Group.objects.all()
        held = request.user.get_all_permissions()
        ids = [group.id for group in Group.objects.exclude(name="admin").prefetch_related("permissions__content_type")
               if all(f"{p.content_type.app_label}.{p.codename}" in held for p in group.permissions.all())]
        return Group.objects.filter(id__in=ids)

    def _outranks(self, request, user) -> bool:
        """True if ``user`` holds more than the requesting non-superuser could grant."""
        if user.is_superuser or user.user_permissions.exists():
            return True
        return user.groups.exclude(id__in=self.grantable_groups(request)).exists()

    def _may_edit(self, request, obj) -> bool:
        return request.user.is_superuser or obj is None or obj.pk == request.user.pk or not self._outranks(request, obj)

    def has_change_permission(self, request, obj=None):
        return super().has_change_permission(request, obj) and self._may_edit(request, obj)

    def has_delete_permission(self, request, obj=None):
        return super().has_delete_permission(request, obj) and self._may_edit(request, obj)

    def get_readonly_fields(self, request, obj=None):
        fields = list(super().get_readonly_fields(request, obj))
        if not request.user.is_superuser:
            fields += ["is_superuser", "user_permissions"]
            if obj is not None and obj.pk == request.user.pk:
                fields += ["is_staff", "is_active", "groups"]
        return fields

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        if db_field.name == "groups":
            kwargs["queryset"] = self.grantable_groups(request)
        return super().formfield_for_manytomany(db_field, request, **kwargs)
