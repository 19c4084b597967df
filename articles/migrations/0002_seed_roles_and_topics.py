from django.db import migrations


def seed(apps, schema_editor):
    from articles.services.accounts import roles_ensure
    from articles.services.taxonomy import topics_seed

    roles_ensure(apps)
    topics_seed(apps)


class Migration(migrations.Migration):
    dependencies = [
        ("articles", "0001_initial"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
