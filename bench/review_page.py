"""Server time and query count of the review page and the queue, against a trivial page, in one run.

    .venv/bin/python bench/review_page.py [--articles 10000] [--requests 30] [--warmup 5] [--profile]

Measured with Django's test Client (the whole request/response cycle in this process: middleware,
session and permission lookups, view, template rendering; no network, no WSGI server, no static
files), DEBUG off, a logged-in editor:

- the article review page (GET /articles/<id>) for an article with 20 mentions and one with 1,000
  mentions; the target is time(1,000) / time(20) <= 2 with the same number of queries;
- the queue's first page (GET /) with --articles articles in the database, each with 3 mentions
  and 2 topics, whatever that view currently returns (rows are counted in the HTML), and the same
  grouped by story (GET /?group=story; stories of 4 articles);
- the baseline: the login page (GET /accounts/login/, anonymous), a trivial Django page rendered in
  the same run, so each figure is also given as a multiple of it.

Requests to the pages are interleaved round by round, so drift on this machine (CPU frequency,
other processes) hits every page alike. Query counts come from one extra request per page under
CaptureQueriesContext (not timed: capturing adds its own cost).

Embedded mode (a fresh SQLite in a temporary folder, removed at the end unless --keep) unless
--services is given, in which case DATABASE_URL (and REDIS_URL) are used as set. Then the script
refuses to run on a database that already holds articles, unless --reuse is given, in which case
it DELETES EVERY ARTICLE in that database (and the actors this benchmark created) before building.
--http (with --services, PostgreSQL): the same questions over HTTP. gunicorn is started as the Procfile's
web line says (its ${VAR:-default} from the environment) on a free loopback port, the editor logs in through
the login form, and requests go over loopback in interleaved rounds. The review articles are real text: texts
of the shared corpus (../shared/corpus/dev/fr-rpm2-stories-dev.jsonl) joined into articles of about 20, 1,000
and 1,400 mentions and annotated by the pipeline in this process (no worker needed). Reported: bytes and server
time of each review page and of an HTMX decision on each (accept/reject of one mention, alternating), the
queue's first page at --articles and then at --queue-large articles (synthetic rows, bulk-created, then
ANALYZEd as autovacuum would), and the peak RSS of the web processes at the end.
--app-dir a,b measures several checkouts on the same database (e.g. /work/main and this one).

Label Studio side by side (--http, when LABEL_STUDIO_URL is set, with LABEL_STUDIO_TOKEN or the peer setup's
LABEL_STUDIO_USER_TOKEN; its server PID from LABEL_STUDIO_PID, else /tmp/peer-ls.pid, for its memory): a
project with an NER labeling config gets the same texts as tasks, over its REST API only: the review articles
with Press Review's mentions as predictions (same offsets), and a second project the queue's archive (every
article but the review ones, with their mentions), imported in timed requests of LS_IMPORT_CHUNK tasks and
grown with the queue. In the same rounds as Press Review's pages: its task list (page 1 of 100) beside the
queue, its task beside each review page, an annotation submit of the task's spans beside each decision (then
deleted, untimed, so every round finds the same task). Each of its answers is checked (status, task and span
counts). Label Studio's requests go on a new connection each (see LabelStudio), Press Review's on one session. E.g.,
with ../shared/peer-bench/labelstudio/setup.sh running:

    LABEL_STUDIO_URL=http://127.0.0.1:8181 LABEL_STUDIO_USER_TOKEN=… DATABASE_URL=… \
        .venv/bin/python bench/review_page.py --services --http

Create a database for it, e.g.:

    psql -h 127.0.0.1 -U postgres -c 'create database pressreview_bench'
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/pressreview_bench .venv/bin/python bench/review_page.py --services
"""

import argparse
import hashlib
import itertools
import json
import math
import os
import random
import re
import shutil
import statistics
import sys
import tempfile
import time
from datetime import timedelta
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

TARGET_RATIO = 2.0
# Quoted in the issue for Label Studio 1.23.2 on this kind of machine; NOT measured by this script.
LABEL_STUDIO_MS = {"task list, 100 per page": 430.0, "one task with predictions": 76.0}

# ---- synthetic French news text -----------------------------------------------------------------
# Generic vocabulary, no real article's content: the page's cost depends on how many mentions,
# actors and topics there are and how long the body is, not on which words they are.

FIRST_NAMES = [
    "Jean", "Marie", "Pierre", "Sophie", "Nicolas", "Isabelle", "François", "Catherine", "Laurent", "Nathalie",
    "Philippe", "Sandrine", "Thomas", "Valérie", "Julien", "Céline", "Olivier", "Aurélie", "Stéphane", "Claire",
    "Mathieu", "Émilie", "Antoine", "Camille", "Yannick", "Hélène", "Karim", "Nadia", "Mehdi", "Fatima",
    "Guillaume", "Élodie", "Sébastien", "Anne", "Benoît", "Julie", "Rachid", "Samira", "Hugo", "Léa",
    "Vincent", "Caroline", "Alexandre", "Pauline", "Damien", "Agnès", "Cédric", "Martine", "Romain", "Inès",
]
LAST_NAMES = [
    "Martin", "Bernard", "Dubois", "Thomas", "Robert", "Richard", "Petit", "Durand", "Leroy", "Moreau",
    "Simon", "Laurent", "Lefèvre", "Michel", "Garcia", "David", "Bertrand", "Roux", "Vincent", "Fournier",
    "Morel", "Girard", "André", "Mercier", "Dupont", "Lambert", "Bonnet", "François", "Martinez", "Legrand",
    "Garnier", "Faure", "Rousseau", "Blanc", "Guérin", "Muller", "Henry", "Roussel", "Nicolas", "Perrin",
    "Morin", "Mathieu", "Clément", "Gauthier", "Dumont", "Lopez", "Fontaine", "Chevalier", "Robin", "Masson",
    "Benali", "Haddad", "Mansouri", "Benjelloun", "Cherkaoui", "Diallo", "Traoré", "Nguyen", "Kone", "Meyer",
]
ORG_PATTERNS = [
    "Groupe {last}", "Fondation {last}", "Banque {last}", "Association {last}", "Cabinet {last}",
    "Institut {last}", "Éditions {last}", "Laboratoires {last}", "Transports {last}", "Syndicat {last}",
]
ORGS_FIXED = [
    "ministère de l’Intérieur", "ministère de l’Économie", "ministère des Affaires étrangères", "Assemblée nationale",
    "Sénat", "Conseil constitutionnel", "Cour des comptes", "Banque centrale européenne", "Commission européenne",
    "Organisation des Nations unies", "Union africaine", "Fonds monétaire international", "Conseil d’État",
    "préfecture de police", "Agence française de développement", "Conseil régional", "Haut Conseil pour le climat",
]
PLACES = [
    "Paris", "Lyon", "Marseille", "Toulouse", "Bordeaux", "Lille", "Nantes", "Strasbourg", "Montpellier", "Rennes",
    "Grenoble", "Dijon", "Brest", "Metz", "Nice", "Rouen", "Tours", "Limoges", "Amiens", "Perpignan",
    "Rabat", "Casablanca", "Alger", "Tunis", "Dakar", "Abidjan", "Bruxelles", "Genève", "Madrid", "Rome",
    "Berlin", "Londres", "Lisbonne", "Varsovie", "Athènes", "Le Caire", "Beyrouth", "Montréal", "Bamako", "Niamey",
    "France", "Maroc", "Algérie", "Tunisie", "Sénégal", "Belgique", "Suisse", "Espagne", "Italie", "Allemagne",
    "Bretagne", "Normandie", "Occitanie", "Provence", "Alsace", "Corse", "Sahel", "Méditerranée", "Europe", "Afrique",
]
EVENT_PATTERNS = ["Sommet de {place}", "Festival de {place}", "Forum de {place}", "Salon de {place}",
                  "Conférence de {place}", "Marathon de {place}", "Biennale de {place}", "Rencontres de {place}"]
OTHER_PATTERNS = ["plan {word}", "loi {word}", "programme {word}", "rapport {word}", "projet {word}"]
OTHER_WORDS = ["Horizon", "Avenir", "Climat", "Mobilité", "Jeunesse", "Solidarité", "Numérique", "Ruralité",
               "Santé", "Logement", "Énergie", "Eau", "Littoral", "Innovation", "Transition", "Sécurité"]

TEMPLATES = {
    "person": [
        "Interrogé mardi, {} a défendu le calendrier retenu par le gouvernement.",
        "Selon {}, les discussions devraient reprendre dans les prochaines semaines.",
        "« Nous avons besoin de temps », a reconnu {} devant la presse.",
        "{} a rappelé que les engagements pris l’an dernier seraient tenus.",
        "La position de {} n’a pas convaincu l’ensemble des élus présents.",
        "Dans un entretien accordé à un quotidien régional, {} a détaillé ses priorités.",
        "Plusieurs proches de {} évoquent une décision mûrement réfléchie.",
        "{} doit se rendre sur place à la fin du mois, selon son entourage.",
    ],
    "organisation": [
        "Dans un communiqué, le {} a salué un accord « équilibré ».",
        "Les représentants du {} ont demandé des garanties supplémentaires.",
        "Le {} n’a pas souhaité commenter ces informations.",
        "Une délégation du {} est attendue jeudi pour une réunion de travail.",
        "Le rapport publié par le {} pointe plusieurs retards dans la mise en œuvre.",
        "Le budget alloué au {} sera revu à la hausse l’an prochain.",
    ],
    "place": [
        "La réunion s’est tenue à {} en présence de nombreux observateurs.",
        "Les habitants de {} attendent désormais des mesures concrètes.",
        "À {}, la situation reste tendue depuis le début de la semaine.",
        "Les échanges commerciaux avec {} ont progressé de plusieurs points.",
        "Des renforts ont été dépêchés vers {} dans la nuit de lundi à mardi.",
        "Le projet concerne aussi les communes voisines de {}.",
    ],
    "event": [
        "Le {} a réuni plus de deux mille participants cette année.",
        "Les organisateurs du {} ont annoncé une nouvelle édition au printemps.",
        "La sécurité du {} mobilisera plusieurs centaines d’agents.",
        "Le bilan du {} sera présenté lors d’une conférence de presse.",
    ],
    "other": [
        "Le {} prévoit un financement étalé sur cinq ans.",
        "Les critiques se concentrent sur le volet social du {}.",
        "Adopté en première lecture, le {} doit encore passer devant les sénateurs.",
        "Le {} fixe des objectifs chiffrés pour chaque région.",
    ],
}
FILLERS = [
    "Les négociations se sont poursuivies tard dans la soirée sans qu’un accord définitif soit trouvé.",
    "Le texte prévoit également un mécanisme de suivi annuel associant les collectivités locales.",
    "Plusieurs associations dénoncent un manque de concertation avec les acteurs de terrain.",
    "La hausse des prix de l’énergie pèse toujours sur le budget des ménages les plus modestes.",
    "Les syndicats appellent à une nouvelle journée de mobilisation la semaine prochaine.",
    "Cette décision intervient après plusieurs mois de discussions parfois tendues.",
    "Les premiers résultats devraient être connus avant la fin de l’année.",
    "De nombreux experts jugent le calendrier trop ambitieux au regard des moyens engagés.",
    "La coopération entre les services de sécurité a été renforcée ces derniers mois.",
    "Le gouvernement assure que les crédits nécessaires seront débloqués rapidement.",
    "Sur les réseaux sociaux, les réactions ont été nombreuses et souvent contrastées.",
    "Les entreprises du secteur attendent des précisions sur les aides annoncées.",
    "L’opposition réclame un débat au Parlement avant toute décision.",
    "Les chiffres publiés jeudi montrent un ralentissement de la croissance au dernier trimestre.",
    "La question du financement reste au cœur des échanges entre les partenaires.",
    "Des élus locaux ont exprimé leur inquiétude face à la fermeture annoncée de plusieurs sites.",
    "Le dispositif sera évalué au bout de dix-huit mois, a précisé le ministère.",
    "Cette visite s’inscrit dans un contexte de rapprochement diplomatique entre les deux pays.",
]
KIND_WEIGHTS = {"person": 45, "organisation": 25, "place": 18, "event": 7, "other": 5}


def actor_pool(rng, count):
    """(name, kind, surfaces) triples, distinct, kinds mixed."""
    names = {}

    def add(name, kind, surfaces):
        names.setdefault((name, kind), surfaces)

    for place in PLACES:
        add(place, "place", [place])
    for org in ORGS_FIXED:
        add(org, "organisation", [org])
    attempts = 0
    while len(names) < count and attempts < count * 20:
        attempts += 1
        kind = rng.choices(list(KIND_WEIGHTS), weights=list(KIND_WEIGHTS.values()))[0]
        if kind == "person":
            first, last = rng.choice(FIRST_NAMES), rng.choice(LAST_NAMES)
            add(f"{first} {last}", kind, [f"{first} {last}", f"{first} {last}", last])
        elif kind == "organisation":
            name = rng.choice(ORG_PATTERNS).format(last=rng.choice(LAST_NAMES))
            add(name, kind, [name])
        elif kind == "event":
            name = rng.choice(EVENT_PATTERNS).format(place=rng.choice(PLACES[:40]))
            add(name, kind, [name])
        elif kind == "other":
            name = rng.choice(OTHER_PATTERNS).format(word=rng.choice(OTHER_WORDS))
            add(name, kind, [name])
    pool = [(name, kind, surfaces) for (name, kind), surfaces in names.items()]
    rng.shuffle(pool)
    return pool


def compose(rng, picks, filler_rate=0.5):
    """A body with one mention per `picks` item ((actor_index or None, kind, surface)), in order.

    Returns (body, mentions as (start, end, text, kind, actor_index), sentence spans)."""
    parts, mentions, sentences = [], [], []
    position = 0

    def sentence(text, mention=None):
        nonlocal position
        if parts:
            separator = "\n\n" if len(sentences) % 5 == 0 else " "
            parts.append(separator)
            position += len(separator)
        if mention is not None:
            offset, surface, kind, actor = mention
            mentions.append((position + offset, position + offset + len(surface), surface, kind, actor))
        sentences.append((position, position + len(text)))
        parts.append(text)
        position += len(text)

    for actor, kind, surface in picks:
        template = rng.choice(TEMPLATES[kind])
        before, after = template.split("{}")
        if not before:  # sentence starts with the mention
            surface_text = surface[0].upper() + surface[1:]
        else:
            surface_text = surface
        sentence(before + surface_text + after, (len(before), surface_text, kind, actor))
        if rng.random() < filler_rate:
            sentence(rng.choice(FILLERS))
    return "".join(parts), mentions, sentences


def percentile(values, p):
    ordered = sorted(values)
    return ordered[max(0, math.ceil(p / 100 * len(ordered)) - 1)]


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--articles", type=int, default=10_000, help="articles in the queue (default 10,000)")
    parser.add_argument("--requests", type=int, default=30, help="timed requests per page (default 30)")
    parser.add_argument("--warmup", type=int, default=5, help="untimed requests per page first (default 5)")
    parser.add_argument("--services", action="store_true", help="use DATABASE_URL/REDIS_URL as set")
    parser.add_argument("--reuse", action="store_true",
                        help="with --services: run even if the database holds articles, DELETING THEM ALL first")
    parser.add_argument("--keep", action="store_true", help="embedded mode: keep the temporary folder")
    parser.add_argument("--profile", action="store_true",
                        help="also print a cProfile of the 1,000-mention review page (cumulative, top entries)")
    parser.add_argument("--seed", type=int, default=20240501)
    parser.add_argument("--http", action="store_true",
                        help="with --services: over HTTP to gunicorn (the Procfile's web line) on a free loopback "
                             "port, logged in through the login form; real corpus text annotated by the pipeline")
    parser.add_argument("--app-dir", default=str(REPO),
                        help="--http: the code gunicorn serves (e.g. another checkout, to compare; same schema)")
    parser.add_argument("--queue-large", type=int, default=100_000, help="--http: the second queue size")
    args = parser.parse_args()
    if args.http and not args.services:
        parser.error("--http needs --services (PostgreSQL from DATABASE_URL)")

    tmp = None
    if not args.services:
        os.environ.pop("DATABASE_URL", None)
        os.environ.pop("REDIS_URL", None)
        tmp = tempfile.mkdtemp(prefix="pressreview-bench-")
        os.environ["PRESSREVIEW_VAR_DIR"] = tmp
    os.environ["DEBUG"] = "false"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "pressreview.settings")
    try:
        run_http(args) if args.http else run(args)
    finally:
        if tmp and not args.keep:
            shutil.rmtree(tmp, ignore_errors=True)
        elif tmp:
            print(f"kept {tmp}")


def run(args):
    import django

    django.setup()
    from django.conf import settings
    from django.db import connection

    assert not settings.DEBUG, "DEBUG must be off for this benchmark"
    vendor = connection.vendor
    if args.services and "articles_article" in connection.introspection.table_names():
        with connection.cursor() as cursor:
            cursor.execute("SELECT COUNT(*) FROM articles_article")
            existing = cursor.fetchone()[0]
        if existing and not args.reuse:
            where = settings.DATABASES["default"].get("NAME")
            raise SystemExit(f"refusing to run: the {vendor} database {where!r} already holds {existing:,} articles. "
                             "Point DATABASE_URL at a fresh database, or pass --reuse to DELETE them all.")

    from django.core.management import call_command

    call_command("migrate", verbosity=0)

    from django.contrib.auth.models import Group, User
    from django.test import Client

    from articles.models import Actor, Article

    if args.reuse and Article.objects.exists():
        deleted = Article.objects.count()
        Article.objects.all().delete()
        print(f"--reuse: deleted {deleted:,} existing articles")
    Actor.objects.filter(key__startswith="bench|").delete()

    rng = random.Random(args.seed)
    editor, _ = User.objects.get_or_create(username="bench-editor")
    editor.groups.add(Group.objects.get(name="editor"))

    started = time.perf_counter()
    small = build_review_article(rng, editor, 20, label="20")
    large = build_review_article(rng, editor, 1000, label="1000")
    review_built = time.perf_counter() - started
    started = time.perf_counter()
    queue_counts = build_queue(rng, editor, args.articles)
    analyze()
    queue_built = time.perf_counter() - started

    mode = (f"services ({vendor}, {settings.DATABASES['default'].get('NAME')})" if args.services
            else f"embedded ({vendor}, temporary file)")
    print(f"Press Review page benchmark — {mode}; DEBUG off; Django test Client, logged-in editor")
    print(f"built: review articles of {small['mentions']} and {large['mentions']:,} mentions "
          f"({small['actors']} and {large['actors']} actors, bodies {small['chars']:,} and {large['chars']:,} chars) "
          f"in {review_built:.1f} s; queue of {queue_counts['articles']:,} articles, {queue_counts['mentions']:,} "
          f"mentions, {queue_counts['topics']:,} article topics, {queue_counts['actors']:,} actors "
          f"in {queue_built:.1f} s")

    editor_client = Client()
    editor_client.force_login(editor)
    anonymous = Client()
    pages = [
        ("login page (baseline)", anonymous, "/accounts/login/"),
        ("review page, 20 mentions", editor_client, f"/articles/{small['id']}"),
        ("review page, 1,000 mentions", editor_client, f"/articles/{large['id']}"),
        (f"queue first page, {args.articles:,} articles", editor_client, "/"),
        (f"queue by story, {args.articles:,} articles", editor_client, "/?group=story"),
    ]
    results = measure(pages, args.warmup, args.requests)
    report(results, small, large, args)

    if args.profile:
        profile(editor_client, f"/articles/{large['id']}")


def measure(pages, warmup, requests):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    for _, client, url in pages:
        for _ in range(warmup):
            response = client.get(url)
            if response.status_code != 200:
                raise SystemExit(f"GET {url} answered {response.status_code}")
    times = {name: [] for name, _, _ in pages}
    cpu = {name: [] for name, _, _ in pages}
    for _ in range(requests):  # interleaved: one request per page per round
        for name, client, url in pages:
            started, started_cpu = time.perf_counter(), time.process_time()
            response = client.get(url)
            times[name].append(time.perf_counter() - started)
            cpu[name].append(time.process_time() - started_cpu)
            assert response.status_code == 200
    results = {}
    for name, client, url in pages:
        with CaptureQueriesContext(connection) as captured:
            response = client.get(url)
        html = response.content.decode("utf-8")
        results[name] = {
            "url": url,
            "median": statistics.median(times[name]) * 1000,
            "p95": percentile(times[name], 95) * 1000,
            "cpu": statistics.median(cpu[name]) * 1000,
            "queries": len(captured.captured_queries),
            "sql": [q["sql"] for q in captured.captured_queries],
            "kb": len(response.content) / 1024,
            "html": html,
        }
    return results


def queue_rows(html):
    """Rows the queue shows: <tr in the article tbody(ies), and links to an article."""
    bodies = re.findall(r"<tbody\b.*?</tbody>", html, flags=re.S)
    rows = sum(len(re.findall(r"<tr\b", body)) for body in bodies)
    links = len(set(re.findall(r'href="/articles/(\d+)"', html)))
    return rows, links


def report(results, small, large, args):
    base = results["login page (baseline)"]["median"]
    print()
    print(f"{'page':<36}{'median ms':>10}{'p95 ms':>9}{'cpu ms':>8}{'× login':>9}{'queries':>9}{'KB':>8}  shown")
    for name, r in results.items():
        html = r["html"]
        if name.startswith("review"):
            highlighted = html.count('<a id="m-')
            shown = f"{highlighted} mentions highlighted"
        elif name.startswith("queue"):
            rows, links = queue_rows(html)
            shown = f"{rows} <tr> in tbody, {links} article links"
        else:
            shown = ""
        print(f"{name:<36}{r['median']:>10.1f}{r['p95']:>9.1f}{r['cpu']:>8.1f}{r['median'] / base:>9.1f}"
              f"{r['queries']:>9}{r['kb']:>8.0f}  {shown}")
    r20, r1000 = results["review page, 20 mentions"], results["review page, 1,000 mentions"]
    queue = results[f"queue first page, {args.articles:,} articles"]
    time_ratio = r1000["median"] / r20["median"]
    query_ratio = r1000["queries"] / r20["queries"]
    print("(median and p95: wall time per request; cpu ms: median CPU time of this process per request, which")
    print(" other processes on the machine do not inflate, but which leaves out the database server's own work)")
    print()
    verdict = "meets" if time_ratio <= TARGET_RATIO else "MISSES"
    print(f"review page 1,000 / 20 mentions: time ×{time_ratio:.2f} (median; p95 ×{r1000['p95'] / r20['p95']:.2f};"
          f" cpu ×{r1000['cpu'] / r20['cpu']:.2f}) — {verdict} the target ≤ {TARGET_RATIO:g}")
    print(f"                                 queries ×{query_ratio:.2f} ({r1000['queries']} vs {r20['queries']};"
          f" should be 1.00)")
    print()
    print("For reference only — NOT measured here: figures the issue quotes for Label Studio 1.23.2 "
          "on this kind of machine")
    ls_list, ls_task = LABEL_STUDIO_MS["task list, 100 per page"], LABEL_STUDIO_MS["one task with predictions"]
    print(f"  task list, 100 per page   ~{ls_list:.0f} ms   our queue first page {queue['median']:.1f} ms "
          f"= ×{queue['median'] / ls_list:.2f} of it")
    print(f"  one task with predictions ~{ls_task:.0f} ms    our review page: 20 mentions {r20['median']:.1f} ms "
          f"= ×{r20['median'] / ls_task:.2f}, 1,000 mentions {r1000['median']:.1f} ms "
          f"= ×{r1000['median'] / ls_task:.2f}")
    print("  (their figures come from another setup and server stack; only the order of magnitude compares)")


def profile(client, url, rounds=20):
    import cProfile
    import pstats

    profiler = cProfile.Profile()
    profiler.enable()
    for _ in range(rounds):
        client.get(url)
    profiler.disable()
    print(f"\ncProfile of GET {url}, {rounds} requests (cumulative time, top 30):")
    pstats.Stats(profiler).sort_stats("cumulative").print_stats(30)


# ---- data --------------------------------------------------------------------------------------


def build_review_article(rng, editor, n_mentions, *, label):
    """One annotated article with `n_mentions` mentions over ~n/5 actors, 4 topics with evidence,
    3 quotes and 12 history events."""
    from django.utils import timezone

    from articles.models import (
        Actor,
        Article,
        ArticleTopic,
        Decision,
        Mention,
        Origin,
        Quote,
        ReviewEvent,
        Source,
        Topic,
    )

    n_actors = max(2, round(n_mentions / 5))
    pool = actor_pool(rng, n_actors)[:n_actors]
    actors = Actor.objects.bulk_create(
        [Actor(name=name, kind=kind, key=f"bench|{label}|{kind}|{name.lower()}", confirmed=rng.random() < 0.3)
         for name, kind, _ in pool])
    # Skewed: a few actors are mentioned often, most a few times (as in news text); every actor once at least.
    weights = [1 / (rank + 1) ** 0.8 for rank in range(n_actors)]
    order = list(range(n_actors)) + rng.choices(range(n_actors), weights=weights, k=n_mentions - n_actors)
    rng.shuffle(order)
    picks = []
    for index in order[:n_mentions]:
        name, kind, surfaces = pool[index]
        if rng.random() < 0.05:  # a mention the pipeline did not link to an actor
            picks.append((None, kind, rng.choice(surfaces)))
        else:
            picks.append((index, kind, rng.choice(surfaces)))
    body, spans, sentences = compose(rng, picks)
    source, _ = Source.objects.get_or_create(name="Agence de presse (bench)", defaults={"language": "fr"})
    now = timezone.now()
    article = Article.objects.create(
        title=f"Bench: article de {n_mentions} mentions", body=body, language="fr", source=source,
        url=f"https://example.org/bench/{label}", published_at=now - timedelta(days=1),
        content_hash=hashlib.sha256(f"bench-review-{label}-{body}".encode()).hexdigest(),
        status=Article.Status.ANNOTATED, pipeline_version="bench", annotated_at=now,
        review_state=Article.ReviewState.IN_REVIEW, created_by=editor,
    )
    decisions = [Decision.PENDING] * 7 + [Decision.ACCEPTED] * 2 + [Decision.REJECTED]
    mentions = Mention.objects.bulk_create([
        Mention(article=article, start=start, end=end, text=text, kind=kind,
                actor=actors[index] if index is not None else None,
                origin=Origin.EDITOR if rng.random() < 0.03 else Origin.MODEL,
                decision=rng.choice(decisions), confidence=round(rng.uniform(0.5, 1.0), 3), pipeline_version="bench")
        for start, end, text, kind, index in spans
    ], batch_size=500)
    topics = list(Topic.objects.active().order_by("id")[:40])
    ArticleTopic.objects.bulk_create([
        ArticleTopic(article=article, topic=topic, score=round(rng.uniform(0.35, 0.95), 3),
                     evidence=[list(s) for s in rng.sample(sentences, min(3, len(sentences)))],
                     decision=rng.choice([Decision.PENDING, Decision.PENDING, Decision.ACCEPTED]))
        for topic in rng.sample(topics, 4)
    ])
    persons = [m for m in mentions if m.kind == "person" and m.actor_id]
    Quote.objects.bulk_create([
        Quote(article=article, start=s, end=e, text=body[s:e], speaker=rng.choice(persons).actor if persons else None,
              cue="a déclaré")
        for s, e in sentences[:3]
    ])
    ReviewEvent.objects.bulk_create([
        ReviewEvent(article=article, user=editor, action="mention.decide", target=f"mention:{m.id}",
                    before={"decision": "pending", "text": m.text, "start": m.start, "end": m.end},
                    after={"decision": "accepted", "text": m.text, "start": m.start, "end": m.end})
        for m in mentions[:12]
    ])
    return {"id": article.id, "mentions": len(mentions), "actors": n_actors, "chars": len(body)}


def analyze():
    """The planner's statistics on the rows just bulk-created, and the rows --reuse deleted cleared away, as
    autovacuum does soon after on a server where it runs (it may be off where benchmarks run): without
    statistics PostgreSQL guesses the tables' sizes and reads every mention of the archive for the queue's
    hundred rows, and index scans step over the dead rows of the previous run's archive."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE" if connection.vendor == "postgresql" else "ANALYZE")


def build_queue(rng, editor, count, *, chunk=1000, label="queue"):
    """`count` annotated articles of ~10 sentences, each with 3 mentions (actors drawn, skewed, from a
    shared pool) and 2 topics."""
    from django.db import transaction
    from django.utils import timezone

    from articles.models import Actor, Article, ArticleTopic, Decision, Mention, Source, Topic
    from stories.models import Story

    pool = actor_pool(rng, max(50, count // 4))
    actors = []
    for i in range(0, len(pool), chunk):
        actors += Actor.objects.bulk_create(
            [Actor(name=name, kind=kind, key=f"bench|{label}|{kind}|{name.lower()}", confirmed=rng.random() < 0.3)
             for name, kind, _ in pool[i : i + chunk]])
    weights = [1 / (rank + 1) ** 0.9 for rank in range(len(pool))]
    sources = [Source.objects.get_or_create(name=name, defaults={"language": "fr"})[0]
               for name in ("Le Quotidien (bench)", "Agence Sud (bench)", "La Gazette (bench)", "Radio Est (bench)")]
    topics = list(Topic.objects.active().order_by("id"))
    states = ([Article.ReviewState.UNREVIEWED] * 6 + [Article.ReviewState.IN_REVIEW] * 2
              + [Article.ReviewState.REVIEWED] * 2)
    now = timezone.now()
    totals = {"articles": 0, "mentions": 0, "topics": 0, "actors": len(actors)}
    for first in range(0, count, chunk):
        articles, spans_of, sentences_of = [], [], []
        # Stories of 4 consecutive articles, for the queue grouped by story.
        stories = Story.objects.bulk_create(
            [Story(title=f"Sujet {label} {first + k}", article_count=4, outlet_count=3, languages=["fr"],
                   first_seen=now, last_seen=now) for k in range((min(count, first + chunk) - first + 3) // 4)])
        for i in range(first, min(count, first + chunk)):
            picks = []
            for index in rng.choices(range(len(pool)), weights=weights, k=3):
                name, kind, surfaces = pool[index]
                picks.append((index, kind, rng.choice(surfaces)))
            body, spans, sentences = compose(rng, picks, filler_rate=1.0)
            body += " " + " ".join(rng.sample(FILLERS, 4))
            articles.append(Article(
                title=f"Dépêche {i + 1} : {pool[picks[0][0]][0]} et {pool[picks[1][0]][0]}", body=body,
                language="fr", source=rng.choice(sources), url=f"https://example.org/bench/queue/{i + 1}",
                published_at=now - timedelta(minutes=count - i),
                content_hash=hashlib.sha256(f"bench-queue-{i}-{body}".encode()).hexdigest(),
                status=Article.Status.ANNOTATED, pipeline_version="bench", annotated_at=now,
                review_state=rng.choice(states), created_by=editor, story=stories[(i - first) // 4],
            ))
            spans_of.append(spans)
            sentences_of.append(sentences)
        with transaction.atomic():
            Article.objects.bulk_create(articles)
            mentions = [
                Mention(article=article, start=start, end=end, text=text, kind=kind, actor=actors[index],
                        decision=rng.choice([Decision.PENDING] * 8 + [Decision.ACCEPTED, Decision.REJECTED]),
                        confidence=round(rng.uniform(0.5, 1.0), 3), pipeline_version="bench")
                for article, spans in zip(articles, spans_of, strict=True)
                for start, end, text, kind, index in spans
            ]
            Mention.objects.bulk_create(mentions)
            article_topics = [
                ArticleTopic(article=article, topic=topic, score=round(rng.uniform(0.35, 0.95), 3),
                             evidence=[list(rng.choice(sentences))])
                for article, sentences in zip(articles, sentences_of, strict=True)
                for topic in rng.sample(topics, 2)
            ]
            ArticleTopic.objects.bulk_create(article_topics)
        totals["articles"] += len(articles)
        totals["mentions"] += len(mentions)
        totals["topics"] += len(article_topics)
    return totals


# ---- HTTP mode ----------------------------------------------------------------------------------

CORPUS = REPO.parent / "shared" / "corpus" / "dev" / "fr-rpm2-stories-dev.jsonl"
PASSWORD = "bench-password-not-secret"


def corpus_texts() -> list[str]:
    if not CORPUS.exists():
        raise SystemExit(f"--http needs the shared corpus ({CORPUS}) for real article text")
    with CORPUS.open(encoding="utf-8") as lines:
        return [json.loads(line)["text"] for line in lines if line.strip()]


def annotated_article(texts: list[str], editor, label: str) -> dict:
    """One article of the joined texts, annotated in this process by the real pipeline (kept for the
    next run: --reuse deletes every other article)."""
    from articles.models import Article, Mention
    from articles.services.annotation import articles_annotate

    body = "\n\n".join(texts)
    kept = Article.objects.filter(title=f"Bench: corpus texts joined ({label})", status=Article.Status.ANNOTATED)
    if kept.exists():
        article = kept.get()
        return {"id": article.id, "mentions": Mention.objects.filter(article=article).count(),
                "chars": len(article.body)}
    article = Article.objects.create(
        title=f"Bench: corpus texts joined ({label})", body=body, language="fr", created_by=editor,
        content_hash=hashlib.sha256(f"bench-http-{label}-{body}".encode()).hexdigest(), status=Article.Status.QUEUED)
    articles_annotate(article_ids=[article.id])
    article.refresh_from_db()
    assert article.status == Article.Status.ANNOTATED, article.last_error
    return {"id": article.id, "mentions": Mention.objects.filter(article=article).count(), "chars": len(body)}


def real_articles(editor, targets=(20, 1000, 1400)) -> list[dict]:
    """Corpus texts joined into articles of about ``targets`` mentions (sized from a first sample's rate)."""
    texts = corpus_texts()
    sample = annotated_article(texts[:20], editor, "sample")
    per_char = sample["mentions"] / sample["chars"]
    built = []
    for target in targets:
        chosen, chars = [], 0
        for text in itertools.cycle(texts):
            if chosen and chars * per_char >= target * 1.08:  # the sample's rate ran ~7% high on longer joins
                break
            chosen.append(text)
            chars += len(text) + 2
        built.append({**annotated_article(chosen, editor, str(target)), "target": target})
    return built


def free_port() -> int:
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def start_gunicorn(app_dir: str):
    import shlex
    import subprocess
    import urllib.request

    port = free_port()
    procfile = (Path(app_dir) / "Procfile").read_text()
    web = next(line.split(":", 1)[1] for line in procfile.splitlines() if line.startswith("web:"))
    web = web.replace("0.0.0.0:${PORT:-8000}", f"127.0.0.1:{port}").replace("--access-logfile -", "")
    web = re.sub(r"\$\{(\w+):-([^}]*)\}", lambda m: os.environ.get(m.group(1), m.group(2)), web)
    print(f"web ({app_dir}): {' '.join(web.split())}", flush=True)
    command = [str(Path(sys.executable).parent / "gunicorn"), *shlex.split(web)[1:]]
    env = {**os.environ, "DEBUG": "false", "PYTHONPATH": app_dir}
    process = subprocess.Popen(command, cwd=app_dir, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    for _ in range(300):
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/accounts/login/", timeout=2)
            return process, f"http://127.0.0.1:{port}"
        except OSError:
            time.sleep(0.2)
    process.kill()
    raise SystemExit("gunicorn did not answer: " + process.stderr.read().decode()[-2000:])


def logged_in_session(base: str, username: str):
    import requests

    session = requests.Session()
    page = session.get(f"{base}/accounts/login/").text
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)
    response = session.post(f"{base}/accounts/login/", data={"username": username, "password": PASSWORD,
                                                             "csrfmiddlewaretoken": token},
                            headers={"Referer": f"{base}/accounts/login/"}, allow_redirects=False)
    assert response.status_code == 302, f"login failed: {response.status_code}"
    return session


def answered(response):
    assert response.status_code in (200, 302), (response.status_code, response.text[:300])


def timed(call, check=answered) -> tuple[float, int]:
    """Milliseconds and bytes of one request; its answer is checked once the clock has stopped."""
    started = time.perf_counter()
    response = call()
    elapsed = (time.perf_counter() - started) * 1000
    check(response)
    return elapsed, len(response.content)


def decision_call(session, base, article_id, mention_id):
    """An HTMX accept/reject of one mention, as the page's keyboard code sends it (the decision alternates)."""
    from articles.models import Article, Mention

    def call():
        version = Article.objects.values_list("version", flat=True).get(id=article_id)
        current = Mention.objects.values_list("decision", flat=True).get(id=mention_id)
        decision = "rejected" if current == "accepted" else "accepted"
        return session.post(f"{base}/articles/{article_id}/mentions/{mention_id}/decide",
                            data={"decision": decision, "version": version},
                            headers={"HX-Request": "true", "HX-Target": "workspace",
                                     "X-CSRFToken": session.cookies["csrftoken"], "Referer": base + "/"})
    return call


def measure_http(pages, warmup, requests_per_page):
    """pages: (name, call, check) triples, timed in interleaved rounds (one request of each per round), so
    drift on the machine hits every page alike."""
    for _name, call, check in pages:
        for _ in range(warmup):
            check(call())
    times = {name: [] for name, _, _ in pages}
    sizes = {}
    for _ in range(requests_per_page):
        for name, call, check in pages:
            elapsed, size = timed(call, check)
            times[name].append(elapsed)
            sizes[name] = size
    return {name: (statistics.median(values), percentile(values, 90), sizes[name]) for name, values in times.items()}


def process_memory(pid: int) -> dict:
    """Memory in MiB of a process and its children (gunicorn's master and workers), from /proc: peak RSS
    (VmHWM) and RSS summed, which count the pages processes share once in each, and PSS summed, which
    splits each shared page between the processes that map it."""
    pids = [pid] + [int(child) for task in Path(f"/proc/{pid}/task").iterdir()
                    for child in (task / "children").read_text().split()]
    peaks, rss, pss = [], 0, 0
    for each in pids:
        status = dict(line.split(":", 1) for line in Path(f"/proc/{each}/status").read_text().splitlines())
        peaks.append(int(status["VmHWM"].split()[0]) / 1024)
        rss += int(status["VmRSS"].split()[0])
        rollup = Path(f"/proc/{each}/smaps_rollup").read_text()
        pss += int(re.search(r"^Pss:\s+(\d+)", rollup, flags=re.M).group(1))
    return {"processes": len(pids), "peak": sum(peaks), "peaks": peaks, "rss": rss / 1024, "pss": pss / 1024}


# ---- Label Studio beside it, over its REST API only ---------------------------------------------

LS_LABEL_CONFIG = """<View>
  <Labels name="label" toName="text">
    <Label value="person"/><Label value="organisation"/><Label value="place"/><Label value="event"/>
    <Label value="other"/>
  </Labels>
  <Text name="text" value="$text"/>
</View>"""
LS_IMPORT_CHUNK = 2_000  # tasks per import request (~4 MB of JSON, as the peer benchmark's largest)
LS_PID_FILE = Path("/tmp/peer-ls.pid")  # written by ../shared/peer-bench/labelstudio/setup.sh


class LabelStudio:
    """A Label Studio server's REST API, each request on a new loopback connection: over a kept-alive one
    its development server's small answers wait ~40 ms on Nagle's algorithm and delayed ACKs, which is
    not server work (a new loopback connection costs well under a millisecond). Every answer is checked."""

    def __init__(self, url: str, token: str, pid: int | None):
        self.url, self.token, self.pid = url.rstrip("/"), token, pid

    @classmethod
    def from_environment(cls):
        url = os.environ.get("LABEL_STUDIO_URL")
        if not url:
            return None
        token = os.environ.get("LABEL_STUDIO_TOKEN") or os.environ.get("LABEL_STUDIO_USER_TOKEN")
        if not token:
            raise SystemExit("LABEL_STUDIO_URL is set: LABEL_STUDIO_TOKEN (or LABEL_STUDIO_USER_TOKEN) is needed too")
        pid = os.environ.get("LABEL_STUDIO_PID") or (LS_PID_FILE.read_text().strip() if LS_PID_FILE.exists() else "")
        server = cls(url, token, int(pid) if pid else None)
        server.call("GET", "/api/current-user/whoami")
        return server

    def send(self, method: str, path: str, headers=(), **kwargs):
        import requests

        headers = {"Authorization": f"Token {self.token}", "Connection": "close", **dict(headers)}
        return requests.request(method, self.url + path, timeout=900, headers=headers, **kwargs)

    def call(self, method: str, path: str, expect: int = 200, **kwargs):
        response = self.send(method, path, **kwargs)
        if response.status_code != expect:
            raise SystemExit(f"Label Studio: {method} {path} answered {response.status_code} "
                             f"(expected {expect}): {response.text[:300]}")
        return response

    def project_create(self, title: str) -> int:
        project = {"title": title, "label_config": LS_LABEL_CONFIG}
        return self.call("POST", "/api/projects/", 201, json=project).json()["id"]

    def import_tasks(self, project: int, tasks: list[dict]) -> float:
        started = time.perf_counter()
        body = json.dumps(tasks).encode()
        answer = self.send("POST", f"/api/projects/{project}/import", data=body,
                           headers={"Content-Type": "application/json"})
        if answer.status_code != 201 or answer.json().get("task_count") != len(tasks):
            raise SystemExit(f"Label Studio import: {answer.status_code} {answer.text[:300]}")
        return time.perf_counter() - started

    def task_count(self, project: int) -> int:
        return self.call("GET", f"/api/projects/{project}/").json()["task_number"]

    def memory(self):
        return process_memory(self.pid) if self.pid else None

    # The calls timed beside Press Review's, each with the check of its answer (untimed).

    def task_list(self, project: int, total: int):
        def call():
            return self.send("GET", f"/api/tasks/?project={project}&page=1&page_size=100")

        def check(response):
            body = response.json() if response.status_code == 200 else {}
            if len(body.get("tasks", [])) != 100 or body.get("total") != total:
                raise SystemExit(f"Label Studio task list: {response.status_code}, {len(body.get('tasks', []))} tasks, "
                                 f"total {body.get('total')} (expected 100 of {total})")
        return call, check

    def task_detail(self, task_id: int, spans: int):
        def call():
            return self.send("GET", f"/api/tasks/{task_id}/")

        def check(response):
            body = response.json() if response.status_code == 200 else {}
            got = len((body.get("predictions") or [{}])[0].get("result", []))
            if got != spans or body.get("annotations"):
                raise SystemExit(f"Label Studio task {task_id}: {response.status_code}, {got} predicted spans "
                                 f"(expected {spans}), {len(body.get('annotations') or [])} annotations")
        return call, check

    def annotation_submit(self, task_id: int, result: list[dict]):
        """An editor's save: the task's spans as an annotation (Label Studio stores the whole annotation each
        time). The check then deletes it, untimed, so every round finds the task as the first one did."""
        def call():
            return self.send("POST", f"/api/tasks/{task_id}/annotations/", json={"result": result, "lead_time": 12.0})

        def check(response):
            body = response.json() if response.status_code == 201 else {}
            if len(body.get("result", [])) != len(result):
                raise SystemExit(f"Label Studio annotation on task {task_id}: {response.status_code} "
                                 f"{response.text[:300]}")
            self.call("DELETE", f"/api/annotations/{body['id']}/", 204)
        return call, check


def utf16_offsets(body: str):
    """Code-point offset → the UTF-16 offset Label Studio's front end counts (equal without astral characters)."""
    if all(ord(char) <= 0xFFFF for char in body):
        return lambda offset: offset
    before, count = [], 0
    for char in body:
        before.append(count)
        count += ord(char) > 0xFFFF
    before.append(count)
    return lambda offset: offset + before[offset]


def ls_task(body: str, spans: list[tuple[int, int, str]]) -> dict:
    """A task of the text with Press Review's mentions as its prediction, at the same offsets."""
    at = utf16_offsets(body)
    result = [{"id": f"m{index}", "from_name": "label", "to_name": "text", "type": "labels",
               "value": {"start": at(start), "end": at(end), "text": body[start:end], "labels": [kind]}}
              for index, (start, end, kind) in enumerate(spans)]
    return {"data": {"text": body}, "predictions": [{"model_version": "pressreview", "result": result}]}


def article_tasks(ids: list[int]) -> list[dict]:
    from articles.models import Article, Mention

    spans = {article_id: [] for article_id in ids}
    for article_id, start, end, kind in (Mention.objects.filter(article_id__in=ids).order_by("article_id", "start")
                                         .values_list("article_id", "start", "end", "kind")):
        spans[article_id].append((start, end, kind))
    bodies = dict(Article.objects.filter(id__in=ids).values_list("id", "body"))
    return [ls_task(bodies[article_id], spans[article_id]) for article_id in ids]


def ls_review_tasks(ls: LabelStudio, articles: list[dict]) -> None:
    """The review articles as tasks of a project of their own; adds each one's task id and spans."""
    project = ls.project_create(f"Press Review bench: review articles {time.strftime('%H%M%S')}")
    tasks = article_tasks([article["id"] for article in articles])
    ls.import_tasks(project, tasks)
    listed = ls.call("GET", f"/api/tasks/?project={project}&page=1&page_size=100&fields=task_only").json()["tasks"]
    for article, task, task_id in zip(articles, tasks, sorted(t["id"] for t in listed), strict=True):
        article["ls_task"], article["ls_result"] = task_id, task["predictions"][0]["result"]


def ls_queue_grow(ls: LabelStudio, project: int, after_id: int) -> int:
    """Imports the queue's archive (every article but the review ones) past `after_id` into `project`,
    LS_IMPORT_CHUNK tasks a request, each timed; returns the last article id imported."""
    from articles.models import Article

    archive = Article.objects.exclude(title__startswith="Bench: corpus texts joined").order_by("id")
    ids = list(archive.filter(id__gt=after_id).values_list("id", flat=True))
    if not ids:
        return after_id
    seconds, lines = 0.0, []
    for first in range(0, len(ids), LS_IMPORT_CHUNK):
        chunk = ids[first : first + LS_IMPORT_CHUNK]
        seconds += (spent := ls.import_tasks(project, article_tasks(chunk)))
        lines.append(f"{spent:.1f}")
    total = ls.task_count(project)
    if total != archive.count():
        raise SystemExit(f"Label Studio queue project holds {total:,} tasks, the archive {archive.count():,}")
    print(f"Label Studio: {len(ids):,} tasks imported (with Press Review's mentions as predictions) in "
          f"{seconds:.0f} s, {len(ids) / seconds:.0f} tasks/s, in requests of {LS_IMPORT_CHUNK:,} "
          f"(s each: {', '.join(lines)}); the project now holds {total:,}", flush=True)
    return ids[-1]


def run_http(args):
    import django

    django.setup()
    from django.contrib.auth.models import Group, User
    from django.core.management import call_command
    from django.db import connection

    from articles.models import Actor, Article

    assert connection.vendor == "postgresql", "--http measures on PostgreSQL"
    if "articles_article" in connection.introspection.table_names() and Article.objects.exists():
        if not args.reuse:
            raise SystemExit("refusing to run on a database that holds articles (pass --reuse to DELETE them)")
    ls = LabelStudio.from_environment()
    ls_memory = {"at start": ls.memory()} if ls else {}
    call_command("migrate", verbosity=0)
    if args.reuse:
        Article.objects.exclude(title__startswith="Bench: corpus texts joined").delete()
    Actor.objects.filter(key__startswith="bench|").delete()
    editor, _ = User.objects.get_or_create(username="bench-editor")
    editor.set_password(PASSWORD)
    editor.save()
    editor.groups.add(Group.objects.get(name="editor"))
    rng = random.Random(args.seed)

    started = time.perf_counter()
    articles = real_articles(editor)
    built = ", ".join(f"{a['mentions']:,} mentions ({a['chars']:,} chars)" for a in articles)
    print(f"built: corpus articles of {built}, annotated by the pipeline in {time.perf_counter() - started:.0f} s")
    queue_total = build_queue(rng, editor, args.articles)["articles"]
    analyze()
    if ls:
        ls_review_tasks(ls, articles)
        ls_queue = ls.project_create(f"Press Review bench: queue archive {time.strftime('%H%M%S')}")
        ls_last = 0

    app_dirs = args.app_dir.split(",")
    results = {app_dir: {} for app_dir in app_dirs}
    pairs = []  # (Press Review's page, Label Studio's counterpart)
    servers = {app_dir: start_gunicorn(app_dir) for app_dir in app_dirs}
    try:
        sessions = {app_dir: logged_in_session(base, editor.username) for app_dir, (_, base) in servers.items()}
        for size in (queue_total, args.queue_large):
            if size > Article.objects.count():
                started = time.perf_counter()
                build_queue(rng, editor, size - Article.objects.count(), label=f"queue{size}")
                analyze()
                print(f"queue grown to {Article.objects.count():,} articles in {time.perf_counter() - started:.0f} s")
            if ls:
                ls_last = ls_queue_grow(ls, ls_queue, ls_last)
                ls_memory.setdefault("after the first import", ls.memory())
            for app_dir in app_dirs:
                for pages in http_pages(servers[app_dir][1], sessions[app_dir], articles, size, size == queue_total,
                                        ls, ls_queue if ls else None, pairs):
                    measured = measure_http(pages, args.warmup, args.requests)
                    results[app_dir].update(measured)
                    for name, (median, p90, size_bytes) in measured.items():  # as it goes: a long run may be cut
                        print(f"  {app_dir}: {name}: median {median:.1f} ms, p90 {p90:.1f} ms, {size_bytes:,} bytes",
                              flush=True)
        memory = {app_dir: process_memory(process.pid) for app_dir, (process, _) in servers.items()}
    finally:
        for process, _ in servers.values():
            process.terminate()
            process.wait(timeout=30)
    if ls:
        ls_memory["at the end"] = ls.memory()
    for app_dir in app_dirs:
        http_report(results[app_dir], app_dir, args, articles, list(dict.fromkeys(pairs)))
        mem = memory[app_dir]
        print(f"memory, web processes ({app_dir}): gunicorn master + {mem['processes'] - 1} workers, peak RSS "
              f"(VmHWM summed) {mem['peak']:.0f} MiB ({' + '.join(f'{p:.0f}' for p in mem['peaks'])}), "
              f"RSS now {mem['rss']:.0f} MiB, PSS now {mem['pss']:.0f} MiB")
    for when, mem in ls_memory.items():
        if mem:
            print(f"memory, Label Studio's server {when}: peak RSS (VmHWM) {mem['peak']:.0f} MiB, "
                  f"RSS {mem['rss']:.0f} MiB, PSS {mem['pss']:.0f} MiB ({mem['processes']} process)")
    if ls and ls_memory["at the end"]:
        for app_dir in app_dirs:
            print(f"peak RSS, ours / Label Studio's: {memory[app_dir]['peak'] / ls_memory['at the end']['peak']:.2f} "
                  f"(target ≤ 1)")


def http_pages(base, session, articles, size, with_review, ls, ls_queue, pairs):
    """Sets of pages timed in rounds of their own: Press Review's, each followed by Label Studio's counterpart
    when one runs. The queue has its own rounds at every size, so that its two sizes are timed alike."""
    from articles.models import Mention

    pages = []
    sets = [pages]
    if with_review:
        anonymous = __import__("requests").Session()
        pages.append(("login page (baseline)", lambda: anonymous.get(f"{base}/accounts/login/"), answered))
        for article in articles:
            url = f"{base}/articles/{article['id']}"
            ids = list(Mention.objects.filter(article_id=article["id"]).order_by("start").values_list("id", flat=True))
            ours = (f"review page, {article['mentions']:,} mentions", lambda url=url: session.get(url), answered)
            decision = (f"decision, {article['mentions']:,}-mention article",
                        decision_call(session, base, article["id"], ids[len(ids) // 2]), answered)
            pages.append(ours)
            if ls:
                pages.append((f"LS task, {article['mentions']:,} spans",
                              *ls.task_detail(article["ls_task"], article["mentions"])))
                pairs.append((ours[0], pages[-1][0]))
            pages.append(decision)
            if ls:
                pages.append((f"LS annotation submit, {article['mentions']:,} spans",
                              *ls.annotation_submit(article["ls_task"], article["ls_result"])))
                pairs.append((decision[0], pages[-1][0]))
        sets.append(pages := [])
    queue = (f"queue first page, {size:,} articles", lambda: session.get(f"{base}/"), answered)
    pages.append(queue)
    if ls:
        total = ls.task_count(ls_queue)
        pages.append((f"LS task list page 1, {total:,} tasks", *ls.task_list(ls_queue, total)))
        pairs.append((queue[0], pages[-1][0]))
    return sets


def http_report(results, app_dir, args, articles, pairs):
    from django.conf import settings

    print(f"\nHTTP over loopback to gunicorn (as the Procfile's web line, {app_dir}), PostgreSQL "
          f"{settings.DATABASES['default'].get('NAME')}, DEBUG off, logged-in editor; "
          f"{args.requests} interleaved rounds after {args.warmup} warm-up requests per page")
    print(f"{'page':<44} {'median ms':>10} {'p90 ms':>8} {'bytes':>11}")
    for name, (median, p90, size) in results.items():
        print(f"{name:<44} {median:>10.1f} {p90:>8.1f} {size:>11,}")
    if pairs:
        print("\nside by side (ratio = Label Studio's median / Press Review's: above 1, Press Review is faster)")
        print(f"{'Press Review':<36} {'ms':>8} {'bytes':>11}   {'Label Studio':<34} {'ms':>8} {'bytes':>11}"
              f" {'ratio':>6}")
        for ours, theirs in pairs:
            (our_ms, _, our_bytes), (their_ms, _, their_bytes) = results[ours], results[theirs]
            print(f"{ours:<36} {our_ms:>8.1f} {our_bytes:>11,}   {theirs:<34} {their_ms:>8.1f} {their_bytes:>11,} "
                  f"{their_ms / our_ms:>6.2f}")
    print("\nthe issue's ratios:")
    small = articles[0]["mentions"]
    for article in articles[1:]:
        for kind, target in (("review page, {:,} mentions", 2.0), ("decision, {:,}-mention article", 1.5)):
            name, base_name = kind.format(article["mentions"]), kind.format(small)
            print(f"  {name} / {base_name}: time {results[name][0] / results[base_name][0]:.2f}×, "
                  f"bytes {results[name][2] / results[base_name][2]:.2f}× (target ≤ {target:g}×)")
        for kind in ("LS task, {:,} spans", "LS annotation submit, {:,} spans"):
            name, base_name = kind.format(article["mentions"]), kind.format(small)
            if name in results:
                print(f"  {name} / {base_name}: time {results[name][0] / results[base_name][0]:.2f}×, "
                      f"bytes {results[name][2] / results[base_name][2]:.2f}×")
    queues = [n for n in results if n.startswith("queue")]
    if len(queues) == 2:
        print(f"  {queues[1]} / {queues[0]}: {results[queues[1]][0] / results[queues[0]][0]:.2f}× (target ≤ 1.3×)")
    lists = [n for n in results if n.startswith("LS task list")]
    for ours, theirs in zip(queues, lists, strict=False):
        print(f"  {theirs} / {ours}: {results[theirs][0] / results[ours][0]:.2f}× (target ≥ 4×)")
    if not lists and queues:
        print(f"  quoted, not measured here: Label Studio's task list (244 ms in an earlier run) / {queues[0]}: "
              f"{244 / results[queues[0]][0]:.1f}× (set LABEL_STUDIO_URL to measure it in the same rounds)")


if __name__ == "__main__":
    main()
