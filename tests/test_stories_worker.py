"""A real worker annotates posted articles and puts each in its story within seconds."""

import pytest

from articles.models import Article, StoryOrigin
from articles.services.ingest import article_create, articles_requeue
from stories.services import article_story_move
from tests.conftest import make_user, wait_annotated, wait_for

pytestmark = [pytest.mark.worker, pytest.mark.django_db(transaction=True)]

FLOOD = [
    ("River Arle floods Brenwick", "The river Arle burst its banks in Brenwick on Tuesday night, flooding two hundred "
     "homes in the old town. Mayor Ilse Varga opened the Brenwick sports hall to families forced from their houses. "
     "\"The water rose faster than anyone expected,\" Ilse Varga said."),
    ("Brenwick families spend night in sports hall", "Dozens of families from Brenwick slept in the sports hall after "
     "the river Arle flooded their homes. Mayor Ilse Varga said the water was slowly falling and that the Brenwick "
     "fire brigade was pumping out cellars in the old town."),
    ("Flood clean-up begins in Brenwick", "Residents of Brenwick began clearing mud from their homes on Thursday as "
     "the river Arle returned to its bed. Ilse Varga, the town's mayor, asked the regional government for help "
     "after the flood damaged two hundred homes."),
]
LAUNCH = ("Kestrel Devices unveils circuit board printer", "Kestrel Devices showed a desktop printer for circuit "
          "boards at a trade fair in Lund on Wednesday. Chief executive Tomas Hale said sales would begin in the "
          "spring and that the company had hired forty engineers in Lund.")


def wait_assigned(ids, worker):
    wait_annotated(ids, worker=worker)
    return wait_for(lambda: list(Article.objects.filter(id__in=ids, story__isnull=False).order_by("id"))
                    if Article.objects.filter(id__in=ids, story__isnull=False).count() == len(ids) else None,
                    timeout=60, worker=worker, what=f"articles {ids} to join a story")


def test_the_worker_puts_three_reports_of_one_event_in_one_story_and_another_event_apart(worker):
    ids = [article_create(title=title, body=body, language="en").article.id for title, body in [*FLOOD, LAUNCH]]
    *flood, launch = wait_assigned(ids, worker)
    assert {article.story_id for article in flood} == {flood[0].story_id}
    assert launch.story_id != flood[0].story_id
    assert flood[0].story.article_count == 3 and launch.story.article_count == 1


def test_a_moved_article_stays_in_its_story_after_reannotation(worker):
    editor = make_user("editor", "editor")
    ids = [article_create(title=title, body=body, language="en").article.id for title, body in FLOOD[:2]]
    first, second = wait_assigned(ids, worker)
    assert first.story_id == second.story_id
    new_story = article_story_move(article_id=second.id, story_id=None, user=editor)

    articles_requeue(article_ids=[second.id])
    wait_annotated([second.id], worker=worker)
    # A later article, assigned after the re-annotated one (one worker process, in order), reads like both.
    [third] = wait_assigned([article_create(title=FLOOD[2][0], body=FLOOD[2][1], language="en").article.id], worker)
    second.refresh_from_db()
    assert (second.story_id, second.story_origin) == (new_story.id, StoryOrigin.EDITOR)
    assert third.story_id in (first.story_id, new_story.id)
