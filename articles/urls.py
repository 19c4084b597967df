from django.urls import path

from articles.views import actors
from articles.views import articles as views

app_name = "articles"

urlpatterns = [
    path("", views.article_list, name="list"),
    path("queue/actors", views.queue_actors, name="queue-actors"),
    path("articles/new", views.article_new, name="new"),
    path("articles/bulk", views.articles_bulk, name="bulk"),
    path("articles/<id:article_id>", views.article_detail, name="detail"),
    path("articles/mention-kinds.<str:language>.css", views.mention_kinds_css, name="mention-kinds-css"),
    path("articles/<id:article_id>/retry", views.article_retry, name="retry"),
    path("articles/<id:article_id>/details", views.article_edit, name="edit"),
    path("articles/<id:article_id>/crop", views.article_crop, name="crop"),
    path("articles/<id:article_id>/uncrop", views.article_uncrop, name="uncrop"),
    path("articles/<id:article_id>/reviewed", views.article_reviewed, name="reviewed"),
    path("articles/<id:article_id>/undo", views.decision_undo, name="undo"),
    path("articles/<id:article_id>/mentions", views.mention_add, name="mention-add"),
    path("articles/<id:article_id>/mentions/<id:mention_id>/decide", views.mention_decide, name="mention-decide"),
    path("articles/<id:article_id>/mentions/<id:mention_id>/kind", views.mention_kind, name="mention-kind"),
    path("articles/<id:article_id>/mentions/<id:mention_id>/link", views.mention_link, name="mention-link"),
    path("articles/<id:article_id>/mentions/<id:mention_id>/actors", views.actor_search, name="actor-search"),
    path("articles/<id:article_id>/quotes", views.quote_add, name="quote-add"),
    path("articles/<id:article_id>/quotes/<id:quote_id>/decide", views.quote_decide, name="quote-decide"),
    path("articles/<id:article_id>/quotes/<id:quote_id>/speaker", views.quote_speaker, name="quote-speaker"),
    path("articles/<id:article_id>/quotes/<id:quote_id>/span", views.quote_span, name="quote-span"),
    path("articles/<id:article_id>/topics", views.topic_add, name="topic-add"),
    path("articles/<id:article_id>/topics/<id:topic_id>/decide", views.topic_decide, name="topic-decide"),
    path("actors/", actors.actor_list, name="actors"),
    path("actors/duplicates", actors.duplicates, name="actor-duplicates"),
    path("actors/duplicates/resolve", actors.duplicate_resolve, name="actor-duplicate-resolve"),
    path("actors/learned", actors.learned, name="actors-learned"),
    path("actors/learned/rejected/<id:rejected_id>/remove", actors.rejected_remove, name="rejected-remove"),
    path("actors/reannotate", actors.reannotate, name="actors-reannotate"),
    path("actors/jobs/<id:job_id>", actors.job_progress, name="reannotation-job"),
    path("actors/merges/<id:merge_id>/undo", actors.merge_undo, name="merge-undo"),
    path("actors/<id:actor_id>", actors.actor_detail, name="actor"),
    path("actors/<id:actor_id>/edit", actors.actor_edit, name="actor-edit"),
    path("actors/<id:actor_id>/aliases", actors.alias_add, name="alias-add"),
    path("actors/<id:actor_id>/aliases/<id:alias_id>/remove", actors.alias_remove, name="alias-remove"),
    path("actors/<id:actor_id>/aliases/<id:alias_id>/split", actors.alias_split, name="alias-split"),
    path("actors/<id:actor_id>/merge", actors.actor_merge, name="actor-merge"),
    path("actors/<id:actor_id>/merge/candidates", actors.merge_candidates, name="merge-candidates"),
]
