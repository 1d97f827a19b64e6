from django import forms
from django.apps import apps
from django.conf import settings
from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.contrib.auth.forms import AdminPasswordChangeForm
from django.contrib.auth.forms import AdminUserCreationForm as BaseAdminUserCreationForm
from django.db import transaction
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from carecore.channel_forms import LineAccountForm
from carecore.channels import deliveries_queue, deliveries_retry
from carecore.models import (
    AuditEvent,
    LineAccount,
    Membership,
    NotificationDelivery,
    NotificationPreference,
    User,
)


class CompactInline(admin.TabularInline):
    """The admin's inline tables: the rows there are, and no blank ones ("Add another" adds
    one)."""

    extra = 0


class MembershipInline(CompactInline):
    model = Membership
    fk_name = "user"
    raw_id_fields = ["school", "network", "district", "created_by"]


class AdminSetPasswordForm(AdminPasswordChangeForm):
    """A password a superuser sets in the admin was chosen by someone else: its owner must
    change it at their next log-in (docs/access.md, separation of duties)."""

    def save(self, commit=True):
        self.user.must_change_password = True
        return super().save(commit=commit)


class AdminUserCreationForm(BaseAdminUserCreationForm):
    def save(self, commit=True):
        self.instance.must_change_password = True
        return super().save(commit=commit)


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    inlines = [MembershipInline]
    fieldsets = (
        *BaseUserAdmin.fieldsets,
        ("Care system", {"fields": ("prefix", "phone", "must_change_password")}),
    )
    change_password_form = AdminSetPasswordForm
    add_form = AdminUserCreationForm


@admin.register(Membership)
class MembershipAdmin(admin.ModelAdmin):
    list_display = ["user", "role", "school", "network", "district"]
    list_filter = ["role"]
    raw_id_fields = ["user", "school", "network", "district", "created_by"]


@admin.register(AuditEvent)
class AuditEventAdmin(admin.ModelAdmin):
    """Read-only: the log is append-only (on PostgreSQL the database refuses changes too)."""

    list_display = ["at", "user_name", "action", "student_name", "object_type", "summary", "ip"]
    list_filter = ["action", "object_type"]
    search_fields = ["user_name", "student_name", "summary"]
    date_hierarchy = "at"
    actions = None

    def get_readonly_fields(self, request, obj=None):
        return [f.name for f in self.model._meta.fields]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


# --- notification channels (carecore/channels.py) ------------------------------------------------
class AdminLineAccountForm(LineAccountForm):
    """Any owner: "school:<id>", "district:<id>", or none (offered to everyone whose place has no
    account of its own)."""

    def clean_owner(self):
        owner = self.cleaned_data["owner"].strip()
        if not owner:
            return owner
        kind, _sep, number = owner.partition(":")
        model = {"school": ("schools", "School"), "district": ("districts", "District")}.get(kind)
        if model is None or not number.isdigit():
            raise forms.ValidationError(_('Write "school:<id>" or "district:<id>", or nothing.'))
        if not apps.get_model(*model).objects.filter(pk=int(number)).exists():
            raise forms.ValidationError(_("There is no such school or district."))
        return f"{kind}:{int(number)}"


@admin.register(LineAccount)
class LineAccountAdmin(admin.ModelAdmin):
    form = AdminLineAccountForm
    list_display = ["name", "basic_id", "owner", "active", "webhook"]
    search_fields = ["name", "basic_id", "owner"]

    @admin.display(description=_("webhook URL"))
    def webhook(self, obj):
        # What to paste in the LINE Developers console as the channel's webhook URL.
        return settings.SITE_URL.rstrip("/") + reverse("line_webhook", args=[obj.pk])


@admin.register(NotificationPreference)
class NotificationPreferenceAdmin(admin.ModelAdmin):
    list_display = ["user", "channel", "frequency", "line_account", "line_linked"]
    list_filter = ["channel", "frequency"]
    raw_id_fields = ["user"]
    readonly_fields = ["line_user_id", "line_linked"]


@admin.register(NotificationDelivery)
class NotificationDeliveryAdmin(admin.ModelAdmin):
    """What left (or did not leave) the portal; a failed one is sent again by the action."""

    list_display = ["created", "user", "channel", "status", "attempts", "last_error", "sent"]
    list_filter = ["status", "channel"]
    date_hierarchy = "created"
    actions = ["send_again"]

    def get_readonly_fields(self, request, obj=None):
        return [f.name for f in self.model._meta.fields]

    def has_add_permission(self, request):
        return False

    @admin.action(description=_("Send again"))
    def send_again(self, request, queryset):
        ids = deliveries_retry(queryset)
        if ids:
            transaction.on_commit(lambda: deliveries_queue(ids))
        self.message_user(request, _("%(count)s queued again.") % {"count": len(ids)})
