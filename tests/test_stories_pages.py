"""The stories pages: the list, one story's articles by time, and an editor's corrections."""

from datetime import UTC, datetime

import pytest
from django.urls import reverse

from articles.models import Article, ReviewEvent, StoryOrigin
from stories.models import Story
from stories.services import story_assign
from tests.test_stories import FLOOD_1, FLOOD_2, FLOOD_FR, LAUNCH, annotated

pytestmark = pytest.mark.django_db


@pytest.fixture
def flood():
    """One story told by three outlets in two languages (the French one first), and another story."""
    articles = [
        annotated(*FLOOD_1, ["Ilse Varga", "Brenwick"], source="Daily A",
                  published_at=datetime(2026, 3, 3, 9, tzinfo=UTC)),
        annotated(*FLOOD_FR, ["Ilse Varga", "Brenwick"], source="Le Quotidien", language="fr",
                  published_at=datetime(2026, 3, 3, 7, tzinfo=UTC)),
        annotated(*FLOOD_2, ["Ilse Varga", "Brenwick"], source="Daily B",
                  published_at=datetime(2026, 3, 4, 8, tzinfo=UTC)),
        annotated(*LAUNCH, ["Tomas Hale", "Kestrel Devices"], source="Daily A",
                  published_at=datetime(2026, 3, 4, 10, tzinfo=UTC)),
    ]
    for article in articles:
        story_assign(article_id=article.id)
    return [Article.objects.get(id=a.id) for a in articles]


def test_the_list_shows_each_story_with_its_coverage(editor_client, flood):
    page = editor_client.get(reverse("stories:list")).content.decode()
    story = flood[0].story
    assert story == flood[1].story == flood[2].story != flood[3].story
    assert f'href="/stories/{story.id}"' in page and "3 outlets · 3 articles · en, fr" in page
    assert "2 stories" in page
    french_only = editor_client.get(reverse("stories:list"), {"language": "fr"}).content.decode()
    assert f'href="/stories/{story.id}"' in french_only and f'href="/stories/{flood[3].story_id}"' not in french_only
    # Filters that do not parse are off, not errors.
    assert editor_client.get(reverse("stories:list"), {"from": "9999-99-99", "page": "x" * 40}).status_code == 200


def test_a_story_lists_its_articles_first_to_report_first(editor_client, flood):
    page = editor_client.get(reverse("stories:detail", args=[flood[0].story_id])).content.decode()
    rows = page.split("<tbody>")[1]
    titles = [FLOOD_FR[0], FLOOD_1[0], FLOOD_2[0]]
    assert [rows.index(title) for title in titles] == sorted(rows.index(title) for title in titles)
    first_row = page.split(f'id="story-article-{flood[1].id}"')[1].split("</tr>")[0]
    assert "first to report" in first_row and rows.count("first to report") == 1
    assert "Ilse Varga" in page  # a key actor


def test_an_editor_renames_takes_out_and_merges(editor_client, editor, flood):
    story = flood[0].story
    editor_client.post(reverse("stories:rename", args=[story.id]), {"title": "Brenwick under water"})
    assert Story.objects.get(id=story.id).title == "Brenwick under water"

    response = editor_client.post(reverse("stories:take-out", args=[story.id]), {"article": flood[2].id})
    assert response.status_code == 302 and response.url == reverse("stories:detail", args=[story.id])
    alone = Article.objects.get(id=flood[2].id)
    assert alone.story_id != story.id and alone.story_origin == StoryOrigin.EDITOR
    assert ReviewEvent.objects.filter(article=alone, action="story_move", user=editor).exists()

    response = editor_client.post(reverse("stories:merge", args=[alone.story_id]), {"into": story.id})
    assert response.url == reverse("stories:detail", args=[story.id])
    assert Article.objects.get(id=flood[2].id).story_id == story.id
    # The machine keeps what the editor decided: assigning again leaves it where it was put.
    story_assign(article_id=flood[2].id)
    assert Article.objects.get(id=flood[2].id).story_id == story.id


def test_an_article_not_in_the_story_and_bad_ids_are_refused_with_a_message(editor_client, flood):
    story = flood[0].story
    response = editor_client.post(reverse("stories:take-out", args=[story.id]), {"article": flood[3].id},
                                  follow=True)
    assert "no longer in this story" in response.content.decode()
    assert Article.objects.get(id=flood[3].id).story_id == flood[3].story_id
    assert editor_client.post(reverse("stories:merge", args=[story.id]), {"into": "abc"}).status_code == 400
    response = editor_client.post(reverse("stories:merge", args=[story.id]), {"into": story.id}, follow=True)
    assert "cannot be merged into itself" in response.content.decode()


def test_viewers_read_stories_but_cannot_change_them(viewer_client, flood):
    story = flood[0].story
    page = viewer_client.get(reverse("stories:detail", args=[story.id])).content.decode()
    assert FLOOD_1[0] in page and "Take out" not in page and "Merge" not in page
    assert viewer_client.post(reverse("stories:rename", args=[story.id]), {"title": "X"}).status_code == 403
    assert viewer_client.post(reverse("stories:take-out", args=[story.id]), {"article": flood[0].id}
                              ).status_code == 403
    assert Story.objects.get(id=story.id).title != "X"


def test_stories_need_a_login(client, flood):
    response = client.get(reverse("stories:list"))
    assert response.status_code == 302 and "/accounts/login/" in response.url


def test_the_review_page_links_to_the_article_s_story(editor_client, flood):
    story = flood[0].story
    page = editor_client.get(reverse("articles:detail", args=[flood[0].id])).content.decode()
    assert f'href="/stories/{story.id}"' in page and "3 outlets" in page
    alone = editor_client.get(reverse("articles:detail", args=[flood[3].id])).content.decode()
    assert "/stories/" not in alone.split("<main", 1)[1]  # a story of one article is not worth a link


def test_an_editor_splits_a_story_in_two_and_the_machine_keeps_it(editor_client, editor, flood):
    story = flood[0].story
    page = reverse("stories:detail", args=[story.id])
    assert 'form="story-split"' in editor_client.get(page).content.decode()
    response = editor_client.post(reverse("stories:split", args=[story.id]), {"article": [flood[0].id, flood[2].id]})
    moved = Article.objects.get(id=flood[0].id)
    assert response.url == reverse("stories:detail", args=[moved.story_id])
    assert moved.story_id != story.id and Article.objects.get(id=flood[2].id).story_id == moved.story_id
    assert Article.objects.get(id=flood[1].id).story_id == story.id
    assert (Story.objects.get(id=story.id).article_count, Story.objects.get(id=moved.story_id).article_count) == (1, 2)
    assert ReviewEvent.objects.filter(action="story_move", user=editor).count() == 2
    story_assign(article_id=flood[0].id)
    assert Article.objects.get(id=flood[0].id).story_id == moved.story_id


@pytest.mark.parametrize("chosen", ["none", "all", "other story"])
def test_a_split_of_nothing_everything_or_another_story_s_article_is_refused(editor_client, flood, chosen):
    story = flood[0].story
    ids = {"none": [], "all": [a.id for a in flood[:3]], "other story": [flood[0].id, flood[3].id]}[chosen]
    response = editor_client.post(reverse("stories:split", args=[story.id]), {"article": ids}, follow=True)
    assert response.status_code == 200
    assert "Tick the articles" in response.content.decode() or "Leave at least one" in response.content.decode()
    assert set(Article.objects.filter(id__in=[a.id for a in flood[:3]]).values_list("story_id", flat=True)) == {
        story.id}
