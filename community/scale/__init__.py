"""A large, realistic community for benchmarks: the community's part of `manage.py seed_scale`.

Members joined over the last year; a few of them do most of the helping (a Pareto spread),
so ranks come out like a real community's: most newcomers, few legends. Questions have a
long tail of answers (most 0-5, some about 20, a few hundreds), a share of them solved, and
kudos go mostly to solutions and early answers. Everything is drawn from one seeded random
generator, so the same sizes and seed give the same community.

The rows go in through community.bulk (COPY on PostgreSQL) with every counter the services
would have kept already in them; bodies are a few distinct Markdown texts rendered once
with the project's renderer and reused.

The package reads top-down: `vocabulary` (sizes, names, titles, bodies), `drawing` (the
community in memory) and `writing` (`Community.build()`, the rows in bulk).
"""
