"""Staff post links and images and flag content whatever their points."""

from django.contrib.auth.management import create_permissions
from django.db import migrations

CODENAMES = ["post_links", "post_images", "flag_content"]


def grant(apps, schema_editor):
    config = apps.get_app_config("community")
    config.models_module = True
    create_permissions(config, apps=apps, verbosity=0)
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    permissions = Permission.objects.filter(
        content_type__app_label="community", codename__in=CODENAMES
    )
    for group in Group.objects.filter(name__in=["moderators", "agents"]):
        group.permissions.add(*permissions)


class Migration(migrations.Migration):
    dependencies = [("community", "0008_posting_privileges")]

    operations = [migrations.RunPython(grant, migrations.RunPython.noop)]
