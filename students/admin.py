from django.contrib import admin

from carecore.admin import CompactInline
from students.models import Guardian, Student


class GuardianInline(CompactInline):
    model = Guardian


@admin.register(Student)
class StudentAdmin(admin.ModelAdmin):
    list_display = ["student_code", "__str__", "school"]
    search_fields = ["student_code", "first_name", "last_name"]
    raw_id_fields = ["school"]
    inlines = [GuardianInline]
