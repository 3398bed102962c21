import re
from decimal import Decimal

from django import forms
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext_lazy as _

from award.collation import name_order
from award.enums import Country
from award.formatting import decimal_plain
from award.forms import LocalizedDecimalField, ModelChoiceIdField, ModelMultipleIdField
from award.limits import MEDIUM_TEXT, form_field_for, mark_over_limit
from award.models import Category, Edition, User
from award.numbers import trimmed
from award.rubric import effective_weights
from scoring.jury.scores import ScoreInput
from scoring.models import Assignment, ConflictOfInterest, Score


class ScoreForm(forms.Form):
    """The rubric: a value and a comment per criterion, an overall comment and the version
    the page was loaded at (for optimistic locking)."""

    version = forms.IntegerField(widget=forms.HiddenInput, min_value=0)
    overall_comment = form_field_for(
        Assignment,
        "overall_comment",
        label=_("Overall comment"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
    )

    def __init__(self, *args, criteria, scores=None, assignment=None, disabled=False, **kwargs):
        super().__init__(*args, **kwargs)
        self.criteria = list(criteria)
        scores = scores or {}
        if assignment is not None and not self.is_bound:
            self.initial["version"] = assignment.version
            self.initial["overall_comment"] = assignment.overall_comment
        shares = effective_weights(self.criteria)
        for criterion in self.criteria:
            score = scores.get(criterion.pk)
            value_field = LocalizedDecimalField(
                label=criterion.name,
                required=False,
                min_value=criterion.min_value,
                max_value=criterion.max_value,
                step_size=criterion.step,
                max_digits=5,
                decimal_places=2,
                disabled=disabled,
                example=trimmed(criterion.min_value + criterion.step),
            )
            # For the arrow keys (static/js/decimal-step.js), in plain machine form.
            value_field.widget.attrs.update(
                {
                    "data-autosave": "1",
                    "data-min": str(trimmed(criterion.min_value)),
                    "data-max": str(trimmed(criterion.max_value)),
                    "data-step": str(trimmed(criterion.step)),
                }
            )
            # The range above the field, in the reader's format ("0–10, step 0,5").
            value_field.range_text = {
                "min": decimal_plain(criterion.min_value),
                "max": decimal_plain(criterion.max_value),
                "step": decimal_plain(criterion.step),
            }
            # The criterion's share of the total in percent, shown next to its name.
            value_field.weight_percent = shares.get(criterion.pk)
            # Tap targets for a short range (issue 18): one per value, typing for finer steps.
            value_field.taps = tap_values(criterion)
            value_field.tap_labels = [decimal_plain(tap) for tap in value_field.taps]
            value_field.levels = [(text, *level_bounds(text)) for text in criterion.levels]
            # The legend names the criterion once; the value input is labelled by it
            # (aria-labelledby in score.html) and the comment is just "Comment" inside it.
            value_field.widget.attrs["aria-labelledby"] = f"criterion-{criterion.pk}-name"
            value_field.widget.attrs["aria-describedby"] = f"criterion-{criterion.pk}-range"
            value_field.widget.attrs["data-weight"] = str(criterion.weight)
            comment_field = form_field_for(
                Score,
                "comment",
                label=_("Comment"),
                required=False,
                widget=forms.Textarea(attrs={"rows": 2, "data-autosave": "1"}),
                disabled=disabled,
            )
            self.fields[f"value_{criterion.pk}"] = value_field
            self.fields[f"comment_{criterion.pk}"] = comment_field
            if score is not None and not self.is_bound:
                self.initial[f"value_{criterion.pk}"] = trimmed(score.value)
                self.initial[f"comment_{criterion.pk}"] = score.comment
        self.fields["overall_comment"].widget.attrs["data-autosave"] = "1"
        self.fields["overall_comment"].disabled = disabled
        if not self.is_bound and not disabled:
            mark_over_limit(self, self.comment_names())

    def clean(self):
        data = super().clean()
        # Without JavaScript a tap target does not fill the typed value: take the tapped one
        # (only one of the offered values; with the script the two always agree).
        for criterion in self.criteria:
            key, tapped = f"value_{criterion.pk}", self.data.get(f"tap_{criterion.pk}", "")
            if data.get(key) is None and key not in self.errors and tapped:
                offered = {str(v): v for v in self.fields[key].taps}
                if tapped in offered:
                    data[key] = offered[tapped]
        return data

    def comment_names(self) -> list[str]:
        return ["overall_comment", *(f"comment_{c.pk}" for c in self.criteria)]

    # Whether the tap targets can be pressed; the scoring page sets it (editable and acknowledged).
    taps_enabled = True

    def rows(self):
        for criterion in self.criteria:
            value = self[f"value_{criterion.pk}"]
            yield criterion, value, self[f"comment_{criterion.pk}"], self._taps_html(criterion, value)

    def _taps_html(self, criterion, value) -> str:
        """The tap targets' markup, made here in one pass: as template loops (a label, a radio and
        three conditions per value, 55 per page for five 0-10 criteria) they were the biggest part
        of rendering the scoring page, the juror's busiest."""
        taps = value.field.taps
        if not taps:
            return ""
        current = value.value()
        current = "" if current is None else str(current).strip().replace(",", ".")
        labels = value.field.tap_labels
        disabled = "" if self.taps_enabled else " disabled"
        plain = (
            '<label class="tap"><input type="radio" name="tap_{}" value="{}"' + disabled + "><span>{}</span></label>"
        )
        checked = plain.replace('value="{}"', 'value="{}" checked')
        return format_html_join(
            "",
            "{}",
            (
                (format_html(checked if machine == current else plain, criterion.pk, machine, labels[i]),)
                for i, machine in enumerate(str(tap) for tap in taps)
            ),
        )

    def score_inputs(self) -> dict[int, ScoreInput]:
        data = self.cleaned_data
        return {
            c.pk: ScoreInput(value=data.get(f"value_{c.pk}"), comment=data.get(f"comment_{c.pk}") or "")
            for c in self.criteria
        }

    def add_service_errors(self, error) -> None:
        if hasattr(error, "error_dict"):
            for key, messages in error.message_dict.items():
                self.add_error(key if key in self.fields else None, messages)
        else:
            self.add_error(None, error.messages)


MAX_TAPS = 11


def tap_values(criterion) -> list:
    """The values offered as tap targets: every allowed value when there are at most 11 of them,
    else the whole numbers when those are allowed values and at most 11 (typing gives the finer
    steps), else none (typing only)."""
    low, high, step = criterion.min_value, criterion.max_value, criterion.step
    for stride in (step, Decimal(1)):
        if stride <= 0 or stride % step != 0 or (low % 1 != 0 and stride == 1):
            continue
        count = int((high - low) / stride) + 1
        if count <= MAX_TAPS:
            return [trimmed(low + stride * i) for i in range(count)]
    return []


LEVEL_PREFIX = re.compile(r"^\s*(-?\d+(?:[.,]\d+)?)\s*(?:[-–—]\s*(-?\d+(?:[.,]\d+)?))?\s*[:.)]")


def level_bounds(text: str) -> tuple[str, str]:
    """The values a level descriptor such as "0–3: weak" covers, in machine form ("0", "3"), or
    ("", "") when its text does not start with a value or a range."""
    match = LEVEL_PREFIX.match(text)
    if not match:
        return "", ""
    low = match.group(1).replace(",", ".")
    return low, (match.group(2) or match.group(1)).replace(",", ".")


class ConflictDeclareForm(forms.Form):
    reason = form_field_for(
        ConflictOfInterest,
        "reason",
        label=_("Why do you have a conflict of interest?"),
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("For example: I work with the applicant, or I advised the project team."),
    )


class ReasonForm(forms.Form):
    """The reason for a step against the normal course: reopening a finalised review (optional)
    or departing from the ranking (required, with the project it concerns)."""

    project = forms.IntegerField(widget=forms.HiddenInput, required=False)
    reason = forms.CharField(
        label=_("Reason"), max_length=MEDIUM_TEXT, required=False, widget=forms.Textarea(attrs={"rows": 2})
    )

    def __init__(self, *args, required: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["project"].required = required
        self.fields["reason"].required = required


class JurorForm(forms.Form):
    email = forms.EmailField(label=_("Email"))
    first_name = forms.CharField(label=_("First name"), max_length=150, required=False)
    last_name = forms.CharField(label=_("Last name"), max_length=150, required=False)
    organisation = forms.CharField(label=_("Organisation"), max_length=200, required=False)
    country = forms.ChoiceField(
        label=_("Country"), choices=[("", _("Choose a country")), *Country.choices], required=False
    )
    panels = ModelMultipleIdField(
        label=_("Category panels"),
        queryset=Category.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    expertise = ModelMultipleIdField(
        label=_("Expertise"), queryset=Category.objects.none(), required=False, widget=forms.CheckboxSelectMultiple
    )
    nominated_by = forms.CharField(
        label=_("Nominated by (partner organisation)"),
        max_length=200,
        required=False,
        help_text=_(
            "When a partner organisation nominated this juror, its name: every project of that organisation, or with it "
            "as a partner, becomes a conflict of interest for the juror."
        ),
    )

    def __init__(self, *args, edition: Edition, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["panels"].queryset = edition.categories.all()
        self.fields["expertise"].queryset = edition.categories.all()


class JurorImportForm(forms.Form):
    file = forms.FileField(
        label=_("Excel file (.xlsx)"),
        help_text=_(
            "One juror per row, with the columns: email, first name, last name, organisation, country, "
            "panels, expertise and, optionally, nominated by. Categories are separated by commas."
        ),
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if not upload.name.lower().endswith(".xlsx"):
            raise forms.ValidationError(_("Please upload an Excel .xlsx file."))
        if upload.size > 5 * 1024 * 1024:
            raise forms.ValidationError(_("The file is too large (at most 5 MB)."))
        return upload


class AssignmentAddForm(forms.Form):
    project = ModelChoiceIdField(label=_("Project"), queryset=None)
    juror = ModelChoiceIdField(label=_("Juror"), queryset=None)

    def __init__(self, *args, projects, jurors, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["project"].queryset = projects
        self.fields["project"].label_from_instance = lambda p: f"{p.reference} {p.title}"
        self.fields["juror"].queryset = jurors
        self.fields["juror"].label_from_instance = lambda u: u.display_name


class AssignmentSwapForm(forms.Form):
    juror = ModelChoiceIdField(label=_("New juror"), queryset=None)

    def __init__(self, *args, jurors, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["juror"].queryset = jurors
        self.fields["juror"].label_from_instance = lambda u: u.display_name


class ConflictSetForm(AssignmentAddForm):
    reason = form_field_for(ConflictOfInterest, "reason", label=_("Reason"))


def juror_users(edition: Edition):
    from award.enums import Role

    return User.objects.filter(edition_roles__edition=edition, edition_roles__role=Role.JUROR).order_by(
        name_order("last_name"), name_order("first_name"), "email"
    )
