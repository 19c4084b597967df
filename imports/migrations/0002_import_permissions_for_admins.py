from django.db import migrations


def roles(apps, schema_editor):
    from articles.services.accounts import roles_ensure

    # The "admin" role gains add/view/change on import batches.
    roles_ensure(apps)


class Migration(migrations.Migration):
    dependencies = [
        ("imports", "0001_initial"),
        ("articles", "0006_article_search_index"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(roles, migrations.RunPython.noop)]
