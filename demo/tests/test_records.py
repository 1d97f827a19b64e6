"""The demo's cumulative records (demo/records.py): about 70% of the students, with the variety
of a rural district, some records started but not finished."""

import pytest
from django_scopes import scopes_disabled

from demo.world import demo_build
from students.models import (
    AbilityRecord,
    FamilyRecord,
    HealthRecord,
    RecordRevision,
    Student,
    TermResult,
)


@pytest.mark.django_db
def test_the_demo_fills_about_70_percent_of_records_with_variety():
    result = demo_build(schools=2, students=200, seed=11)
    with scopes_disabled():
        students = Student.objects.count()
        families = list(FamilyRecord.objects.all())
        assert result.records == len(families)
        assert 0.55 <= len(families) / students <= 0.85
        kinds = {(f.lives_with, f.parents_status) for f in families}
        assert ("grandparents", "working_away") in kinds
        assert any(f.working_away_place == "กรุงเทพมหานคร" for f in families)
        poor = [f for f in families if f.income_per_person < 3000]
        assert poor and all(f.welfare_card for f in poor)
        assert any(f.equity_scholarship == "receiving" for f in families)
        # Some records are started but not finished; grades exist from P.2 up.
        assert HealthRecord.objects.count() < len(families)
        assert AbilityRecord.objects.count() == len(families)
        assert TermResult.objects.exists()
        assert RecordRevision.objects.filter(section="family").count() == len(families)
