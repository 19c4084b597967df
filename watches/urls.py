from django.urls import path

from watches import views

app_name = "watches"

urlpatterns = [
    path("watches/", views.watch_list, name="list"),
    path("watches/add", views.watch_add, name="add"),
    path("watches/<id:watch_id>/delete", views.watch_delete, name="delete"),
    path("watches/<id:watch_id>/mail", views.watch_mail, name="mail"),
    path("watches/searches/add", views.search_save, name="search-save"),
    path("watches/searches/<id:search_id>/delete", views.search_delete, name="search-delete"),
    path("notifications/", views.notification_list, name="notifications"),
    path("notifications/bell", views.bell, name="bell"),
    path("notifications/read-all", views.notifications_read_all, name="read-all"),
    path("notifications/<id:notification_id>/read", views.notification_read, name="read"),
]
