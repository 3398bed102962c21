"""Jury emails, sent by the task worker after the change is committed."""

from django.contrib.auth.tokens import default_token_generator
from django.urls import reverse
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode
from django_tasks import task

from award.emails import email_send
from award.models import EditionRole, Round, User
from scoring.emails import INVITATION, invitation_values, reminder_count, reminder_kind, reminder_values


def invitation_path(user: User) -> str:
    uid = urlsafe_base64_encode(force_bytes(user.pk))
    return reverse("scoring:invitation_accept", args=[uid, default_token_generator.make_token(user)])


@task()
def invitation_email_send(*, role_id: int, site_url: str = "") -> None:
    role = EditionRole.objects.select_related("user", "edition").get(pk=role_id)
    link = site_url.rstrip("/") + invitation_path(role.user)
    email_send(
        kind=INVITATION.key,
        edition=role.edition,
        to=role.user.email,
        language=role.user.language or "en",
        values=invitation_values(role, link=link),
        site_url=site_url,
    )


@task()
def reminder_email_send(*, juror_id: int, round_id: int, site_url: str = "") -> None:
    juror = User.objects.get(pk=juror_id)
    rnd = Round.objects.select_related("edition").get(pk=round_id)
    values = reminder_values(juror, rnd, site_url=site_url)
    if values is None:
        return
    email_send(
        kind=reminder_kind(rnd).key,
        edition=rnd.edition,
        to=juror.email,
        language=juror.language or "en",
        values=values,
        count=reminder_count(rnd, values),
        site_url=site_url,
    )
