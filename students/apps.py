from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class StudentsConfig(AppConfig):
    name = "students"
    verbose_name = _("Students")

    def ready(self):
        from carecore.channels import register_line_owners
        from carecore.file_views import register_download_student
        from students.access import family_line_owners
        from students.selectors import student_of_file

        # A downloaded file of one student names that student in the audit log.
        register_download_student(student_of_file)
        # A parent or a student is offered the LINE account of their child's (or own) school,
        # then of its district.
        register_line_owners(family_line_owners)
