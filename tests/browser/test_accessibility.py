"""Accessibility walk: every page that each role can reach goes through axe-core (vendored in
tests/browser/vendor/axe-core/) inside Chromium; any serious or critical violation fails the test.
Each page is checked on a desktop and again on a 390 px phone, where the page itself must not
scroll sideways. WALK_SCREENSHOTS=1 keeps a full-page phone screenshot of every page under
test-artifacts/screenshots/walk-390/.

The URL names are enumerated from the urlconfs: a page added to the site without a place in
this walk (or an explicit reason in NOT_WALKED) fails `test_every_page_is_in_the_walk`."""

import os
import re
from datetime import timedelta
from pathlib import Path

import pyotp
import pytest
from django.core.management import call_command
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import timezone

from award.models import Edition, EditionRole, Round, TwoFactorDevice, User
from demo.seeding import ADMIN_EMAIL, APPLICANT_EMAIL, DEMO_PASSWORD, DEMO_SLUG, JUROR_EMAIL, NEXT_SLUG, ORGANISER_EMAIL
from reports.enums import CertificateKind, ExportKind, JobStatus
from reports.models import CertificateBatch, ExportJob
from reports.services import certificates_issue
from scoring.enums import AssignmentStatus
from scoring.models import Assignment
from scoring.vote.enums import Standing
from scoring.vote.models import PublicVote
from submissions.enums import ProjectStatus
from submissions.models import Project

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

AXE_SOURCE = (Path(__file__).resolve().parent / "vendor" / "axe-core" / "axe.min.js").read_text()
BLOCKING = {"serious", "critical"}
SCREENSHOTS = Path(__file__).resolve().parent.parent.parent / "test-artifacts" / "screenshots" / "walk-390"
DESKTOP = {"width": 1280, "height": 900}
PHONE = {"width": 390, "height": 844}

# URL names that are not pages a person reads: files, JSON, form targets that only accept POST
# (their pages are walked where the form lives), and third-party pages we do not own.
NOT_WALKED = {
    "set_language": "POST target of the language switcher",
    "logout": "POST target; its result (logged_out) is walked",
    "account_data": "zip download",
    "schema": "OpenAPI YAML",
    "api-docs": "Swagger UI, third-party",
    "submissions:new": "POST target; redirects to the application form",
    "submissions:reopen": "POST target on the status page",
    "submissions:summary_pdf": "PDF download",
    "submissions:attachment": "file download",
    "submissions:screening_eligibility": "POST target on the screening detail page",
    "submissions:screening_reopen": "POST target on the screening detail page",
    "submissions:screening_bulk": "POST target on the screening page: one decision for the ticked applications",
    "submissions:screening_dossier": "POST target on the screening page: starts the dossier job",
    "reports:export_rerun": "POST target of Run again on a failed export's page (walked as the job page)",
    "reports:batch_email": "POST target of the email button on a finished certificate batch's page",
    "setup:email_log_resend": "POST target of Send again on a failed row of the email log (walked as the log)",
    "reports:batch_rerun": "POST target of Run again on a failed certificate batch's page (walked as the job page)",
    "scoring:attachment": "file download",
    "scoring:juror_chair": "POST target on the jurors page (appoint or remove the jury chair)",
    "results:public_json": "JSON",
    "results:ceremony_offline": "a download (one self-contained HTML file for the stage laptop)",
    "results:ceremony_sponsor_add": "POST target on the ceremony script page",
    "results:ceremony_sponsor_move": "POST target on the ceremony script page",
    "results:ceremony_sponsor_remove": "POST target on the ceremony script page",
    "reports:ceremony_envelopes": "PDF download",
    "reports:ceremony_run_of_show": "PDF download",
    "results:special_award": "POST target on the ranking overview",
    "results:cross_award_give": "POST target on the cross-category award page",
    "results:special_award_remove": "POST target on the ranking overview",
    "results:round_freeze": "POST target on the ranking overview",
    "results:publish": "POST target on the ranking overview",
    "results:unpublish": "POST target on the ranking overview",
    "results:finalists": "POST target on the ranking page",
    "results:override": "POST target on the ranking page",
    "results:final_round": "POST target on the ranking page",
    "results:winner": "POST target on the ranking page",
    "results:winner_override": "POST target on the ranking page",
    "results:ballot_tie": "POST target on the ranked ballot's count page",
    "results:ballot": "needs a ranked final round (the demo's is scored): axe and phone width in tests/browser/test_ballot.py",
    "scoring:ballot": "needs a ranked final round (the demo's is scored): axe and phone width in tests/browser/test_ballot.py",
    "results:meeting_project": "the meeting page (results:meeting, walked) with another project under discussion",
    "results:meeting_names": "POST target on the meeting page",
    "results:meeting_timer": "POST target on the meeting page (the timer's length)",
    "results:meeting_note": "POST target on the meeting page",
    "results:meeting_decide": "POST target on the meeting page",
    "results:meeting_veto": "POST target on the meeting page",
    "reports:certificate_download": "PDF download",
    "reports:excel": "xlsx download",
    "reports:export_file": "xlsx download",
    "reports:batch_start": "POST target on the reports page",
    "reports:batch_file": "PDF/zip download",
    "reports:certificate_revoke": "POST target on the reports page",
    "setup:criterion_move": "POST target on the rubric page (Move up / Move down)",
    "setup:criterion_remove": "POST target on the rubric page",
    "setup:criteria_order": "JSON POST target of the rubric's drag and drop",
    "setup:open": "POST target on the checklist page",
    "setup:rubric_template": "POST target on the rubric page (start from a template)",
    "setup:categories_template": "POST target on the categories page (add a template's categories)",
    "setup:logo": "an image",
    "vote:fraud_export": "CSV download",
    "vote:picture": "an image (a project's picture on the voting page)",
    "vote:void": "POST target on the fraud report",
    "vote:prize": "POST target on the public vote's page",
}


def url_names() -> set[str]:
    names: set[str] = set()

    def walk(patterns, namespace):
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                if pattern.namespace == "admin" or str(pattern.pattern).startswith("api/"):
                    continue  # Django's admin and the JSON API are not our pages
                inner = ":".join(part for part in (namespace, pattern.namespace) if part)
                walk(pattern.url_patterns, inner)
            elif isinstance(pattern, URLPattern) and pattern.name:
                names.add(f"{namespace}:{pattern.name}" if namespace else pattern.name)

    walk(get_resolver().url_patterns, "")
    return names


def axe_violations(page) -> list[str]:
    if not page.evaluate("typeof window.axe !== 'undefined'"):
        # evaluate() runs outside the page's Content-Security-Policy, which forbids inline scripts.
        page.evaluate(AXE_SOURCE)
    result = page.evaluate("() => axe.run(document, {resultTypes: ['violations']})")
    # Then again with every disclosure open (confirmation steps, menus, level descriptors).
    opened = page.evaluate(
        """async () => {
            // The account menu drops down from the header: open it only while the header is in view.
            const which = window.scrollY > 0 ? 'details:not([open]):not(.dropdown)' : 'details:not([open])';
            const closed = [...document.querySelectorAll(which)];
            closed.forEach((d) => { d.open = true; });
            const result = await axe.run(document, {resultTypes: ['violations']});
            closed.forEach((d) => { d.open = false; });
            return result;
        }"""
    )
    result["violations"] += opened["violations"]
    return [
        f"{violation['id']} ({violation['impact']}): {violation['help']} at "
        + "; ".join(" ".join(node["target"]) for node in violation["nodes"][:5])
        for violation in result["violations"]
        if violation["impact"] in BLOCKING
    ]


def sideways_overflow(page) -> str:
    """What makes the page wider than the window, or '' when it fits (no sideways scroll)."""
    return page.evaluate(
        """() => {
            const width = window.innerWidth;
            if (document.documentElement.scrollWidth <= width) return '';
            const name = (el) => el.tagName.toLowerCase() + (el.id ? '#' + el.id : '')
                + (el.classList.length ? '.' + [...el.classList].join('.') : '');
            // The innermost elements that stick out name the culprit better than their parents.
            const wide = [...document.body.querySelectorAll('*')].filter((el) => {
                const box = el.getBoundingClientRect();
                return box.width > 0 && box.right > width + 1;
            });
            const leaves = wide.filter((el) => !wide.some((other) => other !== el && el.contains(other)));
            return `scrollWidth ${document.documentElement.scrollWidth} > ${width}: `
                + leaves.slice(0, 5).map((el) => name(el) + ' (' + Math.round(el.getBoundingClientRect().right) + ')').join(', ');
        }"""
    )


class Walk:
    def __init__(self, browser, base_url):
        self.browser = browser
        self.base_url = base_url
        self.visited: set[str] = set()
        self.failures: list[str] = []

    def context(self, email=None):
        context = self.browser.new_context(base_url=self.base_url, locale="en-GB", viewport=DESKTOP)
        context.set_default_timeout(10_000)
        page = context.new_page()
        if email:
            page.goto("/accounts/login/")
            page.get_by_label("Email").fill(email)
            page.get_by_label("Password").fill(DEMO_PASSWORD)
            page.get_by_role("button", name="Log in").click()
            page.wait_for_url("/")  # the landing page; "**/" would match the login page too
        return context, page

    def check(self, page, role, name, url=None, *, status=200):
        if url is not None:
            response = page.goto(url)
            if response.status != status:
                self.failures.append(f"[{role}] {name} {url}: HTTP {response.status} instead of {status}")
        self.visited.add(name)
        for violation in axe_violations(page):
            self.failures.append(f"[{role}] {name} {page.url}: {violation}")
        # The same page on a phone, without reloading it (some pages are the result of a POST).
        page.set_viewport_size(PHONE)
        try:
            for violation in axe_violations(page):
                self.failures.append(f"[{role}, 390 px] {name} {page.url}: {violation}")
            # The ceremony has a layout of its own (ceremony.css, outside base.html), and it fits too.
            if overflow := sideways_overflow(page):
                self.failures.append(f"[{role}, 390 px] {name} {page.url}: scrolls sideways, {overflow}")
            if os.environ.get("WALK_SCREENSHOTS"):
                # For a person to look at: every page as a phone shows it (opt-in; tall pages are slow).
                SCREENSHOTS.mkdir(parents=True, exist_ok=True)
                shot = re.sub(r"[^A-Za-z0-9_.-]+", "_", f"{role}-{name}")[:120]
                page.screenshot(path=str(SCREENSHOTS / f"{shot}.png"), full_page=True)
        finally:
            page.set_viewport_size(DESKTOP)


def test_axe_reports_a_serious_violation(page, live_server):
    # The walk below is only worth something if this harness really sees violations.
    page.goto("/privacy/")
    page.evaluate("document.querySelector('main').insertAdjacentHTML('beforeend', '<img src=/static/favicon.svg>')")
    assert any(v.startswith("image-alt (critical)") for v in axe_violations(page))


def test_sideways_overflow_is_seen(page, live_server):
    # The phone-width rule of the walk is only worth something if it sees a page that is too wide.
    page.set_viewport_size(PHONE)
    page.goto("/privacy/")
    assert sideways_overflow(page) == ""
    page.evaluate("document.querySelector('main').insertAdjacentHTML('beforeend', '<p id=wide class=too-wide>x</p>')")
    page.add_style_tag(content=".too-wide { width: 900px; }")
    assert "p#wide.too-wide" in sideways_overflow(page)


def test_every_page_is_in_the_walk():
    missing = url_names() - WALKED - set(NOT_WALKED)
    assert missing == set(), f"add these pages to the accessibility walk: {sorted(missing)}"


WALKED = {
    "home",
    "login",
    "login_verify",
    "two_factor",
    "signup",
    "signup_done",
    "account_confirm_resend",
    "account_confirm",
    "profile",
    "password_change",
    "password_change_done",
    "password_reset",
    "password_reset_done",
    "password_reset_confirm",
    "password_reset_complete",
    "privacy",
    "account_delete",
    "api_tokens",
    "audit_log",
    "edition_copy",
    "submissions:call_current",
    "submissions:call",
    "submissions:status",
    "submissions:edit",
    "submissions:withdraw",
    "submissions:screening_current",
    "submissions:screening",
    "submissions:screening_detail",
    "scoring:dashboard",
    "scoring:score",
    "scoring:declare_conflict",
    "scoring:briefing",
    "scoring:briefing_edit",
    "scoring:invitation_accept",
    "scoring:manage",
    "scoring:jurors",
    "scoring:jurors_import",
    "scoring:juror_edit",
    "scoring:assignments",
    "scoring:progress",
    "scoring:reminders",
    "scoring:reopen",
    "results:index",
    "results:public",
    "results:project",
    "results:overview",
    "results:cross_award",
    "results:ranking",
    "results:meeting",
    "results:ceremony",
    "results:ceremony_presenter",
    "results:ceremony_script",
    "reports:current",
    "reports:my_certificates",
    "reports:home",
    "reports:export",
    "reports:batch",
    "verify",
    "setup:index",
    "setup:new",
    "setup:basics",
    "setup:categories",
    "setup:rubric",
    "setup:criterion_new",
    "setup:criterion",
    "setup:rounds",
    "setup:signatories",
    "setup:branding",
    "setup:checklist",
    "setup:emails",
    "setup:email_edit",
    "setup:email_log",
    "vote:page",
    "vote:sent",
    "vote:confirm",
    "vote:manage",
    "vote:fraud",
}


@pytest.mark.slow
@pytest.mark.markup_only
def test_every_page_of_every_role_passes_axe(browser, live_server):
    call_command("seed_demo", verbosity=0)
    edition = Edition.objects.get(slug=DEMO_SLUG)
    slug = edition.slug
    organiser = User.objects.get(email=ORGANISER_EMAIL)
    applicant = User.objects.get(email=APPLICANT_EMAIL)
    juror = User.objects.get(email=JUROR_EMAIL)
    # The edition being judged has its call closed; the applicant's draft is in next year's open call.
    draft = Project.objects.get(owner=applicant, edition__slug=NEXT_SLUG, status=ProjectStatus.DRAFT)
    eligible = Project.objects.filter(owner=applicant, status=ProjectStatus.ELIGIBLE).first()
    round1 = Round.objects.get(edition=edition, number=1)
    category = eligible.category
    open_assignment = (
        Assignment.objects.filter(juror=juror, round=round1).exclude(status=AssignmentStatus.COMPLETED).first()
    )
    done_assignment = Assignment.objects.filter(juror=juror, status=AssignmentStatus.COMPLETED).first()
    juror_role = EditionRole.objects.filter(edition=edition, user=juror).first()
    certificate = certificates_issue(edition=edition, kinds=[CertificateKind.PARTICIPANT], actor=organiser)[0]
    now = timezone.now()
    export = ExportJob.objects.create(
        edition=edition, kind=ExportKind.values[0], status=JobStatus.DONE, total=10, done=10, finished_at=now
    )
    batch = CertificateBatch.objects.create(
        edition=edition, kinds=[CertificateKind.PARTICIPANT], status=JobStatus.DONE, total=3, done=3, finished_at=now
    )

    # The public vote (issue 20): the demo's, open, with every eligible project of the edition's
    # categories standing.
    poll, _created = PublicVote.objects.update_or_create(
        edition=edition,
        defaults={
            "standing": Standing.CATEGORIES,
            "opens_at": now - timedelta(days=1),
            "closes_at": now + timedelta(days=7),
        },
    )
    poll.categories.set(edition.categories.all())

    walk = Walk(browser, live_server.url)

    # Anonymous visitors.
    context, page = walk.context()
    for name, url in [
        ("home", "/"),
        ("submissions:call", reverse("submissions:call", args=[slug])),
        ("login", reverse("login")),
        ("signup", reverse("signup")),
        ("signup_done", reverse("signup_done")),
        ("account_confirm_resend", reverse("account_confirm_resend")),
        ("password_reset", reverse("password_reset")),
        ("password_reset_done", reverse("password_reset_done")),
        ("password_reset_confirm", reverse("password_reset_confirm", args=["MQ", "not-a-token"])),
        ("password_reset_complete", reverse("password_reset_complete")),
        ("privacy", reverse("privacy")),
        ("verify", reverse("verify", args=[certificate.code])),
        ("vote:page", reverse("vote:page", args=[slug])),
        ("vote:sent", reverse("vote:sent", args=[slug])),
        ("vote:confirm", reverse("vote:confirm", args=[slug, "not-a-token"])),
    ]:
        walk.check(page, "anonymous", name, url)
    walk.check(
        page, "anonymous", "verify (unknown code)", reverse("verify", args=["not-a-real-code-at-all"]), status=404
    )
    invitation = reverse("scoring:invitation_accept", args=["MQ", "not-a-token"])
    walk.check(page, "anonymous", "scoring:invitation_accept", invitation, status=400)
    walk.check(page, "anonymous", "account_confirm", reverse("account_confirm", args=["bad-token"]), status=400)
    page.goto(reverse("submissions:call_current"))
    walk.check(page, "anonymous", "submissions:call_current")
    walk.check(page, "anonymous", "404", "/no-such-page/", status=404)
    walk.check(
        page, "anonymous", "results:public (not yet published)", reverse("results:public", args=[slug]), status=404
    )
    # A form posted without its CSRF cookie: the 403 page.
    page.goto(reverse("login"))
    context.clear_cookies()
    page.get_by_label("Email").fill(APPLICANT_EMAIL)
    page.get_by_label("Password").fill(DEMO_PASSWORD)
    with page.expect_response(lambda r: r.request.method == "POST") as answer:
        page.get_by_role("button", name="Log in").click()
    assert answer.value.status == 403
    page.wait_for_load_state()
    walk.check(page, "anonymous", "403 (CSRF)")
    context.close()

    # The applicant.
    context, page = walk.context(APPLICANT_EMAIL)
    for name, url in [
        ("home", "/"),
        ("profile", reverse("profile")),
        ("two_factor", reverse("two_factor")),
        ("api_tokens", reverse("api_tokens")),
        ("password_change", reverse("password_change")),
        ("password_change_done", reverse("password_change_done")),
        ("account_delete", reverse("account_delete")),
        ("submissions:edit", reverse("submissions:edit", args=[draft.pk])),
        ("submissions:status", reverse("submissions:status", args=[draft.pk])),
        ("submissions:status (eligible)", reverse("submissions:status", args=[eligible.pk])),
        ("submissions:withdraw", reverse("submissions:withdraw", args=[eligible.pk])),
        ("reports:my_certificates", reverse("reports:my_certificates")),
    ]:
        walk.check(page, "applicant", name, url)
    # Every section of the long application form, reached through its section menu.
    page.goto(reverse("submissions:edit", args=[draft.pk]))
    for link in page.locator("nav.section-menu a").all():
        link.click()
        walk.check(page, "applicant", "submissions:edit section " + (link.get_attribute("href") or ""))
    # A save with errors: messages are announced and linked to their fields.
    page.get_by_label("Website").fill("not a web address")
    page.get_by_role("button", name="Save draft").first.click()
    page.wait_for_load_state()
    walk.check(page, "applicant", "submissions:edit (with errors)")
    walk.check(
        page,
        "applicant",
        "results:project (not yet published)",
        reverse("results:project", args=[slug, eligible.pk]),
        status=404,
    )
    context.close()

    # A juror.
    context, page = walk.context(JUROR_EMAIL)
    for name, url in [
        ("home", "/"),
        ("scoring:dashboard", reverse("scoring:dashboard")),
        ("scoring:score", reverse("scoring:score", args=[open_assignment.pk])),
        ("scoring:score (finalised)", reverse("scoring:score", args=[done_assignment.pk])),
        ("scoring:declare_conflict", reverse("scoring:declare_conflict", args=[open_assignment.pk])),
        ("scoring:briefing", reverse("scoring:briefing", args=[slug])),
    ]:
        walk.check(page, "juror", name, url)
    context.close()

    # The organiser.
    context, page = walk.context(ORGANISER_EMAIL)
    for name, url in [
        ("home", "/"),
        ("submissions:screening", reverse("submissions:screening", args=[slug])),
        ("submissions:screening_detail", reverse("submissions:screening_detail", args=[slug, eligible.pk])),
        ("scoring:jurors", reverse("scoring:jurors", args=[slug])),
        ("scoring:jurors_import", reverse("scoring:jurors_import", args=[slug])),
        ("scoring:juror_edit", reverse("scoring:juror_edit", args=[slug, juror_role.pk])),
        ("scoring:briefing_edit", reverse("scoring:briefing_edit", args=[slug])),
        ("scoring:assignments", reverse("scoring:assignments", args=[round1.pk])),
        ("scoring:progress", reverse("scoring:progress", args=[round1.pk])),
        ("scoring:reminders", reverse("scoring:reminders", args=[round1.pk])),
        ("scoring:reopen", reverse("scoring:reopen", args=[done_assignment.pk])),
        ("results:overview", reverse("results:overview", args=[slug])),
        (
            "results:cross_award",
            reverse("results:cross_award", args=[slug]) + f"?round=1&criteria={edition.criteria.first().pk}",
        ),
        ("results:ranking", reverse("results:ranking", args=[slug, 1, category.slug])),
        ("results:meeting", reverse("results:meeting", args=[slug, 1, category.slug])),
        ("results:ceremony", reverse("results:ceremony", args=[slug])),
        ("results:ceremony_presenter", reverse("results:ceremony_presenter", args=[slug])),
        ("results:ceremony_script", reverse("results:ceremony_script", args=[slug])),
        ("results:public", reverse("results:public", args=[slug])),
        ("results:project", reverse("results:project", args=[slug, eligible.pk])),
        ("reports:home", reverse("reports:home", args=[slug])),
        ("reports:export", reverse("reports:export", args=[slug, export.pk])),
        ("reports:batch", reverse("reports:batch", args=[slug, batch.pk])),
        ("audit_log", reverse("audit_log")),
        ("edition_copy", reverse("edition_copy", args=[slug])),
        ("setup:index", reverse("setup:index")),
        ("setup:basics", reverse("setup:basics", args=[slug])),
        ("setup:categories", reverse("setup:categories", args=[slug])),
        ("setup:rubric", reverse("setup:rubric", args=[slug])),
        ("setup:criterion_new", reverse("setup:criterion_new", args=[slug])),
        ("setup:criterion", reverse("setup:criterion", args=[slug, edition.criteria.first().pk])),
        ("setup:rounds", reverse("setup:rounds", args=[slug])),
        ("setup:signatories", reverse("setup:signatories", args=[slug])),
        ("setup:branding", reverse("setup:branding", args=[slug])),
        ("setup:checklist", reverse("setup:checklist", args=[slug])),
        ("setup:emails", reverse("setup:emails", args=[slug])),
        ("setup:email_edit", reverse("setup:email_edit", args=[slug, "jury_reminder", "sk"])),
        ("setup:email_log", reverse("setup:email_log", args=[slug])),
        ("vote:manage", reverse("vote:manage", args=[slug])),
        ("vote:fraud", reverse("vote:fraud", args=[slug])),
    ]:
        walk.check(page, "organiser", name, url)
    for name, url in [
        ("submissions:screening_current", reverse("submissions:screening_current")),
        ("scoring:manage", reverse("scoring:manage")),
        ("results:index", reverse("results:index")),
        ("reports:current", reverse("reports:current")),
    ]:
        page.goto(url)  # each redirects to the current edition's page
        walk.check(page, "organiser", name)
    # The logged-out page after the real logout button.
    page.get_by_test_id("logout").click()
    page.wait_for_load_state()
    walk.check(page, "organiser", "logged out")
    context.close()

    # The system's administrator: a new edition.
    context, page = walk.context(ADMIN_EMAIL)
    walk.check(page, "administrator", "setup:new", reverse("setup:new"))
    context.close()

    # Two-factor login: the second step's page, and the setup page with a device.
    second = User.objects.get(email=JUROR_EMAIL.replace("juror1", "juror2"))
    TwoFactorDevice.objects.create(user=second, secret=pyotp.random_base32(), confirmed_at=now)
    context, page = walk.context()
    page.goto(reverse("login"))
    page.get_by_label("Email").fill(second.email)
    page.get_by_label("Password").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url("**" + reverse("login_verify"))
    walk.check(page, "juror with two-factor", "login_verify")
    context.close()

    assert walk.failures == [], "axe found serious or critical violations:\n" + "\n".join(walk.failures)
    assert WALKED <= walk.visited, sorted(WALKED - walk.visited)
