"""attendance pages (see routes.py)."""

urlpatterns: list = []
