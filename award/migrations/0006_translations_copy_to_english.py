from django.db import migrations

TRANSLATED = {
    "Edition": ("name", "description", "ceremony_place"),
    "Category": ("name", "description"),
    "Criterion": ("name", "guidance", "level_descriptors"),
    "Round": ("name",),
}


def copy_to_english(apps, schema_editor):
    """What organisers typed before content became multilingual was English: it becomes the
    English translation (the fallback for every other language)."""
    for model_name, fields in TRANSLATED.items():
        model = apps.get_model("award", model_name)
        for row in model.objects.all().only("pk", *fields):
            for field in fields:
                setattr(row, f"{field}_en", getattr(row, field))
            row.save(update_fields=[f"{field}_en" for field in fields])


def copy_back(apps, schema_editor):
    for model_name, fields in TRANSLATED.items():
        model = apps.get_model("award", model_name)
        for row in model.objects.all():
            for field in fields:
                value = getattr(row, f"{field}_en")
                if value:
                    setattr(row, field, value)
            row.save(update_fields=list(fields))


class Migration(migrations.Migration):
    dependencies = [("award", "0005_translations")]

    operations = [migrations.RunPython(copy_to_english, copy_back)]
