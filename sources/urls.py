from django.urls import path

from sources import views

app_name = "sources"

urlpatterns = [
    path("sources/", views.source_list, name="list"),
    path("sources/add", views.source_add, name="add"),
    path("sources/<id:feed_id>", views.source_detail, name="detail"),
    path("sources/<id:feed_id>/active", views.source_active, name="active"),
    path("sources/<id:feed_id>/poll", views.source_poll, name="poll"),
]
