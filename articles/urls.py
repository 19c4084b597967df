from django.urls import path

from articles import views

app_name = "articles"

urlpatterns = [
    path("", views.article_list, name="list"),
    path("articles/new", views.article_new, name="new"),
    path("articles/<int:article_id>", views.article_detail, name="detail"),
    path("articles/<int:article_id>/retry", views.article_retry, name="retry"),
]
