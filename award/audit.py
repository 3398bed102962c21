"""The organiser's audit log: who changed which score, status, eligibility, assignment or
finalist choice, and when. Read-only by construction: there is no view that edits or deletes
an entry, and the admin refuses both."""

import csv

from django import forms
from django.core.paginator import Paginator
from django.db.models import QuerySet
from django.http import Http404, StreamingHttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from award.audit_text import audit_sentence, audit_sentences
from award.forms import ModelChoiceIdField
from award.models import AuditEntry, Edition, User
from award.selectors import editions_organised_by


def audit_entries_visible_to(user: User) -> QuerySet[AuditEntry]:
    return AuditEntry.objects.filter(edition__in=editions_organised_by(user)).select_related("actor", "edition")


class AuditFilterForm(forms.Form):
    edition = ModelChoiceIdField(queryset=Edition.objects.none(), required=False, label=gettext_lazy("Edition"))
    action = forms.CharField(required=False, max_length=64, label=gettext_lazy("Action"))
    actor = forms.CharField(required=False, max_length=200, label=gettext_lazy("Who (email)"))
    target = forms.CharField(required=False, max_length=200, label=gettext_lazy("Object"))
    since = forms.DateField(required=False, label=gettext_lazy("From"), widget=forms.DateInput(attrs={"type": "date"}))
    until = forms.DateField(required=False, label=gettext_lazy("To"), widget=forms.DateInput(attrs={"type": "date"}))

    def __init__(self, *args, user: User, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["edition"].queryset = editions_organised_by(user)

    def apply(self, qs: QuerySet[AuditEntry]) -> QuerySet[AuditEntry]:
        data = self.cleaned_data
        if data.get("edition"):
            qs = qs.filter(edition=data["edition"])
        if data.get("action"):
            qs = qs.filter(action__icontains=data["action"])
        if data.get("actor"):
            qs = qs.filter(actor__email__icontains=data["actor"])
        if data.get("target"):
            qs = qs.filter(target_repr__icontains=data["target"])
        if data.get("since"):
            qs = qs.filter(at__date__gte=data["since"])
        if data.get("until"):
            qs = qs.filter(at__date__lte=data["until"])
        return qs


class _Echo:
    def write(self, value):
        return value


def _csv_cell(value) -> str:
    # A spreadsheet would evaluate a cell starting with one of these; keep it text.
    text = "" if value is None else str(value)
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


def audit_log_view(request):
    if not request.user.is_authenticated or not editions_organised_by(request.user).exists():
        raise Http404
    form = AuditFilterForm(request.GET or None, user=request.user)
    entries = audit_entries_visible_to(request.user)
    if form.is_bound and form.is_valid():
        entries = form.apply(entries)
    elif form.is_bound:
        entries = entries.none()
    entries = entries.order_by("-at", "-id")
    if request.GET.get("format") == "csv":
        writer = csv.writer(_Echo())
        header = [
            _("Time"),
            _("Who"),
            _("Action"),
            _("Object type"),
            _("Object"),
            _("Edition"),
            _("Details"),
            _("What happened"),
        ]

        def rows():
            yield writer.writerow(header)
            for entry in entries.iterator(chunk_size=1000):
                yield writer.writerow(
                    [
                        _csv_cell(v)
                        for v in (
                            entry.at.isoformat(),
                            entry.actor.email if entry.actor else "",
                            entry.action,
                            entry.target_type,
                            entry.target_repr,
                            entry.edition,
                            entry.data,
                            audit_sentence(entry),
                        )
                    ]
                )

        response = StreamingHttpResponse(rows(), content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = 'attachment; filename="audit-log.csv"'
        return response
    page = Paginator(entries, 50).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "award/audit_log.html",
        {"form": form, "page": page, "lines": audit_sentences(page.object_list), "query": query.urlencode()},
    )
