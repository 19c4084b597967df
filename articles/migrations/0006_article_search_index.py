from django.db import migrations

# The queue's full-text search (ArticleQuerySet.search) on PostgreSQL: the
# expression must be the one Django writes for SearchVector("title", "body",
# config="simple"), or the planner will not use the index.
CREATE = """
CREATE INDEX IF NOT EXISTS article_search_gin ON articles_article USING gin (
    to_tsvector('simple'::regconfig, COALESCE(title, '') || ' ' || COALESCE(body, ''))
)
"""
DROP = "DROP INDEX IF EXISTS article_search_gin"


def create(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(CREATE)


def drop(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(DROP)


class Migration(migrations.Migration):
    dependencies = [("articles", "0005_quote_speaker_role")]

    operations = [migrations.RunPython(create, drop)]
