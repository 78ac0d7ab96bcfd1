"""The default points rules, ranks and settings; staff change them in the admin."""

from django.db import migrations

RULES = {
    "kudos_on_answer": 10,
    "kudos_on_question": 5,
    "solution_answerer": 15,
    "solution_asker": 2,
    "answer_posted": 2,
    "question_asked": 1,
    "fast_answer": 5,
}
RANKS = [
    ("Newcomer", 1, 0, []),
    ("Member", 2, 50, ["post_links", "post_images", "flag"]),
    ("Helper", 3, 200, ["post_links", "post_images", "flag", "retag"]),
    ("Expert", 4, 1000, ["post_links", "post_images", "flag", "retag", "edit_others"]),
    (
        "Guru",
        5,
        5000,
        ["post_links", "post_images", "flag", "retag", "edit_others", "accept_others_solutions"],
    ),
    (
        "Legend",
        6,
        20000,
        ["post_links", "post_images", "flag", "retag", "edit_others", "accept_others_solutions"],
    ),
]


def create_defaults(apps, schema_editor):
    PointsRule = apps.get_model("gamification", "PointsRule")
    Rank = apps.get_model("gamification", "Rank")
    Settings = apps.get_model("gamification", "GamificationSettings")
    for key, points in RULES.items():
        PointsRule.objects.get_or_create(key=key, defaults={"points": points})
    for name, level, min_points, privileges in RANKS:
        Rank.objects.get_or_create(
            level=level, defaults={"name": name, "min_points": min_points, "privileges": privileges}
        )
    Settings.objects.get_or_create(pk=1)


class Migration(migrations.Migration):
    dependencies = [("gamification", "0001_ledger_ranks_badges_payback")]

    operations = [migrations.RunPython(create_defaults, migrations.RunPython.noop)]
