"""Organiser-typed content (categories, criteria, rounds, the edition) in several languages:
each reader gets their language, and English when a translation is missing."""

import io

import pytest
from django.urls import reverse
from django.utils import translation
from openpyxl import load_workbook

from award.models import Category, Criterion, Edition, Round
from reports.backup import edition_export, edition_import
from reports.certificates import certificates_render
from reports.excel import workbook_applications, workbook_juror_progress, workbook_score_matrix
from reports.services import certificates_issue
from scoring.models import Result, Score
from submissions.models import Project
from tests.factories import UserFactory
from tests.reports.conftest import pdf_text

pytestmark = pytest.mark.django_db

SK_CATEGORY = "Inteligentné mesto"
SK_CRITERION = "Inovatívnosť"
SK_ROUND = "1. kolo: užší výber"


@pytest.fixture
def slovak_content(scored, open_round):
    category = scored["category"]
    category.name_sk = SK_CATEGORY
    category.description_en = "Cities that work better."
    category.description_sk = "Mestá, ktoré fungujú lepšie."
    category.save()
    innovation = scored["criteria"][0]
    innovation.name_sk = SK_CRITERION
    innovation.guidance_en = "How new is it?"
    innovation.guidance_sk = "Aké nové je riešenie?"
    innovation.level_descriptors_en = "0–3: weak\n9–10: outstanding"
    innovation.level_descriptors_sk = "0–3: slabé\n9–10: vynikajúce"
    innovation.save()
    open_round.name_sk = SK_ROUND
    open_round.save()
    return scored


def _page(client, url: str, language: str | None = None) -> str:
    headers = {"HTTP_ACCEPT_LANGUAGE": language} if language else {}
    response = client.get(url, **headers)
    assert response.status_code == 200
    return response.content.decode()


def test_category_name_reads_the_active_language_and_falls_back_to_english(slovak_content):
    category = Category.objects.get(pk=slovak_content["category"].pk)
    with translation.override("sk"):
        assert category.name == SK_CATEGORY
        assert str(category) == SK_CATEGORY
    with translation.override("hu"):
        assert category.name == "Smart City"
    with translation.override("en"):
        assert category.name == "Smart City"
    # The original column keeps English whatever language saved the row last.
    with translation.override("sk"):
        category.save()
    assert Category.objects.filter(pk=category.pk).values_list("name", flat=True).get() == "Smart City"


def test_object_created_while_another_language_is_active_still_has_english(edition):
    with translation.override("sk"):
        category = Category.objects.create(edition=edition, name="Kyberbezpečnosť", slug="cyber")
    category.refresh_from_db()
    assert category.name_en == "Kyberbezpečnosť"
    assert category.name_sk == "Kyberbezpečnosť"
    with translation.override("pl"):
        assert category.name == "Kyberbezpečnosť"


def test_call_page_shows_the_readers_language_with_english_fallback(client, edition, slovak_content):
    url = reverse("submissions:call", args=[edition.slug])
    slovak = _page(client, url, "sk")
    assert SK_CATEGORY in slovak and "Mestá, ktoré fungujú lepšie." in slovak
    assert SK_CRITERION in slovak and "Aké nové je riešenie?" in slovak and "9–10: vynikajúce" in slovak
    assert "Smart City" not in slovak
    hungarian = _page(client, url, "hu")
    assert "Smart City" in hungarian and "Cities that work better." in hungarian and "9–10: outstanding" in hungarian
    assert SK_CATEGORY not in hungarian


def test_juror_scoring_page_shows_the_rubric_in_the_jurors_language(client_for, juror, slovak_content):
    juror.language = "sk"
    juror.save()
    assignment = juror.assignments.get(project=slovak_content["projects"][0])
    html = _page(client_for(juror), reverse("scoring:score", args=[assignment.pk]))
    assert SK_CATEGORY in html and SK_CRITERION in html and "Aké nové je riešenie?" in html and SK_ROUND in html
    juror.language = "hu"
    juror.save()
    html = _page(client_for(juror), reverse("scoring:score", args=[assignment.pk]))
    assert "Smart City" in html and "Innovation" in html and SK_CATEGORY not in html


def test_ranking_page_and_dashboard_counts_show_the_slovak_category(
    client_for, organiser, edition, open_round, slovak_content
):
    organiser.language = "sk"
    organiser.save()
    client = client_for(organiser)
    url = reverse("results:ranking", args=[edition.slug, open_round.number, slovak_content["category"].slug])
    assert SK_CATEGORY in _page(client, url)
    screening = _page(client, reverse("submissions:screening", args=[edition.slug]))
    assert SK_CATEGORY in screening


def test_certificate_is_printed_with_the_category_in_the_recipients_language(edition, organiser, slovak_content):
    certificates = certificates_issue(edition=edition, kinds=["participant"], actor=organiser)
    slovak = next(c for c in certificates if c.project.owner == slovak_content["owner"])
    other = next(c for c in certificates if c.project.owner != slovak_content["owner"])
    other.language = "hu"
    other.save()
    assert SK_CATEGORY in pdf_text(certificates_render([slovak], base_url="https://award.example.org"))
    hungarian = pdf_text(certificates_render([other], base_url="https://award.example.org"))
    assert "Smart City" in hungarian and SK_CATEGORY not in hungarian


def _workbook(writer, **kwargs):
    buffer = io.BytesIO()
    writer(buffer, **kwargs)
    buffer.seek(0)
    return load_workbook(buffer)


def test_excel_exports_write_the_readers_language(edition, slovak_content):
    with translation.override("sk"):
        rows = list(_workbook(workbook_score_matrix, edition=edition).worksheets[0].iter_rows(values_only=True))
        progress = list(_workbook(workbook_juror_progress, edition=edition).worksheets[0].iter_rows(values_only=True))
        applications = list(_workbook(workbook_applications, edition=edition).worksheets[0].iter_rows(values_only=True))
    category_column = rows[0].index("Kategória")
    assert {row[category_column] for row in rows[1:]} == {SK_CATEGORY}
    assert {row[6] for row in rows[1:]} == {SK_CRITERION, "Impact"}
    assert {row[4] for row in rows[1:]} == {SK_ROUND}
    assert {row[0] for row in progress[1:]} == {SK_ROUND}
    assert SK_CATEGORY in {cell for row in applications[1:] for cell in row}
    with translation.override("hu"):
        rows = list(_workbook(workbook_score_matrix, edition=edition).worksheets[0].iter_rows(values_only=True))
    assert {row[category_column] for row in rows[1:]} == {"Smart City"}
    # Scores stay numbers whatever the language: the spreadsheet formats them.
    assert all(isinstance(row[7], int | float) for row in rows[1:])


def test_api_reads_the_requested_language_and_lists_every_translation(client, edition, slovak_content):
    category = slovak_content["category"]
    url = f"/api/v1/categories/{category.pk}/"
    assert client.get(url, HTTP_ACCEPT_LANGUAGE="sk").json()["name"] == SK_CATEGORY
    assert client.get(url + "?lang=sk").json()["name"] == SK_CATEGORY
    body = client.get(url + "?lang=hu").json()
    assert body["name"] == "Smart City"
    assert body["translations"]["name"] == {"en": "Smart City", "sk": SK_CATEGORY, "cs": None, "pl": None, "hu": None}
    criterion = client.get(f"/api/v1/criteria/{slovak_content['criteria'][0].pk}/" + "?lang=sk").json()
    assert criterion["levels"] == ["0–3: slabé", "9–10: vynikajúce"]


def test_signed_in_person_can_ask_for_another_language_with_lang(client_for, edition, slovak_content):
    person = UserFactory(language="en")
    html = _page(client_for(person), reverse("submissions:call", args=[edition.slug]) + "?lang=sk")
    assert SK_CATEGORY in html


def test_edition_backup_round_trips_every_translation(edition, slovak_content):
    edition.ceremony_place_sk = "Bratislava, Slovensko"
    edition.save()
    with translation.override("sk"):
        archive = edition_export(edition=edition)
    for model in (Score, Result, Project, Edition):  # scores and projects protect the rubric and the edition
        model.objects.all().delete()
    restored = edition_import(archive=archive)
    category = restored.categories.get()
    assert (category.name_en, category.name_sk, category.name_hu) == ("Smart City", SK_CATEGORY, None)
    assert category.description_sk == "Mestá, ktoré fungujú lepšie."
    criterion = Criterion.objects.get(edition=restored, position=0)
    assert (criterion.name_en, criterion.name_sk) == ("Innovation", SK_CRITERION)
    assert criterion.level_descriptors_sk == "0–3: slabé\n9–10: vynikajúce"
    assert Round.objects.get(edition=restored).name_sk == SK_ROUND
    assert (restored.ceremony_place_en, restored.ceremony_place_sk) == ("Bratislava", "Bratislava, Slovensko")
    # The original column holds English again, not the language that was active at export.
    assert Category.objects.filter(pk=category.pk).values_list("name", flat=True).get() == "Smart City"


def test_background_export_is_written_in_the_language_of_the_organiser_who_asked(edition, organiser, slovak_content):
    from reports.enums import ExportKind
    from reports.models import ExportJob
    from reports.tasks import export_run

    organiser.language = "sk"
    organiser.save()
    job = ExportJob.objects.create(edition=edition, kind=ExportKind.SCORE_MATRIX, created_by=organiser, total=8)
    export_run.func(job.pk)  # the worker has no request and no active language of its own
    job.refresh_from_db()
    with job.file.open("rb") as handle:
        rows = list(load_workbook(io.BytesIO(handle.read())).worksheets[0].iter_rows(values_only=True))
    assert "Kategória" in rows[0]
    assert {row[rows[0].index("Kategória")] for row in rows[1:]} == {SK_CATEGORY}
