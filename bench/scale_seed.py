"""Seed a district-scale (or national-scale) data set for the dashboard benchmark, fast.

    DATABASE_URL=postgres://... .venv/bin/python bench/scale_seed.py \
        --districts 1 --schools 200 --students 25000 [--seed 2568] [--password PW]

Seeds into the current, already migrated PostgreSQL database, beside whatever is there: district
codes B01, B02... (the first free ones), school codes 9DDDSSSSSS (D the district's number). Per
district: eight networks, the partner-agency directory, schools of varied sizes, a classroom per
room of 30-40 (ป.1-ป.6, and ม.1-ม.3 in a third of the schools), a homeroom teacher per room and a
director, coordinator and counsellor per school, students with Thai names, one guardian each,
enrolled in the current academic year, and a full current term (schools.selectors.current_term)
of data:

- screening: complete SDQ forms (teacher; parent; self-report from ป.4), EQ for ม.1 up, a care
  group per screened student (about 93% screened; about 70% normal, 18% risk, 12% problem, 3%
  special, varying by school), scored by the real scoring code;
- the cumulative record (four sections and last year's grades) for a share of the students,
  without its history (RecordRevision);
- done home visits of the year (no photos) for 60-100% of each school's students, a few drafts;
- care activities of the term: homeroom sessions and parent meetings for classrooms, talent
  development for the special group, prevention for most students at risk;
- care plans with actions and follow-ups for most students with problems (some overdue for
  review, some closed), a few for students at risk; support for some students;
- referrals for some students with problems (internal and external with consent; sent, accepted,
  in progress and closed, some overdue) with their log;
- a handful of dropout cases.

Schools differ in how thorough they are (some near 100% screened and cared for, some near 40%),
so sorting schools by a figure means something.

Speed: rows are generated in Python from pools of pre-scored forms and pre-built record and
visit values, and written with PostgreSQL COPY, one district (one transaction) at a time, so
memory stays flat at any size. Ids come from each table's own sequence, reserved in blocks:
do not seed while the application writes to the same database. ANALYZE runs at the end.
"""

from __future__ import annotations

import argparse
import datetime
import json
import math
import os
import random
import sys
import time
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "carecore.settings")
# The seeder serves no request and signs nothing; settings refuse to start without a key.
os.environ.setdefault("SECRET_KEY", "bench-scale-seed-only")

ONE_DAY = datetime.timedelta(days=1)
NETWORKS = 8
ROOM_MAX = 40
ID_BLOCK = 20_000
POOL = 240  # pre-built forms, visits and records per kind (fewer for a small seed)


class Dumped(str):
    """A JSON value already serialised (pools serialise once, rows reuse the text)."""


def dumped(value) -> Dumped:
    return Dumped(json.dumps(value, ensure_ascii=False, default=str))


def predumped(values: dict) -> dict:
    """Values with their lists and dicts serialised once (for pools reused many times)."""
    return {k: dumped(v) if isinstance(v, list | dict) else v for k, v in values.items()}


# --- writing rows with COPY ---------------------------------------------------------------------
class Table:
    """Rows of one model, written with COPY. Columns are the model's concrete fields; a value not
    given gets the field's default (auto_now fields: the seeding time)."""

    def __init__(self, model, *, now, with_id: bool = True):
        self.model = model
        self.name = model._meta.db_table
        fields = [f for f in model._meta.concrete_fields if with_id or not f.primary_key]
        self.columns = [f.column for f in fields]
        self.index = {f.attname: i for i, f in enumerate(fields)}
        self.json = {i for i, f in enumerate(fields) if f.get_internal_type() == "JSONField"}
        self.defaults = []
        for i, f in enumerate(fields):
            if f.primary_key:
                value = None
            elif getattr(f, "auto_now", False) or getattr(f, "auto_now_add", False):
                value = now
            else:
                value = f.get_default()
            if i in self.json:
                value = dumped(value)
            self.defaults.append(value)
        self.rows: list[list] = []
        self.count = 0

    def row(self, **values) -> list:
        """A row from field values (attnames: ``school_id``), not yet added."""
        r = list(self.defaults)
        index, json_columns = self.index, self.json
        for name, value in values.items():
            i = index[name]
            if i in json_columns and not isinstance(value, Dumped):
                value = dumped(value)
            r[i] = value
        return r

    def add(self, **values) -> None:
        self.rows.append(self.row(**values))

    def flush(self, cursor) -> None:
        if not self.rows:
            return
        columns = ", ".join(f'"{c}"' for c in self.columns)
        with cursor.copy(f'COPY "{self.name}" ({columns}) FROM STDIN') as copy:
            for r in self.rows:
                copy.write_row(r)
        self.count += len(self.rows)
        self.rows = []


class Ids:
    """Primary keys for rows that others point to, reserved from the table's sequence in
    blocks (the sequence moves past the block, so later inserts by the app never collide)."""

    def __init__(self, model, cursor):
        self.table = model._meta.db_table
        self.cursor = cursor
        self.next = self.end = 0

    def take(self) -> int:
        if self.next >= self.end:
            self.cursor.execute(
                "SELECT setval(pg_get_serial_sequence(%s, 'id'), "
                "nextval(pg_get_serial_sequence(%s, 'id')) + %s - 1)",
                [self.table, self.table, ID_BLOCK],
            )
            last = self.cursor.fetchone()[0]
            self.next, self.end = last - ID_BLOCK + 1, last + 1
        self.next += 1
        return self.next - 1


# --- pools: forms scored once, reused for many students -------------------------------------------
class Pools:
    """Pre-scored SDQ and EQ forms by level, and pre-built record sections and visit values.

    A student's group is decided first (by the school's mix); the teacher form is then drawn from
    the forms of that level and the other forms from levels no worse, so deriving the group from
    the forms (screening.services.care_group_derive) gives exactly the chosen level."""

    def __init__(self, rng: random.Random, today: datetime.date, academic_year, size: int = POOL):
        from demo.screening import _answers, _impact
        from screening import scoring
        from screening.models import SdqResponse
        from screening.services import _apply_sdq_result, care_group_derive

        key = scoring.sdq_key()
        self.sdq: dict[str, dict[str, list[tuple[dict, str]]]] = {}
        for rater in ("teacher", "parent", "student"):
            buckets: dict[str, list] = {"normal": [], "risk": [], "problem": []}
            tries = 0
            while min(len(b) for b in buckets.values()) < size and tries < 200_000:
                tries += 1
                strength = rng.choice(["calm", "calm", "mild", "marked"])
                profile = dict.fromkeys(("emotional", "conduct", "hyperactivity", "peer"), "calm")
                for scale in rng.sample(list(profile), rng.choice([1, 2])):
                    profile[scale] = strength
                answers = _answers(rng, key, profile, noise=0.05)
                impact = _impact(rng, key, rater, profile)
                result = scoring.sdq_score(answers, rater, impact=impact)
                bucket = buckets[result.level]
                if len(bucket) >= size:
                    continue
                response = SdqResponse(rater=rater, answers=answers, impact_answers=impact)
                _apply_sdq_result(response, result)
                values = {"answers": dumped(answers), "impact_answers": dumped(impact)}
                for name in (*SdqResponse.SCALES, "impact", "level", "key_version"):
                    values[name] = getattr(response, name)
                values["criteria_version"] = response.criteria_version
                values["status"] = str(response.status)
                for scale in ("emotional", "conduct", "hyperactivity", "peer", "total"):
                    values[f"{scale}_band"] = getattr(response, f"{scale}_band")
                values["prosocial_band"] = response.prosocial_band
                values["impact_band"] = response.impact_band
                reasons = care_group_derive(sdq=[response], eq=[], aspects=[])[1]
                bucket.append((values, json.dumps(reasons, ensure_ascii=False)[1:-1]))
            self.sdq[rater] = buckets

        self.eq: dict[str, list[tuple[dict, str]]] = {"normal": [], "risk": []}
        tries = 0
        while min(len(b) for b in self.eq.values()) < size // 2 and tries < 50_000:
            tries += 1
            weights = rng.choice([(1, 3, 5, 4), (1, 3, 5, 4), (3, 5, 3, 1)])
            answers = [rng.choices((1, 2, 3, 4), weights=weights)[0] for _ in range(52)]
            result = scoring.eq_score("eq12", answers)
            bucket = self.eq[result.care_level]
            if len(bucket) >= size // 2:
                continue
            values = {
                "answers": dumped(answers),
                "scores": dumped(
                    {
                        "scales": result.scales,
                        "domains": result.domains,
                        "t_scores": result.t_scores,
                        "levels": result.levels,
                        "norms_missing": result.norms_missing,
                    }
                ),
                "total": result.total,
                "total_level": result.levels.get("total") or "",
                "level": result.care_level,
                "version": result.version,
            }
            reason = {
                "source": "eq",
                "rater": "student",
                "scale": "eq12",
                "score": result.total,
                "band": values["total_level"],
            }
            bucket.append((values, json.dumps(reason, ensure_ascii=False)))

        self._records(rng, today, size)
        self._visits(rng, today, academic_year, size)

    def _records(self, rng: random.Random, today: datetime.date, size: int) -> None:
        from demo.records import AWARDS, TALENTS, health_values, household_values, protection_values
        from students.models import Student

        self.family = [predumped(household_values(rng)) for _ in range(size)]
        self.protection = [
            predumped(protection_values(rng, rng.random() < 0.4)) for _ in range(size)
        ]
        self.health: dict[int, list[dict]] = {}
        for age in range(5, 19):
            born = today.replace(year=today.year - age) - ONE_DAY * 100
            stub = Student(birth_date=born)
            self.health[age] = [
                predumped(health_values(rng, stub, today)) for _ in range(size // 8)
            ]
        self.ability = [
            {
                "talents": rng.choice(TALENTS) if rng.random() < 0.5 else "",
                "awards": rng.choice(AWARDS) if rng.random() < 0.1 else "",
            }
            for _ in range(size)
        ]

    def _visits(self, rng: random.Random, today: datetime.date, academic_year, size: int) -> None:
        from demo.records import household_values, protection_values
        from demo.visits import _visit_date, _visit_values

        self.visits = []
        for _ in range(size * 2):
            grade = rng.randint(4, 12)
            values = _visit_values(
                rng,
                family=household_values(rng),
                protection=protection_values(rng, rng.random() < 0.4),
                grade=grade,
                visitor="",
                date=today,
                centre=(0.0, 0.0),
            )
            values.pop("date")
            values.pop("visitors")
            self.visits.append(predumped(values))
        self.visit_dates = [_visit_date(rng, academic_year, today) for _ in range(size)]


# --- per district ---------------------------------------------------------------------------------
def _school_habits(rng: random.Random) -> dict:
    """How thorough one school is: most near complete, some far behind."""
    roll = rng.random()
    if roll < 0.7:
        base = rng.uniform(0.95, 1.0)
    elif roll < 0.92:
        base = rng.uniform(0.85, 0.95)
    else:
        base = rng.uniform(0.38, 0.8)

    def near(spread: float) -> float:
        return min(1.0, max(0.3, base + rng.uniform(-spread, spread)))

    risk = rng.uniform(0.12, 0.24)
    problem = rng.uniform(0.07, 0.17)
    return {
        "screened": min(0.995, near(0.04)),
        "care": near(0.06),
        "visits": min(1.0, max(0.6, base + rng.uniform(-0.1, 0.05))),
        "records": rng.uniform(0.3, 0.95),
        "risk": risk,
        "problem": problem,
    }


def _school_sizes(rng: random.Random, schools: int, students: int) -> list[int]:
    """Sizes like a real district: many small schools, some of 600 and more."""
    weights = []
    for _ in range(schools):
        roll = rng.random()
        if roll < 0.4:
            weights.append(rng.uniform(0.25, 0.8))
        elif roll < 0.85:
            weights.append(rng.uniform(0.8, 2.2))
        else:
            weights.append(rng.uniform(3.5, 8.0))
    scale = students / sum(weights)
    sizes = [max(20, round(w * scale)) for w in weights]
    biggest = max(range(schools), key=sizes.__getitem__)
    sizes[biggest] = max(20, sizes[biggest] + students - sum(sizes))
    return sizes


def _size_class(n: int) -> str:
    from schools.models import School

    if n <= 120:
        size = School.Size.SMALL
    elif n <= 600:
        size = School.Size.MEDIUM
    elif n <= 1500:
        size = School.Size.LARGE
    else:
        size = School.Size.EXTRA_LARGE
    return str(size)  # COPY would write an enum member by its name


def _free_district_numbers(count: int) -> list[int]:
    from districts.models import District

    used = set(District.objects.filter(code__regex=r"^B\d{2,3}$").values_list("code", flat=True))
    numbers = [n for n in range(1, 1000) if f"B{n:02d}" not in used][:count]
    if len(numbers) < count:
        raise RuntimeError("No free district codes B01-B999 left.")
    return numbers


class DistrictSeeder:
    def __init__(self, *, ctx: dict, number: int, schools: int, students: int, rng):
        self.ctx, self.number, self.rng = ctx, number, rng
        self.school_count, self.student_count = schools, students
        self.today, self.term, self.year = ctx["today"], ctx["term"], ctx["academic_year"]
        self.first = self.term.start
        self.last = max(self.term.start, min(self.term.end, self.today))
        self.t = ctx["tables"]
        self.ids = ctx["ids"]

    def day(self, first: datetime.date | None = None, last: datetime.date | None = None):
        first, last = first or self.first, last or self.last
        return first + ONE_DAY * self.rng.randint(0, max(0, (last - first).days))

    def user(self, username: str, password: str | None = None) -> tuple[int, str]:
        from demo import names

        rng = self.rng
        female = rng.random() < 0.65
        prefix = rng.choice(["นาง", "นางสาว"]) if female else "นาย"
        first = rng.choice(names.ADULT_FEMALE_NAMES if female else names.ADULT_MALE_NAMES)
        last = rng.choice(names.SURNAME_HEADS) + rng.choice(names.SURNAME_TAILS)
        pk = self.ids["user"].take()
        self.t["user"].add(
            id=pk,
            username=username,
            prefix=prefix,
            first_name=first,
            last_name=last,
            email=f"{username}@bench.invalid",
            password=password or "!",
            date_joined=self.ctx["now"],
        )
        return pk, f"{prefix}{first} {last}"

    def member(self, user_id: int, role: str, **place) -> None:
        self.t["membership"].add(user_id=user_id, role=role, **place)

    def run(self) -> dict:
        from carecore.models import Role
        from demo import names
        from demo.referrals import seed_agencies
        from districts.models import District, Network
        from schools.models import Grade

        rng, t, ids = self.rng, self.t, self.ids
        code = f"B{self.number:02d}"
        district = District.objects.create(
            code=code,
            name=f"สำนักงานเขตพื้นที่การศึกษาประถมศึกษาทดสอบ เขต {self.number}",
            level=District.Level.PRIMARY,
            province="ขอนแก่น",
        )
        networks = Network.objects.bulk_create(
            [
                Network(
                    district=district,
                    name=f"กลุ่มเครือข่ายที่ {i + 1} {names.AMPHOES[i % len(names.AMPHOES)]}",
                    amphoe=names.AMPHOES[i % len(names.AMPHOES)],
                )
                for i in range(NETWORKS)
            ]
        )
        self.agencies = [a for a in seed_agencies(district, today=self.today) if a.active]
        password = self.ctx["password_hash"]
        lower = code.lower()
        supervisor, _name = self.user(f"bench-{lower}-district", password)
        self.member(supervisor, Role.DISTRICT_SUPERVISOR, district_id=district.pk)
        admin, _name = self.user(f"bench-{lower}-admin", password)
        self.member(admin, Role.DISTRICT_ADMIN, district_id=district.pk)
        for i, network in enumerate(networks, start=1):
            user, _name = self.user(f"bench-{lower}-net{i}", password)
            self.member(user, Role.NETWORK_SUPERVISOR, network_id=network.pk)
        self.supervisor = supervisor

        sizes = _school_sizes(rng, self.school_count, self.student_count)
        self.schools = []
        for s, size in enumerate(sizes):
            school_id = ids["school"].take()
            school_code = f"9{self.number:03d}{s + 1:06d}"
            village = names.VILLAGES[s % len(names.VILLAGES)]
            t["school"].add(
                id=school_id,
                code=school_code,
                name=f"โรงเรียนบ้าน{village} {s // len(names.VILLAGES) + 1}",
                district_id=district.pk,
                network_id=networks[s % NETWORKS].pk,
                size=_size_class(size),
            )
            staff = {}
            for role, label in (
                (Role.DIRECTOR, "dir"),
                (Role.COORDINATOR, "coord"),
                (Role.COUNSELLOR, "guid"),
            ):
                staff[role], _name = self.user(f"bench-{school_code}-{label}", password)
                self.member(staff[role], role, school_id=school_id)
            school = {
                "id": school_id,
                "code": school_code,
                "habits": _school_habits(rng),
                "centre": (rng.uniform(16.2, 16.8), rng.uniform(102.4, 103.1)),
                "staff": staff,
                "rooms": [],
            }
            extended = s % 3 == 2
            grades = list(range(Grade.P1, (Grade.M3 if extended else Grade.P6) + 1))
            per_grade = size / len(grades)
            remaining = size
            teacher_no = 0
            for g, grade in enumerate(grades):
                if g == len(grades) - 1:
                    count = remaining
                else:
                    count = max(1, min(remaining, round(per_grade * rng.uniform(0.85, 1.15))))
                remaining -= count
                if count <= 0:
                    continue
                rooms = max(1, math.ceil(count / ROOM_MAX))
                for room in range(1, rooms + 1):
                    in_room = count // rooms + (1 if room <= count % rooms else 0)
                    classroom_id = ids["classroom"].take()
                    t["classroom"].add(
                        id=classroom_id,
                        school_id=school_id,
                        academic_year_id=self.year.pk,
                        grade=grade,
                        room=room,
                    )
                    teacher_no += 1
                    teacher, teacher_name = self.user(f"bench-{school_code}-t{teacher_no:03d}")
                    self.member(teacher, Role.HOMEROOM, school_id=school_id)
                    t["assignment"].add(classroom_id=classroom_id, teacher_id=teacher)
                    school["rooms"].append(
                        {
                            "id": classroom_id,
                            "grade": grade,
                            "teacher": teacher,
                            "teacher_name": teacher_name,
                            "students": self.students(school_id, classroom_id, grade, in_room),
                        }
                    )
            self.schools.append(school)
        self.flush()  # parents first: the rows below only point at them

        for school in self.schools:
            self.screening(school)
            self.records(school)
            self.visits(school)
            self.care(school)
        self.dropouts(district)
        self.flush()
        return {"id": district.pk, "code": code, "schools": len(self.schools)}

    def flush(self) -> None:
        cursor = self.ctx["cursor"]
        for table in self.t.values():
            table.flush(cursor)

    # --- students --------------------------------------------------------------------------------
    def students(self, school_id: int, classroom_id: int, grade: int, count: int) -> list[dict]:
        from carecore.national_id import national_id_check_digit
        from demo import names

        rng, t = self.rng, self.t
        pupils = []
        for _ in range(count):
            boy = rng.random() < 0.5
            first = rng.choice(names.BOY_NAMES if boy else names.GIRL_NAMES)
            last = rng.choice(names.SURNAME_HEADS) + rng.choice(names.SURNAME_TAILS)
            pupils.append((not boy, first, last))
        # Thai class lists number the boys first, then the girls, each by name.
        pupils.sort()
        age = grade + 2  # P.1 (grade 4) children are six when the year starts
        start = self.year.start
        out = []
        seq = self.ctx.setdefault("student_no", {})
        for number, (girl, first, last) in enumerate(pupils, start=1):
            pk = self.ids["student"].take()
            seq[school_id] = seq.get(school_id, 0) + 1
            first12 = f"1{rng.randrange(10**11):011d}"
            born = start.replace(year=start.year - age) - ONE_DAY * rng.randrange(365)
            t["student"].add(
                id=pk,
                school_id=school_id,
                student_code=f"{seq[school_id]:05d}",
                national_id=first12 + str(national_id_check_digit(first12)),
                prefix="ด.ญ." if girl else "ด.ช.",
                first_name=first,
                last_name=last,
                gender="F" if girl else "M",
                birth_date=born,
            )
            t["enrolment"].add(
                student_id=pk,
                classroom_id=classroom_id,
                academic_year_id=self.year.pk,
                number=number,
            )
            relation = rng.choices(
                ["mother", "father", "grandmother", "grandfather"], weights=[50, 20, 22, 8]
            )[0]
            female = relation in ("mother", "grandmother")
            g_first = rng.choice(names.ADULT_FEMALE_NAMES if female else names.ADULT_MALE_NAMES)
            g_prefix = rng.choice(["นาง", "นางสาว"]) if female else "นาย"
            t["guardian"].add(
                student_id=pk,
                prefix=g_prefix,
                first_name=g_first,
                last_name=last,
                relation=relation,
                phone=f"08{rng.randrange(10**8):08d}",
                occupation=rng.choice(names.OCCUPATIONS),
                lives_with_student=True,
                is_primary=True,
            )
            out.append(
                {
                    "id": pk,
                    "age": age,
                    "guardian": f"{g_prefix}{g_first} {last}",
                    "relation": relation,
                }
            )
        return out

    # --- screening -------------------------------------------------------------------------------
    def screening(self, school: dict) -> None:
        from screening import scoring

        rng, t, pools = self.rng, self.t, self.ctx["pools"]
        habits = school["habits"]
        term_id = self.term.pk
        talents = [
            ("ability_sports", "ด้านกีฬา"),
            ("ability_arts", "ด้านศิลปะและดนตรี"),
            ("ability_academic", "ด้านวิชาการ"),
        ]
        for room in school["rooms"]:
            forms = scoring.sdq_forms_for_grade(room["grade"])
            for pupil in room["students"]:
                pupil["level"], pupil["special"] = None, False
                if rng.random() >= habits["screened"]:
                    if rng.random() < 0.3:  # a teacher form started, not finished
                        values, _reasons = rng.choice(pools.sdq["teacher"]["normal"])
                        answers = json.loads(values["answers"])
                        for item in rng.sample(range(25), rng.randint(1, 4)):
                            answers[item] = None
                        t["sdq"].add(
                            student_id=pupil["id"],
                            term_id=term_id,
                            rater="teacher",
                            status="draft",
                            answers=answers,
                            source="form",
                            entered_by_id=room["teacher"],
                        )
                    continue
                roll = rng.random()
                level = (
                    "problem"
                    if roll < habits["problem"]
                    else "risk"
                    if roll < habits["problem"] + habits["risk"]
                    else "normal"
                )
                allowed = {"normal": ["normal"], "risk": ["normal", "risk"]}.get(
                    level, ["normal", "risk", "problem"]
                )
                reasons = []
                for rater in forms:
                    if rater != "teacher" and rng.random() > 0.85:
                        continue
                    # The teacher's form sets the level; the others are no worse.
                    at = level if rater == "teacher" else rng.choice(allowed)
                    values, fragment = rng.choice(pools.sdq[rater][at])
                    t["sdq"].add(
                        student_id=pupil["id"],
                        term_id=term_id,
                        rater=rater,
                        source="form" if rater == "teacher" else "link",
                        entered_by_id=room["teacher"] if rater == "teacher" else None,
                        **values,
                    )
                    if at == level and level != "normal" and fragment:
                        reasons.append(fragment)
                if pupil["age"] >= 12 and rng.random() < 0.5:
                    at = "normal" if level == "normal" else rng.choice(["normal", "risk"])
                    values, fragment = rng.choice(pools.eq[at])
                    t["eq"].add(
                        student_id=pupil["id"],
                        term_id=term_id,
                        instrument="eq12",
                        rater="student",
                        status="complete",
                        source="form",
                        entered_by_id=room["teacher"],
                        **values,
                    )
                    if at == level:
                        reasons.append(fragment)
                special, special_reasons = rng.random() < 0.03, []
                if special:
                    code, label = rng.choice(talents)
                    indicators = [{"code": code, "level": "special", "label": label}]
                    t["aspect"].add(
                        student_id=pupil["id"],
                        term_id=term_id,
                        aspect="special_ability",
                        level="special",
                        indicators=indicators,
                        criteria_version="aspects-obec-1",
                        confirmed_by_id=room["teacher"],
                    )
                    special_reasons = [
                        {"source": "aspect", "scale": "special_ability", "indicators": indicators}
                    ]
                t["group"].add(
                    student_id=pupil["id"],
                    term_id=term_id,
                    school_id=school["id"],
                    derived_level=level,
                    level=level,
                    special=special,
                    reasons=Dumped("[" + ",".join(reasons) + "]"),
                    special_reasons=special_reasons,
                )
                pupil["level"], pupil["special"] = level, special

    # --- cumulative record -----------------------------------------------------------------------
    def records(self, school: dict) -> None:
        from demo.records import SUBJECTS
        from schools.models import Grade

        rng, t, pools = self.rng, self.t, self.ctx["pools"]
        share = school["habits"]["records"]
        year_be = self.year.year
        for room in school["rooms"]:
            by = room["teacher"]
            for pupil in room["students"]:
                if rng.random() >= share:
                    continue
                sections = ["family", "health", "protection", "ability"]
                if rng.random() < 0.15:  # started, not finished
                    sections.remove(rng.choice(["health", "protection"]))
                sid = pupil["id"]
                for section in sections:
                    if section == "family":
                        values = rng.choice(pools.family)
                    elif section == "health":
                        values = rng.choice(pools.health[min(18, max(5, pupil["age"]))])
                    elif section == "protection":
                        values = rng.choice(pools.protection)
                    else:
                        values = rng.choice(pools.ability)
                    t[section].add(student_id=sid, updated_by_id=by, **values)
                if room["grade"] > Grade.P1:
                    for number in (1, 2):
                        gpa = Decimal(str(round(min(4.0, max(0.8, rng.gauss(2.9, 0.6))), 2)))
                        failed = [rng.choice(SUBJECTS)] if gpa < Decimal("1.5") else []
                        t["term_result"].add(
                            student_id=sid,
                            year=year_be - 1,
                            term=number,
                            gpa=gpa,
                            failed_subjects=failed,
                            updated_by_id=by,
                        )

    # --- home visits -----------------------------------------------------------------------------
    def visits(self, school: dict) -> None:
        rng, t, pools = self.rng, self.t, self.ctx["pools"]
        share = school["habits"]["visits"]
        lat0, lon0 = school["centre"]
        table = t["visit"]
        for room in school["rooms"]:
            by, name = room["teacher"], room["teacher_name"]
            for pupil in room["students"]:
                roll = rng.random()
                if roll >= share + 0.02:
                    continue
                done = roll < share
                values = dict(rng.choice(pools.visits))
                if values.get("latitude") is not None:
                    values["latitude"] = round(lat0 + float(values["latitude"]), 6)
                    values["longitude"] = round(lon0 + float(values["longitude"]), 6)
                day = rng.choice(pools.visit_dates)
                stamp = datetime.datetime.combine(day, datetime.time(8), tzinfo=datetime.UTC)
                table.add(
                    school_id=school["id"],
                    student_id=pupil["id"],
                    academic_year_id=self.year.pk,
                    classroom_id=room["id"],
                    status="done" if done else "draft",
                    date=day,
                    visitors=name,
                    recorded_by_id=by,
                    updated_by_id=by,
                    completed_at=stamp if done else None,
                    **values,
                )

    # --- steps 3-5: activities, plans, support, referrals ----------------------------------------
    def care(self, school: dict) -> None:
        from care.models import ACTIVITY_CATEGORY
        from demo.care import (
            FOLLOW_UPS,
            HOMEROOM_TOPICS,
            MEETING_AGREEMENTS,
            MEETING_ISSUES,
            PLAN_ACTIONS,
            PLAN_PROBLEMS,
            PREVENTION,
            SUBJECTS,
            TALENT_TOPICS,
        )

        rng, t, ids = self.rng, self.t, self.ids
        care = school["habits"]["care"]
        school_id, term_id = school["id"], self.term.pk
        talented = []

        def activity(kind, topic, students, by, classroom_id=None, **extra) -> None:
            pk = ids["activity"].take()
            t["activity"].add(
                id=pk,
                school_id=school_id,
                term_id=term_id,
                classroom_id=classroom_id,
                kind=kind,
                category=str(ACTIVITY_CATEGORY[kind]),
                date=self.day(),
                topic=topic,
                recorded_by_id=by,
                **extra,
            )
            for student_id, role, partner in students:
                t["participant"].add(
                    activity_id=pk,
                    school_id=school_id,
                    student_id=student_id,
                    role=role,
                    partner_id=partner,
                )

        for room in school["rooms"]:
            by, pupils = room["teacher"], room["students"]
            if rng.random() < care:
                absent = rng.uniform(0.0, 0.04)
                activity(
                    "homeroom",
                    HOMEROOM_TOPICS[(room["id"] + self.term.number) % len(HOMEROOM_TOPICS)],
                    [(p["id"], "participant", None) for p in pupils if rng.random() > absent],
                    by,
                    classroom_id=room["id"],
                )
            if rng.random() < 0.4:
                present = [p["id"] for p in pupils if rng.random() < 0.7]
                activity(
                    "parent_meeting",
                    "ประชุมผู้ปกครองชั้นเรียน",
                    [(s, "participant", None) for s in present],
                    by,
                    classroom_id=room["id"],
                    details={
                        "parents_present": len(present),
                        "issues": rng.choice(MEETING_ISSUES),
                        "agreements": rng.choice(MEETING_AGREEMENTS),
                    },
                )
            calm = [p["id"] for p in pupils if p["level"] == "normal"]
            for pupil in pupils:
                level, sid = pupil["level"], pupil["id"]
                if pupil["special"]:
                    talented.append(sid)
                if level == "risk":
                    if rng.random() < care:
                        self.prevention(activity, sid, calm, by, PREVENTION, SUBJECTS)
                    if rng.random() < 0.07:
                        self.plan(school, pupil, by, PLAN_PROBLEMS, PLAN_ACTIONS, FOLLOW_UPS, False)
                    if rng.random() < 0.03:
                        self.referral(school, room, pupil)
                elif level == "problem":
                    if rng.random() < 0.6:
                        self.prevention(activity, sid, [], by, PREVENTION, SUBJECTS)
                    if rng.random() < care:
                        self.plan(school, pupil, by, PLAN_PROBLEMS, PLAN_ACTIONS, FOLLOW_UPS, True)
                    elif rng.random() < 0.3:
                        self.plan(school, pupil, by, PLAN_PROBLEMS, PLAN_ACTIONS, FOLLOW_UPS, False)
                    if rng.random() < 0.3:
                        self.referral(school, room, pupil)
                if rng.random() < 0.08:
                    t["support"].add(
                        school_id=school_id,
                        student_id=sid,
                        term_id=term_id,
                        kind="equity",
                        source="กองทุนเพื่อความเสมอภาคทางการศึกษา (กสศ.)",
                        amount=Decimal(rng.choice([1000, 1500])),
                        date=self.day(),
                        recorded_by_id=by,
                    )
        if talented:
            activity(
                "talent",
                rng.choice(TALENT_TOPICS),
                [(s, "participant", None) for s in talented if rng.random() < 0.85],
                school["staff"]["counsellor"],
            )

    def prevention(self, activity, student_id, calm, by, topics, subjects) -> None:
        rng = self.rng
        kinds = ["counselling", "buddy", "remedial", "parent_contact", "class_activity"]
        kind = rng.choices(kinds, weights=[30, 15 if calm else 0, 20, 25, 10])[0]
        students = [(student_id, "participant", None)]
        extra: dict = {}
        if kind == "buddy":
            helper = rng.choice(calm)
            students = [(helper, "helper", student_id), (student_id, "helped", helper)]
            extra["details"] = {"subject": rng.choice(subjects)}
        elif kind == "remedial":
            extra["details"] = {"subject": rng.choice(subjects)}
        elif kind == "parent_contact":
            extra["details"] = {"method": rng.choice(["call", "message", "visit"])}
        activity(kind, rng.choice(topics[kind]), students, by, **extra)

    def plan(self, school, pupil, by, problems, actions, follow_ups, follow: bool) -> None:
        rng, t = self.rng, self.t
        pk = self.ids["plan"].take()
        opened = self.day()
        problem, goals = rng.choice(problems)
        status, outcome, closed_on = "open", "", None
        review = opened + ONE_DAY * rng.choice([14, 30, 45])
        if rng.random() < 0.15:  # overdue for review
            review = max(opened, self.today - ONE_DAY * rng.randint(1, 5))
        dates = sorted(self.day(opened) for _ in range(rng.choice([1, 1, 2]))) if follow else []
        if dates:
            status = "in_progress"
        if dates and rng.random() < 0.1:
            status, outcome, closed_on, review = "closed", "improved", self.day(dates[-1]), None
        t["plan"].add(
            id=pk,
            school_id=school["id"],
            student_id=pupil["id"],
            term_id=self.term.pk,
            opened_on=opened,
            problem=problem,
            goals=goals,
            status=status,
            outcome=outcome,
            closed_on=closed_on,
            next_review=review,
            opened_by_id=by,
        )
        for action, who in rng.sample(actions, 2):
            t["action"].add(
                plan_id=pk,
                school_id=school["id"],
                action=action,
                who=who,
                due=opened + ONE_DAY * rng.choice([7, 14, 30]),
                done=rng.random() < 0.4,
            )
        for day in dates:
            what, result = rng.choice(follow_ups)
            t["follow_up"].add(
                plan_id=pk,
                school_id=school["id"],
                date=day,
                what_was_done=what,
                result=result,
                next_step="ติดตามต่อเนื่องทุกสองสัปดาห์",
                recorded_by_id=by,
            )
        if status != "closed":
            pupil["plan"] = pk

    def referral(self, school: dict, room: dict, pupil: dict) -> None:
        from demo import referrals as texts
        from referrals.models import ANSWER_DAYS

        rng, t, today = self.rng, self.t, self.today
        kind = "external" if self.agencies and rng.random() < 0.4 else "internal"
        sender = room["teacher"]
        if kind == "external" and rng.random() < 0.6:
            sender = school["staff"]["counsellor"]
        status = str(rng.choices(texts.STATUSES, weights=texts.STATUS_WEIGHTS)[0])
        overdue = status != "closed" and rng.random() < 0.3
        days = ANSWER_DAYS[kind]
        if status == "sent" and overdue:
            sent_on = self.day(last=min(self.last, today - ONE_DAY * (days + 1)))
        elif status == "sent":
            sent_on = self.day(first=min(self.last, max(self.first, today - ONE_DAY * (days - 1))))
        else:
            sent_on = self.day()
        values = {
            "school_id": school["id"],
            "student_id": pupil["id"],
            "kind": kind,
            "sender_id": sender,
            "sent_on": sent_on,
            "answer_due": sent_on + ONE_DAY * days,
            "urgency": "urgent" if rng.random() < 0.15 else "normal",
            "care_plan_id": pupil.get("plan"),
            "status": status,
            "sensitive_notes": rng.choice(texts.SENSITIVE) if rng.random() < 0.3 else "",
        }
        actor = sender
        if kind == "internal":
            role = rng.choices(
                ["counsellor", "discipline", "nurse", "director"], weights=[70, 12, 12, 6]
            )[0]
            options = texts.INTERNAL_TEXTS.get(role, texts.INTERNAL_TEXTS["counsellor"])
            reason, help_given, request = rng.choice(options)
            values["to_role"] = role
            actor = school["staff"].get(role, school["staff"]["counsellor"])
        else:
            agency = rng.choice(self.agencies)
            values["agency_id"] = agency.pk
            reason, help_given, request = texts.EXTERNAL_TEXTS.get(
                agency.kind, texts.EXTERNAL_TEXTS["hospital"]
            )
            if rng.random() < 0.9:
                values["consent"] = "given"
                relation = texts.RELATIONS_TH.get(pupil["relation"], "ญาติ")
                values["consent_by"] = f"{pupil['guardian']} ({relation})"
                values["consent_on"] = max(self.year.start, sent_on - ONE_DAY * rng.randint(0, 3))
            else:
                values["consent"] = "not_asked"
                values["consent_not_asked_reason"] = texts.NOT_ASKED_REASON
        values.update(reason=reason, help_given=help_given, request=request)

        def at(day, hour):
            return min(
                self.ctx["now"],
                datetime.datetime.combine(day, datetime.time(hour), tzinfo=datetime.UTC),
            )

        pk = self.ids["referral"].take()
        log = [("sent", sender, at(sent_on, 2), "")]
        if status != "sent":
            accepted = min(today, sent_on + ONE_DAY * rng.randint(1, days))
            values.update(accepted_by_id=actor, accepted_at=at(accepted, 3))
            due = accepted + ONE_DAY * rng.choice([14, 21, 30])
            if overdue:
                due = max(accepted, min(due, today - ONE_DAY * 2))
            values["result_due"] = due
            log.append(("accepted", actor, at(accepted, 3), ""))
        if status in ("in_progress", "closed"):
            day = min(today, sent_on + ONE_DAY * rng.randint(days, days + 10))
            if kind == "internal":
                log.append(("progress", actor, at(day, 4), rng.choice(texts.PROGRESS)))
            else:
                agency_kind = next(a.kind for a in self.agencies if a.pk == values["agency_id"])
                result, advice = texts.AGENCY_RESULTS.get(
                    agency_kind, texts.AGENCY_RESULTS["hospital"]
                )
                values.update(
                    result_received_on=day,
                    agency_person=rng.choice(texts.AGENCY_PEOPLE),
                    agency_result=result,
                    agency_recommendations=advice,
                )
                log.append(("agency_result", actor, at(day, 4), result))
        if status == "closed":
            day = min(today, sent_on + ONE_DAY * rng.randint(days + 2, days + 20))
            outcome = rng.choices(texts.Referral.Outcome.values, weights=texts.OUTCOME_WEIGHTS)[0]
            values.update(outcome=outcome, closed_by_id=actor, closed_at=at(day, 8))
            if kind == "internal":
                values["result"] = rng.choice(texts.INTERNAL_RESULTS[outcome])
                log.append(("result", actor, at(day, 8), values["result"]))
            log.append(("closed", actor, at(day, 8), ""))
        t["referral"].add(id=pk, **values)
        for entry_kind, by, when, text in log:
            t["referral_update"].add(
                referral_id=pk,
                school_id=school["id"],
                at=when,
                by_id=by,
                kind=entry_kind,
                text=text,
            )

    # --- dropout cases ---------------------------------------------------------------------------
    def dropouts(self, district) -> None:
        from dropouts.models import DEFAULT_OBSERVATION_OFFSETS, DEFAULT_STEP_DAYS

        rng, t, today = self.rng, self.t, self.today
        older = [
            (school, pupil)
            for school in self.schools
            for room in school["rooms"]
            if room["grade"] >= 8
            for pupil in room["students"]
        ]
        picks = rng.sample(older, min(7, len(older)))
        plan = [
            ("at_risk", "report", ["poverty"], "ขาดเรียนบ่อย ผู้ปกครองให้ช่วยทำงาน"),
            ("at_risk", "coordinate", ["family"], "ย้ายไปอยู่กับญาติ มาเรียนไม่สม่ำเสมอ"),
            ("at_risk", "visit", ["work"], "ช่วยพ่อแม่รับจ้างตัดอ้อย หยุดเรียนหลายวัน"),
            ("dropped_out", "meeting", ["migration"], "ครอบครัวย้ายไปทำงานต่างจังหวัด"),
            ("dropped_out", "refer_help", ["poverty", "work"], "ไม่มาเรียนตั้งแต่เปิดภาคเรียน"),
            ("dropped_out", "back_in_school", ["family"], "กลับมาเรียนแล้ว ติดตามต่อเนื่อง"),
            ("dropped_out", "closed", ["behaviour"], "เรียนต่อการศึกษานอกระบบ"),
        ]
        for (situation, step, causes, text), (school, pupil) in zip(plan, picks, strict=False):
            # In its step for up to twice the step's days: about half are late.
            started = today - ONE_DAY * rng.randint(0, 2 * DEFAULT_STEP_DAYS.get(step, 15))
            started = max(self.year.start, started)
            reported = max(self.year.start, started - ONE_DAY * rng.randint(0, 40))
            values = {
                "district_id": district.pk,
                "school_id": school["id"],
                "student_id": pupil["id"],
                "situation": situation,
                "reported_on": reported,
                "reporter_kind": "school",
                "description": text,
                "causes": causes,
                "reported_by_school": True,
                "step": step,
                "step_started": started,
                "owner_id": self.supervisor,
                "opened_by_id": school["staff"]["coordinator"],
            }
            if step in DEFAULT_STEP_DAYS:
                values["step_due"] = started + ONE_DAY * DEFAULT_STEP_DAYS[step]
                if values["step_due"] < today:
                    values.update(late=True, late_since=values["step_due"] + ONE_DAY)
            elif step == "back_in_school":
                values["step_due"] = started + ONE_DAY * DEFAULT_OBSERVATION_OFFSETS[0]
            else:
                values.update(outcome="non_formal", closed_on=started, outcome_note=text)
            pk = self.ids["case"].take()
            t["case"].add(id=pk, **values)
            t["case_log"].add(case_id=pk, date=reported, kind="opened", step="report", text=text)
            if step == "closed":
                t["case_log"].add(case_id=pk, date=started, kind="closed", step=step, text=text)
            if step == "back_in_school":
                for offset in DEFAULT_OBSERVATION_OFFSETS:
                    t["observation"].add(case_id=pk, due_on=started + ONE_DAY * offset)


# --- entry point --------------------------------------------------------------------------------
def _tables(now) -> dict[str, Table]:
    from care.models import (
        Activity,
        ActivityParticipant,
        CarePlan,
        CarePlanAction,
        CarePlanFollowUp,
        Support,
    )
    from carecore.models import Membership, User
    from dropouts.models import CaseLogEntry, CaseObservation, DropoutCase
    from referrals.models import Referral, ReferralUpdate
    from schools.models import Classroom, HomeroomAssignment, School
    from screening.models import AspectResult, CareGroup, EqResponse, SdqResponse
    from students.models import (
        AbilityRecord,
        Enrolment,
        FamilyRecord,
        Guardian,
        HealthRecord,
        ProtectionRecord,
        Student,
        TermResult,
    )
    from visits.models import HomeVisit

    # Order matters: a table's rows are written after the rows they point to.
    with_ids = {
        "user": User,
        "school": School,
        "classroom": Classroom,
        "student": Student,
        "activity": Activity,
        "plan": CarePlan,
        "referral": Referral,
        "case": DropoutCase,
    }
    without_ids = {
        "membership": Membership,
        "assignment": HomeroomAssignment,
        "enrolment": Enrolment,
        "guardian": Guardian,
        "sdq": SdqResponse,
        "eq": EqResponse,
        "aspect": AspectResult,
        "group": CareGroup,
        "family": FamilyRecord,
        "health": HealthRecord,
        "protection": ProtectionRecord,
        "ability": AbilityRecord,
        "term_result": TermResult,
        "visit": HomeVisit,
        "participant": ActivityParticipant,
        "action": CarePlanAction,
        "follow_up": CarePlanFollowUp,
        "support": Support,
        "referral_update": ReferralUpdate,
        "case_log": CaseLogEntry,
        "observation": CaseObservation,
    }
    tables = {key: Table(model, now=now) for key, model in with_ids.items()}
    tables.update({key: Table(model, now=now, with_id=False) for key, model in without_ids.items()})
    # Parents before children within one flush.
    order = [
        "user",
        "school",
        "membership",
        "classroom",
        "assignment",
        "student",
        "enrolment",
        "guardian",
        "sdq",
        "eq",
        "aspect",
        "group",
        "family",
        "health",
        "protection",
        "ability",
        "term_result",
        "visit",
        "activity",
        "participant",
        "plan",
        "action",
        "follow_up",
        "support",
        "referral",
        "referral_update",
        "case",
        "case_log",
        "observation",
    ]
    return {key: tables[key] for key in order}


_POOLS: dict[tuple, Pools] = {}


def seed_scale(
    *,
    districts: int,
    schools_per_district: int,
    students: int,
    seed: int = 2568,
    progress=print,
    password: str | None = None,
    today: datetime.date | None = None,
) -> dict:
    """Seed ``districts`` districts of ``schools_per_district`` schools and ``students``
    students in all (spread evenly over the districts) into the current PostgreSQL database.
    Returns the district ids and codes, the academic year and term, row counts and seconds.
    ``password``: a password for the district, network and school staff accounts (else they
    cannot log in; homeroom teachers never can)."""
    from django.contrib.auth.hashers import make_password
    from django.db import connection, transaction
    from django.utils import timezone
    from django_scopes import scopes_disabled

    from care.models import Activity, CarePlan
    from carecore.dbstats import analyze_tables
    from carecore.models import User
    from districts.models import District, Network
    from dropouts.models import DropoutCase
    from referrals.models import Agency, Referral
    from schools.models import AcademicYear, Classroom, School
    from schools.selectors import current_term
    from schools.services import academic_year_create
    from students.models import Student

    if connection.vendor != "postgresql":
        raise RuntimeError(
            "The scale seeder writes with PostgreSQL COPY: point DATABASE_URL at a PostgreSQL "
            f"database (this one is {connection.vendor})."
        )
    if districts < 1 or schools_per_district < 1 or students < districts * schools_per_district:
        raise ValueError("Need at least one district, one school each and a student per school.")
    started = time.perf_counter()
    today = today or timezone.localdate()
    rng = random.Random(seed)
    with scopes_disabled():
        year_be = AcademicYear.be_year_for(today)
        academic_year = AcademicYear.objects.filter(year=year_be).first()
        if academic_year is None:
            academic_year = academic_year_create(year=year_be)
        term = current_term(today)
        if term is None or term.academic_year_id != academic_year.pk:
            term = academic_year.terms.order_by("number").first()
        numbers = _free_district_numbers(districts)
        now = timezone.now()
        size = max(24, min(POOL, students // 40))
        key = (seed, today, academic_year.year, size)
        if key not in _POOLS:  # the same in one process: tests seed several times
            _POOLS.clear()
            _POOLS[key] = Pools(random.Random(seed + 1), today, academic_year, size)
        pools = _POOLS[key]
        progress(f"pools ready in {time.perf_counter() - started:.1f} s")
        cursor = connection.cursor().cursor  # the psycopg cursor, for COPY
        ctx = {
            "today": today,
            "now": now,
            "term": term,
            "academic_year": academic_year,
            "pools": pools,
            "cursor": cursor,
            "password_hash": make_password(password) if password else None,
            "tables": _tables(now),
            "ids": {
                key: Ids(model, cursor)
                for key, model in {
                    "user": User,
                    "school": School,
                    "classroom": Classroom,
                    "student": Student,
                    "activity": Activity,
                    "plan": CarePlan,
                    "referral": Referral,
                    "case": DropoutCase,
                }.items()
            },
        }
        made = []
        per_district = [students // districts] * districts
        for i in range(students % districts):
            per_district[i] += 1
        for number, count in zip(numbers, per_district, strict=True):
            begun = time.perf_counter()
            with transaction.atomic():
                seeder = DistrictSeeder(
                    ctx=ctx,
                    number=number,
                    schools=schools_per_district,
                    students=count,
                    rng=random.Random(rng.random()),
                )
                made.append(seeder.run())
            ctx.pop("student_no", None)
            progress(
                f"district {made[-1]['code']}: {schools_per_district} schools, {count} students "
                f"in {time.perf_counter() - begun:.1f} s"
            )
        analysing = time.perf_counter()
        tables = ctx["tables"]
        # Every district is committed: the statistics count its rows (carecore/dbstats.py).
        analyze_tables([District, Network, Agency, *(table.model for table in tables.values())])
        progress(f"ANALYZE in {time.perf_counter() - analysing:.1f} s")
    return {
        "districts": [d["id"] for d in made],
        "district_codes": [d["code"] for d in made],
        "academic_year": academic_year.year,
        "term": f"{academic_year.year}-{term.number}",
        "schools": sum(d["schools"] for d in made),
        "students": students,
        "rows": {key: table.count for key, table in tables.items()},
        "seconds": round(time.perf_counter() - started, 1),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--districts", type=int, default=1)
    parser.add_argument("--schools", type=int, default=200, help="schools per district")
    parser.add_argument("--students", type=int, default=25_000, help="students in all")
    parser.add_argument("--seed", type=int, default=2568)
    parser.add_argument("--password", help="password of the district, network and school staff")
    args = parser.parse_args()

    import django

    django.setup()
    try:
        result = seed_scale(
            districts=args.districts,
            schools_per_district=args.schools,
            students=args.students,
            seed=args.seed,
            password=args.password,
            progress=lambda message: print(message, file=sys.stderr, flush=True),
        )
    except (RuntimeError, ValueError) as error:
        sys.exit(f"scale_seed: {error}")
    print(json.dumps(result))


if __name__ == "__main__":
    main()
