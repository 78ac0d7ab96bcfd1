"""Answer counts count public answers only: hidden and held answers leave them.

The services keep them so from now on (hiding and restoring move the thread's and the
board's counts); this brings the stored counts of an existing community in line, and going
back counts every answer again, as before.
"""

from django.db import migrations
from django.db.models import Count, IntegerField, OuterRef, Q, Subquery, Value
from django.db.models.functions import Coalesce


def _recount(apps, *, public_only: bool) -> None:
    Thread = apps.get_model("community", "Thread")
    Board = apps.get_model("community", "Board")
    Post = apps.get_model("community", "Post")
    counted = Q(hidden_reason="") if public_only else Q()

    def count_of(**outer: str) -> Coalesce:
        rows = (
            Post.objects.filter(counted, **{k: OuterRef(v) for k, v in outer.items()})
            .order_by()
            .values(next(iter(outer)))
            .annotate(n=Count("pk"))
            .values("n")
        )
        return Coalesce(Subquery(rows, output_field=IntegerField()), Value(0))

    Thread.objects.update(answer_count=count_of(thread="pk"))
    Board.objects.update(answer_count=count_of(thread__board="pk"))


def public_counts(apps, schema_editor) -> None:
    _recount(apps, public_only=True)


def every_answer(apps, schema_editor) -> None:
    _recount(apps, public_only=False)


class Migration(migrations.Migration):
    dependencies = [("community", "0013_member_deleted_at")]

    operations = [migrations.RunPython(public_counts, every_answer)]
