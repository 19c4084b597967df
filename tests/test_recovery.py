"""Nothing is lost: an article accepted while the broker is down, or left
"annotating" by a worker that died, is sent again by the sweeper."""

from datetime import timedelta

import pytest
from django.utils import timezone

from articles.models import Article
from articles.services import recovery
from articles.services.ingest import article_create
from tests.conftest import make_user, wait_annotated
from tests.factories import ArticleFactory

pytestmark = pytest.mark.django_db(transaction=True)


def test_an_article_accepted_while_the_broker_is_down_is_kept_and_queued(seeded, client, broker_down):
    editor = make_user("editor", "editor")
    client.force_login(editor)
    response = client.post("/articles/new", {"paste-title": "Panne", "paste-body": "Le serveur de file est en panne."})
    assert response.status_code == 302, "the editor's request does not fail"
    article = Article.objects.get(title="Panne")
    assert article.status == Article.Status.QUEUED


def test_the_sweeper_picks_only_stranded_articles(settings):
    now = timezone.now()
    old = now - timedelta(seconds=settings.SWEEP_QUEUED_AFTER + 5)
    long_ago = now - timedelta(seconds=settings.ANNOTATION_TIME_LIMIT * 4 + 30 + settings.SWEEP_ANNOTATING_GRACE + 5)

    def make(title, **fields):
        return ArticleFactory(title=title, body=title, **fields)

    lost = make("lost", status=Article.Status.QUEUED, queued_at=old)
    fresh = make("fresh", status=Article.Status.QUEUED, queued_at=now)
    dead = make("dead", status=Article.Status.ANNOTATING, queued_at=long_ago, claimed_at=long_ago)
    busy = make("busy", status=Article.Status.ANNOTATING, queued_at=long_ago, claimed_at=now)
    make("done", status=Article.Status.ANNOTATED, queued_at=long_ago)

    sent = recovery.articles_sweep(now=now)

    assert sorted(sent) == sorted([lost.id, dead.id])
    assert Article.objects.get(id=lost.id).queued_at == now, "stamped: not sent again before the next period"
    assert recovery.articles_sweep(now=now) == []
    assert fresh.id not in sent and busy.id not in sent


@pytest.mark.worker
@pytest.mark.embedded
def test_the_sweeper_gets_a_stranded_article_annotated(worker, settings):
    article = article_create(body="Gérald Darmanin est arrivé à Rabat mardi.", title="Oublié", enqueue=False).article
    Article.objects.filter(id=article.id).update(
        queued_at=timezone.now() - timedelta(seconds=settings.SWEEP_QUEUED_AFTER + 1))
    assert recovery.articles_sweep() == [article.id]
    [article] = wait_annotated([article.id], worker=worker)
    assert article.status == Article.Status.ANNOTATED and article.attempts == 1
