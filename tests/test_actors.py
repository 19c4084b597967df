"""The actor registry: directory, actor page, merge / undo / split, suggested
duplicates, learned records and the roles that may touch them."""

import re
from datetime import UTC, datetime

import pytest
from django.urls import reverse

from articles import selectors
from articles.models import (
    Actor,
    ActorAlias,
    ActorMerge,
    ActorRole,
    Article,
    ArticleTopic,
    ConventionOff,
    Decision,
    Mention,
    Quote,
    ReannotationJob,
    RejectedSurface,
    ReviewEvent,
    Source,
    Topic,
)
from articles.nlp.types import TITLES_IN_PERSONS
from articles.services import actors as registry
from articles.services import review
from articles.services.actors import RegistryError
from articles.services.annotation import load_knowledge
from tests.conftest import make_user
from tests.factories import ArticleFactory, MentionFactory

pytestmark = pytest.mark.django_db


def actor(name, kind="organisation", confirmed=False, aliases=()):
    created = Actor.objects.create(name=name, kind=kind, key=Actor.key_for(name, kind), confirmed=confirmed)
    for surface in (name, *aliases):
        registry.alias_add(actor=created, surface=surface, user=None)
    return created


def article(body, title="Dépêche", published=None, source=None, status=Article.Status.ANNOTATED):
    return ArticleFactory(title=title, body=body, status=status, published_at=published, source=source)


def mention(article, surface, who, nth=0, decision=Decision.PENDING):
    return MentionFactory(article=article, surface=surface, nth=nth, actor=who, decision=decision)


@pytest.fixture
def chief(db):
    return make_user("chief", "chief editor")


@pytest.fixture
def chief_client(client, chief):
    client.force_login(chief)
    return client


@pytest.fixture
def agencies():
    """'AFP' and 'Agence France-Presse' as two actors, each in its own article."""
    full = actor("Agence France-Presse", confirmed=True)
    short = actor("AFP")
    first = article("Selon l'Agence France-Presse, le sommet aura lieu à Rabat.",
                    published=datetime(2024, 3, 1, tzinfo=UTC))
    second = article("L'AFP rapporte que Rabat accueillera le sommet. L'AFP cite un ministre.",
                     published=datetime(2024, 4, 2, tzinfo=UTC))
    mention(first, "Agence France-Presse", full)
    mention(second, "AFP", short)
    mention(second, "AFP", short, nth=1, decision=Decision.ACCEPTED)
    ActorRole.objects.create(actor=short, article=second, title="agence de presse")
    Quote.objects.create(article=second, start=0, end=10, text=second.body[:10], speaker=short)
    return full, short, first, second


# Merge, undo, split


def test_merge_moves_every_mention_alias_role_and_quote_to_the_survivor(agencies, chief):
    full, short, first, second = agencies
    version = Article.objects.get(id=second.id).version

    merge = registry.actor_merge(survivor=full, merged=short, user=chief)

    assert set(Mention.objects.filter(article=second).values_list("actor_id", flat=True)) == {full.id}
    assert set(full.aliases.values_list("normalised", flat=True)) == {"agence france-presse", "afp"}
    assert ActorRole.objects.get(title="agence de presse").actor_id == full.id
    assert Quote.objects.get().speaker_id == full.id
    short.refresh_from_db()
    assert short.merged_into_id == full.id
    assert merge.moved["mentions"] and len(merge.moved["mentions"]) == 2
    assert Article.objects.get(id=second.id).version == version + 1, "open review pages of the article are now stale"
    assert ReviewEvent.objects.filter(action="actor_merge", user=chief).exists()


def test_a_merged_actors_page_redirects_to_the_survivor(agencies, chief, chief_client):
    full, short, *_ = agencies
    registry.actor_merge(survivor=full, merged=short, user=chief)
    response = chief_client.get(reverse("articles:actor", args=[short.id]))
    assert response.status_code == 302
    assert response["Location"] == reverse("articles:actor", args=[full.id])


def test_undo_gives_back_what_the_merge_moved_but_keeps_later_relinks(agencies, chief):
    full, short, first, second = agencies
    merge = registry.actor_merge(survivor=full, merged=short, user=chief)
    other = actor("Reuters")
    relinked = Mention.objects.filter(article=second).order_by("start").last()
    relinked.actor = other
    relinked.save()

    registry.actor_merge_undo(merge=merge, user=chief)

    short.refresh_from_db()
    assert short.merged_into_id is None
    assert list(Mention.objects.filter(actor=short).values_list("text", flat=True)) == ["AFP"]
    assert Mention.objects.get(id=relinked.id).actor_id == other.id, "a relink made after the merge stays"
    assert list(short.aliases.values_list("normalised", flat=True)) == ["afp"]
    assert not full.aliases.filter(normalised="afp").exists()
    assert ActorRole.objects.get(title="agence de presse").actor_id == short.id
    assert Quote.objects.get().speaker_id == short.id
    merge.refresh_from_db()
    assert merge.undone_by == chief and merge.undone_at is not None
    with pytest.raises(RegistryError, match="already undone"):
        registry.actor_merge_undo(merge=merge, user=chief)


def test_undo_restores_an_alias_both_actors_had(chief):
    one = actor("Nations unies", aliases=["ONU"])
    two = actor("ONU")
    merge = registry.actor_merge(survivor=one, merged=two, user=chief)
    assert not ActorAlias.objects.filter(actor=two).exists()
    registry.actor_merge_undo(merge=merge, user=chief)
    assert list(two.aliases.values_list("surface", flat=True)) == ["ONU"]
    assert one.aliases.filter(normalised="onu").exists()


def test_merge_refuses_itself_a_merged_actor_and_another_kind(agencies, chief):
    full, short, *_ = agencies
    with pytest.raises(RegistryError, match="itself"):
        registry.actor_merge(survivor=full, merged=full, user=chief)
    place = actor("France", kind="place")
    with pytest.raises(RegistryError, match="change the kind"):
        registry.actor_merge(survivor=full, merged=place, user=chief)
    registry.actor_merge(survivor=full, merged=short, user=chief)
    with pytest.raises(RegistryError, match="already merged"):
        registry.actor_merge(survivor=place, merged=short, user=chief)


def test_split_makes_an_alias_its_own_actor_with_its_mentions(chief):
    both = actor("Macron", kind="person", aliases=["Brigitte Macron"])
    text = article("Brigitte Macron et Macron sont arrivés. Brigitte Macron a salué la foule.")
    mention(text, "Brigitte Macron", both)
    mention(text, "Brigitte Macron", both, nth=1)
    alone = Mention.objects.create(article=text, start=text.body.index("et Macron") + 3,
                                   end=text.body.index("et Macron") + 9, text="Macron", kind="person", actor=both)

    new = registry.actor_split(actor=both, alias=both.aliases.get(normalised="brigitte macron"), user=chief)

    assert new.name == "Brigitte Macron" and new.kind == "person" and new.confirmed
    assert Mention.objects.filter(actor=new).count() == 2
    assert Mention.objects.get(id=alone.id).actor_id == both.id
    assert list(new.aliases.values_list("surface", flat=True)) == ["Brigitte Macron"]
    with pytest.raises(RegistryError, match="actor's name"):
        registry.actor_split(actor=both, alias=both.aliases.get(normalised="macron"), user=chief)


# Suggested duplicates


def test_duplicates_are_suggested_by_acronym_name_and_surname():
    afp, agency = actor("AFP", confirmed=True), actor("Agence France-Presse", confirmed=True)
    onu, nations = actor("ONU", confirmed=True), actor("Nations unies", confirmed=True)
    short, full = (actor("Darmanin", kind="person", confirmed=True),
                   actor("Gérald Darmanin", kind="person", confirmed=True))
    emmanuel, brigitte = (actor("Emmanuel Macron", kind="person", confirmed=True),
                          actor("Brigitte Macron", kind="person", confirmed=True))
    accents, plain = (actor("États-Unis", kind="place", confirmed=True),
                      actor("Etats Unis", kind="place", confirmed=True))
    actor("AFP", kind="person", confirmed=True)  # same letters, another kind: not a duplicate
    actor("Sans mention")  # a machine suggestion nobody mentions is not considered

    pairs = {frozenset((p.first.id, p.second.id)): p.reason for p in selectors.duplicate_suggestions()}

    assert pairs[frozenset((afp.id, agency.id))] == "acronym"
    assert pairs[frozenset((onu.id, nations.id))] == "acronym"
    assert pairs[frozenset((short.id, full.id))] == "same surname"
    assert pairs[frozenset((accents.id, plain.id))] == "same name"
    assert frozenset((emmanuel.id, brigitte.id)) not in pairs
    assert len(pairs) == 4


def test_a_dismissed_pair_is_not_suggested_again(chief, chief_client):
    afp, agency = actor("AFP", confirmed=True), actor("Agence France-Presse", confirmed=True)
    response = chief_client.post(reverse("articles:actor-duplicate-resolve"),
                                 {"first": afp.id, "second": agency.id, "action": "dismiss"},
                                 headers={"HX-Request": "true"})
    assert response.status_code == 200
    assert "No duplicate suggested." in response.content.decode()
    assert selectors.duplicate_suggestions() == []


def test_a_chief_editor_merges_a_suggested_pair_from_the_list(chief_client):
    afp, agency = actor("AFP", confirmed=True), actor("Agence France-Presse", confirmed=True)
    response = chief_client.post(reverse("articles:actor-duplicate-resolve"),
                                 {"first": afp.id, "second": agency.id, "action": "keep_second", "confirm": "yes"})
    assert response.status_code == 302
    afp.refresh_from_db()
    assert afp.merged_into_id == agency.id


def test_without_javascript_a_merge_from_the_list_asks_for_confirmation_first(chief_client):
    afp, agency = actor("AFP", confirmed=True), actor("Agence France-Presse", confirmed=True)
    response = chief_client.post(reverse("articles:actor-duplicate-resolve"),
                                 {"first": afp.id, "second": agency.id, "action": "keep_second", "page": "1"})
    page = response.content.decode()
    assert response.status_code == 200
    assert "Merge “AFP” into “Agence France-Presse”?" in page
    assert 'name="confirm" value="yes"' in page
    afp.refresh_from_db()
    assert afp.merged_into_id is None


def test_the_merge_buttons_say_that_they_merge_and_into_which_actor(chief_client):
    actor("AFP", confirmed=True), actor("Agence France-Presse", confirmed=True)
    page = chief_client.get(reverse("articles:actor-duplicates")).content.decode()
    assert ">Merge into “AFP”</button>" in page and ">Merge into “Agence France-Presse”</button>" in page
    assert "Keep “" not in page
    assert 'data-confirm="Merge “AFP” into “Agence France-Presse”?' in page


def pairs_by_names():
    return {frozenset((p.first.name, p.second.name)): p.rule for p in selectors.duplicate_suggestions()}


def test_people_pair_only_with_compatible_first_names():
    actor("Claire", kind="person", confirmed=True, aliases=["Lefèvre"])  # a first name, given a surname by mistake
    actor("Paul Lefèvre", kind="person", confirmed=True, aliases=["Lefèvre"])
    actor("P. Lefèvre", kind="person", confirmed=True)
    actor("Lefèvre", kind="person", confirmed=True)
    actor("Anne Lefèvre", kind="person", confirmed=True)
    actor("Lefèvre Conseil", kind="organisation", confirmed=True)  # a shared word never pairs a person and a firm

    pairs = pairs_by_names()

    # "Lefèvre" alone may be Anne or Paul: suggested with both, ranked below surer pairs.
    assert pairs == {
        frozenset(("Paul Lefèvre", "P. Lefèvre")): "same surname",
        frozenset(("Paul Lefèvre", "Lefèvre")): "same surname, ambiguous",
        frozenset(("P. Lefèvre", "Lefèvre")): "same surname, ambiguous",
        frozenset(("Anne Lefèvre", "Lefèvre")): "same surname, ambiguous",
    }


def test_acronyms_pair_in_their_own_language_and_across_languages_only_by_a_known_alias():
    actor("OMS", confirmed=True)
    actor("Organisation mondiale de la santé", confirmed=True)
    actor("World Health Organization", confirmed=True)
    actor("WHO", confirmed=True)
    actor("BCE", confirmed=True)
    actor("European Central Bank", confirmed=True, aliases=["BCE"])
    actor("Hélène Prat", confirmed=True)  # typed as an organisation by the model
    actor("AHP", confirmed=True)

    pairs = pairs_by_names()

    assert pairs == {
        frozenset(("OMS", "Organisation mondiale de la santé")): "acronym",
        frozenset(("WHO", "World Health Organization")): "acronym",
        frozenset(("BCE", "European Central Bank")): "known alias",
    }


def test_an_acronym_that_spells_several_names_is_ranked_below_one_that_spells_a_single_one():
    actor("BCE", confirmed=True)
    actor("Banque centrale européenne", confirmed=True)
    actor("Banque centrale-européenne", confirmed=True)  # the same name written differently: still one
    actor("IBM", confirmed=True)
    actor("Institut de biologie marine", confirmed=True)
    actor("International Business Machines", confirmed=True)

    ranked = [(p.first.name, p.second.name, p.rule) for p in selectors.duplicate_suggestions()]

    assert ranked[0][2] == "same name"
    assert {pair[:2] for pair in ranked[1:3]} == {("Banque centrale européenne", "BCE"),
                                                  ("Banque centrale-européenne", "BCE")}
    assert {pair[2] for pair in ranked[1:3]} == {"acronym"}
    assert {(first, rule) for first, _second, rule in ranked[3:]} == {
        ("Institut de biologie marine", "short acronym"), ("International Business Machines", "short acronym")}


def test_shorter_names_of_an_event_are_suggested():
    actor("Coupe du monde de football 2026", kind="event", confirmed=True)
    actor("Coupe du monde 2026", kind="event", confirmed=True)
    actor("CM de football", kind="event", confirmed=True)
    actor("Coupe de France", kind="event", confirmed=True)

    pairs = pairs_by_names()

    assert pairs == {
        frozenset(("Coupe du monde 2026", "Coupe du monde de football 2026")): "contains",
        frozenset(("CM de football", "Coupe du monde de football 2026")): "abbreviates",
    }


def test_the_duplicates_page_gives_reasons_and_article_counts_best_first(chief_client, django_assert_num_queries):
    oms = actor("OMS")
    actor("Organisation mondiale de la santé", confirmed=True)
    short, person = actor("Durand", kind="person"), actor("Anne Durand", kind="person", confirmed=True)
    for n in range(3):
        text = article(f"L'OMS et Durand, dépêche {n}.")
        mention(text, "OMS", oms)
        mention(text, "Durand", short)
    mention(article("Anne Durand dirige l'Organisation mondiale de la santé."), "Anne Durand", person)

    with django_assert_num_queries(8):
        response = chief_client.get(reverse("articles:actor-duplicates"))

    rows = [[" ".join(cell.split()) for cell in row] for row in _table_rows(response.content.decode())]
    assert rows == [
        ["OMS organisation · 3 articles", "Organisation mondiale de la santé 0 articles", "same initials: O·M·S"],
        ["Durand person · 3 articles", "Anne Durand 1 article", "same surname, compatible first names"],
    ]


def _table_rows(page: str) -> list[list[str]]:
    body = page[page.index("<tbody>"):page.index("</tbody>")]
    rows = re.findall(r"<tr>(.*?)</tr>", body, re.DOTALL)
    return [[re.sub(r"<[^>]+>", "", cell) for cell in re.findall(r"<td[^>]*>(.*?)</td>", row, re.DOTALL)][:3]
            for row in rows]


def test_the_duplicates_page_is_paged(chief_client):
    for n in range(27):
        surname = "Nom" + chr(ord("a") + n % 26) * (1 + n // 26)
        actor(f"Anne {surname}", kind="person", confirmed=True)
        actor(surname, kind="person", confirmed=True)

    first = chief_client.get(reverse("articles:actor-duplicates"))
    second = chief_client.get(reverse("articles:actor-duplicates"), {"page": 2}, headers={"HX-Request": "true"})

    assert len(first.context["pairs"]) == 25
    assert "Page 1 of 2" in first.content.decode() and 'rel="next"' in first.content.decode()
    assert "27 suggested pairs" in first.content.decode()
    rows = _table_rows(second.content.decode())
    assert len(rows) == 2
    assert 'rel="prev"' in second.content.decode() and "<html" not in second.content.decode()
    names = {p.first.name for p in first.context["pairs"]} | {" ".join(row[0].split()[:2]) for row in rows}
    assert len(names) == 27


# Screens and roles


def test_the_directory_finds_actors_by_alias_without_accents_and_counts_their_articles(editor_client, agencies):
    actor("Gérald Darmanin", kind="person", confirmed=True)
    response = editor_client.get(reverse("articles:actors"), {"q": "gerald"})
    page = response.content.decode()
    assert response.status_code == 200
    assert "Gérald Darmanin" in page and "Agence France-Presse" not in page

    response = editor_client.get(reverse("articles:actors"), {"q": "afp"})
    rows = [(a.name, a.article_count, a.mention_count) for a in response.context["page"]]
    assert rows == [("AFP", 1, 2)]


def test_the_directory_sorts_by_mentions_and_filters_by_kind(editor_client, agencies):
    actor("Rabat", kind="place")
    response = editor_client.get(reverse("articles:actors"), {"kind": "organisation"})
    assert [a.name for a in response.context["page"]] == ["AFP", "Agence France-Presse"]
    response = editor_client.get(reverse("articles:actors"), {"kind": "place"}, headers={"HX-Request": "true"})
    page = response.content.decode()
    assert "Rabat" in page and "AFP" not in page
    assert "<html" not in page


def test_the_actor_page_shows_aliases_roles_articles_co_mentions_topics_and_a_chart(
    editor_client, agencies, django_assert_max_num_queries
):
    full, short, first, second = agencies
    rabat = actor("Rabat", kind="place")
    mention(second, "Rabat", rabat)
    ArticleTopic.objects.create(article=second, topic=Topic.objects.get(slug="diplomacy"), score=0.7)
    with django_assert_max_num_queries(20):
        response = editor_client.get(reverse("articles:actor", args=[short.id]))
    page = response.content.decode()
    assert response.status_code == 200
    assert "agence de presse" in page
    assert second.title in page
    assert [(a.name, n) for a, n in response.context["co_mentioned"]] == [("Rabat", 1)]
    assert [(t.slug, n) for t, n in response.context["topics"]] == [("diplomacy", 1)]
    assert [(bar.label, bar.count) for bar in response.context["timeline"]] == [("Apr 2024", 2)]
    assert "<rect" in page


def test_user_text_is_escaped_on_the_actor_page(editor_client):
    sneaky = actor("<script>alert(1)</script>", confirmed=True)
    page = editor_client.get(reverse("articles:actor", args=[sneaky.id])).content.decode()
    assert "<script>alert(1)</script>" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page


@pytest.mark.parametrize("name, args", [
    ("actor-merge", lambda a: [a.id]),
    ("alias-split", lambda a: [a.id, a.aliases.first().id]),
    ("alias-remove", lambda a: [a.id, a.aliases.first().id]),
])
def test_an_editor_cannot_merge_split_or_remove_aliases(editor_client, agencies, name, args):
    full, short, *_ = agencies
    response = editor_client.post(reverse(f"articles:{name}", args=args(short)), {"merged": full.id})
    assert response.status_code == 403
    assert short.aliases.count() == 1 and Actor.objects.get(id=short.id).merged_into_id is None


def test_a_viewer_cannot_edit_an_actor(viewer_client, agencies):
    full, *_ = agencies
    response = viewer_client.post(reverse("articles:actor-edit", args=[full.id]), {"name": "X", "kind": "person"})
    assert response.status_code == 403
    assert Actor.objects.get(id=full.id).name == "Agence France-Presse"


def test_a_chief_editor_merges_from_the_actor_page_with_htmx(chief_client, agencies):
    full, short, *_ = agencies
    found = chief_client.get(reverse("articles:merge-candidates", args=[full.id]), {"q": "afp"})
    assert f'value="{short.id}"' in found.content.decode()
    response = chief_client.post(reverse("articles:actor-merge", args=[full.id]),
                                 {"merged": short.id, "confirm": "yes"},
                                 headers={"HX-Request": "true", "HX-Target": "actor-main"})
    assert response.status_code == 200
    assert "Merged into this actor" in response.content.decode()
    assert ActorMerge.objects.get().merged_id == short.id
    undo = chief_client.post(reverse("articles:merge-undo", args=[ActorMerge.objects.get().id]))
    assert undo.status_code == 302
    assert Actor.objects.get(id=short.id).merged_into_id is None


def test_an_editor_edits_an_actor_and_adds_an_alias(editor_client, agencies):
    full, *_ = agencies
    response = editor_client.post(reverse("articles:actor-edit", args=[full.id]),
                                  {"name": "Agence France-Presse", "kind": "organisation", "wikidata_id": "q40464",
                                   "description": "Agence de presse française."})
    assert response.status_code == 302
    full.refresh_from_db()
    assert full.wikidata_id == "Q40464" and full.description == "Agence de presse française."
    response = editor_client.post(reverse("articles:alias-add", args=[full.id]),
                                  {"surface": "  France  Presse ", "language": "fr"},
                                  headers={"HX-Request": "true", "HX-Target": "actor-main"})
    assert response.status_code == 200
    alias = full.aliases.get(normalised="france presse")
    assert alias.surface == "France Presse" and alias.language == "fr" and alias.created_by.username == "editor"
    bad = editor_client.post(reverse("articles:actor-edit", args=[full.id]),
                             {"name": "AFP", "kind": "organisation", "wikidata_id": "40464"},
                             headers={"HX-Request": "true", "HX-Target": "actor-main"})
    assert bad.status_code == 422 and "Q90" in bad.content.decode()


# What the registry learns from review decisions


def test_accepting_a_mention_confirms_its_actor_and_teaches_the_surface(editor, agencies):
    full, short, first, second = agencies
    pending = Mention.objects.get(article=second, decision=Decision.PENDING)
    review.mention_decide(mention=pending, user=editor, decision=Decision.ACCEPTED, expected_version=second.version)
    short.refresh_from_db()
    assert short.confirmed
    assert ("AFP", "organisation") in load_knowledge().aliases_for("fr")


def test_an_organisations_new_alias_is_learned_for_the_articles_language_only(editor, agencies):
    full, short, first, second = agencies
    target = Mention.objects.get(article=first)
    target.text = "Agence France Presse"  # as another article might write it
    target.save()
    review.mention_decide(mention=target, user=editor, decision=Decision.ACCEPTED, expected_version=first.version)
    knowledge = load_knowledge()
    assert ("Agence France Presse", "organisation") in knowledge.aliases_for("fr")
    assert ("Agence France Presse", "organisation") not in knowledge.aliases_for("en")
    assert ("Agence France-Presse", "organisation") in knowledge.aliases_for("en"), (
        "the name itself is for every language"
    )


def test_a_rejection_is_remembered_only_where_the_editor_chose(editor, agencies):
    full, short, first, second = agencies
    second.source = Source.objects.create(name="Le Desk")
    second.save()
    target = Mention.objects.get(article=second, decision=Decision.PENDING)

    review.mention_decide(mention=target, user=editor, decision=Decision.REJECTED, expected_version=second.version)
    assert not RejectedSurface.objects.exists()

    second.refresh_from_db()
    review.mention_decide(mention=target, user=editor, decision=Decision.REJECTED, expected_version=second.version,
                          forget="source")
    rejected = RejectedSurface.objects.get()
    assert (rejected.normalised, rejected.source.name, rejected.created_by) == ("afp", "Le Desk", editor)
    assert load_knowledge().source_rejected == {(second.source_id, "afp", "")}

    second.refresh_from_db()
    review.mention_decide(mention=target, user=editor, decision=Decision.REJECTED, expected_version=second.version,
                          forget="everywhere")
    assert ("afp", "") in load_knowledge().rejected


def test_a_kind_correction_teaches_the_new_kind_and_forgets_the_old_one(editor):
    text = article("Le collectif Bouillon de Culture a organisé une fête.")
    wrong = actor("Bouillon de Culture", kind="person")
    target = mention(text, "Bouillon de Culture", wrong)

    review.mention_relabel(mention=target, user=editor, kind="organisation", expected_version=text.version)

    knowledge = load_knowledge()
    assert ("bouillon de culture", "person") in knowledge.rejected
    assert ("Bouillon de Culture", "organisation") in knowledge.aliases_for("fr")
    target.refresh_from_db()
    assert target.actor.kind == "organisation" and target.actor.confirmed


def test_removing_a_learned_record_takes_it_out_of_the_pipeline(chief, chief_client, editor):
    RejectedSurface.objects.create(normalised="amazonie", surface="Amazonie", created_by=editor)
    assert ("amazonie", "") in load_knowledge().rejected
    page = chief_client.get(reverse("articles:actors-learned")).content.decode()
    assert "Amazonie" in page and "editor" in page
    rejected = RejectedSurface.objects.get()
    response = chief_client.post(reverse("articles:rejected-remove", args=[rejected.id]))
    assert response.status_code == 302
    assert load_knowledge().rejected == frozenset()
    assert ReviewEvent.objects.filter(action="rejected_surface_remove", user=chief).exists()


def test_an_editor_cannot_remove_a_learned_record(editor_client, editor):
    rejected = RejectedSurface.objects.create(normalised="amazonie", created_by=editor)
    assert editor_client.post(reverse("articles:rejected-remove", args=[rejected.id])).status_code == 403
    assert RejectedSurface.objects.exists()


def test_apply_to_past_articles_queues_the_finished_articles_that_contain_the_surface(chief, chief_client):
    hits = [article(f"Un reportage en Amazonie, numéro {i}.", title=f"A{i}") for i in range(3)]
    article("Rien à voir.", title="Autre")
    article("Amazonie encore.", title="En cours", status=Article.Status.QUEUED)
    rejected = RejectedSurface.objects.create(normalised="amazonie", surface="Amazonie", created_by=chief)

    response = chief_client.post(reverse("articles:actors-reannotate"), {"rejected": rejected.id})

    assert response.status_code == 302
    job = ReannotationJob.objects.get()
    assert sorted(job.article_ids) == sorted(a.id for a in hits)
    assert set(Article.objects.filter(id__in=job.article_ids).values_list("status", flat=True)) == {"queued"}
    assert job.progress() == (0, 3)
    polled = chief_client.get(reverse("articles:reannotation-job", args=[job.id]), headers={"HX-Request": "true"})
    assert polled.status_code == 200 and "0 of 3" in polled.content.decode()
    Article.objects.filter(id__in=job.article_ids).update(status=Article.Status.ANNOTATED)
    polled = chief_client.get(reverse("articles:reannotation-job", args=[job.id]), headers={"HX-Request": "true"})
    assert polled.status_code == 286, "polling stops when the job is done"


def test_an_editor_cannot_reannotate_past_articles(editor_client, editor):
    article("Amazonie.")
    rejected = RejectedSurface.objects.create(normalised="amazonie", surface="Amazonie", created_by=editor)
    assert editor_client.post(reverse("articles:actors-reannotate"), {"rejected": rejected.id}).status_code == 403
    assert not ReannotationJob.objects.exists()


def test_a_later_confirmation_overrides_an_earlier_rejection(editor):
    RejectedSurface.objects.create(normalised="suisse", surface="Suisse", created_by=editor)
    RejectedSurface.objects.create(normalised="suisse", kind="person", surface="Suisse", created_by=editor)
    text = article("La Suisse a voté.")
    place = actor("Suisse", kind="place")
    target = mention(text, "Suisse", place)

    review.mention_decide(mention=target, user=editor, decision=Decision.ACCEPTED, expected_version=text.version)

    assert list(RejectedSurface.objects.values_list("kind", flat=True)) == ["person"], \
        "the rejection for another kind is not contradicted"
    assert ("Suisse", "place") in load_knowledge().aliases_for("fr")
    event = ReviewEvent.objects.get(action="rejected_surface_remove")
    assert event.user == editor and event.after["actor"] == place.id


def test_an_alias_rejected_for_its_kind_does_not_reach_the_ruler(editor):
    actor("Tour", kind="event", confirmed=True)
    assert ("Tour", "event") in load_knowledge().aliases_for("fr")
    RejectedSurface.objects.create(normalised="tour", kind="event", created_by=editor)
    assert ("Tour", "event") not in load_knowledge().aliases_for("fr")


def person_added(editor, body, surface):
    """An editor marks ``surface`` in a new article as a person."""
    added = article(body)
    start = body.index(surface)
    return review.mention_create(article=added, user=editor, start=start, end=start + len(surface), kind="person",
                                 expected_version=added.version)


def titles_kept_inside(editor, times=3):
    for i in range(times):
        person_added(editor, f"Hier, le ministre Paul Durand{i} a visité Namur.", f"ministre Paul Durand{i}")


def test_titles_editors_keep_inside_person_mentions_become_the_desks_convention(editor):
    titles_kept_inside(editor, times=2)
    assert TITLES_IN_PERSONS not in load_knowledge().conventions, "two mentions are not yet a convention"
    person_added(editor, "Selon M. Roux, la visite a eu lieu.", "M. Roux")
    assert TITLES_IN_PERSONS in load_knowledge().conventions


def test_a_title_left_outside_a_person_mention_keeps_the_convention_off(editor):
    titles_kept_inside(editor)
    person_added(editor, "Le député Jean Roux a voté contre.", "Jean Roux")
    assert TITLES_IN_PERSONS not in load_knowledge().conventions
    titles = selectors.title_convention()
    assert [text for text, _ in titles.cut] == ["Jean Roux"] and len(titles.kept) == 3


def test_a_chief_editor_sees_the_convention_stops_it_and_lets_it_be_learned_again(editor, chief, chief_client):
    titles_kept_inside(editor)
    page = chief_client.get(reverse("articles:actors-learned")).content.decode()
    assert "applied to the next articles" in page and "ministre Paul Durand2" in page
    assert f'action="{reverse("articles:convention-stop", args=[TITLES_IN_PERSONS])}"' in page

    response = chief_client.post(reverse("articles:convention-stop", args=[TITLES_IN_PERSONS]))

    assert response.status_code == 302
    assert TITLES_IN_PERSONS not in load_knowledge().conventions
    assert ConventionOff.objects.get().created_by == chief
    page = chief_client.get(reverse("articles:actors-learned")).content.decode()
    assert "stopped by chief" in page
    assert f'action="{reverse("articles:convention-resume", args=[TITLES_IN_PERSONS])}"' in page
    chief_client.post(reverse("articles:convention-resume", args=[TITLES_IN_PERSONS]))
    assert TITLES_IN_PERSONS in load_knowledge().conventions
    assert list(ReviewEvent.objects.filter(target=f"convention {TITLES_IN_PERSONS}").values_list("action", flat=True)
                .order_by("id")) == ["convention_stop", "convention_resume"]


def test_an_editor_cannot_stop_a_convention(editor_client, editor):
    titles_kept_inside(editor)
    assert editor_client.post(reverse("articles:convention-stop", args=[TITLES_IN_PERSONS])).status_code == 403
    assert TITLES_IN_PERSONS in load_knowledge().conventions


def test_an_unknown_convention_is_not_found(chief_client):
    assert chief_client.post(reverse("articles:convention-stop", args=["no_such_thing"])).status_code == 404
    assert not ConventionOff.objects.exists()
