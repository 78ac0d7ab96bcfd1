"""Closing questions as duplicates comes with the trust to edit others' posts: the ranks
that grant `edit_others` (Expert and up by default) grant `close_duplicates` too."""

from django.db import migrations

PRIVILEGE = "close_duplicates"


def grant(apps, schema_editor):
    Rank = apps.get_model("gamification", "Rank")
    for rank in Rank.objects.all():
        if "edit_others" in rank.privileges and PRIVILEGE not in rank.privileges:
            rank.privileges = [*rank.privileges, PRIVILEGE]
            rank.save(update_fields=["privileges"])


def revoke(apps, schema_editor):
    Rank = apps.get_model("gamification", "Rank")
    for rank in Rank.objects.all():
        if PRIVILEGE in rank.privileges:
            rank.privileges = [p for p in rank.privileges if p != PRIVILEGE]
            rank.save(update_fields=["privileges"])


class Migration(migrations.Migration):
    dependencies = [("gamification", "0004_payback_review")]

    operations = [migrations.RunPython(grant, revoke)]
