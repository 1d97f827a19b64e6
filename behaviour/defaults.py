"""The categories a school starts with (docs/behaviour.md), created the first time its
categories are read (``behaviour.services.school_categories``). The names are Thai, as the
schools write them on their discipline forms; the points are the usual ones of Thai schools'
conduct-point rules (ระเบียบว่าด้วยการตัดคะแนนความประพฤติ), which each school then changes on its
settings page. Sensitive categories (drugs, sexual behaviour, violence) are never told to the
parent through the portal: the counsellor tells them in person."""

from __future__ import annotations

from typing import NamedTuple


class Default(NamedTuple):
    name: str
    kind: str  # "bad" or "good"
    points: int
    sensitive: bool = False
    tell_parent: bool = True


DEFAULT_CATEGORIES: tuple[Default, ...] = (
    # Misconduct, the everyday ones: not sent to the parent one by one.
    Default("มาสาย", "bad", 5, tell_parent=False),
    Default("แต่งกายผิดระเบียบ", "bad", 5, tell_parent=False),
    Default("ทรงผมผิดระเบียบ", "bad", 5, tell_parent=False),
    Default("ใช้โทรศัพท์ในเวลาเรียนโดยไม่ได้รับอนุญาต", "bad", 5, tell_parent=False),
    Default("ไม่ส่งงานหรือไม่เข้าร่วมกิจกรรม", "bad", 5, tell_parent=False),
    # Misconduct the parent hears about.
    Default("หนีเรียนหรือออกนอกบริเวณโรงเรียน", "bad", 10),
    Default("พูดจาไม่สุภาพหรือไม่เคารพครู", "bad", 10),
    Default("ทำลายทรัพย์สินของโรงเรียน", "bad", 20),
    Default("ลักขโมย", "bad", 30),
    Default("เล่นการพนัน", "bad", 20),
    # Sensitive: violence, drugs (tobacco and alcohol with them), sexual behaviour.
    Default("ทะเลาะวิวาท", "bad", 20, sensitive=True, tell_parent=False),
    Default("ทำร้ายร่างกายผู้อื่น", "bad", 30, sensitive=True, tell_parent=False),
    Default("พกพาอาวุธ", "bad", 30, sensitive=True, tell_parent=False),
    Default("สูบบุหรี่หรือบุหรี่ไฟฟ้า", "bad", 20, sensitive=True, tell_parent=False),
    Default("ดื่มสุราหรือเครื่องดื่มแอลกอฮอล์", "bad", 20, sensitive=True, tell_parent=False),
    Default("เกี่ยวข้องกับยาเสพติด", "bad", 40, sensitive=True, tell_parent=False),
    Default("พฤติกรรมทางเพศไม่เหมาะสม", "bad", 30, sensitive=True, tell_parent=False),
    # Good deeds.
    Default("จิตอาสา", "good", 5),
    Default("ช่วยเหลือผู้อื่น", "good", 5),
    Default("เก็บของได้แล้วส่งคืน", "good", 5),
    Default("ทำชื่อเสียงให้โรงเรียน", "good", 10),
)
