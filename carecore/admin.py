from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.contrib.auth.forms import AdminPasswordChangeForm
from django.contrib.auth.forms import AdminUserCreationForm as BaseAdminUserCreationForm

from carecore.models import AuditEvent, Membership, User


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
