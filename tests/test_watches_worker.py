"""A real worker annotates pasted articles and notifies the users who watch what they name."""

import pytest

from articles.models import Actor, Article, Decision, Mention
from articles.services.actors import actor_alias_add
from articles.services.ingest import article_create, articles_requeue
from articles.services.review import mention_decide
from tests.conftest import make_user, wait_annotated, wait_for
from watches.models import Notification, Watch
from watches.services import watch_create

pytestmark = [pytest.mark.worker, pytest.mark.django_db(transaction=True)]

TITLE = "Brenwick floods"
BODY = ("The river Arle burst its banks in Brenwick on Tuesday night, flooding two hundred homes. "
        "Mayor Ilse Varga opened the sports hall to families forced from their houses. "
        "\"The water rose faster than anyone expected,\" Ilse Varga said.")


def watched_mayor(user, mail=Watch.Mail.NONE) -> Actor:
    mayor = Actor.objects.create(name="Ilse Varga", kind="person", key=Actor.key_for("Ilse Varga", "person"),
                                 confirmed=True)
    actor_alias_add(actor=mayor, surface="Ilse Varga", user=user, language="en")
    watch_create(user=user, kind="actor", target_id=mayor.id, mail=mail)
    return mayor


def notification_for(user, article_id, worker):
    return wait_for(lambda: Notification.objects.filter(user=user, article_id=article_id).first(), timeout=60,
                    worker=worker, what=f"a notification of article {article_id}")


def article_in_story(article_id) -> bool:
    return Article.objects.filter(id=article_id, story__isnull=False).exists()


def test_the_worker_notifies_the_watcher_of_an_actor_a_pasted_article_quotes(worker):
    viewer = make_user("vi", "viewer")
    mayor = watched_mayor(viewer)
    article = article_create(title=TITLE, body=BODY, language="en").article
    [article] = wait_annotated([article.id], worker=worker)
    note = notification_for(viewer, article.id, worker)
    assert Mention.objects.filter(article=article, actor=mayor).exists()
    assert note.watch.actor_id == mayor.id and note.read_at is None


def test_a_rejected_mention_withdraws_the_notification_and_reannotation_does_not_bring_it_back(worker):
    viewer, editor = make_user("vi", "viewer"), make_user("ed", "editor")
    mayor = watched_mayor(viewer)
    article = article_create(title=TITLE, body=BODY, language="en").article
    [article] = wait_annotated([article.id], worker=worker)
    notification_for(viewer, article.id, worker)
    first = Mention.objects.filter(article=article, actor=mayor).first()
    mention_decide(mention=first, user=editor, decision=Decision.REJECTED, expected_version=article.version,
                   everywhere=True)
    assert not Notification.objects.filter(user=viewer).exists()

    articles_requeue(article_ids=[article.id])
    wait_annotated([article.id], worker=worker)
    wait_for(lambda: article_in_story(article.id), timeout=60, worker=worker, what="the story after re-annotation")
    assert not Mention.objects.filter(article=article, actor=mayor).exclude(decision=Decision.REJECTED).exists()
    assert not Notification.objects.filter(user=viewer).exists()


def test_an_immediate_watch_sends_an_e_mail_through_the_mail_machinery(worker, smtp_server):
    viewer = make_user("vi", "viewer")
    viewer.email = "vi@newsroom.example"
    viewer.save()
    watched_mayor(viewer, mail=Watch.Mail.IMMEDIATE)
    article = article_create(title=TITLE, body=BODY, language="en").article
    wait_annotated([article.id], worker=worker)
    note = notification_for(viewer, article.id, worker)
    [message] = wait_for(lambda: smtp_server.received(), timeout=60, worker=worker, what="the alert e-mail")
    assert message["To"] == "vi@newsroom.example"
    assert TITLE in message["Subject"]
    assert f"/articles/{article.id}" in message.get_content()
    note.refresh_from_db()
    assert note.mailed_at is not None
