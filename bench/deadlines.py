"""Benchmark of the district's deadlines (docs/district-work.md, "Deadlines") at district scale.

    .venv/bin/python bench/deadlines.py [--requests 20] [--reuse]

PostgreSQL only (127.0.0.1:5432 as postgres, or BENCH_PG_URL). It makes a throw-away database
``carecare_bench_deadlines`` (kept with --reuse once seeded), migrates it, seeds one district of
200 schools and 25,000 students with a term of data (bench/scale_seed.py), sets five deadlines
(screening window and home-visit month, measured; three reports, half of the schools having
marked one done), then measures in this one warm process: the district's list and one
deadline's page (median server time through Django's test client, and their queries), the
measured shares alone (``selectors.measure`` for 200 schools), a school's home page, and the
morning check. Prints JSON.
"""

from __future__ import annotations

import argparse
import datetime
import json
import os
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "carecore.settings_test")
os.environ.setdefault("MEDIA_ROOT", tempfile.mkdtemp(prefix="carecare-bench-media-"))

from bench.dashboards import _ms, _page, _run, _timed, _user, log  # noqa: E402

DATABASE = "carecare_bench_deadlines"


def _measure(args, out: dict, seeded: bool) -> dict:
    from django.core.management import call_command
    from django.test import Client
    from django.utils import timezone
    from django_scopes import scopes_disabled

    from bench.scale_seed import seed_scale
    from carecore.models import Role
    from districts.deadlines import selectors, services
    from districts.deadlines.models import Completion, Deadline, Reminder
    from districts.models import District
    from schools.models import School

    day = datetime.timedelta(days=1)
    today = timezone.localdate()
    with scopes_disabled():
        call_command("migrate", verbosity=0)
        if not seeded:
            out["seed_s"] = seed_scale(
                districts=1, schools_per_district=200, students=25_000, progress=log
            )["seconds"]
        district = District.objects.order_by("code").first()
        schools = list(School.objects.filter(district=district).order_by("pk"))
        out["schools"] = len(schools)
        Deadline.objects.filter(district=district).delete()
        common = {"district": district, "opens_on": today - 30 * day}
        deadlines = Deadline.objects.bulk_create(
            [
                Deadline(
                    kind="screening", title="คัดกรอง", due_on=today, target_percent=95, **common
                ),
                Deadline(
                    kind="home_visits", title="เยี่ยมบ้าน", due_on=today, target_percent=80, **common
                ),  # fmt: skip
                Deadline(kind="report", title="รายงาน 1", due_on=today - 2 * day, **common),
                Deadline(kind="report", title="รายงาน 2", due_on=today + 2 * day, **common),
                Deadline(kind="other", title="งานอื่น", due_on=today + 20 * day, **common),
            ]
        )
        Completion.objects.bulk_create(
            Completion(deadline=deadlines[2], school=s, source="marked", done_on=today - 3 * day)
            for s in schools[::2]
        )
        supervisor = _user("bench_deadlines_district", Role.DISTRICT_SUPERVISOR, district=district)
        director = _user("bench_deadlines_director", Role.DIRECTOR, school=schools[0])

        began = time.perf_counter()
        shares = selectors.measure(school_ids=[s.pk for s in schools], deadlines=deadlines)
        out["measure_first_ms"] = _ms(time.perf_counter() - began)
        median, shares = _timed(
            lambda: selectors.measure(school_ids=[s.pk for s in schools], deadlines=deadlines),
            args.requests,
        )
        out["measure_ms"] = _ms(median)
        students = sum(total for (deadline_id, _s), (_m, total) in shares.items()
                       if deadline_id == deadlines[0].pk)  # fmt: skip
        out["students"] = students

    # The pages resolve {% static %} through the manifest storage (STATIC_ROOT is a fresh folder
    # of this process).
    call_command("collectstatic", interactive=False, verbosity=0)
    client = Client()
    client.force_login(supervisor)
    base = f"/d/{district.code}/deadlines/"
    out["district_list"] = _page(client, base, args.requests)
    out["deadline_page_measured"] = _page(client, f"{base}{deadlines[0].pk}/", args.requests)
    out["deadline_page_report"] = _page(client, f"{base}{deadlines[2].pk}/", args.requests)
    school_client = Client()
    school_client.force_login(director)
    out["school_home"] = _page(school_client, f"/s/{schools[0].code}/", args.requests)

    with scopes_disabled():
        Completion.objects.filter(source="measured").delete()
        Reminder.objects.all().delete()
        from django.test.utils import override_settings

        # The check's reminders stay in the system (no mail is built or sent in the timing).
        with override_settings(EMAIL_BACKEND="django.core.mail.backends.locmem.EmailBackend"):
            began = time.perf_counter()
            run = services.deadlines_check(today=today)
            out["check_first_s"] = round(time.perf_counter() - began, 2)
            out["check_first"] = run.__dict__
            began = time.perf_counter()
            run = services.deadlines_check(today=today)
            out["check_again_ms"] = _ms(time.perf_counter() - began)
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=20)
    parser.add_argument("--reuse", action="store_true", help="keep a seeded database")
    args = parser.parse_args()
    print(json.dumps(_run(args, DATABASE, _measure), indent=2, ensure_ascii=False))


if __name__ == "__main__":
    main()
