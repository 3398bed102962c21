"""The z-score ("standardised") method leaves (issue 15, item 3): every edition whose official
method is "standardised" moves to "calibrated", with an audit entry per edition naming the
snapshots that keep its sealed rounds' numbers (migration 0007: sealed rounds are the exception,
their published numbers stay those of the snapshot)."""

from django.db import migrations
from django.utils import timezone


def convert(apps, schema_editor):
    Edition = apps.get_model("award", "Edition")
    AuditEntry = apps.get_model("award", "AuditEntry")
    Snapshot = apps.get_model("scoring", "ResultsSnapshot")
    now = timezone.now()
    for edition in Edition.objects.filter(aggregation_method="standardised").order_by("pk"):
        sealed = list(
            Snapshot.objects.filter(edition_id=edition.pk).order_by("pk").values_list("payload_hash", flat=True)
        )
        Edition.objects.filter(pk=edition.pk).update(aggregation_method="calibrated")
        AuditEntry.objects.create(
            at=now, actor=None, edition_id=edition.pk, action="edition.method_migrated",
            target_type="award.edition", target_id=str(edition.pk), target_repr=edition.name[:255],
            data={"from": "standardised", "to": "calibrated", "sealed_snapshots": sealed,
                  "reason": "The z-score method was replaced by the calibrated score (issue 15)."},
        )  # fmt: skip


class Migration(migrations.Migration):
    dependencies = [("scoring", "0007_seal_before_calibration")]

    operations = [migrations.RunPython(convert, migrations.RunPython.noop, elidable=False)]
