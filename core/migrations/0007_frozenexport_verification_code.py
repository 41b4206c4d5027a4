"""Every frozen file gets a random verification code; files frozen before codes existed get one too
(their PDFs do not print it, but the code still finds them on the verification page)."""

import secrets

from django.db import migrations, models

ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"  # core/exports/stamp.py


def add_codes(apps, schema_editor):
    FrozenExport = apps.get_model("core", "FrozenExport")
    for pk in FrozenExport.objects.values_list("pk", flat=True):
        code = "".join(secrets.choice(ALPHABET) for _ in range(12))
        FrozenExport.objects.filter(pk=pk).update(verification_code=code)


class Migration(migrations.Migration):
    dependencies = [
        ("core", "0006_kind_choices_from_registry"),
    ]

    operations = [
        migrations.AddField(
            model_name="frozenexport",
            name="verification_code",
            field=models.CharField(max_length=16, null=True, verbose_name="校验码"),
        ),
        migrations.RunPython(add_codes, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="frozenexport",
            name="verification_code",
            field=models.CharField(max_length=16, unique=True, verbose_name="校验码"),
        ),
    ]
