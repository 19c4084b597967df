from django.urls import path

from stories import views

app_name = "stories"

urlpatterns = [
    path("stories/", views.story_list, name="list"),
    path("stories/<id:story_id>", views.story_detail, name="detail"),
    path("stories/<id:story_id>/rename", views.story_rename, name="rename"),
    path("stories/<id:story_id>/take-out", views.article_take_out, name="take-out"),
    path("stories/<id:story_id>/merge", views.story_merge, name="merge"),
    path("stories/<id:story_id>/split", views.story_split, name="split"),
]
