from django.contrib import admin

from sources.models import Feed, FeedItem, FeedPoll, HostTurn


@admin.register(Feed)
class FeedAdmin(admin.ModelAdmin):
    list_display = ["source", "url", "feed_url", "active", "last_polled_at", "last_success_at", "consecutive_failures"]
    list_filter = ["active"]
    search_fields = ["source__name", "url", "feed_url"]
    raw_id_fields = ["source", "created_by"]


@admin.register(FeedItem)
class FeedItemAdmin(admin.ModelAdmin):
    list_display = ["title", "feed", "state", "text", "created_at"]
    list_filter = ["state", "text"]
    search_fields = ["title", "guid", "url"]
    raw_id_fields = ["feed", "article"]


@admin.register(FeedPoll)
class FeedPollAdmin(admin.ModelAdmin):
    list_display = ["feed", "started_at", "outcome", "items_seen", "items_new", "items_failed"]
    list_filter = ["outcome"]
    raw_id_fields = ["feed"]


@admin.register(HostTurn)
class HostTurnAdmin(admin.ModelAdmin):
    list_display = ["host", "busy_until", "next_at"]
    search_fields = ["host"]
