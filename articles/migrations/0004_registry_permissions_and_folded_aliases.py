import unicodedata

from django.db import migrations


def forward(apps, schema_editor):
    from articles.nlp.normalise import normalise_surface
    from articles.services.accounts import roles_ensure

    roles_ensure(apps)
    ActorAlias = apps.get_model("articles", "ActorAlias")
    aliases = list(ActorAlias.objects.filter(folded="").only("id", "surface"))
    for alias in aliases:
        decomposed = unicodedata.normalize("NFKD", normalise_surface(alias.surface))
        alias.folded = "".join(ch for ch in decomposed if not unicodedata.combining(ch))[:300]
    ActorAlias.objects.bulk_update(aliases, ["folded"], batch_size=1000)


class Migration(migrations.Migration):
    dependencies = [("articles", "0003_actor_registry")]

    operations = [migrations.RunPython(forward, migrations.RunPython.noop)]
