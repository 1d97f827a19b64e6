"""District plans for the tests: a plan of the side's district for the world's year, with
strategies, a project and one indicator of each measure."""

from decimal import Decimal

from django_scopes import scopes_disabled

from districts.plans import services
from districts.plans.models import Indicator, Measure

STRATEGIES = [
    "พัฒนาระบบการดูแลช่วยเหลือนักเรียนของสถานศึกษาให้เข้มแข็ง",
    "พัฒนาครูและบุคลากรด้านการดูแลช่วยเหลือนักเรียน",
]


def make_plan(side, year, *, publish=False, measures=tuple(Measure.values), unit="percent"):
    user = side.users["district_supervisor"]
    with scopes_disabled():
        plan = services.plan_create(
            district=side.district,
            academic_year=year,
            title=f"แผนปฏิบัติการขับเคลื่อนระบบการดูแลช่วยเหลือนักเรียน ปีการศึกษา {year.year}",
            policy="ทุกสถานศึกษามีระบบการดูแลช่วยเหลือนักเรียนที่เข้มแข็งและมีประสิทธิภาพ",
            strategies=STRATEGIES,
            user=user,
        )
        plan = services.projects_save(
            plan=plan,
            rows=[
                services.ProjectRow(
                    strategy=1, title="โครงการนิเทศ ติดตามระบบดูแลช่วยเหลือนักเรียน",
                    owner_name="กลุ่มส่งเสริมการจัดการศึกษา", budget=Decimal("45000"),
                ),
                services.ProjectRow(
                    strategy=2, title="อบรมครูที่ปรึกษาด้านการคัดกรองนักเรียน", budget=Decimal("30500.50"),
                ),
            ],
            revision=None, user=user,
        )  # fmt: skip
        plan = services.indicators_save(
            plan=plan,
            rows=[
                services.IndicatorRow(
                    title=f"ตัวชี้วัด {m}",
                    measure=m,
                    unit=unit if m != Measure.TYPED else Indicator.Unit.PERCENT,
                    target=Decimal(90),
                    actual=Decimal(80) if m == Measure.TYPED else None,
                )
                for m in measures
            ],
            revision=None,
            user=user,
        )
        if publish:
            plan = services.plan_publish(plan=plan, user=user)
    return plan
