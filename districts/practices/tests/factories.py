"""Good practices for tests, made through the services (a practice is what the school wrote,
then what the district did with it)."""

from __future__ import annotations

import io

from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from districts.practices import services
from districts.practices.models import Practice
from schools.models import School

TEXTS = {
    "summary": "นักเรียนชั้น ป.5 เริ่มทดลองสูบบุหรี่ไฟฟ้า ครูจึงจัดกิจกรรมแกนนำเพื่อนช่วยเพื่อน",
    "steps_taken": "1. คัดกรองนักเรียนกลุ่มเสี่ยง\n2. อบรมแกนนำ\n3. ติดตามผลทุกเดือน",
    "results": "นักเรียนกลุ่มเสี่ยงเลิกสูบได้ร้อยละ 80",
    "owners": "นางสาวสุดา ใจงาม",
}


def jpeg(width: int = 40, height: int = 30, exif: bytes | None = None) -> SimpleUploadedFile:
    image = io.BytesIO()
    options = {"exif": exif} if exif else {}
    Image.new("RGB", (width, height), "green").save(image, "JPEG", **options)
    return SimpleUploadedFile("activity.jpg", image.getvalue(), "image/jpeg")


def practice_make(
    school: School,
    user,
    *,
    title: str = "โครงการป้องกันยาเสพติดในสถานศึกษา",
    step: str = "prevent",
    status: str = Practice.Status.DRAFT,
    reviewer=None,
    **texts,
) -> Practice:
    """A practice of ``school`` written by ``user``, taken to ``status`` (sent, sent back or
    published by ``reviewer``)."""
    practice = services.practice_create(
        school=school, user=user, title=title, step=step, **(TEXTS | texts)
    )
    if status == Practice.Status.DRAFT:
        return practice
    practice = services.practice_submit(practice=practice, user=user)
    if status == Practice.Status.SENT_BACK:
        return services.practice_send_back(practice=practice, user=reviewer, comment="แก้ไข")
    if status == Practice.Status.PUBLISHED:
        return services.practice_publish(practice=practice, user=reviewer)
    return practice


def second_school(world, code: str = "1099000001", name: str = "โรงเรียนบ้านหนองโก") -> School:
    """Another school of school A's district (and network)."""
    return School.objects.create(
        code=code, name=name, district=world.a.district, network=world.a.network
    )
