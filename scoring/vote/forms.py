from django import forms
from django.utils.translation import gettext_lazy as _

from award.forms import EditionTimeZoneFormMixin
from award.limits import MEDIUM_TEXT
from award.models import Category, Edition
from scoring.vote.enums import Standing, SuspicionKind
from scoring.vote.models import PublicVote


class PublicVoteForm(EditionTimeZoneFormMixin, forms.ModelForm):
    class Meta:
        model = PublicVote
        fields = [
            "standing",
            "categories",
            "opens_at",
            "closes_at",
            "per_category",
            "changeable",
            "max_per_network",
            "difficulty",
            "network_retention_days",
        ]
        widgets = {
            "standing": forms.RadioSelect,
            "categories": forms.CheckboxSelectMultiple,
            "opens_at": forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
            "closes_at": forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
        }

    def __init__(self, *args, edition: Edition, **kwargs):
        super().__init__(*args, edition_timezone=edition.timezone, **kwargs)
        self.fields["categories"].queryset = Category.objects.filter(edition=edition)
        self.fields["standing"].initial = Standing.FINALISTS
        self.fields["standing"].choices = Standing.choices


class VoteForm(forms.Form):
    email = forms.EmailField(label=_("Your email address"), max_length=254)
    project = forms.IntegerField(widget=forms.HiddenInput)
    challenge = forms.CharField(widget=forms.HiddenInput, required=False, max_length=200)
    solution = forms.CharField(widget=forms.HiddenInput, required=False, max_length=20)
    # The honeypot: hidden from people (and from assistive technology), filled by naive bots.
    website = forms.CharField(required=False, max_length=200)


class VoidForm(forms.Form):
    kind = forms.ChoiceField(choices=SuspicionKind.choices)
    key = forms.CharField(max_length=200)
    reason = forms.CharField(label=_("Reason"), max_length=MEDIUM_TEXT)
