"""A case about a held answer names the answer (and so its thread and board).

Existing cases of held answers get theirs from the hold that opened them (the moderation log
records the answer and the case it opened).
"""

import django.db.models.deletion
from django.db import migrations, models


def cases_link_held_answers(apps, schema_editor):  # type: ignore[no-untyped-def]
    Case = apps.get_model("support", "Case")
    ModerationAction = apps.get_model("support", "ModerationAction")
    holds = ModerationAction.objects.filter(kind="hold", post_id__isnull=False).values_list(
        "post_id", "data"
    )
    for post_id, data in holds.iterator():
        case_id = data.get("case") if isinstance(data, dict) else None
        if case_id:
            Case.objects.filter(pk=case_id, thread__isnull=True, post__isnull=True).update(
                post_id=post_id
            )


class Migration(migrations.Migration):
    dependencies = [
        ("community", "0011_hidden_content_permission"),
        ("support", "0001_cases_sla_moderation"),
    ]

    operations = [
        migrations.AddField(
            model_name="case",
            name="post",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.SET_NULL,
                related_name="+",
                to="community.post",
            ),
        ),
        migrations.RunPython(cases_link_held_answers, migrations.RunPython.noop),
    ]
