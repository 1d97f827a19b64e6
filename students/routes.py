"""Where the students' pages live: a school's students under s/<school_code>/students/
(namespace "students") and its class lists under s/<school_code>/classrooms/ (namespace
"classrooms")."""

from carecore.routes import SCHOOL, Pages

pages = Pages("students", SCHOOL + "students/")
classroom_pages = Pages("classrooms", SCHOOL + "classrooms/")
