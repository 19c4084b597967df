"""The registry learns from corrections, through a real worker: a name an editor
added is found in the next article, a rejected surface is not suggested again
(everywhere or for one source), a kind correction sticks, titles editors keep
inside person mentions become the desk's convention, and "apply to past
articles" re-annotates without touching editor decisions."""

import pytest

from articles.models import Article, Decision, Mention, Origin, ReannotationJob
from articles.nlp.types import TITLES_IN_PERSONS
from articles.services import actors as registry
from articles.services import review
from articles.services.ingest import article_create
from tests.conftest import make_user, wait_annotated, wait_for

pytestmark = [pytest.mark.worker, pytest.mark.embedded, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def editor(worker):
    return make_user("learning-editor", "editor")


def paste(body, worker, source=""):
    article = article_create(body=body, title=body[:40], language="fr", source_name=source).article
    [article] = wait_annotated([article.id], worker=worker)
    assert article.status == Article.Status.ANNOTATED, article.last_error
    return article


def found(article):
    return {(m.text, m.kind) for m in Mention.objects.filter(article=article).exclude(decision=Decision.REJECTED)}


def test_a_name_an_editor_added_is_found_in_the_next_article(worker, editor):
    first = paste("Les militants ont rejoint le mouvement Terre de liens hier soir à Lyon.", worker)
    assert ("Terre de liens", "organisation") not in found(first), "the model alone misses it"
    partial = Mention.objects.filter(article=first, text="Terre").first()
    if partial is not None:
        review.mention_decide(mention=partial, user=editor, decision=Decision.REJECTED, expected_version=first.version)
        first.refresh_from_db()
    review.mentions_add_by_text(article=first, user=editor, text="Terre de liens", kind="organisation",
                                expected_version=first.version)

    second = paste("Le mouvement Terre de liens a racheté trois fermes en Bretagne cette année.", worker)

    mention = Mention.objects.get(article=second, text="Terre de liens")
    assert (mention.kind, mention.origin) == ("organisation", Origin.RULE)
    assert mention.actor.name == "Terre de liens" and mention.actor.confirmed


def test_a_rejected_surface_is_not_suggested_again_where_the_editor_chose(worker, editor):
    desk, other = "Le Desk", "L'Autre Quotidien"
    first = paste("Hier, Amazonie a été évoquée par le président à Brasilia.", worker, source=desk)
    wrong = Mention.objects.get(article=first, text="Amazonie")
    review.mention_decide(mention=wrong, user=editor, decision=Decision.REJECTED, expected_version=first.version,
                          forget="source")

    same_source = paste("Amazonie : le président a promis des mesures à Brasilia.", worker, source=desk)
    other_source = paste("Amazonie : le gouvernement a annoncé des mesures à Brasilia.", worker, source=other)

    assert "Amazonie" not in {text for text, _ in found(same_source)}
    assert "Amazonie" in {text for text, _ in found(other_source)}
    assert "Brasilia" in {text for text, _ in found(same_source)}, "only the rejected surface is left out"

    other_source.refresh_from_db()
    review.mention_decide(mention=Mention.objects.get(article=other_source, text="Amazonie"), user=editor,
                          decision=Decision.REJECTED, expected_version=other_source.version, forget="everywhere")
    anywhere = paste("Amazonie : des scientifiques alertent sur la déforestation depuis Manaus.", worker)
    assert "Amazonie" not in {text for text, _ in found(anywhere)}


def test_a_kind_correction_is_learned(worker, editor):
    first = paste("Le collectif Bouillon de Culture a organisé une réunion à Lyon avec la mairie.", worker)
    wrong = Mention.objects.get(article=first, text="Bouillon de Culture")
    assert wrong.kind == "person", "the model's mistake this test corrects"
    review.mention_relabel(mention=wrong, user=editor, kind="organisation", expected_version=first.version)

    second = paste("Selon Bouillon de Culture, la participation à la fête a doublé cette année à Lyon.", worker)

    assert ("Bouillon de Culture", "organisation") in found(second)
    assert ("Bouillon de Culture", "person") not in found(second)


def test_apply_to_past_articles_changes_suggestions_and_keeps_decisions(worker, editor):
    chief = make_user("learning-chief", "chief editor")
    past = paste("Hier, Amazonie a été évoquée par le président à Brasilia, puis à Manaus.", worker)
    kept = Mention.objects.get(article=past, text="Brasilia")
    review.mention_decide(mention=kept, user=editor, decision=Decision.ACCEPTED, expected_version=past.version)
    assert Mention.objects.filter(article=past, text="Amazonie", decision=Decision.PENDING).exists()

    today = paste("Amazonie : le président a promis des mesures.", worker)
    review.mention_decide(mention=Mention.objects.get(article=today, text="Amazonie"), user=editor,
                          decision=Decision.REJECTED, expected_version=today.version, forget="everywhere")
    rejected = registry.surface_reject(surface="Amazonie", user=editor)

    job = registry.reannotation_start(article_ids=registry.articles_affected(surfaces=[rejected.surface]),
                                      reason="Amazonie rejected", user=chief)
    assert sorted(job.article_ids) == sorted([past.id, today.id])
    wait_for(lambda: ReannotationJob.objects.get(id=job.id).progress() == (2, 2), worker=worker,
             what="the re-annotation job to finish")

    assert not Mention.objects.filter(article=past, text="Amazonie").exists()
    brasilia = Mention.objects.get(article=past, text="Brasilia")
    assert (brasilia.id, brasilia.decision, brasilia.decided_by) == (kept.id, Decision.ACCEPTED, editor)
    assert Mention.objects.get(article=today, text="Amazonie").decision == Decision.REJECTED
    assert ("Manaus", "place") in found(past), "the other suggestions come back"


def keep_the_title_inside(article, editor, name, title):
    """What an editor of a desk that writes titles inside does: the model's name rejected here, the title and
    name added."""
    suggested = Mention.objects.get(article=article, text=name)
    review.mention_decide(mention=suggested, user=editor, decision=Decision.REJECTED, expected_version=article.version)
    article.refresh_from_db()
    review.mentions_add_by_text(article=article, user=editor, text=f"{title} {name}", kind="person",
                                expected_version=article.version)


def test_titles_kept_inside_by_editors_are_inside_the_next_articles_person_mentions(worker, editor):
    people = (("ministre", "Pierre Lefèvre"), ("président", "Marc Dubois"), ("M.", "Henri Garnier"))
    for title, name in people:
        article = paste(f"Hier soir, le {title} {name} a inauguré la nouvelle médiathèque de Rennes.", worker)
        assert (name, "person") in found(article), "the title stays outside by default"
        keep_the_title_inside(article, editor, name, title)

    later = paste("La sénatrice Claire Morel a rencontré les agriculteurs de la Creuse lundi.", worker)
    assert ("sénatrice Claire Morel", "person") in found(later)

    registry.convention_stop(name=TITLES_IN_PERSONS, user=make_user("learning-chief", "chief editor"))
    stopped = paste("Le député Louis Mercier a rencontré les viticulteurs de la Gironde mardi.", worker)
    assert ("Louis Mercier", "person") in found(stopped)
