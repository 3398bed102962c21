"""Serializers of applications for the REST API. Writes go through submissions.services."""

from rest_framework import serializers

from award.limits import max_length_of
from award.models import Category, Edition
from award.rules import is_organiser
from submissions import rules
from submissions.blind import attachment_name, hidden_fields
from submissions.models import Attachment, Project, TeamMember
from submissions.services import EDITABLE_FIELDS


class TeamMemberSerializer(serializers.ModelSerializer):
    class Meta:
        model = TeamMember
        fields = ["name", "role", "email", "is_contact"]
        read_only_fields = fields


class ProjectSerializer(serializers.ModelSerializer):
    """An application as its team, its organisers and its jurors read it."""

    team = TeamMemberSerializer(many=True, read_only=True)
    owner = serializers.SerializerMethodField()

    class Meta:
        model = Project
        fields = [
            "id",
            "edition",
            "reference",
            "status",
            "ineligibility_reason",
            *EDITABLE_FIELDS,
            "team",
            "owner",
            "submitted_at",
            "created_at",
            "updated_at",
            "version",
        ]
        read_only_fields = fields

    def get_owner(self, project: Project) -> str:
        return project.owner.email

    def to_representation(self, project: Project) -> dict:
        data = super().to_representation(project)
        user = self.context["request"].user
        if not rules.is_owner(user, project) and not is_organiser(user, project.edition):
            # A juror: never the team's contact details, and nothing identifying in a blind review.
            data.pop("owner", None)
            data["team"] = [{k: v for k, v in m.items() if k in ("name", "role")} for m in data["team"]]
            for name in hidden_fields(blind=project.edition.blind_review):
                data.pop(name, None)
        return data


class TeamMemberWriteSerializer(serializers.Serializer):
    name = serializers.CharField(max_length=max_length_of(TeamMember, "name"))
    role = serializers.CharField(
        max_length=max_length_of(TeamMember, "role"), required=False, allow_blank=True, default=""
    )
    email = serializers.EmailField(
        required=False, allow_blank=True, default="", max_length=max_length_of(TeamMember, "email")
    )


class ProjectWriteSerializer(serializers.ModelSerializer):
    """What a team may write on a draft: EDITABLE_FIELDS, and the edition when it starts one.
    Everything else (owner, status, reference, dates of submission) is the server's and is
    ignored if sent."""

    edition = serializers.PrimaryKeyRelatedField(queryset=Edition.objects.all())
    category = serializers.PrimaryKeyRelatedField(queryset=Category.objects.none(), allow_null=True, required=False)
    # The whole team at once (it replaces the stored one), as on the form.
    team = TeamMemberWriteSerializer(many=True, required=False)
    # The `version` the client last read: an update based on an older one is refused with 409
    # instead of overwriting newer text. A client that sends none saves as before.
    version = serializers.IntegerField(min_value=0, required=False, write_only=True)

    class Meta:
        model = Project
        fields = ["edition", *EDITABLE_FIELDS, "team", "version"]
        extra_kwargs = {name: {"required": False} for name in EDITABLE_FIELDS}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance is not None:
            # The edition of an application never changes; its categories are the only choices.
            self.fields["edition"].read_only = True
            self.fields["category"].queryset = Category.objects.filter(edition_id=self.instance.edition_id)
        else:
            data = getattr(self, "initial_data", None)
            edition_id = data.get("edition") if isinstance(data, dict) else None
            if isinstance(edition_id, int) or (isinstance(edition_id, str) and edition_id.isdigit()):
                self.fields["category"].queryset = Category.objects.filter(edition_id=int(edition_id))


class EligibilitySerializer(serializers.Serializer):
    eligible = serializers.BooleanField()
    reason = serializers.CharField(
        required=False, allow_blank=True, default="", max_length=max_length_of(Project, "ineligibility_reason")
    )


class ReopenSerializer(serializers.Serializer):
    """An organiser reopening an application (the team sends no body)."""

    days = serializers.IntegerField(min_value=1, max_value=60, default=7)
    reason = serializers.CharField(required=False, allow_blank=True, default="", max_length=500)


class AttachmentSerializer(serializers.ModelSerializer):
    """A file of an application. In a blind review a juror sees a neutral name, as on the page."""

    name = serializers.SerializerMethodField()

    class Meta:
        model = Attachment
        fields = ["id", "project", "name", "content_type", "size", "uploaded_at"]
        read_only_fields = fields

    def get_name(self, attachment: Attachment) -> str:
        user = self.context["request"].user
        project = self.context.get("project") or attachment.project
        return attachment_name(attachment, blind=project.edition.blind_review and not rules.can_view(user, project))


class AttachmentUploadSerializer(serializers.Serializer):
    file = serializers.FileField(allow_empty_file=True)
