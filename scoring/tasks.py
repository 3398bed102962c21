"""Jury emails, sent by the task worker after the change is committed."""

from django.conf import settings
from django.contrib.auth.tokens import default_token_generator
from django.core.mail import EmailMessage
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode
from django_tasks import task

from award.models import EditionRole, Round, User
from scoring.enums import AssignmentStatus
from scoring.models import Assignment


def invitation_path(user: User) -> str:
    uid = urlsafe_base64_encode(force_bytes(user.pk))
    return reverse("scoring:invitation_accept", args=[uid, default_token_generator.make_token(user)])


def _send(*, to: User, template: str, context: dict) -> None:
    with translation.override(to.language or "en"):
        subject = render_to_string(f"scoring/email/{template}_subject.txt", context).strip()
        body = render_to_string(f"scoring/email/{template}_body.txt", context)
    EmailMessage(subject=subject, body=body, from_email=settings.DEFAULT_FROM_EMAIL, to=[to.email]).send()


@task()
def invitation_email_send(*, role_id: int, site_url: str = "") -> None:
    role = EditionRole.objects.select_related("user", "edition").get(pk=role_id)
    link = site_url.rstrip("/") + invitation_path(role.user)
    _send(
        to=role.user,
        template="invitation",
        context={"role": role, "user": role.user, "edition": role.edition, "link": link},
    )


@task()
def reminder_email_send(*, juror_id: int, round_id: int, site_url: str = "") -> None:
    juror = User.objects.get(pk=juror_id)
    rnd = Round.objects.select_related("edition").get(pk=round_id)
    open_work = list(
        Assignment.objects.filter(
            round=rnd, juror=juror, status__in=[AssignmentStatus.PENDING, AssignmentStatus.IN_PROGRESS]
        )
        .select_related("project")
        .order_by("project__reference")
    )
    if not open_work:
        return
    base = site_url.rstrip("/")
    items = [{"assignment": a, "link": base + reverse("scoring:score", args=[a.pk])} for a in open_work]
    _send(
        to=juror,
        template="reminder",
        context={
            "user": juror,
            "round": rnd,
            "edition": rnd.edition,
            "items": items,
            "dashboard": base + reverse("scoring:dashboard"),
        },
    )
