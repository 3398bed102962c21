from decimal import Decimal

from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext, pgettext_lazy

from award.enums import Country, OrganisationType
from award.formatting import number
from award.forms import LocalizedDecimalField, ModelChoiceIdField
from award.limits import LimitedTextField, form_field_for, mark_over_limit, max_length_of
from award.models import Category, Edition
from award.rubric_templates import category_suggest, size_bands
from submissions.enums import ProjectStatus
from submissions.models import Project, TeamMember
from submissions.selectors import SCREENING_ORDERINGS
from submissions.services import EDITABLE_FIELDS, TEXT_FIELDS

BUDGET_EXAMPLE = Decimal("125000.50")


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%d", **kwargs)


class ProjectForm(forms.ModelForm):
    """The application as a draft: nothing is required here; `project_submit` checks completeness.
    Every text's limit (and the `maxlength` its character counter reads) is its model field's."""

    # The version of the application this copy of the form was loaded at (optimistic locking, see
    # project_update). Optional so that a post without it (an old page) saves as before.
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=0, required=False)
    # The model's verbose name is lower case ("website"); a form label starts with a capital.
    website = forms.URLField(label=_("Website"), required=False, assume_scheme="https", max_length=200)

    class Meta:
        model = Project
        fields = EDITABLE_FIELDS
        field_classes = {
            "budget_eur": LocalizedDecimalField,
            **{name: LimitedTextField for name in TEXT_FIELDS if name != "website"},
        }
        widgets = {
            "start_date": DateInput(),
            "end_date": DateInput(),
            "summary": forms.Textarea(attrs={"rows": 4}),
            "problem": forms.Textarea(attrs={"rows": 5}),
            "solution": forms.Textarea(attrs={"rows": 5}),
            "results": forms.Textarea(attrs={"rows": 5}),
            "innovation": forms.Textarea(attrs={"rows": 4}),
            "citizen_involvement": forms.Textarea(attrs={"rows": 4}),
            "sustainability": forms.Textarea(attrs={"rows": 4}),
            "funding_sources": forms.Textarea(attrs={"rows": 3}),
            "partners": forms.Textarea(attrs={"rows": 3}),
        }
        help_texts = {
            "sustainability": _("How the solution keeps running, and how other V4 municipalities could adopt it."),
        }

    def __init__(self, *args, edition: Edition, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            field.required = False
        self.fields["category"].queryset = Category.objects.filter(edition=edition)
        self.fields["category"].empty_label = _("Choose a category")
        self.fields["country"].choices = [("", _("Choose a country"))] + [
            (value, label) for value, label in Country.choices if value in edition.eligible_countries
        ]
        self.fields["organisation_type"].choices = [("", _("Choose a type"))] + [
            (value, label) for value, label in OrganisationType.choices if value in edition.eligible_organisation_types
        ]
        limit = max_length_of(Project, "summary")
        self.fields["summary"].help_text = ngettext(
            "At most %(limit)s character: what the project does, for whom, and with what result.",
            "At most %(limit)s characters: what the project does, for whom, and with what result.",
            limit,
        ) % {"limit": limit}
        if not self.is_bound:
            self.initial.setdefault("version", self.instance.version)
            mark_over_limit(self, TEXT_FIELDS)
        # Here, not in Meta: the example is written the way the request's language writes it.
        self.fields["budget_eur"].help_text = _("Total budget in euros, e.g. %(example)s") % {
            "example": number(BUDGET_EXAMPLE)
        }
        self.fields["budget_eur"].example = BUDGET_EXAMPLE
        self.fields["consent_privacy"].help_text = _("See the privacy notice.")
        self._size_categories(edition)

    def _size_categories(self, edition: Edition) -> None:
        """Where the edition has categories by the size of the municipality, the population the
        team enters suggests one: preselected (still changeable) when no category is chosen yet,
        live by static/js/category-suggest.js, and on save without the script."""
        self.size_bands = size_bands(edition)
        self.category_suggested = False
        if not self.size_bands:
            # Asked only where it decides something; a form without the field leaves it as stored.
            del self.fields["population"]
            return
        self.fields["population"].widget.attrs.update({"min": 0, "inputmode": "numeric"})
        self.fields["population"].help_text = _(
            "The number of inhabitants of your municipality: it suggests the category by size."
        )
        if not self.is_bound and self.instance.category_id is None:
            suggestion = category_suggest(
                edition=edition,
                population=self.instance.population,
                organisation_type=self.instance.organisation_type,
                bands=self.size_bands,
            )
            if suggestion is not None:
                self.initial["category"] = suggestion
                self.category_suggested = True

    def clean(self):
        data = super().clean()
        start, end = data.get("start_date"), data.get("end_date")
        if start and end and end < start:
            self.add_error("end_date", _("The end date cannot be before the start date."))
        budget = data.get("budget_eur")
        if budget is not None and budget < 0:
            self.add_error("budget_eur", _("The budget cannot be negative."))
        if self.size_bands and not data.get("category") and "category" not in self.errors:
            suggestion = category_suggest(
                edition=self.instance.edition,
                population=data.get("population"),
                organisation_type=data.get("organisation_type") or "",
                bands=self.size_bands,
            )
            if suggestion is not None:
                data["category"] = self.fields["category"].queryset.filter(pk=suggestion).first()
                self.category_suggested = True
        return data

    def valid_changes(self) -> dict:
        """The fields that passed validation, to save even when others did not."""
        if not hasattr(self, "cleaned_data"):
            self.is_valid()
        changes = {name: self.cleaned_data[name] for name in EDITABLE_FIELDS if name in self.cleaned_data}
        # The two dates are checked together: keep both out if either is wrong.
        if "start_date" in self.errors or "end_date" in self.errors:
            changes.pop("start_date", None)
            changes.pop("end_date", None)
        return changes


class TeamMemberForm(forms.Form):
    # A person's name, not a thing's: several languages use different words (sk "Meno" vs "Názov").
    name = form_field_for(TeamMember, "name", label=pgettext_lazy("person", "Name"), required=False)
    role = form_field_for(TeamMember, "role", label=_("Role in the project"), required=False)
    email = forms.EmailField(label=_("Email"), required=False, max_length=max_length_of(TeamMember, "email"))

    def clean(self):
        data = super().clean()
        if (data.get("role") or data.get("email")) and not data.get("name"):
            self.add_error("name", _("Give the team member's name."))
        return data


TeamFormSet = forms.formset_factory(TeamMemberForm, extra=1, max_num=30, validate_max=True, can_delete=True)


class AttachmentForm(forms.Form):
    upload = forms.FileField(
        label=_("Add an attachment"),
        required=False,
        widget=forms.ClearableFileInput(attrs={"accept": "application/pdf,image/png,image/jpeg"}),
    )


class EligibilityForm(forms.Form):
    decision = forms.ChoiceField(
        label=_("Decision"),
        choices=[("eligible", _("Eligible")), ("ineligible", _("Not eligible"))],
        widget=forms.RadioSelect,
    )
    reason = form_field_for(
        Project,
        "ineligibility_reason",
        label=_("Reason (sent to the team when not eligible)"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if not self.is_bound:
            mark_over_limit(self)

    def clean(self):
        data = super().clean()
        if data.get("decision") == "ineligible" and not (data.get("reason") or "").strip():
            self.add_error("reason", _("Give the reason why the application is not eligible."))
        return data


class IdListField(forms.Field):
    """Ticked rows: a list of ids sent as repeated `name=` values."""

    widget = forms.MultipleHiddenInput
    default_error_messages = {"invalid": _("Choose applications from the list.")}

    def to_python(self, value):
        if not value:
            return []
        if isinstance(value, str):
            value = [value]
        try:
            return sorted({int(v) for v in value})
        except (TypeError, ValueError):
            raise forms.ValidationError(self.error_messages["invalid"], code="invalid") from None


class BulkEligibilityForm(EligibilityForm):
    """One decision and one reason for the ticked applications or for every application that the
    list's filter matches (scope "all")."""

    SCOPE_SELECTED = "selected"
    SCOPE_ALL = "all"

    scope = forms.ChoiceField(
        choices=[
            (SCOPE_SELECTED, _("The ticked applications")),
            (SCOPE_ALL, _("Every application the filter matches")),
        ],
        initial=SCOPE_SELECTED,
        required=False,
        widget=forms.HiddenInput,
    )
    ids = IdListField(required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["decision"].error_messages["required"] = _("Choose eligible or not eligible.")
        self.fields["reason"].label = _("Reason (one for all of them; sent to the teams when not eligible)")

    def clean(self):
        data = super().clean()
        data["scope"] = data.get("scope") or self.SCOPE_SELECTED
        if data["scope"] == self.SCOPE_SELECTED and not data.get("ids") and "ids" not in self.errors:
            self.add_error(None, _("Tick at least one application, or choose every application the filter matches."))
        return data


class OrganiserReopenForm(forms.Form):
    days = forms.IntegerField(label=_("Days the team gets to submit again"), min_value=1, max_value=60, initial=7)
    reason = forms.CharField(label=_("Reason (recorded in the audit log)"), required=False, max_length=500)


class ScreeningFilterForm(forms.Form):
    q = forms.CharField(label=_("Search"), required=False, max_length=200)
    category = ModelChoiceIdField(label=_("Category"), queryset=Category.objects.none(), required=False)
    country = forms.ChoiceField(
        label=_("Country"), required=False, choices=[("", _("All countries"))] + Country.choices
    )
    organisation_type = forms.ChoiceField(
        label=_("Organisation type"), required=False, choices=[("", _("All types"))] + OrganisationType.choices
    )
    status = forms.ChoiceField(
        label=_("Status"),
        required=False,
        choices=[("", _("All statuses"))] + [c for c in ProjectStatus.choices],
    )
    sort = forms.ChoiceField(required=False, choices=[(key, key) for key in SCREENING_ORDERINGS])

    def __init__(self, *args, edition: Edition, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["category"].queryset = Category.objects.filter(edition=edition)
        self.fields["category"].empty_label = _("All categories")
