from django.urls import path

from articles import views

app_name = "articles"

urlpatterns = [
    path("", views.article_list, name="list"),
    path("articles/new", views.article_new, name="new"),
    path("articles/bulk", views.articles_bulk, name="bulk"),
    path("articles/<int:article_id>", views.article_detail, name="detail"),
    path("articles/<int:article_id>/retry", views.article_retry, name="retry"),
    path("articles/<int:article_id>/reviewed", views.article_reviewed, name="reviewed"),
    path("articles/<int:article_id>/mentions", views.mention_add, name="mention-add"),
    path("articles/<int:article_id>/mentions/<int:mention_id>/decide", views.mention_decide, name="mention-decide"),
    path("articles/<int:article_id>/mentions/<int:mention_id>/kind", views.mention_kind, name="mention-kind"),
    path("articles/<int:article_id>/mentions/<int:mention_id>/link", views.mention_link, name="mention-link"),
    path("articles/<int:article_id>/mentions/<int:mention_id>/actors", views.actor_search, name="actor-search"),
    path("articles/<int:article_id>/topics", views.topic_add, name="topic-add"),
    path("articles/<int:article_id>/topics/<int:topic_id>/decide", views.topic_decide, name="topic-decide"),
]
