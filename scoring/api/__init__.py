"""REST API of the jury side: /api/v1/assignments/, /api/v1/rounds/{id}/assignments/generate/,
/api/v1/rankings/, /api/v1/ballot-counts/, /api/v1/ballot-jurors/, /api/v1/conflicts/ and
/api/v1/results/, one module per resource group.

Jurors read their own assignments and save and finalise scores; organisers read their editions'
assignments, generate assignments and read rankings. Every write goes through scoring.jury or
scoring.results.services and every check through scoring.rules. Importing this package (the
app's ready() does) registers the endpoints on /api/v1/."""

from award.api_router import router
from scoring.api.assignments import AssignmentViewSet, RoundAssignmentsViewSet
from scoring.api.ballots import BallotCountViewSet, BallotJurorViewSet
from scoring.api.conflicts import ConflictViewSet
from scoring.api.rankings import RankingViewSet
from scoring.api.results import ResultViewSet

router.register("assignments", AssignmentViewSet, basename="assignment")
router.register(r"rounds/(?P<round_pk>[0-9]+)/assignments", RoundAssignmentsViewSet, basename="round-assignments")
router.register("rankings", RankingViewSet, basename="ranking")
router.register("results", ResultViewSet, basename="result")
router.register("ballot-counts", BallotCountViewSet, basename="ballot-count")
router.register("ballot-jurors", BallotJurorViewSet, basename="ballot-juror")
router.register("conflicts", ConflictViewSet, basename="conflict")

from scoring.vote.api import PublicVoteViewSet  # noqa: E402  (the public vote's endpoints)

router.register("public-votes", PublicVoteViewSet, basename="public-vote")
