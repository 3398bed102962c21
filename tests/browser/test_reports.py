import re

import pytest
from django.core.management import call_command
from openpyxl import load_workbook
from playwright.sync_api import expect
from pypdf import PdfReader

from demo.seeding import DEMO_PASSWORD, DEMO_SLUG, ORGANISER_EMAIL
from reports.models import Certificate

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.mark.slow
def test_organiser_exports_and_prints_certificates_on_the_demo(page, login_as, tmp_path):
    call_command("seed_demo", verbosity=0)
    login_as(ORGANISER_EMAIL, DEMO_PASSWORD)
    page.get_by_test_id("nav-reports").click()
    page.get_by_role("heading", name="Reports").wait_for()

    with page.expect_download() as info:
        page.get_by_test_id("export-score_matrix").click()
    path = tmp_path / "scores.xlsx"
    info.value.save_as(path)
    scores = load_workbook(path)["Scores"]
    assert next(scores.iter_rows(values_only=True))[0] == "Reference"
    assert scores.max_row > 100

    with page.expect_download() as info:
        page.get_by_test_id("ranking-1").click()
    info.value.save_as(tmp_path / "ranking.xlsx")
    assert load_workbook(tmp_path / "ranking.xlsx").sheetnames[:2] == ["Summary", "Smart City"]

    page.get_by_role("button", name="Generate certificates").click()
    page.wait_for_url(re.compile(r".*/certificates/batches/\d+/$"))
    progress = page.get_by_test_id("job-progress")
    expect(progress).to_be_visible()
    page.get_by_test_id("download-pdf").wait_for(timeout=60_000)
    expect(progress).to_have_attribute("value", "100")
    with page.expect_download() as info:
        page.get_by_test_id("download-pdf").click()
    info.value.save_as(tmp_path / "all.pdf")
    pages = PdfReader(tmp_path / "all.pdf").pages
    assert len(pages) == Certificate.objects.filter(edition__slug=DEMO_SLUG).count() > 40

    certificate = Certificate.objects.filter(edition__slug=DEMO_SLUG, kind="participant").first()
    assert certificate.code in pages[0].extract_text().replace("\n", "") or certificate.code in "".join(
        p.extract_text().replace("\n", "") for p in pages
    )
    page.goto(f"/verify/{certificate.code}")
    expect(page.get_by_test_id("verify-valid")).to_be_visible()
    assert certificate.recipient_name in page.content()


def test_verification_page_on_a_phone(page, live_server):
    page.set_viewport_size({"width": 375, "height": 740})
    page.goto("/verify/not-a-real-code-at-all-xx")
    expect(page.get_by_test_id("verify-unknown")).to_be_visible()
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 375
