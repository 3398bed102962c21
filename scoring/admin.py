from django.contrib import admin

from award.admin import EditionTimeZoneAdminForm, EditionTimeZoneAdminMixin
from scoring.models import Assignment, ConflictOfInterest, Result, ResultsSnapshot, Score


@admin.register(ConflictOfInterest)
class ConflictOfInterestAdmin(admin.ModelAdmin):
    list_display = ["juror", "project", "source", "created_at"]
    list_filter = ["edition", "source"]
    search_fields = ["juror__email", "project__title", "project__reference"]
    list_select_related = ["juror", "project"]
    raw_id_fields = ["juror", "project"]


class ScoreInline(admin.TabularInline):
    model = Score
    extra = 0


class AssignmentAdminForm(EditionTimeZoneAdminForm):
    edition_path = "round.edition"


@admin.register(Assignment)
class AssignmentAdmin(EditionTimeZoneAdminMixin, admin.ModelAdmin):
    form = AssignmentAdminForm
    list_display = ["juror", "project", "round", "status", "finalised_at"]
    list_filter = ["round__edition", "round", "status"]
    search_fields = ["juror__email", "project__title", "project__reference"]
    list_select_related = ["juror", "project", "round"]
    raw_id_fields = ["juror", "project"]
    inlines = [ScoreInline]


@admin.register(Score)
class ScoreAdmin(admin.ModelAdmin):
    list_display = ["assignment", "criterion", "value", "updated_at"]
    list_select_related = ["assignment__juror", "assignment__project", "assignment__round", "criterion"]
    raw_id_fields = ["assignment"]


@admin.register(Result)
class ResultAdmin(admin.ModelAdmin):
    list_display = ["project", "kind", "title", "category", "edition"]
    list_filter = ["edition", "kind", "category"]
    list_select_related = ["project", "category", "edition"]
    raw_id_fields = ["project"]


@admin.register(ResultsSnapshot)
class ResultsSnapshotAdmin(admin.ModelAdmin):
    """Read-only: a sealed snapshot is never changed or deleted (the model refuses too)."""

    list_display = ["edition", "kind", "round", "created_at", "signed_off_by", "engine_version", "payload_hash"]
    list_filter = ["edition", "kind", "engine_version"]
    list_select_related = ["edition", "round", "signed_off_by"]
    search_fields = ["payload_hash", "scores_hash"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
