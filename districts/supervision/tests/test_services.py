"""Supervision's services: the district's form (default, saved, kept by earlier rounds), a
round's schools, a visit recorded then sent (a sent visit is not changed), the school's answer
(every recommendation answered), and the summary's means per network."""

import pytest
from django.core.exceptions import ValidationError
from django_scopes import scopes_disabled

from districts.supervision import selectors, services
from districts.supervision.defaults import DEFAULT_STEPS
from districts.supervision.models import Visit, VisitStep
from districts.supervision.tests.factories import entries, make_round, make_visit


@pytest.mark.django_db
class TestForm:
    def test_the_default_form_has_the_five_steps(self, world):
        steps = services.form_steps(world.a.district)
        assert len(steps) == 5 and steps[0]["title"] == "การรู้จักนักเรียนเป็นรายบุคคล"
        assert all(s["levels"] == 4 and s["items"] for s in steps)

    def test_a_round_keeps_the_form_it_was_planned_with(self, world):
        a = world.a
        first = make_round(a)
        changed = [dict(s) for s in DEFAULT_STEPS]
        changed[0] = {"title": "รู้จักนักเรียน", "levels": 5, "items": ["ข้อ 1", " ", "ข้อ 2"]}
        form = services.form_save(
            district=a.district, steps=changed, user=a.users["district_admin"], revision=None
        )
        assert form.steps[0] == {"title": "รู้จักนักเรียน", "levels": 5, "items": ["ข้อ 1", "ข้อ 2"]}
        second = make_round(a)
        assert first.form[0]["levels"] == 4 and second.form[0]["levels"] == 5
        with pytest.raises(services.StaleForm):
            services.form_save(
                district=a.district, steps=changed, user=a.users["district_admin"], revision=9
            )

    def test_a_step_has_four_or_five_levels(self, world):
        bad = [dict(s) for s in DEFAULT_STEPS]
        bad[2] = dict(bad[2], levels=3)
        with pytest.raises(ValidationError):
            services.form_save(district=world.a.district, steps=bad, user=None, revision=None)


@pytest.mark.django_db
class TestVisit:
    def test_schools_of_another_district_are_refused(self, world):
        with pytest.raises(ValidationError):
            make_round(world.a, schools=[world.b.school])

    def test_a_draft_then_sent_then_answered(self, world):
        a = world.a
        round_ = make_round(a)
        visit = make_visit(a, round_, send=False, levels=(3, None, 4, 1, 3))
        assert visit.status == Visit.Status.DRAFT
        with pytest.raises(ValidationError):  # every step rated before sending
            make_visit(a, round_, send=True, levels=(3, None, 4, 1, 3))
        visit = make_visit(
            a, round_, recommendations_2="จัดทำเกณฑ์การคัดกรองให้ชัดเจน", findings_2="ยังไม่ครบ"
        )
        assert visit.status == Visit.Status.SENT and visit.sent_at is not None
        with scopes_disabled():
            assert VisitStep.objects.filter(visit=visit).count() == 5
            step = VisitStep.objects.get(visit=visit, number=2)
        assert step.level == 2 and step.ticks == [True, False, True]
        with pytest.raises(ValidationError):  # sent: not changed any more
            make_visit(a, round_)
        with scopes_disabled(), pytest.raises(ValidationError):
            services.visit_answer(visit=visit, actions={}, user=a.users["director"], revision=None)
        with scopes_disabled():
            answered = services.visit_answer(
                visit=visit,
                actions={2: "ประชุมครูกำหนดเกณฑ์ภายในเดือนนี้"},
                user=a.users["director"],
                revision=visit.revision,
            )
            step.refresh_from_db()
        assert (
            answered.status == Visit.Status.ANSWERED and answered.answered_by == a.users["director"]
        )
        assert step.actions == "ประชุมครูกำหนดเกณฑ์ภายในเดือนนี้"

    def test_a_level_above_the_step_is_refused(self, world):
        round_ = make_round(world.a)
        with scopes_disabled(), pytest.raises(ValidationError):
            services.visit_save(
                round_=round_, school=world.a.school, visited_on=round_.starts_on, overall="",
                entries=entries((5, 1, 1, 1, 1)), user=None,
            )  # fmt: skip

    def test_a_school_outside_the_round_is_refused(self, world):
        from schools.models import School

        other = School.objects.create(
            code="1049999999", name="โรงเรียนอื่น", district=world.a.district
        )
        round_ = make_round(world.a)
        with pytest.raises(ValidationError):
            make_visit(world.a, round_, school=other)


@pytest.mark.django_db
def test_the_summary_gives_the_mean_level_per_step_and_network(world):
    from districts.models import Network
    from schools.models import School

    a = world.a
    second = Network.objects.create(district=a.district, name="เครือข่ายสอง")
    s2 = School.objects.create(
        code="1048888881", name="โรงเรียนสอง", district=a.district, network=a.network
    )
    s3 = School.objects.create(
        code="1048888882", name="โรงเรียนสาม", district=a.district, network=second
    )
    round_ = make_round(a, schools=[a.school, s2, s3])
    make_visit(a, round_, levels=(4, 2, 4, 1, 3))
    make_visit(a, round_, school=s2, levels=(2, 2, 3, 2, 3))
    make_visit(a, round_, school=s3, levels=(1, 1, 1, 1, 1), send=False)  # a draft: not counted
    with scopes_disabled():
        summary = selectors.summary(round_)
    assert summary.visits == 2
    assert [p.name for p in summary.places] == [a.network.name]
    cells = summary.places[0].cells
    assert [c.mean for c in cells] == [3.0, 2.0, 3.5, 1.5, 3.0]
    assert [c.weak for c in cells] == [False, True, False, True, False]
    assert summary.overall.cells[2].mean == 3.5
