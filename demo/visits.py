"""Demo home visits of the academic year: about 70% of the students visited (most in June), a few
drafts waiting, some visits by phone or video with their reason, and classrooms that are uneven
(some done, some far behind), so that progress pages have something to show.

Each visit agrees with the student's cumulative record where there is one (who they live with,
the household's income, travel to school); without a record, the visit finds the family as the
record's demo would have. Free text comes from lists of sentences a Thai teacher writes.
Locations lie around each school in Khon Kaen; most from the phone with its accuracy, some typed.

Most visits go in with bulk inserts; a few in teacher1's classroom go through the services, with
drawn photos (a house, a room, the road home: no people), so the demo pages and PDF show photos.
"""

from __future__ import annotations

import datetime
import io
import random
from decimal import Decimal

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from PIL import Image, ImageDraw

from carecore.models import User
from demo.consents import seed_photo_consents
from demo.records import household_values, protection_values
from schools.models import Classroom, Grade, HomeroomAssignment
from students.models import Enrolment, FamilyRecord, ProtectionRecord, Student
from visits.models import HomeVisit
from visits.services import photo_add, visit_save

BATCH = 2000
# Khon Kaen province, where the demo district lies.
AREA = ((16.25, 16.75), (102.45, 103.05))
PHOTO_VISITS = 4  # visits of teacher1's classroom that get photos

REMOTE_REASONS = [
    "ผู้ปกครองทำงานต่างจังหวัด นัดเยี่ยมที่บ้านไม่ได้ จึงโทรคุยกับผู้ปกครองโดยตรง",
    "บิดามารดาทำงานที่กรุงเทพมหานคร กลับบ้านเฉพาะช่วงเทศกาล",
    "ทางเข้าหมู่บ้านน้ำท่วมในวันที่นัดหมาย จึงเยี่ยมทางโทรศัพท์แทน",
    "ผู้ปกครองไปทำงานรับจ้างที่ชลบุรี คุยผ่านวิดีโอคอลพร้อมนักเรียนและยาย",
]
DUTIES_YOUNG = [
    "เก็บของเล่นเข้าที่ ช่วยยกจานไปเก็บหลังกินข้าว",
    "ช่วยรดน้ำต้นไม้หน้าบ้าน",
    "พับผ้าของตัวเอง เก็บรองเท้าเข้าที่",
]
DUTIES = [
    "ช่วยกวาดบ้าน ล้างจาน และพับผ้า",
    "เลี้ยงน้องหลังเลิกเรียนระหว่างที่ผู้ปกครองยังไม่กลับจากทำงาน",
    "ช่วยพ่อแม่ทำนาในวันหยุด",
    "ให้อาหารไก่และวัวทุกเช้าก่อนมาโรงเรียน",
    "ช่วยยายขายของที่ตลาดตอนเช้าวันเสาร์อาทิตย์",
    "หุงข้าว ทำกับข้าวง่าย ๆ ให้ตายาย",
    "รดน้ำผักในสวนหลังบ้าน",
    "ช่วยเก็บมันสำปะหลังในช่วงฤดูเก็บเกี่ยว",
]
REQUESTS = [
    "อยากให้โรงเรียนช่วยดูแลเรื่องการบ้าน เพราะผู้ปกครองอ่านหนังสือไม่คล่อง",
    "ขอทุนการศึกษาเพื่อช่วยค่าใช้จ่ายในการเดินทาง",
    "ขอให้ครูแจ้งข่าวสารทางไลน์กลุ่มผู้ปกครอง",
    "อยากให้ลูกได้เรียนเสริมภาษาอังกฤษ",
    "ขอให้ช่วยติดตามเรื่องการมาโรงเรียนสาย",
    "ขอชุดนักเรียนและรองเท้าเพิ่มเติม",
    "อยากให้โรงเรียนส่งเสริมด้านกีฬาที่ลูกชอบ",
    "ไม่มีความต้องการเพิ่มเติม ขอบคุณครูที่มาเยี่ยมบ้าน",
]
ENVIRONMENT_NOTES = [
    "ถนนเข้าบ้านเป็นลูกรัง ช่วงหน้าฝนมีน้ำขังเป็นบางจุด",
    "บ้านอยู่ติดถนนสายหลัก รถวิ่งเร็ว ควรระวังตอนข้ามถนน",
    "ใกล้บ้านมีร้านขายสุราและมีคนมานั่งดื่มตอนเย็น",
    "บ้านอยู่ท้ายหมู่บ้าน ห่างจากเพื่อนบ้าน ไฟทางส่องไม่ถึง",
]
GOOD_NEWS = [
    "ผู้ปกครองเอาใจใส่เรื่องการเรียนและการมาโรงเรียนของนักเรียน",
    "นักเรียนช่วยงานบ้านเป็นประจำ มีความรับผิดชอบ",
    "บ้านสะอาด เป็นระเบียบ มีมุมให้นักเรียนทำการบ้าน",
    "นักเรียนร่าเริง พูดคุยกับครูอย่างเป็นกันเอง",
    "ครอบครัวมีเวลาทำกิจกรรมร่วมกันในวันหยุด",
]
CONCERNS = [
    "ครอบครัวมีรายได้น้อยและไม่แน่นอน ขึ้นกับฤดูกาลทำนา",
    "ผู้ปกครองสูงอายุ ช่วยสอนการบ้านได้น้อย",
    "นักเรียนใช้โทรศัพท์เล่นเกมจนดึกเกือบทุกคืน",
    "บ้านต้องซ่อมแซมหลังคาที่รั่วเมื่อฝนตก",
]
RECOMMEND_POOR = [
    "เสนอชื่อรับทุนเสมอภาค (กสศ.) และติดตามการมาเรียนทุกสัปดาห์",
    "ประสานขอรับชุดนักเรียนและอุปกรณ์การเรียนจากกองทุนของโรงเรียน",
]
RECOMMEND_FAMILY = [
    "ส่งต่อครูแนะแนวเพื่อพูดคุยและติดตามอย่างใกล้ชิด",
    "นัดพูดคุยกับผู้ปกครองอีกครั้งภายในภาคเรียนนี้",
]
RECOMMEND_USUAL = [
    "ส่งเสริมความสามารถของนักเรียนและติดตามผลการเรียนตามปกติ",
    "ประสานผู้ปกครองผ่านไลน์กลุ่มห้องเรียนอย่างสม่ำเสมอ",
    "ชมเชยและให้กำลังใจนักเรียนในการเรียนอย่างต่อเนื่อง",
]
LIVES_WITH_TEXT = {
    "both_parents": "นักเรียนอาศัยอยู่กับบิดามารดา",
    "father": "นักเรียนอาศัยอยู่กับบิดา",
    "mother": "นักเรียนอาศัยอยู่กับมารดาซึ่งเลี้ยงดูเพียงลำพัง",
    "relatives": "นักเรียนอาศัยอยู่กับป้าและญาติ",
    "other": "นักเรียนอาศัยอยู่กับผู้ปกครองที่ไม่ใช่ญาติ",
}


def _weighted(rng: random.Random, options: dict[str, int]) -> str:
    return rng.choices(list(options), weights=list(options.values()))[0]


def _some(rng: random.Random, options: dict[str, float]) -> list[str]:
    """Each option with its own probability."""
    return [name for name, p in options.items() if rng.random() < p]


def _visit_date(rng: random.Random, academic_year, today: datetime.date) -> datetime.date:
    """Mostly in June (home-visit month); some in late May and July; never after today."""
    ce = academic_year.year - 543
    roll = rng.random()
    if roll < 0.8:
        day = datetime.date(ce, 6, rng.randint(1, 30))
    elif roll < 0.9:
        day = datetime.date(ce, 5, rng.randint(17, 31))
    else:
        day = datetime.date(ce, 7, rng.randint(1, 20))
    if day > today:
        day = max(academic_year.start, today - datetime.timedelta(days=rng.randint(0, 7)))
    return day


def _met(rng: random.Random, lives_with: str, remote: bool) -> list[str]:
    if remote:
        return rng.choice([["mother"], ["father"], ["mother", "grandparent"]])
    met = {
        "grandparents": ["grandparent", "student"],
        "mother": ["mother", "student"],
        "father": ["father", "student"],
        "relatives": ["relative", "student"],
        "other": ["guardian", "student"],
    }.get(lives_with) or rng.choice(
        [["mother", "student"], ["father", "mother", "student"], ["father", "student"]]
    )
    if rng.random() < 0.2:
        met = [*met, "sibling"]
    return met


def _location(rng: random.Random, centre: tuple[float, float]) -> dict:
    roll = rng.random()
    if roll < 0.05:
        return {}
    lat = centre[0] + rng.uniform(-0.03, 0.03)
    lon = centre[1] + rng.uniform(-0.03, 0.03)
    values = {
        "latitude": Decimal(f"{lat:.6f}"),
        "longitude": Decimal(f"{lon:.6f}"),
    }
    if roll < 0.82:
        # From the phone: a few metres outdoors; tens to a hundred under a weak signal.
        accuracy = rng.randint(4, 30) if rng.random() < 0.8 else rng.randint(40, 150)
        return {**values, "location_accuracy_m": accuracy, "location_source": "device"}
    return {**values, "location_source": "typed"}


def _visit_values(
    rng: random.Random,
    *,
    family: dict,
    protection: dict,
    grade: int,
    visitor: str,
    date: datetime.date,
    centre: tuple[float, float],
) -> dict:
    """The form's values of one done visit, consistent with the family and travel facts."""
    lives_with = family["lives_with"]
    size = family["household_size"]
    income = family["income_per_month"]
    poor = income / size < 3000
    away = family["parents_status"] == "working_away"
    remote = rng.random() < (0.16 if away else 0.02)
    mode = rng.choice(["phone", "phone", "video"]) if remote else "home"

    condition = _weighted(
        rng,
        {"fair": 40, "repairs": 45, "poor": 15} if poor else {"good": 55, "fair": 40, "repairs": 5},
    )
    material = _weighted(
        rng,
        {"wood": 45, "mixed": 35, "makeshift": 10, "concrete": 10}
        if poor
        else {"concrete": 50, "mixed": 35, "wood": 15},
    )
    utilities = ["electricity"] if rng.random() < 0.99 else []
    utilities.append("tap_water" if rng.random() < 0.7 else "well_water")
    utilities += _some(
        rng,
        {
            "toilet": 0.97,
            "internet": 0.25 if poor else 0.7,
            "study_corner": 0.2 if poor else 0.55,
        },
    )
    surroundings = [
        _weighted(rng, {"quiet": 60, "remote": 15, "crowded": 8, "floods": 8, "traffic": 9})
    ]
    surroundings += _some(rng, {"alcohol": 0.06, "gambling": 0.03, "drugs": 0.02})
    risky = set(surroundings) & {"drugs", "gambling", "alcohol", "traffic", "floods"}
    safety = _weighted(
        rng,
        {"concerns": 70, "unsafe": 10, "safe": 20} if risky else {"safe": 95, "concerns": 5},
    )
    risks = protection.get("risks") or []
    if "violence" in risks:
        relations = _weighted(rng, {"conflict": 50, "violent": 50})
    else:
        relations = _weighted(
            rng,
            {"warm": 35, "ordinary": 40, "distant": 22, "conflict": 3}
            if away
            else {"warm": 58, "ordinary": 34, "distant": 5, "conflict": 3},
        )
    parenting = (
        "neglectful"
        if "neglect" in risks
        else _weighted(rng, {"caring": 68, "strict": 12, "permissive": 15, "neglectful": 5})
    )

    problems = []
    if poor and rng.random() < 0.9:
        problems.append("poverty")
    problems += _some(rng, {"learning": 0.08, "health": 0.05, "behaviour": 0.04})
    if relations in ("conflict", "violent", "distant") and rng.random() < 0.5:
        problems.append("family")
    if relations == "violent":
        problems.append("violence")
    if parenting == "neglectful":
        problems.append("neglect")
    if "substance" in risks:
        problems.append("substance")
    if poor and grade >= Grade.P5 and rng.random() < 0.05:
        problems.append("dropout")

    help_needed = []
    if "poverty" in problems:
        help_needed.append("scholarship")
        help_needed += _some(rng, {"lunch": 0.4, "uniform": 0.5})
        if (protection.get("travel_distance_km") or 0) > 5:
            help_needed.append("transport")
    if "learning" in problems:
        help_needed.append("tutoring")
    if set(problems) & {"family", "violence", "neglect", "substance"}:
        help_needed.append("counselling")
    if set(problems) & {"violence", "neglect"} and rng.random() < 0.5:
        help_needed.append("referral")
    if "health" in problems:
        help_needed.append("health")
    if condition == "poor":
        help_needed.append("housing")

    if lives_with == "grandparents":
        place = family.get("working_away_place") or "กรุงเทพมหานคร"
        first = f"นักเรียนอาศัยอยู่กับตายาย บิดามารดาไปทำงานที่{place} ส่งเงินมาให้เป็นรายเดือน"
    else:
        first = LIVES_WITH_TEXT.get(lives_with, LIVES_WITH_TEXT["both_parents"])
    second = rng.choice(CONCERNS if poor or problems else GOOD_NEWS)
    if "poverty" in problems:
        recommendation = rng.choice(RECOMMEND_POOR)
    elif set(problems) & {"family", "violence", "neglect", "substance"}:
        recommendation = rng.choice(RECOMMEND_FAMILY)
    else:
        recommendation = rng.choice(RECOMMEND_USUAL)

    values = {
        "date": date,
        "mode": mode,
        "remote_reason": rng.choice(REMOTE_REASONS) if remote else "",
        "visitors": visitor,
        "met": _met(rng, lives_with, remote),
        "ownership": _weighted(
            rng,
            {"own": 60, "relatives": 25, "rented": 8, "other": 7}
            if poor
            else {"own": 75, "relatives": 10, "rented": 10, "employer": 5},
        ),
        "condition": condition,
        "material": material,
        "utilities": utilities,
        "surroundings": surroundings,
        "safety": safety,
        "environment_note": rng.choice(ENVIRONMENT_NOTES) if risky or rng.random() < 0.1 else "",
        "lives_with": lives_with,
        "parents_status": family["parents_status"],
        "household_size": size,
        "income_per_month": income,
        "main_occupations": family["main_occupations"],
        "relations": relations,
        "parenting": parenting,
        "duties_at_home": rng.choice(DUTIES_YOUNG if grade <= Grade.P1 else DUTIES),
        "travel_mode": protection["travel_mode"],
        "travel_distance_km": protection["travel_distance_km"],
        "travel_minutes": protection["travel_minutes"],
        "travel_cost_baht": protection["travel_cost_baht"],
        "family_requests": rng.choice(REQUESTS) if rng.random() < 0.85 else "",
        "problems": problems,
        "help_needed": help_needed,
        "summary": f"{first} {second}",
        "recommendation": recommendation,
    }
    if not remote:
        values.update(_location(rng, centre))
    return values


def _draft_values(rng: random.Random, family: dict, visitor: str, date: datetime.date) -> dict:
    """A visit started on the phone and not finished: the first part of the form only."""
    return {
        "date": date,
        "mode": "home",
        "visitors": visitor,
        "met": _met(rng, family["lives_with"], False),
        "ownership": "own",
        "condition": rng.choice(["good", "fair"]),
    }


# --- drawn photos (no people) ------------------------------------------------------------------
def _jpeg(image: Image.Image) -> bytes:
    out = io.BytesIO()
    image.save(out, "JPEG", quality=85)
    return out.getvalue()


def _sky_and_ground(draw: ImageDraw.ImageDraw, w: int, h: int, horizon: int, ground) -> None:
    for y in range(horizon):
        shade = 235 - 80 * (horizon - y) // horizon
        draw.line([(0, y), (w, y)], fill=(shade - 60, shade - 20, 250))
    draw.rectangle([0, horizon, w, h], fill=ground)


def draw_house(rng: random.Random, size=(1200, 900)) -> bytes:
    """A Thai village house on stilts, from outside."""
    w, h = size
    image = Image.new("RGB", size)
    draw = ImageDraw.Draw(image)
    _sky_and_ground(draw, w, h, int(h * 0.55), (120, 150, 70))
    wall = rng.choice([(170, 120, 80), (200, 190, 160), (150, 100, 70), (190, 170, 130)])
    roof = rng.choice([(140, 40, 40), (90, 90, 100), (60, 90, 120)])
    left, right, top, floor = int(w * 0.28), int(w * 0.72), int(h * 0.3), int(h * 0.58)
    for x in (left + 20, (left + right) // 2, right - 20):  # stilts
        draw.rectangle([x - 12, floor, x + 12, int(h * 0.8)], fill=(90, 70, 50))
    draw.rectangle([left, top, right, floor], fill=wall, outline=(60, 40, 30), width=4)
    for x in range(left, right, 28):  # planks
        draw.line([(x, top), (x, floor)], fill=tuple(c - 20 for c in wall), width=2)
    draw.polygon(
        [(left - 60, top), ((left + right) // 2, int(h * 0.12)), (right + 60, top)], fill=roof
    )
    draw.rectangle([left + 60, top + 60, left + 170, top + 150], fill=(60, 80, 90))
    draw.rectangle([right - 170, top + 60, right - 60, top + 150], fill=(60, 80, 90))
    draw.rectangle(
        [(left + right) // 2 - 50, top + 70, (left + right) // 2 + 50, floor], fill=(90, 60, 40)
    )
    draw.polygon(  # stairs
        [
            ((left + right) // 2 - 50, floor),
            ((left + right) // 2 + 50, floor),
            (int(w * 0.6), int(h * 0.85)),
            (int(w * 0.48), int(h * 0.85)),
        ],
        fill=(110, 85, 60),
    )
    tree_x = rng.choice([int(w * 0.1), int(w * 0.88)])
    draw.rectangle([tree_x - 14, int(h * 0.45), tree_x + 14, int(h * 0.78)], fill=(100, 70, 40))
    draw.ellipse([tree_x - 110, int(h * 0.18), tree_x + 110, int(h * 0.5)], fill=(50, 120, 50))
    return _jpeg(image)


def draw_room(rng: random.Random, size=(1200, 900)) -> bytes:
    """Inside the house: a wall with a window, a mat on the floor, a low table and a shelf."""
    w, h = size
    image = Image.new("RGB", size, rng.choice([(215, 200, 170), (200, 210, 190), (225, 215, 200)]))
    draw = ImageDraw.Draw(image)
    draw.rectangle([0, int(h * 0.62), w, h], fill=(150, 110, 70))
    for y in range(int(h * 0.62), h, 30):
        draw.line([(0, y), (w, y)], fill=(130, 95, 60), width=2)
    draw.rectangle(
        [int(w * 0.55), int(h * 0.12), int(w * 0.85), int(h * 0.42)],
        fill=(150, 200, 230),
        outline=(90, 70, 50),
        width=10,
    )
    draw.line(
        [(int(w * 0.7), int(h * 0.12)), (int(w * 0.7), int(h * 0.42))], fill=(90, 70, 50), width=8
    )
    draw.rectangle(
        [int(w * 0.12), int(h * 0.7), int(w * 0.62), int(h * 0.9)],
        fill=rng.choice([(180, 60, 60), (60, 110, 160), (200, 160, 60)]),
    )
    draw.rectangle([int(w * 0.25), int(h * 0.66), int(w * 0.48), int(h * 0.72)], fill=(110, 75, 45))
    draw.rectangle(
        [int(w * 0.06), int(h * 0.2), int(w * 0.3), int(h * 0.58)], outline=(110, 75, 45), width=10
    )
    for shelf in (0.32, 0.45):
        draw.line(
            [(int(w * 0.06), int(h * shelf)), (int(w * 0.3), int(h * shelf))],
            fill=(110, 75, 45),
            width=8,
        )
        for i in range(6):
            x = int(w * 0.08) + i * 28
            draw.rectangle(
                [x, int(h * shelf) - 60, x + 20, int(h * shelf) - 4],
                fill=rng.choice([(200, 60, 60), (60, 120, 200), (240, 200, 80), (80, 160, 90)]),
            )
    return _jpeg(image)


def draw_road(rng: random.Random, size=(1200, 900)) -> bytes:
    """The dirt road to the house, between rice fields."""
    w, h = size
    image = Image.new("RGB", size)
    draw = ImageDraw.Draw(image)
    horizon = int(h * 0.42)
    _sky_and_ground(draw, w, h, horizon, rng.choice([(110, 170, 60), (150, 170, 80)]))
    draw.polygon(
        [
            (int(w * 0.47), horizon),
            (int(w * 0.53), horizon),
            (int(w * 0.85), h),
            (int(w * 0.15), h),
        ],
        fill=(190, 140, 90),
    )
    for x in range(0, w, 60):
        draw.line([(x, horizon + 10), (x - 40, h)], fill=(90, 140, 50), width=3)
    for x in (int(w * 0.2), int(w * 0.8)):
        draw.rectangle([x - 8, horizon - 80, x + 8, horizon + 20], fill=(100, 70, 40))
        draw.ellipse([x - 60, horizon - 170, x + 60, horizon - 60], fill=(60, 120, 50))
    return _jpeg(image)


def _photos_add(rng: random.Random, visit: HomeVisit, user: User, third: bool) -> int:
    pictures = [("outside", draw_house(rng)), ("inside", draw_room(rng))]
    if third:
        pictures.append(("other", draw_road(rng)))
    for kind, content in pictures:
        photo_add(
            visit=visit,
            upload=SimpleUploadedFile("photo.jpg", content, content_type="image/jpeg"),
            kind=kind,
            user=user,
        )
    return len(pictures)


# --- the seed ----------------------------------------------------------------------------------
def _classroom_shares(rng: random.Random, classroom_ids: list[int], photo_room: int | None):
    """Share of each classroom's students visited: a quarter of the rooms done, a quarter far
    behind, half most of the way (dealt out, not drawn, so the school's total stays near 70%);
    teacher1's room most of the way but not done."""
    kinds = (["done", "most", "behind", "most"] * (len(classroom_ids) // 4 + 1))[
        : len(classroom_ids)
    ]
    rng.shuffle(kinds)
    shares = {}
    for pk, kind in zip(classroom_ids, kinds, strict=True):
        if pk == photo_room:
            shares[pk] = 0.7
            continue
        shares[pk] = {
            "done": 1.0,
            "behind": rng.uniform(0.3, 0.5),
            "most": rng.uniform(0.55, 0.85),
        }[kind]
    return shares


def seed_visits(
    *,
    academic_year,
    rng: random.Random,
    reviewers: dict[int, int],
    today: datetime.date | None = None,
) -> dict:
    """Home visits of ``academic_year`` for the enrolled students (run inside scopes_disabled).

    ``reviewers`` maps a classroom id to the id of one of its homeroom teachers, who is recorded
    as the visitor. Returns the numbers made: visits done, drafts, photos."""
    today = today or timezone.localdate()
    if today < academic_year.start:
        return {"visits": 0, "drafts": 0, "photos": 0}
    enrolments = list(
        Enrolment.objects.filter(academic_year=academic_year)
        .values_list("student_id", "classroom_id", "classroom__school_id", "classroom__grade")
        .order_by("classroom_id", "number")
    )
    student_ids = [e[0] for e in enrolments]
    family_fields = [
        "lives_with",
        "parents_status",
        "working_away_place",
        "household_size",
        "income_per_month",
        "main_occupations",
    ]
    travel_fields = ["travel_mode", "travel_distance_km", "travel_minutes", "travel_cost_baht"]
    families = {
        row["student_id"]: row
        for row in FamilyRecord.objects.filter(student_id__in=student_ids).values(
            "student_id", *family_fields
        )
    }
    protections = {
        row["student_id"]: row
        for row in ProtectionRecord.objects.filter(student_id__in=student_ids).values(
            "student_id", "risks", *travel_fields
        )
    }
    teachers = {u.pk: u for u in User.objects.filter(pk__in=set(reviewers.values()))}
    photo_room = (
        HomeroomAssignment.objects.filter(
            teacher__username="teacher1", classroom__academic_year=academic_year
        )
        .values_list("classroom_id", flat=True)
        .first()
    )
    if photo_room is not None:
        # Photos need the guardian's consent (docs/privacy.md): teacher1's room has it.
        seed_photo_consents(classroom_id=photo_room, given_on=min(today, academic_year.start))
    rooms: dict[int, list[tuple[int, int, int]]] = {}
    for student_id, classroom_id, school_id, grade in enrolments:
        rooms.setdefault(classroom_id, []).append((student_id, school_id, grade))
    shares = _classroom_shares(rng, list(rooms), photo_room)
    centres: dict[int, tuple[float, float]] = {}
    tz = timezone.get_current_timezone()

    rows: list[HomeVisit] = []
    with_photos: list[tuple[int, int, dict]] = []  # (student id, classroom id, values)
    drafts = 0
    for classroom_id, pupils in rooms.items():
        teacher = teachers.get(reviewers.get(classroom_id))
        visitor = teacher.display_name if teacher else "ครูประจำชั้น"
        done_count = round(shares[classroom_id] * len(pupils))
        if classroom_id == photo_room:
            done_count = min(done_count, len(pupils) - 1)
        done = set(rng.sample(range(len(pupils)), done_count))
        for index, (student_id, school_id, grade) in enumerate(pupils):
            centre = centres.setdefault(school_id, (rng.uniform(*AREA[0]), rng.uniform(*AREA[1])))
            family = families.get(student_id) or household_values(rng)
            protection = protections.get(student_id) or {
                "risks": [],
                **protection_values(rng, rng.random() < 0.4),
            }
            date = _visit_date(rng, academic_year, today)
            common = {
                "school_id": school_id,
                "student_id": student_id,
                "academic_year": academic_year,
                "classroom_id": classroom_id,
                "recorded_by": teacher,
                "updated_by": teacher,
            }
            if index in done:
                values = _visit_values(
                    rng,
                    family=family,
                    protection=protection,
                    grade=grade,
                    visitor=visitor,
                    date=date,
                    centre=centre,
                )
                if classroom_id == photo_room and len(with_photos) < PHOTO_VISITS:
                    with_photos.append((student_id, classroom_id, values))
                    continue
                completed = datetime.datetime.combine(date, datetime.time(17, 30), tzinfo=tz)
                rows.append(
                    HomeVisit(
                        **common,
                        **values,
                        status=HomeVisit.Status.DONE,
                        completed_at=completed,
                    )
                )
            elif rng.random() < 0.1:
                drafts += 1
                rows.append(
                    HomeVisit(
                        **common,
                        **_draft_values(rng, family, visitor, date),
                        status=HomeVisit.Status.DRAFT,
                    )
                )
    HomeVisit.objects.bulk_create(rows, batch_size=BATCH)

    # A few visits of teacher1's classroom as the teacher records them, with photos.
    photos = 0
    if with_photos:
        classroom = Classroom.objects.select_related("school").get(pk=photo_room)
        user = teachers.get(reviewers.get(photo_room)) or User.objects.get(username="teacher1")
        students = Student.objects.in_bulk([s for s, _c, _v in with_photos])
        for i, (student_id, _classroom_id, values) in enumerate(with_photos):
            visit = visit_save(
                student=students[student_id],
                data=values,
                done=True,
                user=user,
                classroom=classroom,
                academic_year=academic_year,
            ).visit
            photos += _photos_add(rng, visit, user, third=i % 2 == 0)
    done_total = sum(1 for r in rows if r.status == HomeVisit.Status.DONE) + len(with_photos)
    return {"visits": done_total, "drafts": drafts, "photos": photos}
