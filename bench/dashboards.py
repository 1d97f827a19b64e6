"""Benchmark of the dashboards and the district report at district and national scale.

    .venv/bin/python bench/dashboards.py [--requests 40] [--national] [--reuse]

PostgreSQL only (127.0.0.1:5432 as postgres, or BENCH_PG_URL for the server). It makes a
throw-away database ``carecare_bench`` (dropped and made again unless --reuse finds it seeded),
migrates it, seeds one district of 200 schools and 25,000 students with a full term of data
(bench/scale_seed.py) plus a district of 20 schools to compare query counts, computes the
rollups as the jobs do, then measures in this one warm process:

- the district dashboard's server time, the median of --requests requests through Django's test
  client (middleware, access layer, rollups, template: everything but the network), against the
  bare SQL that computes the same figures from the records (the statements
  ``dashboards.figures.compute`` sends, run with a plain cursor), and against the bare SQL that
  reads the rollups the page reads;
- the queries of each dashboard (district, network, school, national), at 200 and 20 schools;
- the district PDF report (and the XLSX) for 200 schools, warm, median of three.

--national also seeds ``carecare_bench_national``: 1,000,000 students in 40 districts of 200
schools (a long run: see docs/scaling.md), computes every school's rollups as the nightly job
does, and measures a district dashboard and the national overview there, and how long the job
that follows a change in one school takes.

Prints JSON. Floors (2-core machine): district dashboard median ≤ 150 ms and ≤ 3× the bare SQL
computing its figures; queries the same at 20 and 200 schools; district PDF ≤ 15 s; at national
scale a district dashboard ≤ 300 ms and the national overview ≤ 1 s.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "carecore.settings_test")
os.environ.setdefault("MEDIA_ROOT", tempfile.mkdtemp(prefix="carecare-bench-media-"))

PG = os.environ.get("BENCH_PG_URL", "postgres://postgres@127.0.0.1:5432")


def log(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def _admin_connection():
    import psycopg

    return psycopg.connect(f"{PG}/postgres", autocommit=True)


def _database_exists(name: str) -> bool:
    with _admin_connection() as conn:
        return bool(conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone())


def _recreate(name: str) -> None:
    with _admin_connection() as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}"')


def _timed(fn, runs: int) -> tuple[float, object]:
    """Median seconds of ``runs`` calls, and the last result."""
    times, result = [], None
    for _ in range(runs):
        began = time.perf_counter()
        result = fn()
        times.append(time.perf_counter() - began)
    return statistics.median(times), result


def _ms(seconds: float) -> float:
    return round(seconds * 1000, 1)


def _user(username: str, role: str, **place):
    from carecore.models import Membership, User

    user, _ = User.objects.get_or_create(username=username, defaults={"first_name": username})
    Membership.objects.get_or_create(user=user, role=role, **place)
    return user


def _page(client, url: str, runs: int) -> dict:
    from django.db import connection, reset_queries
    from django.test.utils import CaptureQueriesContext

    for _ in range(3):  # warm: templates, translations, the access layer's first look-ups
        response = client.get(url)
        assert response.status_code == 200, (url, response.status_code)
    reset_queries()  # a full log (DEBUG, or a long seed) would hide what is captured
    with CaptureQueriesContext(connection) as queries:
        client.get(url)
    count = len(queries)  # now: the captured list is read from the log, which requests clear
    median, _ = _timed(lambda: client.get(url), runs)
    return {"median_ms": _ms(median), "queries": count}


def _bare_sql(statements: list[str], runs: int) -> float:
    """Median seconds to run ``statements`` (fetching every row) with a plain cursor."""
    from django.db import connection

    raw = connection.cursor().cursor

    def run():
        for sql in statements:
            raw.execute(sql)
            raw.fetchall()

    run()
    median, _ = _timed(run, runs)
    return median


def _compute_statements(school_ids, term) -> list[str]:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from dashboards import figures

    with CaptureQueriesContext(connection) as queries:
        figures.compute(school_ids=school_ids, term=term)
    return [q["sql"] for q in queries.captured_queries]


def _rollup_statements(school_ids, term) -> list[str]:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from dashboards import rollups

    with CaptureQueriesContext(connection) as queries:
        rollups.figures_for_schools(school_ids=school_ids, term=term)
    return [q["sql"] for q in queries.captured_queries]


def _setup(database: str) -> None:
    os.environ["DATABASE_URL"] = f"{PG}/{database}"
    import django

    django.setup()


def _terms_so_far():
    from django.utils import timezone

    from schools.models import Term
    from schools.selectors import current_term

    term = current_term()
    return term, list(
        Term.objects.filter(start__lte=timezone.localdate()).select_related("academic_year")
    )


def _run(args, database: str, measure) -> dict:
    """Make (or, with --reuse, keep) ``database``, bind Django to it, then ``measure``."""
    seeded = args.reuse and _database_exists(database)
    if not seeded:
        _recreate(database)
    _setup(database)
    return measure(args, {"database": database}, seeded)


def _district_measure(args, out: dict, seeded: bool) -> dict:
    from django.core.management import call_command
    from django.db.models import Count
    from django.test import Client
    from django.urls import reverse
    from django_scopes import scopes_disabled

    from bench.scale_seed import seed_scale
    from carecore.models import Role
    from dashboards import figures, reports, rollups
    from districts.models import District
    from schools.models import School

    with scopes_disabled():
        call_command("migrate", verbosity=0)  # a kept database may be behind
        if not seeded:
            big = seed_scale(districts=1, schools_per_district=200, students=25_000, progress=log)
            small = seed_scale(
                districts=1, schools_per_district=20, students=2_500, seed=7, progress=log
            )
            out["seed_s"] = big["seconds"] + small["seconds"]
        districts = list(District.objects.order_by("code"))
        big_district = max(districts, key=lambda d: d.schools.count())
        small_district = min(districts, key=lambda d: d.schools.count())
        term, terms = _terms_so_far()
        began = time.perf_counter()
        for t in terms:
            rollups.refresh_all(term=t)
        out["rollups_all_terms_s"] = round(time.perf_counter() - began, 2)
        ids = list(School.objects.filter(district=big_district).values_list("pk", flat=True))
        out["schools"] = len(ids)
        out["students"] = sum(
            r.counts.get("students", 0)
            for r in rollups.figures_for_schools(school_ids=ids, term=term).values()
        )
        began = time.perf_counter()
        rollups.refresh(school_ids=ids, term=term)
        out["rollup_refresh_district_s"] = round(time.perf_counter() - began, 2)

        supervisor = _user("bench_district", Role.DISTRICT_SUPERVISOR, district=big_district)
        small_supervisor = _user(
            "bench_district_small", Role.DISTRICT_SUPERVISOR, district=small_district
        )
        client, small_client = Client(), Client()
        client.force_login(supervisor)
        small_client.force_login(small_supervisor)
        url = reverse("dash_district:dashboard", kwargs={"district_code": big_district.code})
        small_url = reverse(
            "dash_district:dashboard", kwargs={"district_code": small_district.code}
        )
        page = _page(client, url, args.requests)
        small_page = _page(small_client, small_url, 5)

        compute_sql = _bare_sql(_compute_statements(ids, term), max(5, args.requests // 4))
        rollup_sql = _bare_sql(_rollup_statements(ids, term), args.requests)
        orm_compute, _ = _timed(lambda: figures.compute(school_ids=ids, term=term), 3)
        out["district_dashboard"] = {
            "median_ms": page["median_ms"],
            "requests": args.requests,
            "bare_sql_computing_the_figures_ms": _ms(compute_sql),
            "ratio_to_bare_sql": round(page["median_ms"] / _ms(compute_sql), 3),
            "bare_sql_reading_the_rollups_ms": _ms(rollup_sql),
            "orm_computing_the_figures_ms": _ms(orm_compute),
            "orm_over_bare_sql_computing": round(orm_compute / compute_sql, 3),
            "queries_200_schools": page["queries"],
            "queries_20_schools": small_page["queries"],
            "floor_ms": 150,
            "floor_ratio": 3,
        }

        network = big_district.networks.order_by("pk").first()
        network_user = _user("bench_network", Role.NETWORK_SUPERVISOR, network=network)
        small_network = small_district.networks.order_by("pk").first()
        small_network_user = _user(
            "bench_network_small", Role.NETWORK_SUPERVISOR, network=small_network
        )
        c1, c2 = Client(), Client()
        c1.force_login(network_user)
        c2.force_login(small_network_user)
        net = _page(c1, reverse("dash_network:dashboard", kwargs={"network_id": network.pk}), 15)
        small_net = _page(
            c2, reverse("dash_network:dashboard", kwargs={"network_id": small_network.pk}), 5
        )
        out["network_dashboard"] = {
            "median_ms": net["median_ms"],
            "schools": network.schools.count(),
            "queries": net["queries"],
            "queries_small_network": small_net["queries"],
        }

        from students.models import Enrolment

        sizes = {
            row["classroom__school_id"]: row["n"]
            for row in Enrolment.objects.filter(classroom__school_id__in=ids)
            .values("classroom__school_id")
            .annotate(n=Count("pk"))
        }
        largest = School.objects.get(pk=max(sizes, key=sizes.get))
        smallest = School.objects.get(pk=min(sizes, key=sizes.get))
        results = {}
        for label, school in (("largest", largest), ("smallest", smallest)):
            director = _user(f"bench_director_{school.pk}", Role.DIRECTOR, school=school)
            c = Client()
            c.force_login(director)
            results[label] = _page(
                c, reverse("dash_school:dashboard", kwargs={"school_code": school.code}), 10
            )
            results[label]["students"] = sizes[school.pk]
        out["school_dashboard"] = results

        national_user = _user("bench_obec", Role.NATIONAL_OFFICER)
        c = Client()
        c.force_login(national_user)
        out["national_overview_2_districts"] = _page(c, reverse("dash_national:overview"), 10)

        reports.district_report_pdf(district=big_district, term=term)  # warm: fonts, templates
        pdf_s, pdf = _timed(
            lambda: reports.district_report_pdf(district=big_district, term=term), 3
        )
        xlsx_s, _ = _timed(
            lambda: reports.district_report_xlsx(district=big_district, term=term), 3
        )
        command = ["pdfinfo", "-"]
        info = subprocess.run(command, input=pdf, capture_output=True, check=True)  # noqa: S603
        info = info.stdout.decode()
        pages = int(next(x for x in info.splitlines() if x.startswith("Pages:")).split()[-1])
        out["district_report"] = {
            "pdf_s": round(pdf_s, 2),
            "pdf_pages": pages,
            "pdf_bytes": len(pdf),
            "xlsx_s": round(xlsx_s, 2),
            "floor_s": 15,
        }
        if args.out:
            Path(args.out).mkdir(parents=True, exist_ok=True)
            Path(args.out, "district_report.pdf").write_bytes(pdf)
    dd = out["district_dashboard"]
    out["floors_met"] = {
        "district_dashboard_150ms": dd["median_ms"] <= 150,
        "district_dashboard_3x_bare_sql": dd["ratio_to_bare_sql"] <= 3,
        "queries_constant": dd["queries_200_schools"] == dd["queries_20_schools"]
        and out["network_dashboard"]["queries"] == out["network_dashboard"]["queries_small_network"]
        and results["largest"]["queries"] == results["smallest"]["queries"],
        "district_pdf_15s": out["district_report"]["pdf_s"] <= 15,
    }
    return out


def _national_measure(args, out: dict, seeded: bool) -> dict:
    from django.core.management import call_command
    from django.db import transaction
    from django.test import Client
    from django.urls import reverse
    from django_scopes import scopes_disabled

    from bench.scale_seed import seed_scale
    from care.models import Support
    from carecore.models import Role
    from dashboards import rollups
    from districts.models import District
    from schools.models import School
    from students.models import Student

    with scopes_disabled():
        call_command("migrate", verbosity=0)  # a kept database may be behind
        if not seeded:
            made = seed_scale(
                districts=40, schools_per_district=200, students=1_000_000, progress=log
            )
            out["seed_s"] = made["seconds"]
        term, _ = _terms_so_far()
        began = time.perf_counter()
        schools = rollups.refresh_all(term=term)
        out["rollups_all_schools_s"] = round(time.perf_counter() - began, 1)
        out["schools"] = schools
        out["students"] = Student.objects.count()
        district = District.objects.order_by("code").first()
        supervisor = _user("bench_district", Role.DISTRICT_SUPERVISOR, district=district)
        national_user = _user("bench_obec", Role.NATIONAL_OFFICER)
        c1, c2 = Client(), Client()
        c1.force_login(supervisor)
        c2.force_login(national_user)
        out["district_dashboard"] = _page(
            c1,
            reverse("dash_district:dashboard", kwargs={"district_code": district.code}),
            args.requests,
        )
        out["district_dashboard"]["floor_ms"] = 300
        out["national_overview"] = _page(c2, reverse("dash_national:overview"), args.requests)
        out["national_overview"]["districts"] = District.objects.count()
        out["national_overview"]["floor_ms"] = 1000

        # A change in one school: the job that follows it (dashboards.tasks).
        school = School.objects.filter(district=district).order_by("pk").first()
        student = Student.objects.filter(school=school).first()
        with transaction.atomic():
            Support.objects.create(
                school=school,
                student=student,
                term=term,
                kind="lunch",
                source="bench",
                amount=100,
                date=term.start,
            )
        job_s, _ = _timed(lambda: rollups.refresh_school(school.pk), 5)
        out["refresh_job_after_a_change_ms"] = _ms(job_s)
    out["floors_met"] = {
        "district_dashboard_300ms": out["district_dashboard"]["median_ms"] <= 300,
        "national_overview_1s": out["national_overview"]["median_ms"] <= 1000,
    }
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=40)
    parser.add_argument("--national", action="store_true", help="also the 1,000,000 run")
    parser.add_argument("--national-only", action="store_true")
    parser.add_argument("--reuse", action="store_true", help="keep a seeded database")
    parser.add_argument("--out", help="write the district PDF report here")
    parser.add_argument("--_part", choices=["district", "national"], help=argparse.SUPPRESS)
    args = parser.parse_args()

    if args._part:  # one part per process: Django binds one database per process
        if args._part == "district":
            result = _run(args, "carecare_bench", _district_measure)
        else:
            result = _run(args, "carecare_bench_national", _national_measure)
        print(json.dumps(result))
        return

    parts = [] if args.national_only else ["district"]
    if args.national or args.national_only:
        parts.append("national")
    result = {}
    for part in parts:
        command = [sys.executable, __file__, "--_part", part, "--requests", str(args.requests)]
        command += ["--reuse"] if args.reuse else []
        command += ["--out", args.out] if args.out else []
        done = subprocess.run(command, check=True, stdout=subprocess.PIPE, text=True)  # noqa: S603
        result[part] = json.loads(done.stdout.strip().splitlines()[-1])
    print(json.dumps(result, indent=2, ensure_ascii=False))


if __name__ == "__main__":
    main()
