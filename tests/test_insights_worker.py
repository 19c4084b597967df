"""A real worker keeps the insights counts current: after it annotates an article, and after an editor's decision."""

import pytest

from articles.models import Article, Decision, Mention
from articles.services import review
from articles.services.ingest import article_create
from insights.models import ArticleCount, DailyActorCount
from tests.conftest import make_user, wait_annotated, wait_for
from tests.test_insights import recount, snapshot

pytestmark = [pytest.mark.worker, pytest.mark.django_db(transaction=True)]

TEXT = ("Mayor Ilse Varga opened the Brenwick sports hall on Tuesday after the river Arle flooded the old town. "
        "Tomas Hale, who runs Kestrel Devices in Lund, sent forty engineers to help. \"We will rebuild,\" "
        "Ilse Varga said.")


def test_the_worker_counts_an_annotated_article_then_follows_a_rejection(worker):
    article_id = article_create(title="Brenwick floods", body=TEXT, language="en").article.id
    [article] = wait_annotated([article_id], worker=worker)
    assert article.status == Article.Status.ANNOTATED
    row = wait_for(lambda: ArticleCount.objects.filter(article_id=article_id).first(), timeout=60, worker=worker,
                   what="the article's counts")
    assert row.actors and snapshot() == recount()

    actor_id = row.actors[0]
    editor = make_user("ed", "editor")
    for mention in Mention.objects.filter(article_id=article_id, actor_id=actor_id):
        review.mention_decide(mention=mention, user=editor, decision=Decision.REJECTED,
                              expected_version=Article.objects.get(id=article_id).version)
    wait_for(lambda: not DailyActorCount.objects.filter(actor_id=actor_id).exists(), timeout=60, worker=worker,
             what="the rejected actor's counts to go")
    assert snapshot() == recount()
