"""A visitor of a freshly seeded demo signs up, applies in Slovak and submits: the demo's open call
takes a new application and gives it a fresh reference (it used to refuse it: the call had closed,
and once reopened every submission answered 500 on a reference the seed had already used)."""

import re
from decimal import Decimal

import pytest
from django.core import mail
from django.core.management import call_command
from playwright.sync_api import expect

from demo.seeding import NEXT_SLUG
from submissions.models import Project

pytestmark = [pytest.mark.browser, pytest.mark.slow, pytest.mark.django_db(transaction=True)]

PASSWORD = "a-long-enough-passphrase"
EMAIL = "nova.prihlaska@nitra.example.sk"


def test_demo_visitor_signs_up_and_submits_an_application_in_slovak(page):
    call_command("seed_demo", verbosity=0)
    taken = Project.objects.filter(edition__slug=NEXT_SLUG).exclude(reference="").count()

    page.goto("/")
    page.get_by_label("Language").select_option("sk")
    page.get_by_role("button", name="Switch").click()
    expect(page.locator("html")).to_have_attribute("lang", "sk")

    page.goto("/call/")
    expect(page).to_have_url(re.compile(rf".*/call/{NEXT_SLUG}/$"))
    page.get_by_role("button", name="Na podanie prihlášky si vytvorte účet").click()
    page.locator("#id_email").fill(EMAIL)
    page.locator("#id_first_name").fill("Nora")
    page.locator("#id_last_name").fill("Nováková")
    page.locator("#id_organisation").fill("Mesto Nitra")
    page.locator("#id_country").select_option("SK")
    page.locator("#id_language").select_option("sk")
    page.locator("#id_password1").fill(PASSWORD)
    page.locator("#id_password2").fill(PASSWORD)
    page.get_by_role("button", name="Vytvoriť účet").click()
    expect(page.get_by_role("heading", name="Skontrolujte si e-mail")).to_be_visible()

    message = next(m for m in reversed(mail.outbox) if m.to == [EMAIL])
    page.goto(re.search(r"https?://\S+/accounts/confirm/\S+", message.body).group(0))
    expect(page).to_have_url(re.compile(rf".*/call/{NEXT_SLUG}/$"))
    page.get_by_role("button", name="Začať novú prihlášku").click()
    expect(page).to_have_url(re.compile(r".*/applications/\d+/edit/$"))
    expect(page.locator("html")).to_have_attribute("lang", "sk")

    page.locator("#id_category").select_option(label="Inteligentný región")
    page.locator("#id_organisation_name").fill("Mesto Nitra")
    page.locator("#id_organisation_type").select_option("municipality")
    page.locator("#id_country").select_option("SK")
    page.locator("#id_city_region").fill("Nitra")
    page.locator("#id_title").fill("Hovoriace zastávky")
    page.locator("#id_summary").fill("Zvukové cestovné poriadky na každej zastávke.")
    page.locator("#id_problem").fill("Nevidiaci obyvatelia si neprečítajú cestovné poriadky.")
    page.locator("#id_solution").fill("Tlačidlo na zastávke nahlas prečíta najbližšie odchody.")
    page.locator("#id_results").fill("120 vybavených zastávok.")
    page.locator("#id_innovation").fill("Prvé riešenie na Slovensku.")
    page.locator("#id_citizen_involvement").fill("Navrhnuté s Úniou nevidiacich.")
    page.locator("#id_sustainability").fill("Prevádzkuje ho mestský dopravný podnik.")
    # The Slovak way: a no-break space groups the thousands, a comma separates the decimals.
    page.locator("#id_budget_eur").press_sequentially("125\u00a0000,50")
    page.locator("#id_funding_sources").fill("Rozpočet mesta.")
    page.locator("#id_start_date").fill("2025-03-01")
    page.locator("#id_end_date").fill("2026-02-28")
    page.locator("#id_team-0-name").fill("Nora Nováková")
    page.locator("#id_team-0-role").fill("Vedúca projektu")
    page.locator("#id_consent_rules").check()
    page.locator("#id_consent_privacy").check()
    page.get_by_test_id("submit-open").click()
    page.get_by_test_id("submit").click()

    expect(page).to_have_url(re.compile(r".*/applications/\d+/$"))
    expect(page.get_by_test_id("reference")).to_have_text(f"V4A-2027-{taken + 1:04d}")
    expect(page.get_by_test_id("status")).to_have_text("Podaná")
    project = Project.objects.get(owner__email=EMAIL)
    assert (project.status, project.reference, project.title, project.budget_eur) == (
        "submitted",
        f"V4A-2027-{taken + 1:04d}",
        "Hovoriace zastávky",
        Decimal("125000.50"),
    )
