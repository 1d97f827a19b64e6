"""Display names for every code the screening scoring uses (raters, levels, bands, scales...).

Written in English for gettext; the official Thai names are in the comments, for translating.
"""

from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

INSTRUMENT_LABELS = {
    "sdq": _("Strengths and Difficulties Questionnaire (SDQ)"),  # แบบประเมินจุดแข็งและจุดอ่อน (SDQ)
    "eq12": _("Emotional quotient, ages 12–17 (EQ)"),  # แบบประเมินความฉลาดทางอารมณ์ อายุ 12–17 ปี
    "eq6": _("Emotional quotient, ages 6–11 (EQ)"),  # แบบประเมินความฉลาดทางอารมณ์ เด็กอายุ 6–11 ปี
}

RATER_LABELS = {
    "teacher": _("Teacher"),  # ครู
    "parent": _("Parent"),  # ผู้ปกครอง
    "student": _("Student (self-report)"),  # นักเรียนประเมินตนเอง
}

# The care-group levels an SDQ result (and any screening) gives.
LEVEL_LABELS = {
    "normal": _("Normal"),  # ปกติ
    "risk": _("At risk"),  # เสี่ยง
    "problem": pgettext_lazy("care group", "Has problems"),  # มีปัญหา
}

PROSOCIAL_BAND_LABELS = {
    "strength": _("Has strengths"),  # มีจุดแข็ง
    "no_strength": _("No strengths"),  # ไม่มีจุดแข็ง
}

# Every band an SDQ scale can fall in.
BAND_LABELS = {**LEVEL_LABELS, **PROSOCIAL_BAND_LABELS}

SCALE_LABELS = {
    "emotional": _("Emotional symptoms"),  # ด้านอารมณ์
    "conduct": _("Conduct problems"),  # ด้านความประพฤติ/เกเร
    "hyperactivity": _("Hyperactivity/inattention"),  # ด้านพฤติกรรมอยู่ไม่นิ่ง/สมาธิสั้น
    "peer": _("Peer problems"),  # ด้านความสัมพันธ์กับเพื่อน
    "prosocial": _("Prosocial behaviour (strength)"),  # ด้านสัมพันธภาพทางสังคม (จุดแข็ง)
    "total": _("Total difficulties"),  # คะแนนรวมจุดอ่อน / พฤติกรรมที่เป็นปัญหารวม
    "impact": _("Impact"),  # ผลกระทบ (ส่วนที่ 2)
}

# SDQ answers 0/1/2, in the order on paper.
SDQ_ANSWER_LABELS = {
    0: _("Not true"),  # ไม่จริง
    1: _("Somewhat true"),  # ค่อนข้างจริง
    2: _("Certainly true"),  # จริง
}

# Impact supplement: the questions (codes of sdq-key.toml) and their answers.
IMPACT_FIELD_LABELS = {
    "difficulties": _("Difficulties"),  # มีปัญหาด้านอารมณ์ สมาธิ พฤติกรรม หรือการเข้ากับผู้อื่น
    "chronicity": _("How long"),  # เป็นมานานเท่าไร
    "distress": _("Upset or distressed"),  # รู้สึกไม่สบายใจ
    "home": _("Home life"),  # ชีวิตที่บ้าน
    "friendships": _("Friendships"),  # การคบเพื่อน
    "classroom": _("Classroom learning"),  # การเรียนในห้องเรียน
    "leisure": _("Leisure activities"),  # กิจกรรมยามว่าง
    "peers": _("Getting on with other children"),  # การเข้ากับเพื่อน
    "burden": _("Burden on others"),  # เป็นภาระ
}

IMPACT_GATE_LABELS = {
    0: _("No"),  # ไม่มี
    1: _("Yes, minor difficulties"),  # มีปัญหาเล็กน้อย
    2: _("Yes, definite difficulties"),  # มีปัญหาชัดเจน
    3: _("Yes, severe difficulties"),  # มีปัญหาอย่างมาก
}

IMPACT_ANSWER_LABELS = {
    0: _("Not at all"),  # ไม่เลย
    1: _("Only a little"),  # เล็กน้อย
    2: _("Quite a lot"),  # ค่อนข้างมาก
    3: _("A great deal"),  # มาก
}

IMPACT_CHRONICITY_LABELS = {
    0: _("Less than a month"),  # น้อยกว่า 1 เดือน
    1: _("1–5 months"),  # 1–5 เดือน
    2: _("6–12 months"),  # 6–12 เดือน
    3: _("Over a year"),  # มากกว่า 1 ปี
}

# SDQ criteria versions (sdq-criteria-*.toml); a file not listed here shows its own label.
CRITERIA_LABELS = {
    "obec-1": _("OBEC practice (Thai cut-offs)"),  # เกณฑ์ สพฐ. (เกณฑ์ไทย กรมสุขภาพจิต)
    "woerner-2011": _("Woerner et al. 2011 (Thai norms)"),  # เกณฑ์ปกติไทย Woerner และคณะ 2011
}

# EQ sub-aspects (both instruments) and domains.
EQ_SCALE_LABELS = {
    # EQ 12–17
    "self_control": _("Self-control"),  # ควบคุมอารมณ์ (ควบคุมตนเอง)
    "empathy": _("Empathy"),  # เห็นใจผู้อื่น
    "responsibility": _("Responsibility"),  # รับผิดชอบ
    "motivation": _("Self-motivation"),  # มีแรงจูงใจ
    "problem_solving": _("Decision-making and problem solving"),  # ตัดสินใจและแก้ปัญหา
    "relationships": _("Interpersonal relationships"),  # สัมพันธภาพกับผู้อื่น
    "self_esteem": _("Self-esteem"),  # ภูมิใจในตนเอง
    "life_satisfaction": _("Life satisfaction"),  # พอใจในชีวิต
    "inner_peace": _("Inner peace"),  # สุขสงบทางใจ
    # EQ 6–11
    "emotion_control": _("Emotion control"),  # ควบคุมอารมณ์
    "understanding_others": _("Caring for and understanding others"),  # ใส่ใจและเข้าใจอารมณ์ผู้อื่น
    "accepting_fault": _("Owning up to mistakes"),  # ยอมรับผิด
    "perseverance": _("Perseverance"),  # มุ่งมั่นพยายาม
    "adapting_to_problems": _("Adapting to problems"),  # ปรับตัวต่อปัญหา
    "assertiveness": _("Confidence to speak up"),  # กล้าแสดงออก
    "self_satisfaction": _("Self-satisfaction"),  # พอใจในตนเอง
    "mood_adjustment": _("Coping with disappointment"),  # รู้จักปรับใจ
    "cheerfulness": _("Cheerfulness"),  # รื่นเริงเบิกบาน
}

EQ_DOMAIN_LABELS = {
    "good": _("Good (virtue)"),  # ดี
    "capable": _("Capable (competence)"),  # เก่ง
    "happy": _("Happy"),  # สุข
    "total": _("Total EQ"),  # ความฉลาดทางอารมณ์โดยรวม
}

EQ_LEVEL_LABELS = {
    # EQ 12–17: compared with the normal range
    "below": _("Below normal (should develop)"),  # ต่ำกว่าปกติ (ควรพัฒนา)
    "normal": _("Normal"),  # ปกติ
    "above": _("Above normal (strength)"),  # สูงกว่าปกติ (จุดแข็ง)
    # EQ 6–11: by T-score
    "must_develop": _("Must develop"),  # ต้องพัฒนา (T < 40)
    "should_develop": _("Should develop"),  # ควรพัฒนา (T 40–49)
    "good": _("Good"),  # ดี (T ≥ 50)
}

# EQ answers 1..4, in the order on paper.
EQ_ANSWER_LABELS = {
    "eq12": {
        1: _("Not true"),  # ไม่จริง
        2: _("Sometimes true"),  # จริงบางครั้ง
        3: _("Mostly true"),  # ค่อนข้างจริง
        4: _("Very true"),  # จริงมาก
    },
    "eq6": {
        1: _("Never"),  # ไม่เป็นเลย
        2: _("Sometimes"),  # เป็นบางครั้ง
        3: _("Often"),  # เป็นบ่อยครั้ง
        4: _("Always"),  # เป็นประจำ
    },
}
