"""Who may call what: one table, one row per endpoint, method and persona."""

from datetime import timedelta

import pytest
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from award.api_router import router
from award.enums import Role, RoundKind
from award.models import EditionRole
from reports.enums import CertificateKind, ExportKind, JobStatus
from reports.models import Certificate, CertificateBatch, ExportJob
from scoring.enums import AssignmentStatus, ResultKind
from scoring.models import Result
from submissions.enums import ProjectStatus
from submissions.services import attachment_add
from tests.factories import AssignmentFactory, RoundFactory

pytestmark = pytest.mark.django_db

PERSONAS = [
    "anonymous",
    "applicant",
    "other_applicant",
    "juror",
    "other_juror",
    "conflicted_juror",
    "chair",
    "other_organiser",
    "organiser",
]


def _everyone(status_authenticated, status_anonymous=401):
    return {p: (status_anonymous if p == "anonymous" else status_authenticated) for p in PERSONAS}


def _only(allowed: dict, default: int):
    statuses = {p: default for p in PERSONAS}
    statuses["anonymous"] = 401
    statuses.update(allowed)
    return statuses


def _scores(w):
    return {
        "version": w.assignment.version,
        "scores": [{"criterion": c.pk, "value": "7", "comment": "Good"} for c in w.criteria],
        "overall_comment": "Solid work.",
    }


def _submitted(w):
    w.project.status = ProjectStatus.SUBMITTED
    w.project.reference = "V4A-2026-0001"
    w.project.save()


PDF = b"%PDF-1.4\n% a tiny test file\n"


def _attachment(w):
    upload = SimpleUploadedFile("plan.pdf", PDF, content_type="application/pdf")
    w.attachment = attachment_add(actor=w.personas["applicant"], project=w.project, upload=upload)


def _eligible_other(w):
    w.other_project.status = ProjectStatus.ELIGIBLE
    w.other_project.save()


def _eligible(w):
    w.project.status = ProjectStatus.ELIGIBLE
    w.project.reference = "V4A-2026-0001"
    w.project.save()


def _completed(w):
    w.assignment.status = AssignmentStatus.COMPLETED
    w.assignment.finalised_at = timezone.now()
    w.assignment.save()


def _final_round(w):
    _eligible_other(w)
    Result.objects.create(
        edition=w.edition, category=w.category, round=w.round, project=w.other_project, kind=ResultKind.FINALIST
    )
    EditionRole.objects.get(edition=w.edition, user=w.personas["juror"], role=Role.JUROR).panels.add(w.category)
    w.final_round = RoundFactory(edition=w.edition, number=2, kind=RoundKind.FINAL)
    AssignmentFactory(round=w.final_round, project=w.other_project, juror=w.personas["other_juror"])


def _ranked_round(w):
    """The world's round becomes a ranked final round with the juror's ballot cast."""
    from award.enums import FinalMode
    from award.models import Round
    from scoring.ballot.models import Ballot

    Round.objects.filter(pk=w.round.pk).update(kind=RoundKind.FINAL, final_mode=FinalMode.RANKED)
    Ballot.objects.create(round=w.round, category=w.category, juror=w.personas["juror"])


def _special_award(w):
    _eligible_other(w)
    w.result = Result.objects.create(
        edition=w.edition, category=w.category, project=w.other_project, kind=ResultKind.SPECIAL, title="Jury prize"
    )


def _published(w):
    _special_award(w)
    w.edition.results_published_at = timezone.now() - timedelta(hours=1)
    w.edition.save()


def _certificate(w):
    w.edition.results_published_at = timezone.now() - timedelta(days=1)
    w.edition.save()
    w.certificate = Certificate.objects.create(
        edition=w.edition,
        kind=CertificateKind.PARTICIPANT,
        project=w.project,
        category=w.category,
        recipient_name="City of Brno",
        project_title="Bus stops",
    )


def _batch(w):
    w.batch = CertificateBatch.objects.create(edition=w.edition, kinds=["juror"], status=JobStatus.DONE)
    w.batch.merged_pdf.save("certificates.pdf", ContentFile(PDF), save=False)
    w.batch.zip_file.save("certificates.zip", ContentFile(b"PK\x05\x06" + b"\0" * 18), save=False)
    w.batch.save()


def _export(w):
    w.export = ExportJob.objects.create(edition=w.edition, kind=ExportKind.APPLICATIONS, status=JobStatus.DONE)
    w.export.file.save("applications.xlsx", ContentFile(b"PK\x03\x04 sheet"), save=True)


def _public_vote(w):
    from scoring.vote.models import PublicVote

    now = timezone.now()
    w.public_vote = PublicVote.objects.create(
        edition=w.edition, standing="finalists", opens_at=now - timedelta(days=1), closes_at=now + timedelta(days=1)
    )


def _vote_results() -> dict:
    """Before the results are published only the edition's organisers see the counts."""
    statuses = dict.fromkeys(PERSONAS, 404)
    statuses["organiser"] = 200
    return statuses


def _readers(default: int = 404) -> dict:
    """The team, the edition's organisers and the assigned juror without a conflict."""
    return _only({"applicant": 200, "juror": 200, "organiser": 200}, default)


def _organiser_only(code: int, others: int = 403) -> dict:
    """The edition's organisers may; the people of the edition may see the object but not do
    this (403); another edition's organiser reaches an object they may not see (404)."""
    statuses = _only({"organiser": code}, others)
    statuses["other_organiser"] = 404
    return statuses


# Files answered by the downloads (anything else is JSON).
DOWNLOADS = {
    ("attachment", "download"): "application/pdf",
    ("certificate", "pdf"): "application/pdf",
    ("certificate-batch", "pdf"): "application/pdf",
    ("certificate-batch", "zip"): "application/zip",
    ("export", "download"): "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}

# (basename, action, method, url(world), body(world) or None, setup(world) or None, {persona: status})
MATRIX = [
    ("public-vote", "list", "get", lambda w: "/api/v1/public-votes/", None, _public_vote, _everyone(200, 200)),
    (
        "public-vote",
        "retrieve",
        "get",
        lambda w: f"/api/v1/public-votes/{w.edition.slug}/",
        None,
        _public_vote,
        _everyone(200, 200),
    ),
    (
        "public-vote",
        "projects",
        "get",
        lambda w: f"/api/v1/public-votes/{w.edition.slug}/projects/",
        None,
        _public_vote,
        _everyone(200, 200),
    ),
    (
        "public-vote",
        "results",
        "get",
        lambda w: f"/api/v1/public-votes/{w.edition.slug}/results/",
        None,
        _public_vote,
        _vote_results(),
    ),
    ("edition", "list", "get", lambda w: "/api/v1/editions/", None, None, _everyone(200, 200)),
    ("category", "list", "get", lambda w: "/api/v1/categories/", None, None, _everyone(200, 200)),
    ("criterion", "list", "get", lambda w: "/api/v1/criteria/", None, None, _everyone(200, 200)),
    ("round", "list", "get", lambda w: "/api/v1/rounds/", None, None, _everyone(200, 200)),
    ("project", "list", "get", lambda w: "/api/v1/projects/", None, None, _everyone(200)),
    (
        "project",
        "create",
        "post",
        lambda w: "/api/v1/projects/",
        lambda w: {"edition": w.edition.pk, "title": "New idea", "category": w.category.pk},
        None,
        _everyone(201),
    ),
    (
        "project",
        "retrieve",
        "get",
        lambda w: f"/api/v1/projects/{w.project.pk}/",
        None,
        None,
        _only({"applicant": 200, "juror": 200, "organiser": 200}, 404),
    ),
    (
        "project",
        "partial_update",
        "patch",
        lambda w: f"/api/v1/projects/{w.project.pk}/",
        lambda w: {"title": "Renamed"},
        None,
        _only({"applicant": 200, "organiser": 403}, 404),
    ),
    (
        "project",
        "submit",
        "post",
        lambda w: f"/api/v1/projects/{w.project.pk}/submit/",
        None,
        None,
        _only({"applicant": 200, "organiser": 403}, 404),
    ),
    (
        "project",
        "eligibility",
        "post",
        lambda w: f"/api/v1/projects/{w.project.pk}/eligibility/",
        lambda w: {"eligible": True},
        _submitted,
        _only({"applicant": 403, "organiser": 200}, 404),
    ),
    ("assignment", "list", "get", lambda w: "/api/v1/assignments/", None, None, _everyone(200)),
    (
        "assignment",
        "retrieve",
        "get",
        lambda w: f"/api/v1/assignments/{w.assignment.pk}/",
        None,
        None,
        _only({"juror": 200, "organiser": 200}, 404),
    ),
    (
        "assignment",
        "scores",
        "put",
        lambda w: f"/api/v1/assignments/{w.assignment.pk}/scores/",
        _scores,
        None,
        _only({"juror": 200}, 404),
    ),
    (
        "assignment",
        "finalise",
        "post",
        lambda w: f"/api/v1/assignments/{w.assignment.pk}/finalise/",
        _scores,
        None,
        _only({"juror": 200}, 404),
    ),
    (
        "round-assignments",
        "generate",
        "post",
        lambda w: f"/api/v1/rounds/{w.round.pk}/assignments/generate/",
        None,
        None,
        _organiser_only(200),
    ),
    (
        "ranking",
        "list",
        "get",
        lambda w: f"/api/v1/rankings/?round={w.round.pk}&category={w.category.pk}",
        None,
        None,
        _only({"organiser": 200, "chair": 200}, 404),  # the ranking exists for no one else
    ),
    (
        "ballot-count",
        "list",
        "get",
        lambda w: f"/api/v1/ballot-counts/?round={w.round.pk}&category={w.category.pk}",
        None,
        _ranked_round,
        _only({"organiser": 200, "chair": 200}, 404),  # as the count's page
    ),
    (
        "ballot-juror",
        "list",
        "get",
        lambda w: f"/api/v1/ballot-jurors/?round={w.round.pk}&category={w.category.pk}",
        None,
        _ranked_round,
        _only({"organiser": 200, "chair": 403}, 404),  # who has voted: the progress page, organisers only
    ),
    ("result", "list", "get", lambda w: "/api/v1/results/", None, None, _everyone(200, 200)),
    # --- Team's own actions on an application
    (
        "project",
        "withdraw",
        "post",
        lambda w: f"/api/v1/projects/{w.project.pk}/withdraw/",
        None,
        None,
        _only({"applicant": 200, "organiser": 403}, 404),
    ),
    (
        "project",
        "reopen",
        "post",
        lambda w: f"/api/v1/projects/{w.project.pk}/reopen/",
        lambda w: {"days": 3, "reason": "Late attachment"},
        _submitted,
        _only({"applicant": 200, "organiser": 200}, 404),
    ),
    # --- Attachments
    (
        "attachment",
        "list",
        "get",
        lambda w: f"/api/v1/projects/{w.project.pk}/attachments/",
        None,
        _attachment,
        _readers(),
    ),
    (
        "attachment",
        "create",
        "upload",
        lambda w: f"/api/v1/projects/{w.project.pk}/attachments/",
        lambda w: {"file": SimpleUploadedFile("budget.pdf", PDF, content_type="application/pdf")},
        None,
        _only({"applicant": 201, "juror": 403, "organiser": 403}, 404),
    ),
    (
        "attachment",
        "retrieve",
        "get",
        lambda w: f"/api/v1/projects/{w.project.pk}/attachments/{w.attachment.pk}/",
        None,
        _attachment,
        _readers(),
    ),
    (
        "attachment",
        "download",
        "get",
        lambda w: f"/api/v1/projects/{w.project.pk}/attachments/{w.attachment.pk}/download/",
        None,
        _attachment,
        _readers(),
    ),
    (
        "attachment",
        "destroy",
        "delete",
        lambda w: f"/api/v1/projects/{w.project.pk}/attachments/{w.attachment.pk}/",
        None,
        _attachment,
        _only({"applicant": 204, "juror": 403, "organiser": 403}, 404),
    ),
    # --- Organisers adjust assignments; jurors declare conflicts
    (
        "assignment",
        "create",
        "post",
        lambda w: "/api/v1/assignments/",
        lambda w: {"round": w.round.pk, "project": w.other_project.pk, "juror": w.personas["juror"].pk},
        _eligible_other,
        _organiser_only(201),
    ),
    (
        "assignment",
        "destroy",
        "delete",
        lambda w: f"/api/v1/assignments/{w.assignment.pk}/",
        None,
        None,
        _only({"juror": 403, "organiser": 204}, 404),
    ),
    (
        "assignment",
        "swap",
        "post",
        lambda w: f"/api/v1/assignments/{w.assignment.pk}/swap/",
        lambda w: {"juror": w.personas["other_juror"].pk},
        _eligible,
        _only({"juror": 403, "organiser": 201}, 404),
    ),
    (
        "assignment",
        "reopen",
        "post",
        lambda w: f"/api/v1/assignments/{w.assignment.pk}/reopen/",
        lambda w: {"reason": "Typo in a score"},
        _completed,
        _only({"juror": 403, "organiser": 200}, 404),
    ),
    (
        "assignment",
        "conflict",
        "post",
        lambda w: f"/api/v1/assignments/{w.assignment.pk}/conflict/",
        lambda w: {"reason": "I advised the team."},
        None,
        _only({"juror": 201}, 404),
    ),
    ("conflict", "list", "get", lambda w: "/api/v1/conflicts/", None, None, _everyone(200)),
    (
        "conflict",
        "create",
        "post",
        lambda w: "/api/v1/conflicts/",
        lambda w: {"juror": w.personas["other_juror"].pk, "project": w.project.pk, "reason": "Former employer"},
        None,
        _organiser_only(201),
    ),
    # --- Results decisions
    (
        "result",
        "finalists",
        "post",
        lambda w: "/api/v1/results/finalists/",
        lambda w: {"round": w.round.pk, "category": w.category.pk},
        None,
        _organiser_only(200),
    ),
    (
        "result",
        "finalist_override",
        "post",
        lambda w: "/api/v1/results/finalist-override/",
        lambda w: {
            "round": w.round.pk,
            "category": w.category.pk,
            "project": w.other_project.pk,
            "add": True,
            "reason": "Strong regional impact",
        },
        _eligible_other,
        _organiser_only(200),
    ),
    (
        "result",
        "final_round",
        "post",
        lambda w: "/api/v1/results/final-round/",
        lambda w: {"round": w.round.pk, "category": w.category.pk, "final_round": w.final_round.pk},
        _final_round,
        _organiser_only(200),
    ),
    (
        "result",
        "winner",
        "post",
        lambda w: "/api/v1/results/winner/",
        lambda w: {"round": w.round.pk, "category": w.category.pk},
        None,
        _organiser_only(400),  # winners come from a final round: the refusal is the organiser's answer
    ),
    (
        "result",
        "winner_override",
        "post",
        lambda w: "/api/v1/results/winner-override/",
        lambda w: {
            "round": w.final_round.pk,
            "category": w.category.pk,
            "project": w.other_project.pk,
            "reason": "The jury's unanimous choice",
        },
        _final_round,
        _organiser_only(201),
    ),
    (
        "result",
        "special_awards",
        "post",
        lambda w: "/api/v1/results/special-awards/",
        lambda w: {"project": w.other_project.pk, "title": "Jury prize", "citation": "For courage."},
        _eligible_other,
        _organiser_only(201),
    ),
    (
        "result",
        "destroy",
        "delete",
        lambda w: f"/api/v1/results/{w.result.pk}/",
        None,
        _special_award,
        _organiser_only(204, 404),
    ),
    (
        "result",
        "freeze",
        "post",
        lambda w: "/api/v1/results/freeze/",
        lambda w: {"round": w.round.pk, "signed_off": True},
        None,
        _organiser_only(200),
    ),
    (
        "result",
        "publish",
        "post",
        lambda w: "/api/v1/results/publish/",
        lambda w: {"edition": w.edition.pk, "signed_off": True},
        _special_award,
        _organiser_only(200, 404),
    ),
    (
        "result",
        "unpublish",
        "post",
        lambda w: "/api/v1/results/unpublish/",
        lambda w: {"edition": w.edition.pk, "reason": "A wrong winner was announced"},
        _published,
        _organiser_only(200, 404),
    ),
    # --- Certificates
    ("certificate", "list", "get", lambda w: "/api/v1/certificates/", None, _certificate, _everyone(200)),
    (
        "certificate",
        "retrieve",
        "get",
        lambda w: f"/api/v1/certificates/{w.certificate.code}/",
        None,
        _certificate,
        _only({"applicant": 200, "organiser": 200}, 404),
    ),
    (
        "certificate",
        "pdf",
        "get",
        lambda w: f"/api/v1/certificates/{w.certificate.code}/pdf/",
        None,
        _certificate,
        _only({"applicant": 200, "organiser": 200}, 404),
    ),
    (
        "certificate",
        "verify",
        "get",
        lambda w: f"/api/v1/certificates/{w.certificate.code}/verify/",
        None,
        _certificate,
        _everyone(200, 200),
    ),
    (
        "certificate",
        "revoke",
        "post",
        lambda w: f"/api/v1/certificates/{w.certificate.code}/revoke/",
        lambda w: {"reason": "Issued by mistake"},
        _certificate,
        _only({"applicant": 403, "organiser": 200}, 404),
    ),
    # --- Background jobs: certificate batches and exports
    ("certificate-batch", "list", "get", lambda w: "/api/v1/certificate-batches/", None, _batch, _everyone(200)),
    (
        "certificate-batch",
        "create",
        "post",
        lambda w: "/api/v1/certificate-batches/",
        lambda w: {"edition": w.edition.pk, "kinds": ["juror"]},
        None,
        _organiser_only(201),
    ),
    (
        "certificate-batch",
        "retrieve",
        "get",
        lambda w: f"/api/v1/certificate-batches/{w.batch.pk}/",
        None,
        _batch,
        _organiser_only(200, 404),
    ),
    (
        "certificate-batch",
        "pdf",
        "get",
        lambda w: f"/api/v1/certificate-batches/{w.batch.pk}/pdf/",
        None,
        _batch,
        _organiser_only(200, 404),
    ),
    (
        "certificate-batch",
        "email",
        "post",
        lambda w: f"/api/v1/certificate-batches/{w.batch.pk}/email/",
        None,
        _batch,
        _organiser_only(202),
    ),
    (
        "certificate-batch",
        "zip",
        "get",
        lambda w: f"/api/v1/certificate-batches/{w.batch.pk}/zip/",
        None,
        _batch,
        _organiser_only(200, 404),
    ),
    ("export", "list", "get", lambda w: "/api/v1/exports/", None, _export, _everyone(200)),
    (
        "export",
        "create",
        "post",
        lambda w: "/api/v1/exports/",
        lambda w: {"edition": w.edition.pk, "kind": "applications"},
        None,
        _organiser_only(201),
    ),
    (
        "export",
        "retrieve",
        "get",
        lambda w: f"/api/v1/exports/{w.export.pk}/",
        None,
        _export,
        _organiser_only(200, 404),
    ),
    (
        "export",
        "download",
        "get",
        lambda w: f"/api/v1/exports/{w.export.pk}/download/",
        None,
        _export,
        _organiser_only(200, 404),
    ),
]

CASES = [
    pytest.param(basename, action, method, url, body, setup, persona, expected, id=f"{basename}-{action}-{persona}")
    for basename, action, method, url, body, setup, statuses in MATRIX
    for persona, expected in statuses.items()
]


@pytest.mark.parametrize("basename,action,method,url,body,setup,persona,expected", CASES)
def test_api_permission_matrix(world, api, basename, action, method, url, body, setup, persona, expected):
    if setup:
        setup(world)
    client = api(world.personas[persona])
    if method == "get":
        response = client.get(url(world))
    else:
        response = getattr(client, method)(url(world), body(world) if body else None)
    assert response.status_code == expected, response.content
    if response.status_code == 204:
        assert response.content == b""
    elif (basename, action) in DOWNLOADS and response.status_code == 200:
        assert response["Content-Type"] == DOWNLOADS[(basename, action)]
    else:
        assert response["Content-Type"] == "application/json"


def test_api_every_registered_viewset_is_in_the_matrix():
    covered = {row[0] for row in MATRIX}
    missing = [basename for _prefix, _viewset, basename in router.registry if basename not in covered]
    assert missing == []
    for basename in covered:
        assert set(next(row for row in MATRIX if row[0] == basename)[6]) == set(PERSONAS)


def test_api_every_action_of_every_viewset_is_in_the_matrix():
    covered = {(row[0], row[1]) for row in MATRIX}
    missing = []
    for _prefix, viewset, basename in router.registry:
        actions = {
            name for name in ("list", "retrieve", "create", "partial_update", "destroy") if hasattr(viewset, name)
        }
        actions |= {extra.__name__ for extra in viewset.get_extra_actions()}
        if basename in {"edition", "category", "criterion", "round", "result", "conflict"}:
            actions.discard("retrieve")  # public read-only lists; retrieve has the same permission
        missing += [(basename, name) for name in sorted(actions) if (basename, name) not in covered]
    assert missing == []
