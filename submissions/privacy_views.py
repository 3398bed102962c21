"""Privacy notice, personal data export and account deletion.

The services live in submissions/privacy.py (they need projects); this view module is wired
from the project urls, like reports.views.certificate_verify is."""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db.models import Max
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET, require_http_methods

from award.models import Edition
from submissions.privacy import account_delete, open_applications, user_data_export


@require_GET
def privacy(request):
    retention = Edition.objects.aggregate(days=Max("retention_days"))["days"] or 730
    context = {"retention_days": retention, "contact_email": settings.DEFAULT_FROM_EMAIL}
    return render(request, "award/privacy.html", context)


@login_required
@require_GET
def account_data(request):
    payload = user_data_export(actor=request.user)
    response = HttpResponse(payload, content_type="application/zip")
    stamp = timezone.now().strftime("%Y%m%d")
    response["Content-Disposition"] = f'attachment; filename="my-data-{stamp}.zip"'
    response["Cache-Control"] = "no-store"
    return response


@login_required
@require_http_methods(["GET", "POST"])
def account_delete_view(request):
    pending = list(open_applications(request.user))
    error = ""
    status = 200
    if request.method == "POST":
        try:
            account_delete(actor=request.user, password=request.POST.get("password", ""))
        except ValidationError as exc:
            error = "; ".join(exc.messages)
            status = 400
        else:
            logout(request)
            messages.success(request, _("Your account was deleted and your personal data removed."))
            return redirect("home")
    return render(request, "award/account_delete.html", {"pending": pending, "error": error}, status=status)
