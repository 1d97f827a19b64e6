"""The supervision form a district starts from: the five steps of the student care system, each
rated on four levels with a checklist of what the supervisors look for (after the OBEC
supervision forms the seeds' districts use: /work/shared/seeds/, "นิเทศ ติดตาม"). The texts are
the district's own data once saved (it rewrites them on its form page), so they are Thai here,
not in the catalogue."""

DEFAULT_LEVELS = 4
LEVEL_CHOICES = (4, 5)
STEPS = 5
MAX_ITEMS = 12

DEFAULT_STEPS = [
    {
        "title": "การรู้จักนักเรียนเป็นรายบุคคล",
        "levels": DEFAULT_LEVELS,
        "items": [
            "มีข้อมูลนักเรียนรายบุคคลครบทุกคนและเป็นปัจจุบัน",
            "ครูที่ปรึกษาเยี่ยมบ้านนักเรียนครบทุกคน",
            "นำข้อมูลนักเรียนไปใช้วางแผนการดูแลช่วยเหลือ",
        ],
    },
    {
        "title": "การคัดกรองนักเรียน",
        "levels": DEFAULT_LEVELS,
        "items": [
            "มีเกณฑ์การคัดกรองที่ชัดเจน",
            "คัดกรองนักเรียนครบทุกคน (SDQ และข้อมูลรอบด้าน)",
            "จัดกลุ่มนักเรียนปกติ กลุ่มเสี่ยง กลุ่มมีปัญหา และกลุ่มพิเศษ",
        ],
    },
    {
        "title": "การส่งเสริมและพัฒนานักเรียน",
        "levels": DEFAULT_LEVELS,
        "items": [
            "จัดกิจกรรมโฮมรูมอย่างสม่ำเสมอ",
            "จัดประชุมผู้ปกครองชั้นเรียน (Classroom Meeting)",
            "จัดกิจกรรมพัฒนาผู้เรียนตามความสนใจและความถนัด",
        ],
    },
    {
        "title": "การป้องกันและแก้ไขปัญหา",
        "levels": DEFAULT_LEVELS,
        "items": [
            "ให้คำปรึกษาเบื้องต้นแก่นักเรียนกลุ่มเสี่ยงและกลุ่มมีปัญหา",
            "จัดกิจกรรมป้องกันและแก้ไขปัญหาตามสภาพปัญหา",
            "บันทึกผลการช่วยเหลือนักเรียนเป็นรายกรณี",
        ],
    },
    {
        "title": "การส่งต่อ",
        "levels": DEFAULT_LEVELS,
        "items": [
            "มีแนวทางการส่งต่อภายในโรงเรียน",
            "ประสานการส่งต่อภายนอกกับหน่วยงานที่เกี่ยวข้อง",
            "ติดตามผลนักเรียนหลังการส่งต่อ",
        ],
    },
]
