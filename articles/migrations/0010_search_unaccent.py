from django.contrib.postgres.operations import UnaccentExtension
from django.db import migrations

# Search ignores accents and stems French and English words ("senegal" finds
# "Sénégal", "réfugié" finds "réfugiés"): two text search configurations that
# run unaccent before the language's stemmer, and every search document parsed
# again with them (articles.services.search writes new ones the same way).
CONFIGS = {"french_unaccent": ("french", "french_stem"), "english_unaccent": ("english", "english_stem")}
TEXT = "COALESCE(a.title, '') || ' ' || COALESCE(a.body, '')"
VECTOR = f"""CASE a.language
    WHEN 'fr' THEN to_tsvector('french_unaccent'::regconfig, {TEXT})
    WHEN 'en' THEN to_tsvector('english_unaccent'::regconfig, {TEXT})
    ELSE to_tsvector('french_unaccent'::regconfig, {TEXT}) || to_tsvector('english_unaccent'::regconfig, {TEXT})
END"""
OLD_VECTOR = f"to_tsvector('simple'::regconfig, {TEXT})"
REBUILD = "UPDATE articles_searchdocument d SET vector = {vector} FROM articles_article a WHERE a.id = d.article_id"


def forward(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for name, (copy, stemmer) in CONFIGS.items():
        schema_editor.execute(f"DROP TEXT SEARCH CONFIGURATION IF EXISTS {name}")
        schema_editor.execute(f"CREATE TEXT SEARCH CONFIGURATION {name} (COPY = {copy})")
        schema_editor.execute(
            f"ALTER TEXT SEARCH CONFIGURATION {name} ALTER MAPPING FOR hword, hword_part, word WITH unaccent, {stemmer}"
        )
    schema_editor.execute(REBUILD.format(vector=VECTOR))


def backward(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(REBUILD.format(vector=OLD_VECTOR))
    for name in CONFIGS:
        schema_editor.execute(f"DROP TEXT SEARCH CONFIGURATION IF EXISTS {name}")


class Migration(migrations.Migration):
    dependencies = [("articles", "0009_article_url_http_only")]

    operations = [UnaccentExtension(), migrations.RunPython(forward, backward)]
