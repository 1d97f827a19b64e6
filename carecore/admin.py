from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin

from carecore.models import Membership, User


class MembershipInline(admin.TabularInline):
    model = Membership
    fk_name = "user"
    extra = 0
    raw_id_fields = ["school", "network", "district", "created_by"]


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    inlines = [MembershipInline]
    fieldsets = (*BaseUserAdmin.fieldsets, ("Care system", {"fields": ("prefix", "phone")}))


@admin.register(Membership)
class MembershipAdmin(admin.ModelAdmin):
    list_display = ["user", "role", "school", "network", "district"]
    list_filter = ["role"]
    raw_id_fields = ["user", "school", "network", "district", "created_by"]
