from django.apps import AppConfig


class DemoConfig(AppConfig):
    # No models: the app is installed only so that its seed_demo command is found.
    name = "demo"
