"""Placeholder until the early-warning pages land (H3 replaces this file)."""

urlpatterns: list = []
