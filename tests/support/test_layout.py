"""Support's domains are packages of one Django app: the tables an existing database holds are
the tables the code reads, so `migrate` from before the split changes nothing and loses nothing."""

from __future__ import annotations

from io import StringIO

from django.apps import apps
from django.core.management import call_command

# The support app's tables as its migrations created them, before the split into domains.
TABLES = {
    "SLAPolicy": "support_slapolicy",
    "AgentStatus": "support_agentstatus",
    "Case": "support_case",
    "CaseMessage": "support_casemessage",
    "CaseEvent": "support_caseevent",
    "Flag": "support_flag",
    "ModerationAction": "support_moderationaction",
    "Sanction": "support_sanction",
    "Satisfaction": "support_satisfaction",
}


def test_every_support_model_keeps_its_app_and_table_wherever_its_module_lives() -> None:
    models = {model.__name__: model for model in apps.get_app_config("support").get_models()}

    assert set(TABLES) <= set(models)
    for name, table in TABLES.items():
        assert models[name]._meta.db_table == table
    # Newer models too: one app label, and a module in a domain package, never support.models.
    for model in models.values():
        assert model._meta.app_label == "support"
        package, domain, *_rest = model.__module__.split(".")
        assert package == "support" and domain != "models" and _rest, model.__module__


def test_the_migrations_describe_the_models_as_they_are(db: None) -> None:
    out = StringIO()
    call_command("makemigrations", "support", "--check", "--dry-run", stdout=out)

    assert "No changes detected" in out.getvalue()
