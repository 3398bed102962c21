from django.db import models
from django.utils.translation import gettext_lazy as _


class Country(models.TextChoices):
    SLOVAKIA = "SK", _("Slovakia")
    CZECHIA = "CZ", _("Czechia")
    POLAND = "PL", _("Poland")
    HUNGARY = "HU", _("Hungary")


class Language(models.TextChoices):
    ENGLISH = "en", _("English")
    SLOVAK = "sk", _("Slovak")
    CZECH = "cs", _("Czech")
    POLISH = "pl", _("Polish")
    HUNGARIAN = "hu", _("Hungarian")


class OrganisationType(models.TextChoices):
    MUNICIPALITY = "municipality", _("Municipality or city")
    REGION = "region", _("Region")
    COMPANY = "company", _("Company")
    UNIVERSITY = "university", _("University or research institute")
    NGO = "ngo", _("Non-governmental organisation")
    OTHER_PUBLIC = "public", _("Other public body")


class Role(models.TextChoices):
    ORGANISER = "organiser", _("Organiser")
    JUROR = "juror", _("Juror")


class RoundKind(models.TextChoices):
    SHORTLIST = "shortlist", _("Shortlist round")
    FINAL = "final", _("Final round")


class FinalMode(models.TextChoices):
    """How a final round decides its winners: the panel scores the finalists against the
    rubric, or each panel member ranks them and the Schulze method decides (scoring/ballot)."""

    SCORED = "scored", _("Scored against the rubric")
    RANKED = "ranked", _("Ranked ballot (Schulze method)")


class AggregationMethod(models.TextChoices):
    CALIBRATED = "calibrated", _("Calibrated score")
    MEAN = "mean", _("Mean")
    MEDIAN = "median", _("Median")
    TRIMMED_MEAN = "trimmed_mean", _("Trimmed mean")


# The old z-score method, no longer a choice (issue 15): a value still stored is read as calibrated
# (scoring.ranking.engine.official_method) until the data migration converts it.
LEGACY_STANDARDISED = "standardised"


class TieBreakRule(models.TextChoices):
    MEDIAN_THEN_TOP_CRITERION = (
        "median_then_top_criterion",
        _("Median, then the highest-weighted criterion, then the organisers decide"),
    )
    TOP_CRITERION_THEN_MEDIAN = (
        "top_criterion_then_median",
        _("Highest-weighted criterion, then median, then the organisers decide"),
    )
    ORGANISER_DECIDES = "organiser_decides", _("Equal scores share a rank; the organisers decide")


class EmailStatus(models.TextChoices):
    SENT = "sent", _("Sent")
    FAILED = "failed", _("Failed")
