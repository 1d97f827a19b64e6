"""Every URL of the project, requested anonymously, as each role, and as the same role at
another school. The URL conf is walked, so a new URL fails this test until its expectations
are written down here."""

import pytest
from django.urls import URLPattern, URLResolver, get_resolver

from conftest import ROLE_KEYS

OK, FORBIDDEN, NOT_FOUND, REDIRECT = 200, 403, 404, 302

EVERYONE = dict.fromkeys(ROLE_KEYS, OK)
SUPERVISORS = ["network", "district_supervisor", "district_admin"]


def only(allowed: list[str], denied: int = FORBIDDEN, overrides: dict | None = None) -> dict:
    table = {key: (OK if key in allowed else denied) for key in ROLE_KEYS}
    table.update(overrides or {})
    return table


# What each role at school A (network N1, district D1) gets for A's objects. The same roles at
# school B get 404 for every URL that names a school, network or district object.
EXPECTED: dict[str, dict[str, int]] = {
    "home": dict.fromkeys(ROLE_KEYS, REDIRECT),
    "my_classrooms": EVERYONE,
    "schools:school_detail": EVERYONE,
    # The teacher's own classroom; the other homeroom teacher and roles without student access
    # see the classroom listed on the school page but may not open its students.
    "schools:classroom_detail": only(["homeroom", "counsellor", "coordinator", "director"]),
    "schools:classroom_teachers": only(["coordinator"]),
    "schools:staff_list": only(["coordinator"]),
    "schools:staff_create": only(["coordinator"]),
    "schools:staff_edit": only(["coordinator"]),
    "schools:school_settings": only(["coordinator"]),
    # School A has no emblem in this world: 404 for everyone; schools/tests/
    # test_school_settings.py checks that every member may see an uploaded one.
    "schools:school_emblem": dict.fromkeys(ROLE_KEYS, NOT_FOUND),
    # A student outside the user's scope does not exist for them.
    "students:student_detail": only(
        ["homeroom", "counsellor", "coordinator", "director"], denied=NOT_FOUND
    ),
    "students:student_edit": only(
        ["coordinator"],
        denied=NOT_FOUND,
        overrides={"homeroom": FORBIDDEN, "counsellor": FORBIDDEN, "director": FORBIDDEN},
    ),
    "students:guardian_create": only(
        ["coordinator"],
        denied=NOT_FOUND,
        overrides={"homeroom": FORBIDDEN, "counsellor": FORBIDDEN, "director": FORBIDDEN},
    ),
    "students:guardian_edit": only(
        ["coordinator"],
        denied=NOT_FOUND,
        overrides={"homeroom": FORBIDDEN, "counsellor": FORBIDDEN, "director": FORBIDDEN},
    ),
    "districts:district_detail": only(["district_supervisor", "district_admin"], denied=NOT_FOUND),
    "districts:district_staff_list": only(
        ["district_admin"], denied=NOT_FOUND, overrides={"district_supervisor": FORBIDDEN}
    ),
    "districts:district_staff_create": only(
        ["district_admin"], denied=NOT_FOUND, overrides={"district_supervisor": FORBIDDEN}
    ),
    "districts:network_detail": only(SUPERVISORS, denied=NOT_FOUND),
    # Student import: the coordinator alone; confirm and retry (POST) answer with a redirect.
    "students:import_start": only(["coordinator"]),
    "students:import_template_csv": only(["coordinator"]),
    "students:import_template_xlsx": only(["coordinator"]),
    "students:import_detail": only(["coordinator"]),
    "students:import_status": only(["coordinator"]),
    "students:import_confirm": only(["coordinator"], overrides={"coordinator": REDIRECT}),
    "students:import_retry": only(["coordinator"], overrides={"coordinator": REDIRECT}),
    # Printing (POST): those who may see the students get the job's page; a classroom they may
    # not open is 403, a student they may not see does not exist for them.
    "students:classroom_print": only(
        ["homeroom", "counsellor", "coordinator", "director"], denied=FORBIDDEN
    )
    | dict.fromkeys(["homeroom", "counsellor", "coordinator", "director"], REDIRECT),
    "students:student_print": only(
        ["homeroom", "counsellor", "coordinator", "director"], denied=NOT_FOUND
    )
    | dict.fromkeys(["homeroom", "counsellor", "coordinator", "director"], REDIRECT),
    # Files made by jobs belong to the person who asked (here the homeroom teacher) alone.
    "generated_file_list": EVERYONE,
    "generated_file": only(["homeroom"], denied=NOT_FOUND),
    "generated_file_status": only(["homeroom"], denied=NOT_FOUND),
    "generated_file_download": only(["homeroom"], denied=NOT_FOUND),
    "generated_file_retry": only(["homeroom"], denied=NOT_FOUND, overrides={"homeroom": REDIRECT}),
    # The audit log: the director, and the district administrator (whose district role reaches
    # the district's schools).
    "schools:audit_log": only(["director", "district_admin"]),
    "districts:district_audit_log": only(
        ["district_admin"], denied=NOT_FOUND, overrides={"district_supervisor": FORBIDDEN}
    ),
}

# Views that only answer POST: the matrix posts to them (nothing else in the request).
POST_ONLY = {"students:classroom_print", "students:student_print", "generated_file_retry"}
POST_ONLY |= {"students:import_confirm", "students:import_retry"}

# URLs of well-kept libraries: they must never fail, and never show school data.
LIBRARY_PREFIXES = ("accounts/", "i18n/", "admin/")


def walk(patterns, prefix="", namespace=""):
    for p in patterns:
        if isinstance(p, URLResolver):
            ns = namespace
            if p.namespace:
                ns = f"{namespace}{p.namespace}:"
            yield from walk(p.url_patterns, prefix + str(p.pattern), ns)
        elif isinstance(p, URLPattern):
            yield prefix + str(p.pattern), (namespace + p.name) if p.name else None, p


def kwargs_for(world) -> dict:
    a = world.a
    return {
        "school_code": a.school.code,
        "classroom_id": a.classroom.pk,
        "student_id": a.student.pk,
        "guardian_id": a.guardian.pk,
        "user_id": a.users["homeroom"].pk,
        "district_code": a.district.code,
        "network_id": a.network.pk,
        "document": "sheets",
        "file_id": _generated_file(world).pk,
        "import_id": _student_import(world).pk,
    }


def _student_import(world):
    """A finished student import of school A."""
    from django_scopes import scopes_disabled

    from students.models import StudentImport

    with scopes_disabled():
        return StudentImport.objects.create(
            school=world.a.school,
            academic_year=world.year,
            original_name="students.csv",
            file="imports/matrix/upload.csv",
            status=StudentImport.Status.DONE,
        )


def _generated_file(world):
    """A finished file made for school A's homeroom teacher."""
    import datetime

    from django.core.files.base import ContentFile
    from django.utils import timezone

    from carecore.access import Perm
    from carecore.models import GeneratedFile

    generated = GeneratedFile.objects.create(
        kind="classroom_list",
        title="list",
        created_by=world.a.users["homeroom"],
        school=world.a.school,
        permission=Perm.VIEW_SCHOOL,
        params={"classroom_id": world.a.classroom.pk},
        status=GeneratedFile.Status.DONE,
        filename="list.pdf",
        content_type="application/pdf",
        expires=timezone.now() + datetime.timedelta(days=1),
    )
    generated.file.save("classroom_list.pdf", ContentFile(b"%PDF-1.7"), save=True)
    return generated


def fill(route: str, values: dict) -> str:
    """Turn a route such as s/<str:school_code>/ into a path with real or dummy values."""
    import re

    def sub(match):
        name = match.group(2)
        return str(values.get(name, "1"))

    path = re.sub(r"<(?:(\w+):)?(\w+)>", sub, route)
    path = path.lstrip("^").rstrip("$").replace("\\Z", "").replace("\\", "")
    # Regex routes from libraries (admin): replace groups with a dummy value.
    path = re.sub(r"\(\?P<\w+>[^)]*\)", "1", path)
    path = re.sub(r"\([^)]*\)", "1", path)
    return "/" + path


def project_urls():
    return [
        (route, name)
        for route, name, _ in walk(get_resolver().url_patterns)
        if not route.startswith(LIBRARY_PREFIXES)
    ]


def test_every_project_url_has_expectations():
    missing = sorted({name or route for route, name in project_urls()} - set(EXPECTED))
    assert not missing, f"Add permission expectations for: {missing}"


@pytest.mark.django_db
def test_permission_matrix(world, client):
    from django.urls import reverse

    values = kwargs_for(world)
    failures = []
    for route, name in project_urls():
        expected = EXPECTED[name]
        kwargs = {k: v for k, v in values.items() if f"<{k}>" in route or f":{k}>" in route}
        url = reverse(name, kwargs=kwargs)
        request = client.post if name in POST_ONLY else client.get
        client.logout()
        response = request(url)
        if response.status_code != REDIRECT or "/accounts/login/" not in response["Location"]:
            failures.append(f"anonymous {url}: {response.status_code}")
        for key in ROLE_KEYS:
            client.force_login(world.a.users[key])
            status = request(url).status_code
            if status != expected[key]:
                failures.append(f"{key}@A {name} {url}: {status}, expected {expected[key]}")
            # The same role at school B, network N2, district D2.
            client.force_login(world.b.users[key])
            status = request(url).status_code
            want = expected[key] if not kwargs else NOT_FOUND
            if status != want:
                failures.append(f"{key}@B {name} {url}: {status}, expected {want}")
    assert not failures, "\n".join(failures)


@pytest.mark.django_db
def test_library_urls_never_fail_nor_leak(world, client):
    """allauth, language switching and the admin: no 5xx for anyone, the admin closed to staff
    without superuser rights, and no student name anywhere."""
    values = kwargs_for(world)
    student_name = world.a.student.first_name
    users = [None] + [world.a.users[k] for k in ROLE_KEYS]
    checked = 0
    for route, _name, _ in walk(get_resolver().url_patterns):
        if not route.startswith(LIBRARY_PREFIXES):
            continue
        url = fill(route, values)
        for user in users:
            client.logout()
            if user is not None:
                client.force_login(user)
            response = client.get(url)
            checked += 1
            assert response.status_code < 500, (url, user, response.status_code)
            if route.startswith("admin/"):
                assert response.status_code in (302, 403, 404), (url, user, response.status_code)
            assert student_name not in response.content.decode(errors="ignore"), (url, user)
    assert checked > 100


@pytest.mark.django_db
def test_nonexistent_objects_answer_like_other_schools(world, login):
    """A school code that does not exist and one the user may not see give the same 404."""
    client = login(world.a.users["coordinator"])
    assert client.get("/s/9999999999/").status_code == NOT_FOUND
    assert client.get(f"/s/{world.b.school.code}/").status_code == NOT_FOUND
    assert client.get(f"/s/{world.a.school.code}/students/999999/").status_code == NOT_FOUND
    # A's code with B's student: the student is not A's.
    url = f"/s/{world.a.school.code}/students/{world.b.student.pk}/"
    assert client.get(url).status_code == NOT_FOUND
    url = f"/s/{world.a.school.code}/classrooms/{world.b.classroom.pk}/"
    assert client.get(url).status_code == NOT_FOUND


@pytest.mark.django_db
def test_absurd_ids_in_addresses_answer_404_not_500(world, login):
    client = login(world.a.users["coordinator"])
    huge = "9" * 30
    code = world.a.school.code
    for url in (
        f"/s/{code}/classrooms/{huge}/",
        f"/s/{code}/students/{huge}/",
        f"/s/{code}/students/{world.a.student.pk}/guardians/{huge}/",
        f"/s/{code}/staff/{huge}/",
        f"/n/{huge}/",
        "/s/" + "ก" * 300 + "/",
        "/d/%00/",
    ):
        assert client.get(url).status_code == NOT_FOUND, url
