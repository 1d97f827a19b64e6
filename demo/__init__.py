"""The demo district: deterministic seed data for every app (``manage.py seed_demo``).

The top layer: it may import every app, and no app imports it (only tests, bench and the deploy
scripts use it), so that production code carries no demo data.
"""
