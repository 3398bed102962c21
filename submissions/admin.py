from django.contrib import admin

from award.admin import TYPED_DECIMALS, EditionTimeZoneAdminMixin
from submissions.models import Attachment, Project, TeamMember


class TeamMemberInline(admin.TabularInline):
    model = TeamMember
    extra = 0


class AttachmentInline(admin.TabularInline):
    model = Attachment
    extra = 0
    readonly_fields = ["original_name", "content_type", "size", "uploaded_at"]
    fields = readonly_fields


@admin.register(Project)
class ProjectAdmin(EditionTimeZoneAdminMixin, admin.ModelAdmin):  # reopened_until, submitted_at
    list_display = ["reference", "title", "organisation_name", "country", "category", "status", "submitted_at"]
    list_filter = ["edition", "status", "category", "country", "organisation_type"]
    search_fields = ["reference", "title", "organisation_name", "owner__email"]
    list_select_related = ["category", "edition"]
    raw_id_fields = ["owner"]
    inlines = [TeamMemberInline, AttachmentInline]
    formfield_overrides = TYPED_DECIMALS


@admin.register(TeamMember)
class TeamMemberAdmin(admin.ModelAdmin):
    list_display = ["name", "role", "email", "project"]
    search_fields = ["name", "email", "project__title"]
    list_select_related = ["project"]


@admin.register(Attachment)
class AttachmentAdmin(admin.ModelAdmin):
    list_display = ["original_name", "content_type", "size", "project", "uploaded_at"]
    search_fields = ["original_name", "project__title"]
    list_select_related = ["project"]
