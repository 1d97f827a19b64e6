"""behaviour pages (see routes.py)."""

urlpatterns: list = []
