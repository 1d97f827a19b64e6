"""Benchmark of the early warning (docs/early-warning.md) at district scale.

    .venv/bin/python bench/earlywarning.py [--runs 3] [--requests 20] [--reuse]

PostgreSQL only (127.0.0.1:5432 as postgres, or BENCH_PG_URL for the server). It makes a
throw-away database ``carecare_bench_ew`` (dropped and made again unless --reuse finds it
seeded), migrates it, seeds one district of 200 schools and 25,000 students with a full term of
data (bench/scale_seed.py: screening and care groups, family records and last year's grades,
home visits, care plans, dropout cases) and adds what the early warning reads besides: the
daily roll of every classroom on every teaching day of the term so far (every student marked,
a few often absent), two behaviour categories per school and incidents for a share of the
students, and this year's first-term grades once that term is over. Then, in this one warm
process:

- the nightly job of the district (``recompute_district``): the first night (every result
  and snapshot inserted), the first night of a week (this week's snapshots inserted), then
  the median of --runs ordinary nights (nothing changed: only the time written), and the
  median of the extraction of the district's facts alone; floor: 30 s for each;
- one school's recompute, the largest school of the district, and the same for about 1,000
  students (the largest schools together: one run reads any number of schools in the same
  queries): median of ten each; floor: 1 s;
- the queries of the extraction at the largest and the smallest school (the same number);
- the class list of the largest classroom as its homeroom teacher sees it, with the early
  warning's column (the roster annotation earlywarning registers) and without it (the
  registration taken out for the measure): queries and median time of --requests requests
  each, measured alternately in the same run; floor: the same number of queries.

Each time is given as wall time and as CPU time (this process plus its PostgreSQL backend,
read from /proc when the server runs on this machine; the session runs no parallel workers,
so the backend's time is all the database's): on a machine shared with other work the
wall time says how busy it was, the CPU time what the job itself costs. Prints JSON.
"""

from __future__ import annotations

import argparse
import datetime
import json
import os
import random
import statistics
import sys
import tempfile
import time
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "carecore.settings_test")
os.environ.setdefault("MEDIA_ROOT", tempfile.mkdtemp(prefix="carecare-bench-media-"))

from bench.dashboards import (  # noqa: E402  (the path above first)
    _database_exists,
    _ms,
    _recreate,
    _setup,
    _timed,
    log,
)

DATABASE = "carecare_bench_ew"
ONE_DAY = datetime.timedelta(days=1)


def _queries(fn) -> int:
    from django.db import connection, reset_queries
    from django.test.utils import CaptureQueriesContext

    reset_queries()
    with CaptureQueriesContext(connection) as queries:
        fn()
    return len(queries)


def _backend_cpu() -> float | None:
    """CPU seconds the PostgreSQL backend of this connection has used (from /proc: the server
    runs on this machine), or None when it cannot be read."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        pid = cursor.fetchone()[0]
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return None
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")  # utime + stime


def _cpu_timed(fn, runs: int) -> tuple[float, float | None, object]:
    """Median wall seconds of ``runs`` calls, median CPU seconds (this process and its database
    backend: on a machine shared with other work, what the job itself costs), the last
    result."""
    walls, cpus, result = [], [], None
    for _ in range(runs):
        db, cpu, began = _backend_cpu(), time.process_time(), time.perf_counter()
        result = fn()
        walls.append(time.perf_counter() - began)
        used = time.process_time() - cpu
        db_after = _backend_cpu()
        cpus.append(None if db is None or db_after is None else used + db_after - db)
    known = [c for c in cpus if c is not None]
    return statistics.median(walls), (statistics.median(known) if known else None), result


# --- what the scale seed lacks: rolls, incidents, this year's grades ------------------------------
def seed_early_warning_data(district_id: int, *, seed: int = 22, progress=log) -> dict:
    """The daily rolls of the term so far, behaviour incidents and this year's first-term
    grades for the district's students, written with COPY (bench/scale_seed.py's tables)."""
    from django.db import connection, transaction
    from django.utils import timezone

    from attendance import rules
    from attendance.models import Mark, Roll
    from behaviour.models import Category, Incident
    from bench.scale_seed import Ids, Table
    from carecore.dbstats import analyze_tables
    from demo.records import SUBJECTS
    from schools.models import HomeroomAssignment
    from schools.selectors import current_academic_year, current_term
    from students.models import Enrolment, TermResult

    started = time.perf_counter()
    rng = random.Random(seed)
    today = timezone.localdate()
    now = timezone.now()
    year = current_academic_year(today)
    term = current_term(today)
    days = rules.teaching_days(term.start, min(today, term.end), set())
    rows = list(
        Enrolment.objects.filter(academic_year=year, classroom__school__district_id=district_id)
        .order_by("classroom_id", "number")
        .values_list("classroom_id", "classroom__school_id", "student_id")
    )
    teachers = dict(
        HomeroomAssignment.objects.filter(classroom__school__district_id=district_id).values_list(
            "classroom_id", "teacher_id"
        )
    )
    rooms: dict[int, tuple[int, list[int]]] = {}
    for classroom_id, school_id, student_id in rows:
        rooms.setdefault(classroom_id, (school_id, []))[1].append(student_id)
    # How often each child misses school: most rarely, some often, a few most days.
    absence = {sid: rng.choices([0.01, 0.06, 0.2], weights=[85, 12, 3])[0] for _c, _s, sid in rows}
    counts = {"rolls": 0, "marks": 0, "incidents": 0, "term_results": 0}
    with transaction.atomic():
        cursor = connection.cursor().cursor
        roll_ids = Ids(Roll, cursor)
        rolls, marks = Table(Roll, now=now), Table(Mark, now=now, with_id=False)
        for classroom_id, (school_id, students) in rooms.items():
            teacher = teachers.get(classroom_id)
            for day in days:
                roll_id = roll_ids.take()
                rolls.add(
                    id=roll_id,
                    school_id=school_id,
                    classroom_id=classroom_id,
                    date=day,
                    taken_by_id=teacher,
                    changed_by_id=teacher,
                )
                for sid in students:
                    status, kind = "present", ""
                    if rng.random() < absence[sid]:
                        status, kind = rng.choices(
                            [("absent", ""), ("leave", "sick"), ("leave", "personal")],
                            weights=[6, 3, 1],
                        )[0]
                    elif rng.random() < 0.03:
                        status = "late"
                    marks.add(
                        roll_id=roll_id,
                        student_id=sid,
                        school_id=school_id,
                        date=day,
                        status=status,
                        leave_kind=kind,
                    )
            if len(marks.rows) > 100_000:
                counts["marks"] += len(marks.rows)
                rolls.flush(cursor)
                marks.flush(cursor)
        counts["marks"] += len(marks.rows)
        rolls.flush(cursor)
        marks.flush(cursor)
        counts["rolls"] = rolls.count
        progress(f"rolls and marks in {time.perf_counter() - started:.1f} s")

        category_ids = Ids(Category, cursor)
        categories, incidents = Table(Category, now=now), Table(Incident, now=now, with_id=False)
        bad = {}
        for school_id in sorted({s for s, _students in rooms.values()}):
            bad[school_id] = category_ids.take()
            categories.add(
                id=bad[school_id], school_id=school_id, name="มาสาย/ผิดระเบียบ", kind="bad", points=10
            )
            categories.add(
                id=category_ids.take(), school_id=school_id, name="จิตอาสา", kind="good", points=5
            )
        categories.flush(cursor)
        for classroom_id, school_id, sid in rows:
            if rng.random() >= 0.15:
                continue
            for _ in range(rng.choices([1, 2, 3, 5, 7], weights=[40, 25, 15, 12, 8])[0]):
                incidents.add(
                    school_id=school_id,
                    academic_year_id=year.pk,
                    date=year.start + ONE_DAY * rng.randint(0, (today - year.start).days),
                    student_id=sid,
                    classroom_id=classroom_id,
                    category_id=bad[school_id],
                    kind="bad",
                    points=10,
                )
        incidents.flush(cursor)
        counts["incidents"] = incidents.count

        # This year's first term, once it is over: last year's GPA drifting, a few falling.
        first = year.terms.order_by("number").first()
        if first.end < today:
            results = Table(TermResult, now=now, with_id=False)
            before = TermResult.objects.filter(
                student__school__district_id=district_id, year=year.year - 1, term=2
            ).values_list("student_id", "gpa")
            for sid, gpa in before:
                drop = rng.gauss(0.0, 0.3) - (0.8 if rng.random() < 0.05 else 0.0)
                now_gpa = Decimal(str(round(min(4.0, max(0.5, float(gpa) + drop)), 2)))
                failed = rng.sample(SUBJECTS, 2) if now_gpa < Decimal("1.5") else []
                results.add(
                    student_id=sid, year=year.year, term=1, gpa=now_gpa, failed_subjects=failed
                )
            results.flush(cursor)
            counts["term_results"] = results.count
    analyze_tables([Roll, Mark, Category, Incident, TermResult])
    counts["seconds"] = round(time.perf_counter() - started, 1)
    progress(f"early-warning data in {counts['seconds']} s: {counts}")
    return counts


# --- the measures -------------------------------------------------------------------------------
def _class_list(classroom, runs: int) -> dict:
    """The class list with and without the early warning's column, alternately."""
    from django.core.management import call_command
    from django.test import Client
    from django.urls import reverse

    from students import extensions

    # The pages resolve {% static %} through the manifest, as in production (the test settings'
    # STATIC_ROOT is a fresh folder of this process).
    call_command("collectstatic", interactive=False, verbosity=0)
    teacher = classroom.assignments.first().teacher
    client = Client()
    client.force_login(teacher)
    url = reverse(
        "classrooms:classroom_detail",
        kwargs={"school_code": classroom.school.code, "classroom_id": classroom.pk},
    )
    registered = extensions._roster_annotations
    ours = [f for f in registered if f.__module__.startswith("earlywarning.")]
    assert ours, "earlywarning registers no roster annotation"

    def page():
        response = client.get(url)
        assert response.status_code == 200, response.status_code
        return response

    def without(fn):
        extensions._roster_annotations = [f for f in registered if f not in ours]
        try:
            return fn()
        finally:
            extensions._roster_annotations = registered

    for _ in range(3):  # warm: templates, translations, the access layer
        page()
        without(page)
    shown = page().content.decode()
    times_with, times_without = [], []
    for _ in range(runs):
        times_with.append(_timed(page, 1)[0])
        times_without.append(without(lambda: _timed(page, 1)[0]))
    with_ms = _ms(statistics.median(times_with))
    without_ms = _ms(statistics.median(times_without))
    return {
        "students": classroom.enrolments.count(),
        "queries_with_column": _queries(page),
        "queries_without_column": without(lambda: _queries(page)),
        "median_ms_with_column": with_ms,
        "median_ms_without_column": without_ms,
        "ratio_with_to_without": round(with_ms / without_ms, 3),
        "requests": runs,
        "badges_shown": shown.count("เสี่ยงสูง") + shown.count("เฝ้าระวัง"),
    }


def _measure(args, out: dict, seeded: bool) -> dict:
    from django.core.management import call_command
    from django.db import connection
    from django.db.models import Count
    from django_scopes import scopes_disabled

    from bench.scale_seed import seed_scale
    from earlywarning.compute import (
        EXTRACT_QUERIES,
        Period,
        extract_facts,
        extract_facts_for_school,
        recompute_district,
        recompute_school,
        recompute_schools,
    )
    from earlywarning.models import WarningResult, WarningSnapshot
    from earlywarning.selectors import district_params
    from schools.models import Classroom, School
    from students.models import Enrolment

    with scopes_disabled():
        call_command("migrate", verbosity=0)  # a kept database may be behind
        if not seeded:
            made = seed_scale(districts=1, schools_per_district=200, students=25_000, progress=log)
            out["seed_s"] = made["seconds"]
            out["seed_early_warning"] = seed_early_warning_data(made["districts"][0])
        # One backend does all the work (no parallel workers), so that its CPU time is the job's.
        with connection.cursor() as cursor:
            cursor.execute("SET max_parallel_workers_per_gather = 0")
        district_id = School.objects.values_list("district_id", flat=True).first()
        schools = list(School.objects.filter(district_id=district_id))
        sizes = dict(
            Enrolment.objects.filter(classroom__school__district_id=district_id)
            .values("classroom__school_id")
            .annotate(n=Count("pk"))
            .values_list("classroom__school_id", "n")
        )
        largest = max(schools, key=lambda s: sizes.get(s.pk, 0))
        smallest = min(schools, key=lambda s: sizes.get(s.pk, 0))
        out["schools"] = len(schools)
        out["students"] = sum(sizes.values())

        # Every row written (the first night), a new week (this week's snapshots written, the
        # results unchanged), and ordinary nights (nothing changed but the time).
        WarningResult.objects.filter(school__district_id=district_id).delete()
        WarningSnapshot.objects.filter(school__district_id=district_id).delete()
        district = lambda: recompute_district(district_id)  # noqa: E731
        first = _cpu_timed(district, 1)
        log(f"nightly job, every row written: {first}")
        WarningSnapshot.objects.filter(school__district_id=district_id).delete()
        new_week = _cpu_timed(district, 1)
        log(f"nightly job, a new week: {new_week}")
        nights = _cpu_timed(district, args.runs)
        log(f"nightly job, unchanged nights: {nights}")
        period, params = Period.of(), district_params(district_id)
        ids = [s.pk for s in schools]
        extraction = _cpu_timed(lambda: extract_facts(ids, period), args.runs)
        levels = dict(
            WarningResult.objects.filter(school__district_id=district_id)
            .values("level")
            .annotate(n=Count("pk"))
            .values_list("level", "n")
        )

        def seconds(timed) -> dict:
            wall, cpu, _result = timed
            return {"wall_s": round(wall, 2), "cpu_s": None if cpu is None else round(cpu, 2)}

        out["nightly_district"] = {
            "every_row_written": seconds(first),
            "new_week": seconds(new_week),
            "unchanged_night_median": seconds(nights),
            "runs": args.runs,
            "extraction_only_median": seconds(extraction),
            "students_evaluated": first[2].students,
            "levels": levels,
            "floor_s": 30,
        }
        school_s, school_cpu, run = _cpu_timed(
            lambda: recompute_school(largest, period=period, params=params), 10
        )
        # A school of about 1,000 students: the largest schools together until they hold as
        # many (one run reads any number of schools in the same queries: the same work).
        thousand, total = [], 0
        for school in sorted(schools, key=lambda s: -sizes.get(s.pk, 0)):
            if total >= 1000:
                break
            thousand.append(school.pk)
            total += sizes.get(school.pk, 0)
        thousand_s, thousand_cpu, _run = _cpu_timed(
            lambda: recompute_schools(thousand, period, params), 10
        )
        out["single_school"] = {
            "students": run.students,
            "median_ms": _ms(school_s),
            "median_cpu_ms": _ms(school_cpu) if school_cpu is not None else None,
            "students_1000": total,
            "schools_1000": len(thousand),
            "median_ms_1000": _ms(thousand_s),
            "median_cpu_ms_1000": _ms(thousand_cpu) if thousand_cpu is not None else None,
            "extract_queries_largest": _queries(
                lambda: extract_facts_for_school(largest, period=period)
            ),
            "extract_queries_smallest": _queries(
                lambda: extract_facts_for_school(smallest, period=period)
            ),
            "smallest_students": sizes.get(smallest.pk, 0),
            "documented_extract_queries": EXTRACT_QUERIES,
            "floor_ms": 1000,
        }
        room = (
            Classroom.objects.filter(school__district_id=district_id)
            .annotate(n=Count("enrolments"))
            .order_by("-n", "pk")
            .first()
        )
        out["class_list"] = _class_list(room, args.requests)
    single, nightly, class_list = out["single_school"], out["nightly_district"], out["class_list"]
    worst = [
        nightly["every_row_written"],
        nightly["new_week"],
        nightly["unchanged_night_median"],
    ]
    out["floors_met"] = {
        "nightly_district_30s_wall": max(n["wall_s"] for n in worst) <= 30,
        "nightly_district_30s_cpu": max(n["cpu_s"] or 0 for n in worst) <= 30,
        "single_school_1s_wall": max(single["median_ms"], single["median_ms_1000"]) < 1000,
        "extract_queries_constant": single["extract_queries_largest"]
        == single["extract_queries_smallest"]
        == EXTRACT_QUERIES,
        "class_list_queries_unchanged": class_list["queries_with_column"]
        == class_list["queries_without_column"],
    }
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3, help="warm runs of the nightly job")
    parser.add_argument("--requests", type=int, default=20, help="class list requests each way")
    parser.add_argument("--reuse", action="store_true", help="keep a seeded database")
    args = parser.parse_args()
    seeded = args.reuse and _database_exists(DATABASE)
    if not seeded:
        _recreate(DATABASE)
    _setup(DATABASE)
    # The machine's load around the measures (the bench machine is shared: say how busy it was).
    load_before = [round(x, 1) for x in os.getloadavg()]
    result = _measure(args, {"database": DATABASE}, seeded)
    result["load_average_1_5_15"] = {
        "before": load_before,
        "after": [round(x, 1) for x in os.getloadavg()],
        "cpus": os.cpu_count(),
    }
    print(json.dumps(result, indent=2, ensure_ascii=False))


if __name__ == "__main__":
    main()
