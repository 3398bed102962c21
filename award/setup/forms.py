"""The set-up's forms. Each organiser-typed text has a field per language (`name_en`,
`name_sk`, …); English is the one every text needs, the others are checked against the edition's
languages by the checklist, and each form can say which of its texts miss which language."""

from __future__ import annotations

import re
import zoneinfo

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from award.enums import Country, FinalMode, OrganisationType, RoundKind
from award.forms import EditionTimeZoneFormMixin, LocalizedDecimalField
from award.models import Category, Criterion, Edition, Round, User
from award.setup.services import final_mode_change_refused, image_kind

LANGUAGE_CODES = [code for code, _name in settings.LANGUAGES]
COLOUR = re.compile(r"#[0-9a-fA-F]{6}")


def translated(*names: str) -> list[str]:
    return [f"{name}_{code}" for name in names for code in LANGUAGE_CODES]


class DateTimeLocalInput(forms.DateTimeInput):
    input_type = "datetime-local"

    def __init__(self, attrs=None):
        super().__init__(attrs, format="%Y-%m-%dT%H:%M")


class TranslatedFieldsMixin:
    """Labels each language's field by its language and groups them per text for the template:
    `form.translated_groups` -> [(label, [(code, language, bound field, missing?)])]."""

    translated_names: tuple[str, ...] = ()
    long_texts: tuple[str, ...] = ("description", "guidance", "level_descriptors")

    def setup_translations(self, languages: list[str]) -> None:
        self.languages = languages
        names = dict(settings.LANGUAGES)
        for name in self.translated_names:
            for code in LANGUAGE_CODES:
                field = self.fields[f"{name}_{code}"]
                field.label = names[code]
                field.required = name == "name" and code == "en"
                if name in self.long_texts:
                    field.widget = forms.Textarea(attrs={"rows": 3})
                field.widget.attrs["lang"] = code

    @property
    def translated_groups(self):
        model = self._meta.model
        groups = []
        for name in self.translated_names:
            english = (self[f"{name}_en"].value() or "").strip()
            row = []
            for code in LANGUAGE_CODES:
                value = (self[f"{name}_{code}"].value() or "").strip()
                missing = bool(english) and not value and code in self.languages
                row.append((code, self[f"{name}_{code}"], missing))
            groups.append((model._meta.get_field(name).verbose_name, name, row))
        return groups

    def missing_languages(self) -> list[str]:
        return sorted({code for _l, _n, row in self.translated_groups for code, _f, missing in row if missing})


# --- The administrator's page: a new edition and its organiser -------------------------------


class EditionCreateForm(forms.Form):
    name = forms.CharField(label=_("Name (English)"), max_length=200)
    slug = forms.SlugField(label=_("Web address"), max_length=50, help_text=_("e.g. v4-award-2027"))
    year = forms.IntegerField(label=_("Year"), min_value=2000, max_value=2100)
    organiser = forms.EmailField(label=_("Organiser's email"), help_text=_("The person must have an account."))
    submissions_open_at = forms.DateTimeField(label=_("Applications open"), widget=DateTimeLocalInput())
    submissions_close_at = forms.DateTimeField(label=_("Submission deadline"), widget=DateTimeLocalInput())

    def clean_slug(self) -> str:
        slug = self.cleaned_data["slug"].lower()
        if slug in {"new"}:  # /setup/new/ is the page that creates editions
            raise ValidationError(_("This web address is reserved; choose another."))
        return slug

    def clean_organiser(self) -> User:
        email = self.cleaned_data["organiser"].strip().lower()
        user = User.objects.filter(email=email, is_active=True).first()
        if user is None:
            raise ValidationError(_("There is no account with this email address."))
        return user

    def clean(self):
        data = super().clean()
        opens, closes = data.get("submissions_open_at"), data.get("submissions_close_at")
        if opens and closes and closes <= opens:
            self.add_error("submissions_close_at", _("The submission deadline must come after the call opens."))
        return data


# --- Step 1: basics and timeline -------------------------------------------------------------


class BasicsForm(TranslatedFieldsMixin, EditionTimeZoneFormMixin, forms.ModelForm):
    translated_names = ("name", "description", "ceremony_place")

    languages = forms.MultipleChoiceField(
        label=_("Languages of the call"),
        choices=settings.LANGUAGES,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Every text must be filled in each of these before the call opens. English always is."),
    )
    eligible_countries = forms.MultipleChoiceField(
        label=_("Eligible countries"), choices=Country.choices, widget=forms.CheckboxSelectMultiple
    )
    eligible_organisation_types = forms.MultipleChoiceField(
        label=_("Eligible organisations"), choices=OrganisationType.choices, widget=forms.CheckboxSelectMultiple
    )
    timezone = forms.ChoiceField(label=_("Time zone"), choices=())

    class Meta:
        model = Edition
        fields = [
            *translated("name", "description"),
            "year",
            "reference_prefix",
            "timezone",
            "languages",
            "eligible_countries",
            "eligible_organisation_types",
            "submissions_open_at",
            "submissions_close_at",
            "ceremony_at",
            *translated("ceremony_place"),
            "results_published_at",
        ]
        widgets = {
            "submissions_open_at": DateTimeLocalInput(),
            "submissions_close_at": DateTimeLocalInput(),
            "ceremony_at": DateTimeLocalInput(),
            "results_published_at": DateTimeLocalInput(),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        zones = sorted(zoneinfo.available_timezones())
        self.fields["timezone"].choices = [(zone, zone) for zone in zones if "/" in zone or zone == "UTC"]
        self.setup_translations(list(self.instance.languages or []))

    def clean_languages(self) -> list[str]:
        return ["en", *[code for code in self.cleaned_data["languages"] if code != "en"]]

    def clean(self):
        data = super().clean()
        opens, closes = data.get("submissions_open_at"), data.get("submissions_close_at")
        ceremony, results = data.get("ceremony_at"), data.get("results_published_at")
        if opens and closes and closes <= opens:
            self.add_error("submissions_close_at", _("The submission deadline must come after the call opens."))
        if closes and ceremony and ceremony <= closes:
            self.add_error("ceremony_at", _("The ceremony must come after the submission deadline."))
        if closes and results and results <= closes:
            self.add_error("results_published_at", _("The results must be published after the submission deadline."))
        return data

    def changes(self) -> dict:
        return {name: self.cleaned_data[name] for name in self.Meta.fields}


# --- Step 2: categories ----------------------------------------------------------------------


class CategoryForm(TranslatedFieldsMixin, forms.ModelForm):
    translated_names = ("name", "description")

    class Meta:
        model = Category
        fields = [*translated("name", "description"), "finalists_count"]

    def __init__(self, *args, languages: list[str], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["finalists_count"].min_value = 1
        self.fields["finalists_count"].validators.append(_at_least_one)
        self.setup_translations(languages)

    def values(self) -> dict:
        return {name: self.cleaned_data[name] for name in self.Meta.fields}


def _at_least_one(value) -> None:
    if value is not None and value < 1:
        raise ValidationError(_("A category needs at least one finalist."))


class BaseCategoryFormSet(forms.BaseModelFormSet):
    def clean(self):
        super().clean()
        if any(self.errors):
            return
        names = [
            (form.cleaned_data.get("name_en") or "").strip().lower()
            for form in self.forms
            if form.has_changed() or form.instance.pk
            if not form.cleaned_data.get("DELETE")
        ]
        names = [name for name in names if name]
        if len(names) != len(set(names)):
            raise ValidationError(_("Two categories have the same English name."))


CategoryFormSet = forms.modelformset_factory(
    Category, form=CategoryForm, formset=BaseCategoryFormSet, extra=1, can_delete=True, max_num=30, validate_max=True
)


# --- Step 3: the rubric ----------------------------------------------------------------------


class CriterionForm(TranslatedFieldsMixin, forms.ModelForm):
    translated_names = ("name", "guidance", "level_descriptors")

    weight = LocalizedDecimalField(label=_("Weight"), max_digits=5, decimal_places=2, min_value=0.01)
    min_value = LocalizedDecimalField(label=_("Minimum"), max_digits=5, decimal_places=2)
    max_value = LocalizedDecimalField(label=_("Maximum"), max_digits=5, decimal_places=2)
    step = LocalizedDecimalField(label=_("Step"), max_digits=5, decimal_places=2, min_value=0.01)

    class Meta:
        model = Criterion
        fields = [
            *translated("name"),
            "weight",
            "min_value",
            "max_value",
            "step",
            *translated("guidance", "level_descriptors"),
        ]

    def __init__(self, *args, languages: list[str], **kwargs):
        super().__init__(*args, **kwargs)
        self.setup_translations(languages)
        for code in LANGUAGE_CODES:
            self.fields[f"level_descriptors_{code}"].help_text = ""
        self.fields["level_descriptors_en"].help_text = Criterion._meta.get_field("level_descriptors").help_text
        for name in ("weight", "min_value", "max_value", "step"):
            # Declared fields do not take the model's defaults: a new criterion starts at 1, 0–10 by 1.
            self.fields[name].initial = Criterion._meta.get_field(name).default

    def clean(self):
        data = super().clean()
        low, high, step = data.get("min_value"), data.get("max_value"), data.get("step")
        if low is not None and high is not None and high <= low:
            self.add_error("max_value", _("The maximum must be above the minimum."))
        elif low is not None and high is not None and step and (high - low) % step:
            self.add_error("step", _("The step must divide the range, so that the maximum can be given."))
        return data

    def values(self) -> dict:
        return {name: self.cleaned_data[name] for name in self.Meta.fields}


# --- Step 4: rounds and rules ----------------------------------------------------------------


class RulesForm(forms.ModelForm):
    class Meta:
        model = Edition
        fields = [
            "jurors_per_project",
            "blind_review",
            "aggregation_method",
            "same_country_conflict",
            "overall_comment_required",
            "feedback_to_applicants",
            "chair_veto",
            "retention_days",
        ]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["jurors_per_project"].min_value = 1
        self.fields["jurors_per_project"].widget.attrs["min"] = 1
        self.fields["retention_days"].widget.attrs["min"] = 30

    def clean_jurors_per_project(self):
        value = self.cleaned_data["jurors_per_project"]
        if value < 1 or value > 50:
            raise ValidationError(_("Between 1 and 50 jurors per project."))
        return value

    def clean_retention_days(self):
        value = self.cleaned_data["retention_days"]
        if value < 30 or value > 3650:
            raise ValidationError(_("Keep personal data between 30 and 3,650 days after the ceremony."))
        return value

    def values(self) -> dict:
        return {name: self.cleaned_data[name] for name in self.Meta.fields}


class RoundForm(TranslatedFieldsMixin, EditionTimeZoneFormMixin, forms.ModelForm):
    translated_names = ("name",)

    class Meta:
        model = Round
        fields = [*translated("name"), "kind", "final_mode", "scoring_opens_at", "scoring_closes_at"]
        widgets = {"scoring_opens_at": DateTimeLocalInput(), "scoring_closes_at": DateTimeLocalInput()}

    def __init__(self, *args, languages: list[str], **kwargs):
        super().__init__(*args, **kwargs)
        self.setup_translations(languages)
        # Older clients and pages post no mode: a final round is then scored, as before.
        self.fields["final_mode"].required = False

    def clean(self):
        data = super().clean()
        opens, closes = data.get("scoring_opens_at"), data.get("scoring_closes_at")
        if opens and closes and closes <= opens:
            self.add_error("scoring_closes_at", _("Scoring must close after it opens."))
        if data.get("kind") != RoundKind.FINAL or not data.get("final_mode"):
            # Only a final round decides winners; a shortlist round is always scored.
            data["final_mode"] = FinalMode.SCORED
        if self.instance.pk:
            refused = final_mode_change_refused(self.instance, data["final_mode"])
            if refused:
                self.add_error("final_mode", refused)
        return data

    def has_changed(self) -> bool:
        # The empty card's mode select posts its default (or nothing): a mode alone is no new round.
        return any(name != "final_mode" for name in self.changed_data)

    def values(self) -> dict:
        return {name: self.cleaned_data[name] for name in self.Meta.fields}


RoundFormSet = forms.modelformset_factory(Round, form=RoundForm, extra=1, can_delete=True, max_num=6, validate_max=True)


# --- Step 5: signatories ---------------------------------------------------------------------


class SignatoryForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=200, required=False)
    signature = forms.FileField(
        label=_("Signature image"),
        required=False,
        help_text=_("PNG or JPEG, at most 300 KB."),
        widget=forms.ClearableFileInput(attrs={"accept": "image/png,image/jpeg"}),
    )
    remove = forms.BooleanField(label=_("Remove"), required=False)

    def __init__(self, *args, languages: list[str], **kwargs):
        super().__init__(*args, **kwargs)
        self.languages = languages
        names = dict(settings.LANGUAGES)
        for code in LANGUAGE_CODES:
            self.fields[f"title_{code}"] = forms.CharField(label=names[code], max_length=200, required=False)
            self.fields[f"title_{code}"].widget.attrs["lang"] = code
        self.fields["signature"].widget.is_required = False

    def clean_signature(self):
        upload = self.cleaned_data.get("signature")
        if upload:
            image_kind(upload, max_bytes=300 * 1024)
        return upload

    def clean(self):
        data = super().clean()
        if not data.get("remove") and not (data.get("name") or "").strip():
            if any((data.get(f"title_{code}") or "").strip() for code in LANGUAGE_CODES) or data.get("signature"):
                self.add_error("name", _("Give the name of the signatory."))
        return data

    @property
    def title_fields(self):
        english = (self["title_en"].value() or "").strip()
        return [
            (
                code,
                self[f"title_{code}"],
                bool(english) and code in self.languages and not (self[f"title_{code}"].value() or "").strip(),
            )
            for code in LANGUAGE_CODES
        ]


class BaseSignatoryFormSet(forms.BaseFormSet):
    def __init__(self, *args, languages: list[str], **kwargs):
        self.languages = languages
        super().__init__(*args, **kwargs)

    def get_form_kwargs(self, index):
        return {**super().get_form_kwargs(index), "languages": self.languages}


SignatoryFormSet = forms.formset_factory(
    SignatoryForm, formset=BaseSignatoryFormSet, extra=1, max_num=4, validate_max=True
)


def signatory_initial(edition: Edition) -> list[dict]:
    rows = []
    for person in edition.signatories or []:
        if not isinstance(person, dict):
            continue
        titles = person.get("titles") or {"en": person.get("title", "")}
        rows.append(
            {"name": person.get("name", ""), **{f"title_{code}": titles.get(code, "") for code in LANGUAGE_CODES}}
        )
    return rows


# --- Step 6: branding ------------------------------------------------------------------------


def _relative_luminance(colour: str) -> float:
    def channel(hex2: str) -> float:
        c = int(hex2, 16) / 255
        return c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4

    r, g, b = (channel(colour[i : i + 2]) for i in (1, 3, 5))
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def contrast_with_white(colour: str) -> float:
    return 1.05 / (_relative_luminance(colour) + 0.05)


class BrandingForm(forms.Form):
    logo = forms.FileField(
        label=_("Logo"),
        required=False,
        help_text=_("PNG or JPEG, at most 1 MB."),
        widget=forms.FileInput(attrs={"accept": "image/png,image/jpeg"}),
    )
    remove_logo = forms.BooleanField(label=_("Remove the logo"), required=False)
    brand_primary = forms.CharField(
        label=_("Main colour"),
        required=False,
        max_length=7,
        help_text=_("As #rrggbb, e.g. #0b5394. White text must be readable on it."),
        widget=forms.TextInput(attrs={"placeholder": "#0b5394", "pattern": "#[0-9a-fA-F]{6}"}),
    )
    brand_secondary = forms.CharField(
        label=_("Second colour"),
        required=False,
        max_length=7,
        help_text=_("As #rrggbb, e.g. #e8f0fa: a light tint for highlighted boxes."),
        widget=forms.TextInput(attrs={"placeholder": "#e8f0fa", "pattern": "#[0-9a-fA-F]{6}"}),
    )

    def _colour(self, name: str) -> str:
        value = (self.cleaned_data.get(name) or "").strip()
        if value and not COLOUR.fullmatch(value):
            raise ValidationError(_("Write the colour as # and six hexadecimal digits, e.g. #0b5394."))
        return value.lower()

    def clean_brand_primary(self) -> str:
        value = self._colour("brand_primary")
        if value and contrast_with_white(value) < 4.5:
            raise ValidationError(_("This colour is too light: white text on it would be hard to read."))
        return value

    def clean_brand_secondary(self) -> str:
        value = self._colour("brand_secondary")
        if value and contrast_with_white(value) > 1.6:
            raise ValidationError(_("This colour is too dark for a background behind text: choose a light tint."))
        return value

    def clean_logo(self):
        upload = self.cleaned_data.get("logo")
        if upload:
            image_kind(upload, max_bytes=1024 * 1024)
        return upload
