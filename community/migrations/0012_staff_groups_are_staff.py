"""Members of the agents or moderators groups are staff (is_staff), as joining now makes them
(community/receivers.py): the second-factor rule for staff reads that flag."""

from django.db import migrations


def staff_groups_are_staff(apps, schema_editor):
    Member = apps.get_model("community", "Member")
    Member.objects.filter(groups__name__in=["agents", "moderators"], is_staff=False).update(
        is_staff=True
    )


class Migration(migrations.Migration):
    dependencies = [("community", "0011_hidden_content_permission")]

    operations = [migrations.RunPython(staff_groups_are_staff, migrations.RunPython.noop)]
