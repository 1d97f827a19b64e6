"""In a real browser: the district adds a partner agency on a phone (a bad phone number is
refused and what was typed stays), a school's counsellor finds it in the directory, and the
referral letter to it prints with the acknowledgement slip."""

import subprocess

import pytest
from django.utils import timezone
from django_scopes import scope

from referrals import services
from referrals.models import Agency, Referral
from tests.browser.helpers import log_in, no_sideways_scroll

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

AGENCY = "โรงพยาบาลจิตเวชขอนแก่นราชนครินทร์"


def test_district_adds_an_agency_and_the_school_prints_a_letter_to_it(
    world,
    live_server,
    page_factory,
    screenshot,
    tmp_path,
):
    district = f"{live_server.url}/d/{world.a.district.code}"
    page = page_factory(width=390, height=844)
    log_in(page, live_server.url, world.a.users["district_supervisor"].username)
    page.goto(f"{district}/")
    page.click("#district-agencies")
    page.click("#agency-new")
    page.fill("input[name=name]", AGENCY)
    page.select_option("select[name=kind]", "psychiatry")
    page.fill("input[name=phone]", "043-20")
    page.fill("textarea[name=contact_people]", "นางสาวกนกวรรณ ทองดี, นักจิตวิทยาคลินิก, 086-555-0119")
    page.check("input[name=mou_signed]")
    page.fill("input[name=mou_date]", "01/06/2567")
    page.click("#agency-form button[type=submit]")
    page.wait_for_load_state()
    assert page.locator("input[name=phone].is-invalid").count() == 1
    assert page.input_value("input[name=name]") == AGENCY  # kept
    assert no_sideways_scroll(page)
    screenshot(page, "agency-form-error-phone")
    page.fill("input[name=phone]", "043 209 990")
    page.click("#agency-form button[type=submit]")
    page.wait_for_load_state()
    card = page.locator("#agency-cards .agency").first
    assert card.get_attribute("data-mou") == "yes"
    assert card.locator("a[href='tel:043209990']").count() == 1
    assert no_sideways_scroll(page)
    screenshot(page, "agency-list-phone")

    agency = Agency.objects.get(district=world.a.district)
    with scope(school=world.a.school.pk):
        referral = services.referral_create(
            student=world.a.student,
            kind=Referral.Kind.EXTERNAL,
            sender=world.a.users["counsellor"],
            agency=agency,
            reason="ซึมเศร้า แยกตัวจากเพื่อน",
            what_is_asked="ขอให้ประเมินและบำบัด",
            sensitive_notes="ข้อมูลลับห้ามพิมพ์",
            consent=Referral.Consent.GIVEN,
            consent_by="นางสมศรี ทดสอบ (มารดา)",
            consent_on=timezone.localdate(),
        )

    school = f"{live_server.url}/s/{world.a.school.code}"
    page = page_factory(width=1280, height=900)
    log_in(page, live_server.url, world.a.users["counsellor"].username)
    page.goto(f"{school}/referrals/agencies/")
    assert page.locator(f"#agency-{agency.pk}").count() == 1
    page.goto(f"{school}/referrals/{referral.pk}/")
    page.click("#print-letter")
    job = page.locator("#referral-print-jobs .generated-file[data-status=done]")
    job.wait_for(timeout=60_000)
    screenshot(page, "referral-letter-printed-desktop")
    with page.expect_download() as info:
        job.locator("a[download]").click()
    path = tmp_path / "letter.pdf"
    info.value.save_as(path)
    text = subprocess.run(
        ["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True, check=True
    ).stdout
    assert world.a.student.last_name in text
    assert referral.number in text
    assert "ข้อมูลลับห้ามพิมพ์" not in text
