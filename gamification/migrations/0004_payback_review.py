"""Payback review in the product: paid status, who paid it and its reference, and the
staff permission to review, approve, pay and claw back (granted to moderators)."""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("gamification", "0003_currency_from_brand"),
        ("community", "0002_staff_groups"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AlterModelOptions(
            name="statement",
            options={
                "permissions": [
                    (
                        "review_statement",
                        "Can review, approve, pay and claw back payback statements",
                    )
                ],
                "verbose_name": "payback statement",
                "verbose_name_plural": "payback statements",
            },
        ),
        migrations.AddField(
            model_name="statement",
            name="paid_at",
            field=models.DateTimeField(blank=True, null=True),
        ),
        migrations.AddField(
            model_name="statement",
            name="paid_by",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.SET_NULL,
                related_name="+",
                to=settings.AUTH_USER_MODEL,
            ),
        ),
        migrations.AddField(
            model_name="statement",
            name="payout_reference",
            field=models.CharField(blank=True, max_length=100, verbose_name="payout reference"),
        ),
        migrations.AlterField(
            model_name="statement",
            name="status",
            field=models.CharField(
                choices=[
                    ("pending", "Awaiting review"),
                    ("flagged", "Flagged for review"),
                    ("approved", "Approved"),
                    ("below_minimum", "Below the minimum payout"),
                    ("paid", "Paid"),
                ],
                default="pending",
                max_length=20,
            ),
        ),
    ]


def grant(apps, schema_editor):
    """Moderators review payback: they are the staff who judge earnings (serial voting,
    outliers). Django creates permissions after migrating, so this creates them first."""
    from django.contrib.auth.management import create_permissions

    config = apps.get_app_config("gamification")
    config.models_module = True
    create_permissions(config, apps=apps, verbosity=0)
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    permission = Permission.objects.get(
        content_type__app_label="gamification", codename="review_statement"
    )
    for group in Group.objects.filter(name="moderators"):
        group.permissions.add(permission)


def revoke(apps, schema_editor):
    Permission = apps.get_model("auth", "Permission")
    Permission.objects.filter(
        content_type__app_label="gamification", codename="review_statement"
    ).delete()


Migration.operations.append(migrations.RunPython(grant, revoke))
