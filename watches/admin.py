from django.contrib import admin

from watches.models import Notification, SavedSearch, Watch


@admin.register(SavedSearch)
class SavedSearchAdmin(admin.ModelAdmin):
    list_display = ("name", "owner", "shared", "created_at")
    list_filter = ("shared",)
    search_fields = ("name", "query")
    raw_id_fields = ("owner",)


@admin.register(Watch)
class WatchAdmin(admin.ModelAdmin):
    list_display = ("id", "user", "kind", "mail", "created_at")
    list_filter = ("kind", "mail")
    raw_id_fields = ("user", "actor", "topic", "source", "story", "search")


@admin.register(Notification)
class NotificationAdmin(admin.ModelAdmin):
    """Machine output: shown, not edited (a user reads it on the notifications page)."""

    list_display = ("id", "user", "article", "reason", "created_at", "read_at", "mailed_at")
    list_filter = ("reason", "mail")
    raw_id_fields = ("user", "watch", "article", "story")
    readonly_fields = ("matched",)
