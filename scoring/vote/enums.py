from django.db import models
from django.utils.translation import gettext_lazy as _


class Standing(models.TextChoices):
    FINALISTS = "finalists", _("The finalists")
    CATEGORIES = "categories", _("Every eligible project of the chosen categories")


class VoteStatus(models.TextChoices):
    PENDING = "pending", _("Waiting for the email confirmation")
    CONFIRMED = "confirmed", _("Confirmed")
    REPLACED = "replaced", _("Replaced by a later vote")
    VOID = "void", _("Voided")


class SuspicionKind(models.TextChoices):
    BURST = "burst", _("Burst of votes for one project")
    NETWORK = "network", _("Many votes from one network")
    SIGNATURE = "signature", _("Many votes from one browser signature")
    DOMAIN = "domain", _("Cluster of a rarely seen email domain")
    UNSEEN = "unseen", _("Votes from addresses that never opened the voting page")
