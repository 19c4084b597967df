from django.db import migrations


def forward(apps, schema_editor):
    from articles.services.accounts import roles_ensure

    roles_ensure(apps)


class Migration(migrations.Migration):
    dependencies = [
        ("digests", "0001_initial"),
        ("articles", "0006_article_search_index"),
    ]

    operations = [migrations.RunPython(forward, migrations.RunPython.noop)]
