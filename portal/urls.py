"""portal pages (see routes.py)."""

urlpatterns: list = []
