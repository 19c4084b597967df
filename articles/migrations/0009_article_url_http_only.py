import re
from urllib.parse import urlsplit

from django.db import migrations

# A frozen copy of the rule in articles.services.ingest.is_web_url (migrations must not
# change when the app's code does): http or https, a host, no control character.
_CONTROLS = re.compile(r"[\x00-\x1f\x7f-\x9f]")
_CHUNK = 2000


def _is_web_url(url: str) -> bool:
    url = url.strip()
    if _CONTROLS.search(url):
        return False
    try:
        parts = urlsplit(url)
        host = parts.hostname
    except ValueError:
        return False
    return parts.scheme.lower() in ("http", "https") and bool(host)


def forward(apps, schema_editor):
    """Empty the URL of articles stored with a javascript:, data:, file: or schemeless one.

    The URL is not unique (only the text's hash is), so emptying it never collides;
    an empty URL simply takes no part in finding duplicates.
    """
    Article = apps.get_model("articles", "Article")
    last_id = 0
    while True:
        rows = list(Article.objects.filter(id__gt=last_id).exclude(url="").order_by("id")
                    .values_list("id", "url")[:_CHUNK])
        if not rows:
            return
        last_id = rows[-1][0]
        bad = [article_id for article_id, url in rows if not _is_web_url(url)]
        if bad:
            Article.objects.filter(id__in=bad).update(url="")


class Migration(migrations.Migration):
    dependencies = (("articles", "0008_searchdocument"),)

    operations = (migrations.RunPython(forward, migrations.RunPython.noop, elidable=True),)
