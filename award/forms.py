import zoneinfo

from django import forms
from django.contrib.auth.forms import AuthenticationForm
from django.core.exceptions import ObjectDoesNotExist
from django.utils import timezone
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from award.models import Edition, Round


class EmailAuthenticationForm(AuthenticationForm):
    username = forms.EmailField(
        label=_("Email"), widget=forms.EmailInput(attrs={"autofocus": True, "autocomplete": "email"})
    )

    error_messages = {
        "invalid_login": _("The email address or the password is not right. Both are case-sensitive."),
        "inactive": _("This account is inactive."),
    }

    def clean_username(self) -> str:
        return self.cleaned_data["username"].strip().lower()


# --- Dates typed in the edition's time zone -------------------------------------------------
# An organiser types a deadline as the edition's people read it. Forms once parsed and showed
# datetimes in the server's zone (settings.TIME_ZONE): for an America/New_York edition, 18:00
# typed in the admin became noon on the call page. Every form with a datetime of an edition
# (the admin's Edition, Round, Project and Assignment forms, the app's results publication)
# uses EditionTimeZoneFormMixin: it parses under timezone.override(edition's zone), shows the
# stored value in that zone, and names the zone beside each datetime field.

_DATETIME_FIELDS = (forms.DateTimeField, forms.SplitDateTimeField)


def _zone(value) -> zoneinfo.ZoneInfo | None:
    if isinstance(value, zoneinfo.ZoneInfo):
        return value
    try:
        return zoneinfo.ZoneInfo(str(value)) if value else None
    except (zoneinfo.ZoneInfoNotFoundError, ValueError, OSError):
        return None


class EditionTimeBoundField(forms.BoundField):
    """Renders its value, and tells whether it changed, in the form's edition time zone."""

    def value(self):
        with timezone.override(self.form.edition_timezone):
            return super().value()

    def as_widget(self, widget=None, attrs=None, only_initial=False):
        with timezone.override(self.form.edition_timezone):
            return super().as_widget(widget, attrs, only_initial)

    def _has_changed(self):
        with timezone.override(self.form.edition_timezone):
            return super()._has_changed()


class EditionTimeZoneFormMixin:
    """Datetime fields typed and shown in an edition's time zone.

    The zone comes from `edition_timezone=` (a name or a ZoneInfo) when the caller knows the
    edition; otherwise from the form itself: the Edition form's own `timezone` field (as typed,
    so a new edition's dates are read in the zone typed beside them), or the edition reached from
    the instance by `edition_path` ("edition", "round.edition"), or the `edition` chosen in the data.
    """

    edition_path = "edition"
    bound_field_class = EditionTimeBoundField

    def __init__(self, *args, edition_timezone=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.edition_timezone = (
            _zone(edition_timezone)
            or self._edition_timezone_from_form()
            or _zone(Edition._meta.get_field("timezone").default)
        )
        zone_note = _("Time zone: %(zone)s") % {"zone": self.edition_timezone.key}
        for field in self.fields.values():
            if isinstance(field, _DATETIME_FIELDS):
                field.help_text = format_lazy("{} {}", field.help_text, zone_note) if field.help_text else zone_note

    def _edition_timezone_from_form(self) -> zoneinfo.ZoneInfo | None:
        if "timezone" in self.fields:  # the Edition form: the zone typed beside the dates
            typed = self.data.get(self.add_prefix("timezone")) if self.is_bound else None
            return _zone(typed) or _zone(getattr(getattr(self, "instance", None), "timezone", None))
        edition = getattr(self, "instance", None)
        try:
            for step in self.edition_path.split("."):
                edition = getattr(edition, step, None)
        except ObjectDoesNotExist:
            edition = None
        if isinstance(edition, Edition):
            return edition.tz
        # A new row: the edition (or round) picked in the same form.
        for name, model, column in (("edition", Edition, "timezone"), ("round", Round, "edition__timezone")):
            pk = self.data.get(self.add_prefix(name)) if self.is_bound and name in self.fields else None
            if pk and str(pk).isdigit():
                return _zone(model.objects.filter(pk=pk).values_list(column, flat=True).first())
        return None

    def full_clean(self):
        with timezone.override(self.edition_timezone):
            super().full_clean()


class EditionTimeZoneInlineFormSet(forms.BaseInlineFormSet):
    """Inline forms of an edition (its rounds in the admin) read dates in the parent's zone, as
    typed in the parent form when it is being changed in the same request."""

    def get_form_kwargs(self, index):
        return {**super().get_form_kwargs(index), "edition_timezone": getattr(self.instance, "timezone", None)}
