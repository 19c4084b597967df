from django.db import migrations


def add_permissions(apps, schema_editor):
    from articles.services.accounts import roles_ensure

    roles_ensure(apps)


class Migration(migrations.Migration):
    dependencies = [("sources", "0001_followed_sources"), ("articles", "0008_searchdocument")]

    operations = [migrations.RunPython(add_permissions, migrations.RunPython.noop)]
