import ast
from pathlib import Path

import pytest
from django.urls import reverse

from tests.test_review import article  # noqa: F401 (a fixture)

pytestmark = pytest.mark.django_db


def test_the_interface_follows_the_browser_language(client):
    page = client.get(reverse("login"), headers={"Accept-Language": "fr-FR,fr;q=0.9"}).content.decode()
    assert "Se connecter" in page and 'lang="fr"' in page
    page = client.get(reverse("login"), headers={"Accept-Language": "en-GB"}).content.decode()
    assert "Log in" in page


def test_the_language_switch_changes_the_interface(client, editor):
    client.force_login(editor)
    response = client.post(reverse("set_language"), {"language": "fr", "next": reverse("articles:new")})
    assert response.status_code == 302
    page = client.get(reverse("articles:new")).content.decode()
    assert "Ajouter un article" in page and "Coller" in page
    client.post(reverse("set_language"), {"language": "en", "next": "/"})
    assert "Add an article" in client.get(reverse("articles:new")).content.decode()


def test_messages_from_the_server_are_translated(client, editor):
    client.force_login(editor)
    client.post(reverse("set_language"), {"language": "fr", "next": "/"})
    response = client.post(reverse("articles:new"), {"paste-body": "  ", "paste-title": ""})
    assert "Le texte de l’article est vide." in response.content.decode()


def test_the_registry_pages_are_in_french(client, editor):
    from articles.models import Actor

    actor = Actor.objects.create(name="Agence France-Presse", kind="organisation", key="afp|organisation")
    client.force_login(editor)
    client.post(reverse("set_language"), {"language": "fr", "next": "/"})
    assert "Nom ou alias" in client.get(reverse("articles:actors")).content.decode()
    page = client.get(reverse("articles:actor", args=[actor.id])).content.decode()
    assert "Mentions au fil du temps" in page and "proposé par la machine" in page
    assert "Ce que le registre a appris" in client.get(reverse("articles:actors-learned")).content.decode()


def test_refusals_of_the_review_services_are_translated(client, editor, article):  # noqa: F811 (the fixture)
    from articles.models import Mention
    from tests.test_review import htmx_post, url

    client.force_login(editor)
    client.post(reverse("set_language"), {"language": "fr", "next": "/"})
    response = htmx_post(client, url("mention-add", article), {"text": "Zanzibar", "kind": "place", "version": 1})
    assert response.status_code == 422
    assert "« Zanzibar » n&#x27;apparaît pas dans cet article" in response.content.decode()
    assert not Mention.objects.filter(text="Zanzibar").exists()


FRENCH_CATALOGUE = Path(__file__).resolve().parent.parent / "locale" / "fr" / "LC_MESSAGES" / "django.po"


def po_entries(path):
    """(flags, msgid, msgstrs) per entry of a .po file, the header left out; enough of the format for this check."""
    for block in path.read_text(encoding="utf-8").split("\n\n"):
        flags, fields, current = set(), {}, None
        for line in block.splitlines():
            if line.startswith("#,"):
                flags.update(flag.strip() for flag in line[2:].split(","))
            elif line.startswith(("msgid", "msgstr")):
                current, _, quoted = line.partition(" ")
                fields[current] = ast.literal_eval(quoted)
            elif line.startswith('"') and current:
                fields[current] += ast.literal_eval(line)
        if fields.get("msgid"):
            yield flags, fields["msgid"], [value for key, value in fields.items() if key.startswith("msgstr")]


def test_every_string_of_the_french_catalogue_is_translated():
    entries = list(po_entries(FRENCH_CATALOGUE))
    assert len(entries) > 500
    untranslated = [msgid for _, msgid, msgstrs in entries if not msgstrs or not all(msgstrs)]
    fuzzy = [msgid for flags, msgid, _ in entries if "fuzzy" in flags]
    assert untranslated == [], "untranslated in the French catalogue"
    assert fuzzy == [], "fuzzy (unchecked) translations in the French catalogue"


def test_the_upload_help_text_follows_the_interface_language(client, editor):
    client.force_login(editor)
    client.post(reverse("set_language"), {"language": "fr", "next": "/"})
    assert ".docx ou .pdf, jusqu’à" in client.get(reverse("articles:new")).content.decode()
    client.post(reverse("set_language"), {"language": "en", "next": "/"})
    assert ".docx or .pdf, up to" in client.get(reverse("articles:new")).content.decode()
