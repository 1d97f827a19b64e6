"""NUL bytes, lone surrogates and bytes that are not UTF-8 answer 400 with a message in the
person's language (carecore.middleware.RejectBadInputMiddleware), never 500."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import RequestFactory

from carecore.middleware import RejectBadInputMiddleware
from conftest import th

MESSAGE = (
    "Nothing was saved: what was sent holds characters the system cannot accept (such as an "
    "invisible null character or garbled text). Go back, type the text again instead of pasting "
    "it, and try once more."
)
FORM = "application/x-www-form-urlencoded"


def _page(response) -> str:
    return response.content.decode()


@pytest.fixture
def teacher(world, login):
    return login(world.a.users["homeroom"])


@pytest.mark.django_db
def test_nul_in_a_search_box_answers_400_with_the_thai_message(world, teacher):
    url = f"/s/{world.a.school.code}/referrals/agencies/"
    response = teacher.get(url, {"q": "โรงพยาบาล\x00"})
    assert response.status_code == 400
    page = _page(response)
    assert th("Request not accepted") in page
    assert th(MESSAGE) in page
    assert "ยังไม่มีการบันทึกข้อมูลใด ๆ" in page
    assert 'lang="th"' in page
    # The same search without the NUL works.
    assert teacher.get(url, {"q": "โรงพยาบาล"}).status_code == 200


@pytest.mark.django_db
def test_the_message_is_english_for_someone_who_chose_english(world, teacher, settings):
    teacher.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    response = teacher.get(f"/s/{world.a.school.code}/cases/", {"q": "\x00"})
    assert response.status_code == 400
    assert "Nothing was saved: what was sent holds characters" in _page(response)
    assert 'lang="en"' in _page(response)


@pytest.mark.django_db
def test_undecodable_bytes_in_the_query_string_answer_400(world, teacher):
    url = f"/s/{world.a.school.code}/cases/"
    assert teacher.get(url, QUERY_STRING="q=%FF%FE").status_code == 400
    assert teacher.get(url, QUERY_STRING="%C3%28=1").status_code == 400
    # Valid UTF-8 (Thai, percent-encoded) passes.
    assert teacher.get(url, QUERY_STRING="q=%E0%B8%81").status_code in (200, 403)


@pytest.mark.django_db
def test_forms_with_nul_or_undecodable_bytes_answer_400_and_save_nothing(world, login):
    from django_scopes import scopes_disabled

    from referrals.models import Agency

    client = login(world.a.users["district_supervisor"])
    url = f"/d/{world.a.district.code}/agencies/new/"
    # A URL-encoded body with bytes that are not UTF-8.
    response = client.post(url, b"name=%FF%FE&kind=hospital", content_type=FORM)
    assert response.status_code == 400
    # Multipart (what browsers send with files): NUL in a value, in a name.
    assert client.post(url, {"name": "a\x00b", "kind": "hospital"}).status_code == 400
    assert client.post(url, {"na\x00me": "x", "kind": "hospital"}).status_code == 400
    upload = SimpleUploadedFile("a.csv", b"x", "text/csv")
    assert client.post(url, {"name": "x\x00", "file": upload}).status_code == 400
    with scopes_disabled():
        assert not Agency.objects.filter(district=world.a.district).exists()


@pytest.mark.django_db
def test_nul_in_the_address_answers_400(world, teacher):
    for path in ("/d/%00/", "/f/ab%00cd/", f"/s/{world.a.school.code}/students/%00/"):
        assert teacher.get(path).status_code == 400, path


@pytest.mark.django_db
def test_anonymous_visitors_get_the_page_too():
    from django.test import Client

    response = Client().get("/f/", {"code": "\x00"})
    assert response.status_code == 400
    assert th("Request not accepted") in _page(response)


def test_ordinary_text_passes_untouched():
    seen = []
    middleware = RejectBadInputMiddleware(lambda request: seen.append(request) or "view")
    factory = RequestFactory()
    for request in (
        factory.get("/", {"q": "ด.ช. สมชาย\tใจดี\r\n", "sort": "-name", "rtl": "\u202eabc"}),
        factory.post("/", {"note": "🙂 emoji, ไทย, English; <b>'quoted'</b>"}),
        factory.post("/", "q=%E0%B8%81+%E0%B8%82", content_type=FORM),
    ):
        assert middleware(request) == "view"
    assert len(seen) == 3


def test_lone_surrogates_are_refused():
    middleware = RejectBadInputMiddleware(lambda request: "view")
    request = RequestFactory().get("/")
    request.GET = request.GET.copy()
    request.GET["q"] = "\ud800"
    assert middleware._is_bad(request)


@pytest.mark.django_db
def test_djangos_own_bad_requests_show_the_same_page_with_the_general_message(client):
    # A host name the server does not serve: Django answers 400 through templates/400.html.
    response = client.get("/", HTTP_HOST="elsewhere.example")
    assert response.status_code == 400
    page = _page(response)
    assert th("Request not accepted") in page
    assert (
        th(
            "The system could not read what was sent. Go back, check what you typed or pasted, "
            "and try once more."
        )
        in page
    )
