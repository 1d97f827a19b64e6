"""A deterministic demo district: networks, schools, classrooms, teachers, students, guardians.

Used by ``manage.py seed_demo`` for the demo and, with larger numbers, for benchmarks.
Everything is drawn from one seeded random generator, so the same options give the same data.
"""

from __future__ import annotations

import datetime
import math
import random
from dataclasses import dataclass, field

from django.apps import apps
from django.contrib.auth.hashers import make_password
from django.db import transaction
from django.utils import timezone
from django_scopes import scopes_disabled

from attendance.models import Roll
from carecore.dbstats import analyze_tables_on_commit
from carecore.models import Membership, Role, User
from carecore.national_id import national_id_check_digit
from dashboards.rollups import refresh
from demo import names
from demo.assessments import seed_assessments
from demo.care import seed_care
from demo.committees import seed_committees
from demo.conduct import seed_conduct
from demo.deadlines import seed_deadlines
from demo.dropouts import seed_dropouts
from demo.earlywarning import seed_early_warning
from demo.family import pick_family, seed_family
from demo.fund import seed_fund
from demo.plans import seed_plans, seed_training
from demo.practices import seed_practices
from demo.records import records_fill
from demo.referrals import seed_agencies, seed_referrals
from demo.rolls import seed_rolls
from demo.screening import seed_screening
from demo.supervision import seed_supervision
from demo.surveys import seed_surveys
from demo.visits import seed_visits
from districts.models import District, Network
from schools.models import AcademicYear, Classroom, Grade, HomeroomAssignment, School, Term
from schools.services import academic_year_create
from students.models import Enrolment, Guardian, Student

DEMO_DISTRICT_CODE = "KKN1"
DEFAULT_PASSWORD = "demo-2568"  # noqa: S105 - documented demo password
PRIMARY_GRADES = [Grade.K2, Grade.K3, Grade.P1, Grade.P2, Grade.P3, Grade.P4, Grade.P5, Grade.P6]
EXTENDED_GRADES = [*PRIMARY_GRADES, Grade.M1, Grade.M2, Grade.M3]
ROOM_SIZE = 35
TEACHER1_GRADE = Grade.P4
TEACHER1_ROOM_SIZE = 40
BATCH = 2000


@dataclass
class DemoResult:
    district: District
    academic_year: AcademicYear
    schools: int = 0
    students: int = 0
    teachers: int = 0
    records: int = 0
    accounts: dict[str, str] = field(default_factory=dict)
    screening: dict = field(default_factory=dict)


def demo_exists() -> bool:
    return District.objects.filter(code=DEMO_DISTRICT_CODE).exists()


def _national_id(rng: random.Random) -> str:
    first12 = "1" + "".join(str(rng.randrange(10)) for _ in range(11))
    return first12 + str(national_id_check_digit(first12))


def _surname(rng: random.Random) -> str:
    head, tail = rng.choice(names.SURNAME_HEADS), rng.choice(names.SURNAME_TAILS)
    if head == tail:
        tail = "ดี"
    return head + tail


def _age_at_start(grade: int) -> int:
    # K.1 children are 3 when the year starts; one year older per grade.
    return grade + 2


@transaction.atomic
def demo_build(
    *,
    schools: int = 12,
    students: int = 3000,
    password: str = DEFAULT_PASSWORD,
    seed: int = 2568,
    today: datetime.date | None = None,
) -> DemoResult:
    rng = random.Random(seed)
    today = today or timezone.localdate()
    password_hash = make_password(password)

    with scopes_disabled():
        year_be = AcademicYear.be_year_for(today)
        academic_year = AcademicYear.objects.filter(year=year_be).first() or academic_year_create(
            year=year_be
        )
        district = District.objects.create(
            code=DEMO_DISTRICT_CODE,
            name="สำนักงานเขตพื้นที่การศึกษาประถมศึกษาขอนแก่น เขต 1 (ข้อมูลสาธิต)",
            level=District.Level.PRIMARY,
            province="ขอนแก่น",
        )
        network_count = max(3, math.ceil(schools / 12))
        networks = [
            Network.objects.create(
                district=district,
                name=f"กลุ่มเครือข่ายที่ {i + 1} {names.AMPHOES[i % len(names.AMPHOES)]}",
                amphoe=names.AMPHOES[i % len(names.AMPHOES)],
            )
            for i in range(network_count)
        ]

        # Schools, with sizes that vary like real ones.
        weights = [rng.uniform(0.4, 1.8) for _ in range(schools)]
        scale = students / sum(weights)
        sizes = [max(20, round(w * scale)) for w in weights]
        sizes[-1] = max(20, students - sum(sizes[:-1]))
        school_rows = []
        for i in range(schools):
            village = names.VILLAGES[i % len(names.VILLAGES)]
            suffix = "" if i < len(names.VILLAGES) else f" {i // len(names.VILLAGES) + 1}"
            n = sizes[i]
            size = (
                School.Size.SMALL
                if n <= 120
                else School.Size.MEDIUM
                if n <= 600
                else School.Size.LARGE
                if n <= 1500
                else School.Size.EXTRA_LARGE
            )
            school_rows.append(
                School(
                    code=f"1040{i + 1:06d}",
                    name=f"โรงเรียนบ้าน{village}{suffix}",
                    district=district,
                    network=networks[i % network_count],
                    size=size,
                )
            )
        school_objs = School.objects.bulk_create(school_rows)

        users: list[User] = []
        memberships: list[Membership] = []
        assignments: list[tuple[int, int]] = []  # (classroom index, user index)
        student_rows: list[Student] = []
        enrol_rows: list[tuple[int, int, int]] = []  # (student index, classroom index, number)
        guardian_rows: list[tuple[int, Guardian]] = []
        classroom_rows: list[Classroom] = []
        result = DemoResult(district=district, academic_year=academic_year)

        def new_user(username, prefix, first, last) -> int:
            users.append(
                User(
                    username=username,
                    prefix=prefix,
                    first_name=first,
                    last_name=last,
                    password=password_hash,
                    email=f"{username}@demo.invalid",
                )
            )
            return len(users) - 1

        def adult(female: bool | None = None):
            female = rng.random() < 0.65 if female is None else female
            pool = names.ADULT_FEMALE_NAMES if female else names.ADULT_MALE_NAMES
            prefix = rng.choice(["นาง", "นางสาว"]) if female else "นาย"
            return prefix, rng.choice(pool), _surname(rng)

        for s_index, school in enumerate(school_objs):
            grades = EXTENDED_GRADES if s_index % 3 == 2 else PRIMARY_GRADES
            per_grade = sizes[s_index] / len(grades)
            teacher_no = 0
            first_student = len(student_rows)
            for grade in grades:
                count = max(1, round(per_grade * rng.uniform(0.85, 1.15)))
                rooms = max(1, math.ceil(count / ROOM_SIZE))
                for room in range(1, rooms + 1):
                    classroom_rows.append(
                        Classroom(
                            school=school, academic_year=academic_year, grade=grade, room=room
                        )
                    )
                    c_index = len(classroom_rows) - 1
                    # Homeroom teachers: one per room, a second in about a third of the rooms.
                    for _ in range(2 if rng.random() < 0.35 else 1):
                        teacher_no += 1
                        u = new_user(f"t{school.code}-{teacher_no:02d}", *adult())
                        memberships.append(Membership(user_id=u, role=Role.HOMEROOM, school=school))
                        assignments.append((c_index, u))
                    in_room = count // rooms + (1 if room <= count % rooms else 0)
                    if s_index == 0 and grade == TEACHER1_GRADE and room == 1:
                        # Teacher1's room is a full one (the roll call of issue 20 is for 40),
                        # when the school is big enough for rooms of that size.
                        in_room = max(in_room, TEACHER1_ROOM_SIZE if per_grade >= 20 else 0)
                    pupils = []
                    for _ in range(in_room):
                        boy = rng.random() < 0.5
                        first = rng.choice(names.BOY_NAMES if boy else names.GIRL_NAMES)
                        pupils.append((boy, first, _surname(rng)))
                    # Thai class lists number the boys first, then the girls, each by name.
                    pupils.sort(key=lambda p: (not p[0], p[1], p[2]))
                    age = _age_at_start(grade)
                    for number, (boy, first, last) in enumerate(pupils, start=1):
                        senior = grade >= Grade.M4
                        prefix = (
                            ("นาย" if boy else "นางสาว")
                            if senior
                            else (Student.Prefix.BOY if boy else Student.Prefix.GIRL)
                        )
                        born = academic_year.start.replace(year=academic_year.start.year - age)
                        born -= datetime.timedelta(days=rng.randrange(365))
                        student_rows.append(
                            Student(
                                school=school,
                                student_code=f"{len(student_rows) - first_student + 1:05d}",
                                national_id=_national_id(rng),
                                prefix=prefix,
                                first_name=first,
                                last_name=last,
                                gender=Student.Gender.MALE if boy else Student.Gender.FEMALE,
                                birth_date=born,
                            )
                        )
                        st_index = len(student_rows) - 1
                        enrol_rows.append((st_index, c_index, number))
                        # Guardians: usually a parent or a grandparent (many parents work away).
                        relation = rng.choices(
                            [
                                Guardian.Relation.MOTHER,
                                Guardian.Relation.FATHER,
                                Guardian.Relation.GRANDMOTHER,
                                Guardian.Relation.GRANDFATHER,
                                Guardian.Relation.AUNT,
                            ],
                            weights=[45, 20, 22, 8, 5],
                        )[0]
                        female = relation in (
                            Guardian.Relation.MOTHER,
                            Guardian.Relation.GRANDMOTHER,
                            Guardian.Relation.AUNT,
                        )
                        g_prefix, g_first, _ = adult(female)
                        g_last = last if relation != Guardian.Relation.AUNT else _surname(rng)
                        guardian_rows.append(
                            (
                                st_index,
                                Guardian(
                                    prefix=g_prefix,
                                    first_name=g_first,
                                    last_name=g_last,
                                    relation=relation,
                                    phone=f"08{rng.randrange(10**8):08d}",
                                    occupation=rng.choice(names.OCCUPATIONS),
                                    lives_with_student=True,
                                    is_primary=True,
                                ),
                            )
                        )
                        if relation == Guardian.Relation.MOTHER and rng.random() < 0.4:
                            f_prefix, f_first, _ = adult(False)
                            guardian_rows.append(
                                (
                                    st_index,
                                    Guardian(
                                        prefix=f_prefix,
                                        first_name=f_first,
                                        last_name=last,
                                        relation=Guardian.Relation.FATHER,
                                        phone=f"09{rng.randrange(10**8):08d}",
                                        occupation=rng.choice(names.OCCUPATIONS),
                                        lives_with_student=rng.random() < 0.6,
                                    ),
                                )
                            )
            # School staff.
            for role, label in (
                (Role.COORDINATOR, "coord"),
                (Role.DIRECTOR, "dir"),
                (Role.COUNSELLOR, "guid"),
            ):
                u = new_user(f"{label}{school.code}", *adult())
                memberships.append(Membership(user_id=u, role=role, school=school))

        # The documented demo accounts take over named seats at schools 1 and 2.
        def rename(index: int, username: str) -> None:
            users[index].username = username
            users[index].email = f"{username}@demo.invalid"

        first_school, second_school = school_objs[0], school_objs[min(1, len(school_objs) - 1)]

        def homeroom_user_at(school, grade):
            for c_index, u in assignments:
                c = classroom_rows[c_index]
                if c.school is school and c.grade == grade and c.room == 1:
                    return u
            return next(u for c_index, u in assignments if classroom_rows[c_index].school is school)

        rename(homeroom_user_at(first_school, TEACHER1_GRADE), "teacher1")
        rename(homeroom_user_at(second_school, Grade.P4), "teacher2")
        for m in memberships:
            if m.school is first_school and m.role == Role.COORDINATOR:
                rename(m.user_id, "coordinator1")
            elif m.school is first_school and m.role == Role.DIRECTOR:
                rename(m.user_id, "director1")
            elif m.school is first_school and m.role == Role.COUNSELLOR:
                rename(m.user_id, "counsellor1")
        for username, role, place in (
            ("network1", Role.NETWORK_SUPERVISOR, {"network": networks[0]}),
            ("district1", Role.DISTRICT_SUPERVISOR, {"district": district}),
            ("districtadmin1", Role.DISTRICT_ADMIN, {"district": district}),
            ("obec1", Role.NATIONAL_OFFICER, {}),
        ):
            u = new_user(username, *adult())
            memberships.append(Membership(user_id=u, role=role, **place))

        user_objs = User.objects.bulk_create(users, batch_size=BATCH)
        for m in memberships:
            m.user = user_objs[m.user_id]
        Membership.objects.bulk_create(memberships, batch_size=BATCH)
        classroom_objs = Classroom.objects.bulk_create(classroom_rows, batch_size=BATCH)
        HomeroomAssignment.objects.bulk_create(
            [
                HomeroomAssignment(classroom=classroom_objs[c], teacher=user_objs[u])
                for c, u in assignments
            ],
            batch_size=BATCH,
        )
        student_objs = Student.objects.bulk_create(student_rows, batch_size=BATCH)
        Enrolment.objects.bulk_create(
            [
                Enrolment(
                    student=student_objs[s],
                    classroom=classroom_objs[c],
                    academic_year=academic_year,
                    number=n,
                )
                for s, c, n in enrol_rows
            ],
            batch_size=BATCH,
        )
        for s, guardian in guardian_rows:
            guardian.student = student_objs[s]
        Guardian.objects.bulk_create([g for _, g in guardian_rows], batch_size=BATCH)

        # Step 1: cumulative records for about 70% of the students, kept by their first
        # homeroom teacher.
        first_teacher: dict[int, User] = {}
        for c, u in assignments:
            first_teacher.setdefault(c, user_objs[u])
        result.records = records_fill(
            entries=[
                (student_objs[s], classroom_rows[c].grade, first_teacher.get(c))
                for s, c, _n in enrol_rows
            ],
            rng=random.Random(seed + 1),
            today=today,
        )

        # Step 2: screening of term 1, with the first homeroom teacher of each room as the one
        # who entered the teacher forms.
        reviewers: dict[int, int] = {}
        for c, u in assignments:
            reviewers.setdefault(classroom_objs[c].pk, user_objs[u].pk)
        result.screening = seed_screening(
            academic_year=academic_year, rng=random.Random(seed + 2), reviewers=reviewers
        )
        # Step 1: home visits of this year (demo/visits.py), by the same homeroom teachers.
        seed_visits(
            academic_year=academic_year,
            rng=random.Random(seed + 3),
            reviewers=reviewers,
            today=today,
        )
        # Steps 3-4 (demo/care.py): activities, care plans and support of the terms so far.
        seed_care(
            academic_year=academic_year,
            rng=random.Random(seed + 34),
            recorders=reviewers,
            today=today,
        )
        # The district's partner agencies and referrals in every state (demo/referrals.py).
        seed_referrals(
            academic_year=academic_year,
            rng=random.Random(seed + 50),
            agencies=seed_agencies(district, today=today),
            today=today,
        )
        # Issue 21: the district's good-practice library (demo/practices.py).
        seed_practices(district=district, schools=school_objs, today=today)
        # Dropout cases: fifteen in every step (demo/dropouts.py).
        seed_dropouts(
            district=district, schools=school_objs, rng=random.Random(seed + 60), today=today
        )
        # Issue 21: the district's calendar of deadlines and how the schools meet them
        # (demo/deadlines.py).
        seed_deadlines(
            district=district,
            networks=networks,
            schools=school_objs,
            academic_year=academic_year,
            rng=random.Random(seed + 90),
            today=today,
        )
        # Issue 21: satisfaction surveys of the district and of school 1 (demo/surveys.py).
        seed_surveys(
            district=district, schools=school_objs, rng=random.Random(seed + 95), today=today
        )
        # Issue 21: a finished round of supervision (demo/supervision.py).
        seed_supervision(
            district=district, schools=school_objs, rng=random.Random(seed + 97), today=today
        )
        # Issue 21: the district's plan of the year and the staff's training (demo/plans.py).
        seed_training(
            district=district,
            academic_year=academic_year,
            schools=school_objs,
            rng=random.Random(seed + 99),
            today=today,
        )
        seed_plans(district=district, academic_year=academic_year, today=today)
        # Issue 21: the district fund of the year, nominated, selected and paid (demo/fund.py).
        seed_fund(
            district=district,
            schools=school_objs,
            academic_year=academic_year,
            rng=random.Random(seed + 98),
            today=today,
        )
        # Issue 21: self-assessment, evaluation and awards (demo/assessments.py).
        seed_assessments(
            district=district, schools=school_objs, rng=random.Random(seed + 94), today=today
        )
        # Issue 21: committees of the district, network 1 and the schools (demo/committees.py).
        seed_committees(district=district, networks=networks, schools=school_objs, today=today)
        # Issue 20: the rolls of the term so far, behaviour, parent1 and student1 (demo/rolls.py,
        # demo/conduct.py, demo/family.py).
        family = _seed_issue20(
            academic_year=academic_year,
            schools=school_objs,
            classrooms={c.pk: c for c in classroom_objs},
            users={u.username: u for u in user_objs},
            recorders=reviewers,
            password_hash=password_hash,
            seed=seed,
            today=today,
        )
        # Issue 22: this term's dropout cases showed their signs first, and a child of
        # teacher1's room shows them now, unreported (demo/earlywarning.py).
        seed_early_warning(
            district=district,
            academic_year=academic_year,
            today=today,
            watch_classroom_id=HomeroomAssignment.objects.filter(teacher__username="teacher1")
            .values_list("classroom_id", flat=True)
            .first(),
        )
        # The dashboards: every school's figures for the terms of the year so far.
        school_ids = [school.pk for school in school_objs]
        for term in Term.objects.filter(academic_year=academic_year, start__lte=today):
            refresh(school_ids=school_ids, term=term, today=today)
        # Statistics for the planner of every table just filled, once committed (dbstats).
        analyze_tables_on_commit(apps.get_models())

    result.schools = len(school_objs)

    def room_of(username: str) -> str:
        for c, u in assignments:
            if user_objs[u].username == username:
                return str(classroom_rows[c])
        return ""

    result.students = len(student_objs)
    result.teachers = len(assignments)
    result.accounts = {
        "teacher1": f"{first_school.name} ({room_of('teacher1')})",
        "teacher2": f"{second_school.name} ({room_of('teacher2')})",
        "coordinator1": first_school.name,
        "director1": first_school.name,
        "counsellor1": first_school.name,
        "network1": networks[0].name,
        "district1": district.name,
        "districtadmin1": district.name,
        "obec1": "OBEC (national overview)",
        **family,
    }
    return result


def _seed_issue20(
    *, academic_year, schools, classrooms, users, recorders, password_hash, seed, today
) -> dict[str, str]:
    teacher1 = users["teacher1"]
    room = next(classrooms[c] for c, u in recorders.items() if u == teacher1.pk and c in classrooms)
    pick = pick_family(academic_year=academic_year, schools=schools, teacher1_classroom=room)
    school_ids = [school.pk for school in schools]
    common = {
        "academic_year": academic_year,
        "school_ids": school_ids,
        "recorders": recorders,
        "today": today,
    }
    rolls = seed_rolls(
        **common,
        rng=random.Random(seed + 70),
        streak_classroom_id=room.pk,
        keep_present={pick.child1.pk, pick.student1.pk},
    )
    seed_conduct(
        **common,
        rng=random.Random(seed + 80),
        teacher1_classroom_id=room.pk,
        discipline_user_id=users["coordinator1"].pk,
        spare={pick.child1.pk},
    )
    school_days = []
    if rolls.term is not None:
        school_days = sorted(
            Roll.objects.filter(classroom=room, period=0).values_list("date", flat=True)
        )
    return seed_family(
        pick=pick,
        password_hash=password_hash,
        today=today,
        teacher1=teacher1,
        counsellor=users.get("counsellor1"),
        school_days=school_days,
        academic_year=academic_year,
    )
