from django.db import migrations


def install_schemes(apps, schema_editor):
    from indicators.schemes import install

    install(
        apps.get_model("indicators", "Scheme"),
        apps.get_model("indicators", "Category"),
        apps.get_model("indicators", "SchemeUsage"),
    )


class Migration(migrations.Migration):
    dependencies = [("indicators", "0001_initial")]

    operations = [migrations.RunPython(install_schemes, migrations.RunPython.noop)]
