from django import forms
from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from modeltranslation.admin import TranslationAdmin, TranslationStackedInline, TranslationTabularInline

from award.forms import EditionTimeZoneFormMixin, EditionTimeZoneInlineFormSet, LocalizedDecimalField
from award.models import AuditEntry, Category, Criterion, Edition, EditionRole, EmailLog, Round, User

# Weights, ranges and thresholds typed the way the administrator's language writes decimals
# (README, "Typing numbers"), in a text field the browser does not rewrite.
TYPED_DECIMALS = {models.DecimalField: {"form_class": LocalizedDecimalField}}


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
    ordering = ["email"]
    list_display = ["email", "first_name", "last_name", "organisation", "country", "is_staff"]
    list_filter = ["is_staff", "is_superuser", "is_active", "country", "language"]
    search_fields = ["email", "first_name", "last_name", "organisation"]
    fieldsets = [
        (None, {"fields": ["email", "password"]}),
        (_("Personal info"), {"fields": ["first_name", "last_name", "organisation", "country", "language"]}),
        (_("Permissions"), {"fields": ["is_active", "is_staff", "is_superuser", "groups", "user_permissions"]}),
        (_("Important dates"), {"fields": ["last_login", "date_joined"]}),
    ]
    add_fieldsets = [(None, {"classes": ["wide"], "fields": ["email", "password1", "password2"]})]


# Organiser-typed texts have one field per language (award/translation.py): English is required,
# the others fall back to it when left empty.
class CategoryInline(TranslationTabularInline):
    model = Category
    extra = 0
    prepopulated_fields = {"slug": ["name"]}


class CriterionInline(TranslationStackedInline):
    model = Criterion
    extra = 0
    formfield_overrides = TYPED_DECIMALS


class EditionTimeZoneAdminForm(EditionTimeZoneFormMixin, forms.ModelForm):
    """Dates of an edition (its timeline, its rounds' windows) typed and shown in its time zone."""


class EditionTimeZoneAdminMixin:
    """The whole change page in the edition's zone, not only its fields: the admin's "Now" button
    and its "you are N hours ahead of server time" note read the page's UTC offset."""

    form = EditionTimeZoneAdminForm

    def render_change_form(self, request, context, *args, **kwargs):
        response = super().render_change_form(request, context, *args, **kwargs)
        with timezone.override(context["adminform"].form.edition_timezone):
            return response.render()


class RoundInline(TranslationTabularInline):
    model = Round
    extra = 0
    form = EditionTimeZoneAdminForm
    formset = EditionTimeZoneInlineFormSet


@admin.register(Edition)
class EditionAdmin(EditionTimeZoneAdminMixin, TranslationAdmin):
    list_display = ["name", "year", "submissions_close_at", "aggregation_method", "blind_review"]
    prepopulated_fields = {"slug": ["name"]}
    inlines = [CategoryInline, CriterionInline, RoundInline]
    formfield_overrides = TYPED_DECIMALS


@admin.register(Category)
class CategoryAdmin(TranslationAdmin):
    list_display = ["name", "edition", "finalists_count", "position"]
    list_filter = ["edition"]
    search_fields = ["name"]


@admin.register(Criterion)
class CriterionAdmin(TranslationAdmin):
    list_display = ["name", "edition", "weight", "min_value", "max_value", "step", "position"]
    list_filter = ["edition"]
    formfield_overrides = TYPED_DECIMALS


@admin.register(Round)
class RoundAdmin(EditionTimeZoneAdminMixin, TranslationAdmin):
    list_display = ["name", "edition", "number", "kind", "scoring_opens_at", "scoring_closes_at", "frozen"]
    list_filter = ["edition", "kind"]


@admin.register(EditionRole)
class EditionRoleAdmin(admin.ModelAdmin):
    list_display = ["user", "edition", "role", "is_chair"]
    list_filter = ["edition", "role", "is_chair"]
    search_fields = ["user__email", "user__last_name", "user__organisation"]
    filter_horizontal = ["expertise", "panels"]
    list_select_related = ["user", "edition"]


@admin.register(AuditEntry)
class AuditEntryAdmin(admin.ModelAdmin):
    """Read-only: audit entries cannot be edited or deleted through the app."""

    list_display = ["at", "actor", "action", "target_repr", "edition"]
    list_filter = ["action", "edition"]
    search_fields = ["target_repr", "actor__email"]
    list_select_related = ["actor", "edition"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(EmailLog)
class EmailLogAdmin(admin.ModelAdmin):
    """Read-only: written by the task that sends."""

    list_display = ["at", "recipient", "kind", "language", "status", "is_test", "edition"]
    list_filter = ["status", "kind", "edition"]
    search_fields = ["recipient", "subject"]
    list_select_related = ["edition"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
