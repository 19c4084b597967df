"""The admin's bulk import in real headless Chromium, with a real worker: upload,
dry run, import, and the progress bar moving until the articles are annotated."""

import csv

import pytest

from articles.models import Article
from imports.models import ImportBatch
from tests.conftest import ARTIFACTS, log_in, make_user

pytestmark = [pytest.mark.browser, pytest.mark.worker, pytest.mark.django_db(transaction=True)]

ROWS = [
    ["Visite à Rabat", ("Le ministre français de l'Intérieur, Gérald Darmanin, est arrivé à Rabat pour parler de "
                        "terrorisme avec son homologue marocain."), "Le Desk", "fr"],
    ["Sommet à Dakar",
     "Le président du Sénégal, Macky Sall, a reçu à Dakar le Premier ministre espagnol Pedro Sánchez.",
     "AFP", "fr"],
    ["Trade talks",
     "The Prime Minister of Canada met the President of Mexico in Ottawa to discuss trade and migration.",
     "BBC News", "en"],
    ["<b>Sans texte</b>", "", "AFP", "fr"],
]


def test_an_admin_dry_runs_a_csv_then_imports_it_and_watches_it_annotated(page, live_server, worker, tmp_path):
    admin = make_user("chief", "admin")
    admin.is_staff = True
    admin.save()
    path = tmp_path / "feed.csv"
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle, delimiter=";")
        writer.writerow(["titre", "texte", "source", "langue"])
        writer.writerows(ROWS)

    ARTIFACTS.mkdir(exist_ok=True)
    log_in(page, live_server, "chief")
    page.goto(live_server.url + "/admin/imports/importbatch/")
    page.get_by_role("link", name="Add import batch").click()
    page.screenshot(path=str(ARTIFACTS / "import-form.png"), full_page=True)
    page.get_by_label("File:", exact=True).set_input_files(str(path))
    page.get_by_role("button", name="Dry run").click()

    page.get_by_text("Dry run: 3 articles would be created. Nothing has been written yet.").wait_for(timeout=120_000)
    assert not Article.objects.exists()
    assert page.locator('[data-count="failed"]').inner_text() == "1"
    assert page.get_by_role("cell", name="<b>Sans texte</b>").count() == 1  # shown as text, not markup
    url_before = page.url
    navigations = []

    page.get_by_role("button", name="Import 3 articles").click()
    page.wait_for_url(url_before)
    page.on("framenavigated", lambda frame: navigations.append(frame.url))
    bar = page.locator("progress#import-bar")
    bar.wait_for()
    page.locator('.import-status[data-status="done"]').wait_for(timeout=180_000)
    assert navigations == [] and page.url == url_before  # updated in place by polling, not reloaded

    assert page.locator('[data-count="created"]').inner_text() == "3"
    assert page.locator('[data-count="annotated"]').inner_text() == "3"
    assert bar.get_attribute("value") == bar.get_attribute("max") == "3"
    batch = ImportBatch.objects.get()
    assert batch.status == ImportBatch.Status.DONE
    assert sorted(batch.articles().values_list("status", flat=True)) == ["annotated"] * 3
    page.screenshot(path=str(ARTIFACTS / "import-done.png"), full_page=True)

    with page.expect_download() as download:
        page.get_by_role("link", name="Download the rejected row (CSV)").click()
    assert "The article text is empty." in download.value.path().read_text(encoding="utf-8-sig")
