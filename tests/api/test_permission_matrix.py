"""Who may call what: one table, one row per endpoint, method and persona."""

import pytest

from award.api_router import router
from submissions.enums import ProjectStatus

pytestmark = pytest.mark.django_db

PERSONAS = [
    "anonymous",
    "applicant",
    "other_applicant",
    "juror",
    "other_juror",
    "conflicted_juror",
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


# (basename, action, method, url(world), body(world) or None, setup(world) or None, {persona: status})
MATRIX = [
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
        _only({"organiser": 200}, 403),
    ),
    (
        "ranking",
        "list",
        "get",
        lambda w: f"/api/v1/rankings/?round={w.round.pk}&category={w.category.pk}",
        None,
        None,
        _only({"organiser": 200}, 403),
    ),
    ("result", "list", "get", lambda w: "/api/v1/results/", None, None, _everyone(200, 200)),
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
        actions = {name for name in ("list", "retrieve", "create", "partial_update") if hasattr(viewset, name)}
        actions |= {extra.__name__ for extra in viewset.get_extra_actions()}
        if basename in {"edition", "category", "criterion", "round", "result"}:
            actions.discard("retrieve")  # public read-only lists; retrieve has the same permission
        missing += [(basename, name) for name in sorted(actions) if (basename, name) not in covered]
    assert missing == []
