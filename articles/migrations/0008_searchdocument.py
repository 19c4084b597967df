import django.contrib.postgres.search
import django.db.models.deletion
from django.db import migrations, models

# The full-text index moves from an expression over the article's text (computed
# while each row is stored) to its own table, written after the article
# (articles.services.search). Existing articles get their document here.
INDEX = "CREATE INDEX IF NOT EXISTS searchdocument_vector_gin ON articles_searchdocument USING gin (vector)"
FILL = """
INSERT INTO articles_searchdocument (article_id, vector)
SELECT id, to_tsvector('simple'::regconfig, COALESCE(title, '') || ' ' || COALESCE(body, ''))
FROM articles_article
"""
OLD_INDEX = """
CREATE INDEX IF NOT EXISTS article_search_gin ON articles_article USING gin (
    to_tsvector('simple'::regconfig, COALESCE(title, '') || ' ' || COALESCE(body, ''))
)
"""


def forward(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(INDEX)
        schema_editor.execute(FILL)
        schema_editor.execute("DROP INDEX IF EXISTS article_search_gin")


def backward(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(OLD_INDEX)


class Migration(migrations.Migration):
    dependencies = [("articles", "0007_article_claimed_at")]

    operations = [
        migrations.CreateModel(
            name="SearchDocument",
            fields=[
                ("article", models.OneToOneField(on_delete=django.db.models.deletion.CASCADE, primary_key=True,
                                                 related_name="search_document", serialize=False,
                                                 to="articles.article")),
                ("vector", django.contrib.postgres.search.SearchVectorField()),
            ],
        ),
        migrations.RunPython(forward, backward),
    ]
