"""A homeroom teacher records a home visit where there is no signal: the classroom's visit page
was opened once with a signal (the service worker kept it and the visit forms it links to); with
no signal the form opens from the phone, the photo is made smaller on the phone and kept with the
answers in IndexedDB; the tab is closed; a new tab with a signal sends the queue, and the visit is
saved once, with its photo at most 1600 px on its long side."""

import io
import re
import urllib.request
from pathlib import Path

import pytest
from django_scopes import scopes_disabled
from PIL import Image

from conftest import give_photo_consent, make_student
from tests.browser.helpers import log_in
from visits.models import HomeVisit, VisitPhoto

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SHOTS = Path("/tmp/offline")  # noqa: S108 (screenshots to look at, outside the checkout)
QUEUE = """() => new Promise((resolve, reject) => {
  const open = indexedDB.open("carecare-visits", 2);
  open.onerror = () => reject(open.error);
  open.onsuccess = () => {
    const tx = open.result.transaction(["forms", "photos"]);
    const all = tx.objectStore("forms").getAll();
    const blobs = tx.objectStore("photos").getAll();
    tx.oncomplete = () => resolve(all.result.map(e => ({
      state: e.state, url: e.url, summary: e.fields.summary,
      blobs: blobs.result.map(b => ({size: b.size, type: b.type})),
      photos: e.photos})));
  };
})"""

KEPT_PAGES = """async () => {
  const pages = [];
  for (const name of await caches.keys()) {
    if (!name.startsWith("carecare-pages-")) continue;
    for (const request of await (await caches.open(name)).keys()) pages.push(request.url);
  }
  return pages;
}"""


def camera_photo(path) -> Path:
    """A phone camera's photo: 4000 x 3000, a few MB (noise does not compress), with EXIF."""
    image = Image.effect_noise((4000, 3000), 60).convert("RGB")
    exif = Image.Exif()
    exif[0x0110] = "PhoneCam 12"
    out = io.BytesIO()
    image.save(out, "JPEG", quality=95, exif=exif.tobytes())
    path.write_bytes(out.getvalue())
    return path


def shot(page, name, at=None):
    """A screenshot to look at: the whole page, or the phone's screen around ``at``."""
    SHOTS.mkdir(exist_ok=True)
    if at is not None:
        page.locator(at).first.scroll_into_view_if_needed()
    page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=at is None)


def test_a_visit_recorded_with_no_signal_is_sent_once_when_the_signal_returns(
    world, live_server, page_factory, tmp_path
):
    a = world.a
    with scopes_disabled():
        make_student(a.school, a.classroom, 8100, number=2)
    give_photo_consent(a.student)
    base = live_server.url
    classroom_visits = f"{base}/s/{a.school.code}/visits/classrooms/{a.classroom.pk}/"
    new_visit = f"{base}/s/{a.school.code}/visits/students/{a.student.pk}/new/"

    page = page_factory(width=375, height=812, locale="th-TH")
    context = page.context
    log_in(page, base, a.users["homeroom"].username)

    # With a signal, once: the service worker keeps the classroom's page and its visit forms.
    page.goto(classroom_visits)
    assert page.evaluate("window.visitOfflineReady") is True
    assert page.evaluate("navigator.serviceWorker.controller !== null")

    # No signal: the classroom's page and the form open from the phone.
    context.set_offline(True)
    response = page.goto(classroom_visits)
    assert response.from_service_worker and response.headers.get("x-kept-at")
    page.locator("#offline-status[data-state=kept]").wait_for()
    shot(page, "classroom-offline")
    page.locator(f"a[href$='/visits/students/{a.student.pk}/new/']").click()
    page.wait_for_load_state()
    assert page.url == new_visit
    assert page.locator("#visit-form").is_visible()
    page.locator("#offline-status[data-state=kept]").wait_for()

    page.locator("label[for=id_met_1]").click()  # mother
    page.fill("#id_summary", "บ้านไม้ริมทุ่ง ไม่มีสัญญาณโทรศัพท์ แม่ดูแลใกล้ชิด")
    original = camera_photo(tmp_path / "IMG_4000.jpg")
    page.set_input_files("#id_outside", str(original))
    page.locator("[data-photo-note] img").wait_for()
    note = page.locator("[data-photo-note]").inner_text()
    assert "4000×3000" in note and "1600×1200" in note
    page.locator("button[name=action][value=done]").click()
    page.locator("#offline-status[data-state=queued]").wait_for()
    assert "บันทึกไว้ในเครื่องแล้ว จะส่งเมื่อมีสัญญาณ" in page.locator("#offline-status").inner_text()
    [queued] = page.evaluate(QUEUE)
    assert queued["state"] == "queued" and queued["url"] == new_visit
    photo = queued["photos"]["outside"]
    assert photo["type"] == "image/jpeg" and (photo["width"], photo["height"]) == (1600, 1200)
    assert photo["size"] < original.stat().st_size / 4
    assert queued["blobs"] == [{"size": photo["size"], "type": "image/jpeg"}]
    print(
        f"photo on the phone: {photo['before']['width']}x{photo['before']['height']} "
        f"{original.stat().st_size} bytes -> {photo['width']}x{photo['height']} "
        f"{photo['size']} bytes"
    )
    shot(page, "form-queued-offline", at="#offline-status")
    shot(page, "form-queued-offline-photo", at="[data-photo-note]")
    with scopes_disabled():
        assert not HomeVisit.objects.exists()

    # The tab is closed with no signal; later a new tab opens with a signal.
    page.close()
    context.set_offline(False)
    again = context.new_page()
    # No token to hand (the page kept on the phone had a stale one): the queue asks the form's
    # page for a fresh one before it sends.
    again.add_init_script("document.cookie = 'csrftoken=; Max-Age=0; path=/'")
    again.goto(classroom_visits)
    again.locator("#offline-status[data-state=sent]").wait_for(timeout=20000)
    assert "ส่งแล้ว" in again.locator("#offline-status").inner_text()
    assert again.evaluate(QUEUE) == []
    shot(again, "classroom-sent")

    with scopes_disabled():
        visit = HomeVisit.objects.get()
        stored = VisitPhoto.objects.get(visit=visit)
        image = Image.open(stored.image.path)
        assert visit.status == HomeVisit.Status.DONE and visit.student_id == a.student.pk
        assert max(image.size) <= 1600 and not image.getexif()
        print(f"stored on the server: {image.size} {Path(stored.image.path).stat().st_size} bytes")

    # Opening a visit page again sends nothing twice.
    again.goto(classroom_visits)
    again.evaluate("window.visitOfflineReady")
    with scopes_disabled():
        assert HomeVisit.objects.count() == 1 and VisitPhoto.objects.count() == 1
    assert again.locator("#visit-progress .progress-count").get_attribute("data-visited") == "1"

    # Logging out deletes the pages kept on the phone. (The other tab is closed first: a tab of
    # the same account still fetching a page while another logs out can keep it again until the
    # next log-in, which forgets every kept page; see docs/visits.md.)
    again.close()
    last = context.new_page()
    last.goto(classroom_visits)
    assert last.evaluate(KEPT_PAGES)
    last.evaluate("document.querySelector(\"form[action$='/accounts/logout/']\").submit()")
    last.wait_for_url(re.compile(r"/accounts/login/"))
    for _ in range(75):  # the worker deletes them while the login page loads (slow CI: 15 s)
        if last.evaluate(KEPT_PAGES) == []:
            break
        last.wait_for_timeout(200)
    assert last.evaluate(KEPT_PAGES) == []


def test_the_form_online_on_a_phone(world, live_server, page_factory, tmp_path):
    """The same form with a signal: the photo is made smaller before it is sent, and a tab closed
    before saving loses neither the answers nor the photo."""
    a = world.a
    give_photo_consent(a.student)
    base = live_server.url
    page = page_factory(width=375, height=812, locale="th-TH")
    log_in(page, base, a.users["homeroom"].username)
    page.goto(f"{base}/s/{a.school.code}/visits/students/{a.student.pk}/new/")
    page.evaluate("window.visitOfflineReady")
    page.set_input_files("#id_outside", str(camera_photo(tmp_path / "IMG_1.jpg")))
    page.locator("[data-photo-note] img").wait_for()
    page.locator("label[for=id_met_1]").click()
    page.fill("#id_summary", "บ้านปูน ครอบครัวอบอุ่น")
    page.wait_for_timeout(800)  # the answers are kept a moment after typing stops

    # The tab is closed before saving: the answers and the photo come back with the form.
    url = page.url
    context = page.context
    page.close()
    page = context.new_page()
    page.goto(url)
    page.locator("#draft-restored").wait_for()
    page.locator("[data-photo-note] img").wait_for()
    assert page.input_value("#id_summary") == "บ้านปูน ครอบครัวอบอุ่น"
    assert "1600×1200" in page.locator("[data-photo-note]").inner_text()
    shot(page, "form-online", at="[data-photo-note]")
    page.locator("button[name=action][value=done]").click()
    page.wait_for_url(re.compile(r"/visits/\d+/(record/)?\?saved=new"))
    with scopes_disabled():
        stored = VisitPhoto.objects.get()
        assert Image.open(stored.image.path).size == (1600, 1200)


def test_the_service_worker_is_served_at_the_root_and_allowed(live_server):
    """/sw.js (static/root) has a stable address whatever the static manifest hashes, and its
    scope is the whole site; the pages' policy allows workers from the site only."""
    with urllib.request.urlopen(f"{live_server.url}/sw.js") as response:
        assert response.status == 200
        assert "javascript" in response.headers["Content-Type"]
        assert b"carecare-pages-" in response.read()
    with urllib.request.urlopen(f"{live_server.url}/accounts/login/") as response:
        assert "worker-src 'self'" in response.headers["Content-Security-Policy"]
