from django.contrib import admin

from award.admin import EditionTimeZoneAdminForm, EditionTimeZoneAdminMixin
from scoring.models import Assignment, ConflictOfInterest, Result, Score


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
