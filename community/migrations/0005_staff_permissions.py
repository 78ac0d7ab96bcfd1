"""Give the staff groups their community permissions.

Moderators may edit, retag, delete, lock and accept solutions anywhere; agents may accept
solutions (they answer escalated questions). Django creates permissions after migrating, so
this creates them first.
"""

from django.contrib.auth.management import create_permissions
from django.db import migrations

GRANTS = {
    "moderators": [
        "edit_any_content",
        "retag_thread",
        "accept_any_solution",
        "lock_thread",
        "delete_any_content",
    ],
    "agents": ["accept_any_solution"],
}


def grant(apps, schema_editor):
    config = apps.get_app_config("community")
    config.models_module = True
    create_permissions(config, apps=apps, verbosity=0)
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for group_name, codenames in GRANTS.items():
        group = Group.objects.get(name=group_name)
        group.permissions.add(
            *Permission.objects.filter(content_type__app_label="community", codename__in=codenames)
        )


def revoke(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for group_name, codenames in GRANTS.items():
        group = Group.objects.filter(name=group_name).first()
        if group:
            group.permissions.remove(
                *Permission.objects.filter(
                    content_type__app_label="community", codename__in=codenames
                )
            )


class Migration(migrations.Migration):
    dependencies = [
        ("community", "0004_search_vectors"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(grant, revoke)]
