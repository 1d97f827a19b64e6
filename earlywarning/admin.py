"""The district's early-warning settings, read only: they are changed on the district's
settings page, which keeps them within their bounds and recomputes the district
(docs/early-warning.md). Results are seen on the school's pages, not here."""

from django.contrib import admin

from earlywarning.models import WarningSettings


@admin.register(WarningSettings)
class WarningSettingsAdmin(admin.ModelAdmin):
    list_display = ["district", "revision", "updated_by", "updated_at"]
    readonly_fields = ["district", "params", "revision", "updated_by", "updated_at"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
