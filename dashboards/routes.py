"""Where the dashboards and reports live, each place's under its own address and namespace: the
school's, a student's care summary (among the student's addresses; as a report across the steps
it lives here, above them), the district's, a network's and the national overview."""

from carecore.routes import DISTRICT, NETWORK, SCHOOL, Pages

school_pages = Pages("dash_school", SCHOOL + "dashboard/")
school_report_pages = Pages("dash_school_reports", SCHOOL + "reports/")
student_report_pages = Pages("dash_student_reports", SCHOOL + "students/")
district_pages = Pages("dash_district", DISTRICT + "dashboard/")
district_report_pages = Pages("dash_district_reports", DISTRICT + "reports/")
network_pages = Pages("dash_network", NETWORK + "dashboard/")
national_pages = Pages("dash_national", "national/")

# In the order of resolution.
ALL_PAGES = (
    school_pages,
    school_report_pages,
    student_report_pages,
    district_pages,
    district_report_pages,
    network_pages,
    national_pages,
)
