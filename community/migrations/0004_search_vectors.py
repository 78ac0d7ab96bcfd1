"""Full-text search columns for PostgreSQL, maintained by the database itself.

A stored generated tsvector (title weighted A over body B) and a GIN index on threads and
answers. The columns are not model fields: SQLite has no tsvector, and there the search
selector falls back to matching words. The text-search configuration is fixed here
("english": stemming, so "charging" finds "charge").
"""

from django.db import migrations

FORWARD = [
    """
    ALTER TABLE community_thread ADD COLUMN search_vector tsvector GENERATED ALWAYS AS (
        setweight(to_tsvector('english', coalesce(title, '')), 'A')
        || setweight(to_tsvector('english', coalesce(body_text, '')), 'B')
    ) STORED
    """,
    "CREATE INDEX community_thread_search ON community_thread USING gin (search_vector)",
    """
    ALTER TABLE community_post ADD COLUMN search_vector tsvector GENERATED ALWAYS AS (
        setweight(to_tsvector('english', coalesce(body_text, '')), 'B')
    ) STORED
    """,
    "CREATE INDEX community_post_search ON community_post USING gin (search_vector)",
]
BACKWARD = [
    "DROP INDEX IF EXISTS community_post_search",
    "ALTER TABLE community_post DROP COLUMN IF EXISTS search_vector",
    "DROP INDEX IF EXISTS community_thread_search",
    "ALTER TABLE community_thread DROP COLUMN IF EXISTS search_vector",
]


def forward(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        for statement in FORWARD:
            schema_editor.execute(statement)


def backward(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        for statement in BACKWARD:
            schema_editor.execute(statement)


class Migration(migrations.Migration):
    dependencies = [("community", "0003_boards_threads_posts")]

    operations = [migrations.RunPython(forward, backward)]
