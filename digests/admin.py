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
    readonly_fields = ["token", "public_token", "snapshot", "published_at", "published_by", "created_at", "updated_at"]
    inlines = [DigestSectionInline, DigestItemInline]


@admin.register(models.ExportJob)
class ExportJobAdmin(ModelAdmin):
    list_display = ["id", "digest", "format", "status", "progress_done", "progress_total", "created_at", "finished_at"]
    list_filter = ["status", "format"]
    raw_id_fields = ["digest", "created_by"]


@admin.register(models.DistributionList)
class DistributionListAdmin(admin.ModelAdmin):
    list_display = ["name", "created_at"]
    search_fields = ["name"]


@admin.register(models.Recipient)
class RecipientAdmin(admin.ModelAdmin):
    list_display = ["email", "name", "language", "unsubscribed_at", "bounced_at"]
    list_filter = ["lists", "language"]
    search_fields = ["email", "name"]
    filter_horizontal = ["lists"]
    # Unsubscribing is the recipient's decision: the admin shows it and never clears it. A bounce is
    # cleared on the list's page (digests.delivery.recipient_bounce_clear).
    readonly_fields = ["token", "unsubscribed_at", "bounced_at", "bounce_reason", "created_at"]


@admin.register(models.Delivery)
class DeliveryAdmin(admin.ModelAdmin):
    list_display = ["email", "digest", "state", "attempts", "sent_at", "error"]
    list_filter = ["state"]
    search_fields = ["email"]
    raw_id_fields = ["digest", "recipient", "created_by"]
    # States change through the delivery services only (the exactly-once rule).
    readonly_fields = ["digest", "recipient", "email", "state", "attempts", "error", "message_id", "return_token",
                       "created_by", "created_at", "queued_at", "next_attempt_at", "started_at", "sent_at"]

    def has_add_permission(self, request):
        return False


@admin.register(models.Bounce)
class BounceAdmin(admin.ModelAdmin):
    """The reports read from the bounce mailbox, as they came (digests.bounces)."""

    list_display = ["delivery", "kind", "status", "reason", "received_at"]
    list_filter = ["kind"]
    search_fields = ["delivery__email", "status", "reason"]
    raw_id_fields = ["delivery"]
    readonly_fields = ["delivery", "kind", "status", "action", "reason", "mailbox_key", "received_at"]

    def has_add_permission(self, request):
        return False


@admin.register(models.Schedule)
class ScheduleAdmin(admin.ModelAdmin):
    list_display = ["distribution_list", "weekdays", "time", "timezone", "enabled", "last_run_at", "last_digest"]
    list_filter = ["enabled"]
    raw_id_fields = ["last_digest"]
    readonly_fields = ["last_run_at", "last_digest", "created_at"]


@admin.register(models.MailPace)
class MailPaceAdmin(admin.ModelAdmin):
    """The moment the next message may leave (all workers together); read-only."""

    list_display = ["id", "next_at"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
