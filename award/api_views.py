from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from award.models import ApiToken
from award.services import api_token_create, api_token_revoke


@login_required
@require_http_methods(["GET", "POST"])
def api_tokens(request):
    """Personal API tokens: create (the key is shown once) and revoke."""
    new_key = None
    errors: list[str] = []
    if request.method == "POST":
        if "revoke" in request.POST:
            token = get_object_or_404(ApiToken, pk=request.POST.get("revoke", "").strip() or 0, user=request.user)
            api_token_revoke(actor=request.user, token=token)
            messages.success(request, _("The token “%(name)s” was revoked.") % {"name": token.name})
            return redirect("api_tokens")
        try:
            token, new_key = api_token_create(actor=request.user, name=request.POST.get("name", ""))
            messages.success(request, _("Token created. Copy the key now: it will not be shown again."))
        except ValidationError as error:
            errors = error.messages
    tokens = request.user.api_tokens.all()
    return render(request, "award/api_tokens.html", {"tokens": tokens, "new_key": new_key, "errors": errors})
