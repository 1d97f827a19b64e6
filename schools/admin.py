from django.contrib import admin

from carecore.admin import CompactInline
from schools.models import AcademicYear, Classroom, School, Term


@admin.register(School)
class SchoolAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "district", "network", "size"]
    list_filter = ["district", "size"]
    search_fields = ["code", "name"]


class TermInline(CompactInline):
    model = Term


@admin.register(AcademicYear)
class AcademicYearAdmin(admin.ModelAdmin):
    list_display = ["year", "start", "end"]
    inlines = [TermInline]


@admin.register(Classroom)
class ClassroomAdmin(admin.ModelAdmin):
    list_display = ["__str__", "school", "academic_year"]
    list_filter = ["academic_year", "grade"]
    raw_id_fields = ["school"]
