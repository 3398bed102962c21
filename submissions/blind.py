"""The blind-review rule, declared once: what a juror of a blind edition must not see, and the
neutral name an attachment carries instead of its file name. The scoring page (through the
context and the `attachment_name` filter), the API and the downloads all read it from here,
so the page, the download's file name and the API say the same."""

from django.utils.translation import gettext

# The project's fields that tell who the team is or where exactly it comes from.
HIDDEN_FIELDS = ("organisation_name", "city_region", "partners", "website", "team", "owner")


def hidden_fields(*, blind: bool) -> frozenset[str]:
    """The fields to leave out for this reader: all of HIDDEN_FIELDS in a blind review, none otherwise."""
    return frozenset(HIDDEN_FIELDS) if blind else frozenset()


def attachment_name(attachment, *, blind: bool) -> str:
    """The name a reader sees and downloads: the file's own name, or in a blind review one that
    says nothing about the team (the file name often names the town or the company)."""
    if blind:
        return gettext("attachment-%(n)s") % {"n": attachment.pk}
    return attachment.original_name
