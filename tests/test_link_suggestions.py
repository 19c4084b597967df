"""The mention panel suggests the article's actors a mention may stand for, to link it in one step."""

import pytest
from django.urls import reverse

from articles.models import Actor, Article, Decision, Mention
from articles.nlp.names import names_alike
from articles.selectors import mention_link_suggestions

pytestmark = pytest.mark.django_db

BODY = ("La Commission européenne et l'Union européenne ont répondu à Lisbonne. Selon l'UE, la Commission "
        "restera prudente. Bruxelles et Lisbonne suivent. La capitale portugaise attend.")


def test_names_are_alike_by_a_significant_word_or_an_abbreviation():
    assert names_alike("UE", "Union européenne") and names_alike("Union européenne", "UE")
    assert names_alike("la Commission", "Commission européenne")
    assert not names_alike("Office des Postes", "Ministère des Armées")  # "des" says nothing
    assert not names_alike("Lisbonne", "Bruxelles")
    assert names_alike("l'UE", "Union européenne")


def test_an_institution_s_acronym_may_leave_out_its_generic_first_word_whatever_its_capitals():
    # "Organisation des Nations Unies": the press writes "Nations Unies" with capitals as often as not.
    assert names_alike("ONU", "Nations Unies", institution=True)
    assert names_alike("France Presse", "AFP", institution=True)
    # A person's name is written with capitals: three letters spelling two of its words are not its acronym.
    assert not names_alike("AFP", "Fabien Pelous")
    assert not names_alike("ONU", "Nations Unies")


@pytest.fixture
def article():
    article = Article.objects.create(title="Europe", body=BODY, content_hash="suggest", language="fr",
                                     status=Article.Status.ANNOTATED)
    for surface, kind, nth in [("Commission européenne", "organisation", 0), ("Union européenne", "organisation", 0),
                               ("UE", "organisation", 0), ("Commission", "organisation", 1),
                               ("Lisbonne", "place", 0), ("Lisbonne", "place", 1), ("Bruxelles", "place", 0),
                               ("capitale portugaise", "place", 0)]:
        actor, _ = Actor.objects.get_or_create(key=f"{surface}|{kind}", defaults={"name": surface, "kind": kind})
        start = BODY.index(surface) if nth == 0 else BODY.index(surface, BODY.index(surface) + 1)
        Mention.objects.create(article=article, start=start, end=start + len(surface), text=surface, kind=kind,
                               actor=actor)
    return article


def mention(article, text):
    return Mention.objects.filter(article=article, text=text).order_by("start").last()


def names(actors):
    return [actor.name for actor in actors]


def test_the_actors_alike_come_first_then_the_most_mentioned_of_the_kind(article):
    assert names(mention_link_suggestions(mention(article, "UE")))[0] == "Union européenne"
    assert names(mention_link_suggestions(mention(article, "Commission")))[0] == "Commission européenne"
    # Nothing alike: the article's most mentioned place; never the mention's own actor, nor another kind.
    assert names(mention_link_suggestions(mention(article, "capitale portugaise"))) == ["Lisbonne", "Bruxelles"]


def test_an_actor_only_rejected_in_the_article_is_not_suggested(article):
    Mention.objects.filter(article=article, text="Bruxelles").update(decision=Decision.REJECTED)
    assert names(mention_link_suggestions(mention(article, "capitale portugaise"))) == ["Lisbonne"]


def test_the_panel_offers_them_as_buttons_the_first_one_on_l(editor_client, article):
    capitale = mention(article, "capitale portugaise")
    html = editor_client.get(reverse("articles:detail", args=[article.id]), {"mention": capitale.id},
                             headers={"HX-Request": "true", "HX-Target": "mention-panel"}).content.decode()
    lisbonne = Actor.objects.get(name="Lisbonne")
    assert f'<button type="submit" name="actor" value="{lisbonne.id}" data-shortcut="l">Lisbonne' in html
    assert html.count('data-shortcut="l"') == 1
    # A search emptied gives them back.
    url = reverse("articles:actor-search", args=[article.id, capitale.id])
    assert "Lisbonne" in editor_client.get(url, {"q": ""}).content.decode()
    assert "Lisbonne" not in editor_client.get(url, {"q": "Bruxel"}).content.decode()
    editor_client.post(reverse("articles:mention-link", args=[article.id, capitale.id]),
                       {"actor": lisbonne.id, "version": article.version})
    capitale.refresh_from_db()
    assert (capitale.actor, capitale.decision) == (lisbonne, Decision.ACCEPTED)
