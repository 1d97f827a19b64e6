"""The form for recording a care activity: one form for every kind, with the kind-specific
fields shown for the chosen kind (every field is there without JavaScript).

The students that may be ticked, and the students a buddy pair may name, are limited to
``allowed`` (carecore.access.students_for_user): posting any other student's id is an error and
nothing is saved.
"""

from __future__ import annotations

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from care.models import ActivityKind, ContactMethod
from carecore.forms import ModelMultipleChoiceField, ThaiDateField, refuse_too_large

ATTACHMENT_MAX_BYTES = 10 * 1024 * 1024
# What an attachment may be, by extension, and the first bytes such a file starts with.
ZIP, OLE = (b"PK\x03\x04",), (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1",)
ATTACHMENT_TYPES: dict[str, tuple[tuple[bytes, ...], str]] = {
    "pdf": ((b"%PDF-",), "application/pdf"),
    "jpg": ((b"\xff\xd8\xff",), "image/jpeg"),
    "jpeg": ((b"\xff\xd8\xff",), "image/jpeg"),
    "png": ((b"\x89PNG\r\n\x1a\n",), "image/png"),
    "docx": (ZIP, "application/vnd.openxmlformats-officedocument.wordprocessingml.document"),
    "xlsx": (ZIP, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
    "pptx": (ZIP, "application/vnd.openxmlformats-officedocument.presentationml.presentation"),
    "odt": (ZIP, "application/vnd.oasis.opendocument.text"),
    "ods": (ZIP, "application/vnd.oasis.opendocument.spreadsheet"),
    "doc": (OLE, "application/msword"),
    "xls": (OLE, "application/vnd.ms-excel"),
    "ppt": (OLE, "application/vnd.ms-powerpoint"),
}
PAIR_ROWS = 5


def attachment_content_type(name: str) -> str:
    ext = name.rsplit(".", 1)[-1].lower() if "." in name else ""
    return ATTACHMENT_TYPES.get(ext, ((), "application/octet-stream"))[1]


def validate_attachment(upload) -> None:
    ext = upload.name.rsplit(".", 1)[-1].lower() if "." in upload.name else ""
    if ext not in ATTACHMENT_TYPES:
        raise forms.ValidationError(
            _(
                "Attach a PDF, a picture (JPEG, PNG) or an Office document (Word, Excel, "
                "PowerPoint)."
            ),
            code="type",
        )
    refuse_too_large(
        upload,
        ATTACHMENT_MAX_BYTES,
        _("This file is too large (%(size)s MB). An attachment may be at most 10 MB."),
    )
    upload.seek(0)
    head = upload.read(16)
    upload.seek(0)
    if not any(head.startswith(magic) for magic in ATTACHMENT_TYPES[ext][0]):
        raise forms.ValidationError(
            _("This file is not what its name says (.%(ext)s). Choose the file again."),
            code="content",
            params={"ext": ext},
        )


class StudentChoiceField(ModelMultipleChoiceField):
    default_error_messages = {
        "invalid_choice": _(
            "A chosen student is not one you may record care for. Nothing was saved."
        ),
        "invalid_pk_value": _("“%(pk)s” is not a student."),
    }


class PairStudentField(forms.ModelChoiceField):
    default_error_messages = {
        "invalid_choice": _(
            "A chosen student is not one you may record care for. Nothing was saved."
        ),
    }


class ActivityForm(forms.Form):
    kind = forms.ChoiceField(
        label=_("Kind of activity"), choices=ActivityKind.choices, widget=forms.RadioSelect
    )
    date = ThaiDateField(label=_("Date"))
    topic = forms.CharField(label=_("Topic"), max_length=200)
    students = StudentChoiceField(label=_("Students who took part"), queryset=None, required=False)
    notes = forms.CharField(
        label=_("Notes"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    # Counselling session.
    sensitive_notes = forms.CharField(
        label=_("Counselling notes"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_(
            "Seen only by the student's homeroom teachers, the guidance counsellor and the "
            "director; every reading is recorded in the audit log."
        ),
    )
    # Classroom parent meeting.
    parents_present = forms.IntegerField(
        label=_("Parents present"),
        required=False,
        min_value=0,
        max_value=999,
        widget=forms.NumberInput(attrs={"inputmode": "numeric"}),
        error_messages={
            "min_value": _("Enter the number of parents present (0 or more)."),
            "max_value": _("Enter the number of parents present (at most 999)."),
            "invalid": _("Enter the number of parents present as a whole number."),
        },
    )
    issues = forms.CharField(
        label=_("Issues raised"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    agreements = forms.CharField(
        label=_("Agreements"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    # Buddy pairs and remedial teaching.
    subject = forms.CharField(label=_("Subject"), required=False, max_length=100)
    # Contact with parents.
    method = forms.ChoiceField(
        label=_("How"),
        required=False,
        choices=ContactMethod.choices,
        widget=forms.RadioSelect,
    )
    attachment = forms.FileField(
        label=_("Attachment"),
        required=False,
        help_text=_("A PDF, picture or Office document, at most 10 MB."),
    )
    remove_attachment = forms.BooleanField(label=_("Remove the attachment"), required=False)

    def __init__(self, *args, allowed, pair_rows: int = PAIR_ROWS, has_attachment=False, **kw):
        super().__init__(*args, **kw)
        self.fields["students"].queryset = allowed
        self.fields["date"].initial = timezone.localdate()
        if not has_attachment:
            del self.fields["remove_attachment"]
        self.pair_rows = pair_rows
        for i in range(1, pair_rows + 1):
            for side in ("helper", "helped"):
                self.fields[f"pair_{i}_{side}"] = PairStudentField(
                    queryset=allowed, required=False, label=""
                )
        for name in ("date", "topic", "notes", "sensitive_notes", "parents_present", "issues"):
            attrs = self.fields[name].widget.attrs
            attrs["class"] = (attrs.get("class", "") + " form-control").strip()
        for name in ("agreements", "subject", "attachment"):
            self.fields[name].widget.attrs["class"] = "form-control"

    def pair_fields(self):
        return [
            (i, self[f"pair_{i}_helper"], self[f"pair_{i}_helped"])
            for i in range(1, self.pair_rows + 1)
        ]

    def clean_attachment(self):
        upload = self.cleaned_data.get("attachment")
        if upload:
            validate_attachment(upload)
        return upload

    def clean_topic(self):
        return self.cleaned_data["topic"].strip()

    def clean_date(self):
        date = self.cleaned_data["date"]
        if date and date > timezone.localdate():
            raise forms.ValidationError(
                _("The date is in the future. Record an activity after it took place."),
                code="future",
            )
        return date

    def clean(self):
        data = super().clean()
        kind = data.get("kind")
        if kind == ActivityKind.BUDDY:
            pairs, seen = [], set()
            for i in range(1, self.pair_rows + 1):
                helper, helped = data.get(f"pair_{i}_helper"), data.get(f"pair_{i}_helped")
                if f"pair_{i}_helper" in self.errors or f"pair_{i}_helped" in self.errors:
                    continue
                if not helper and not helped:
                    continue
                if not helper or not helped:
                    self.add_error(
                        f"pair_{i}_helper",
                        _("Pair %(n)s: choose both the helper and the student helped.") % {"n": i},
                    )
                    continue
                if helper.pk == helped.pk:
                    self.add_error(
                        f"pair_{i}_helper",
                        _("Pair %(n)s: a student cannot help themselves.") % {"n": i},
                    )
                    continue
                if helper.pk in seen or helped.pk in seen:
                    self.add_error(
                        f"pair_{i}_helper",
                        _("Pair %(n)s: a student can be in one pair only.") % {"n": i},
                    )
                    continue
                seen |= {helper.pk, helped.pk}
                pairs.append((helper, helped))
            if not pairs and not any(k.startswith("pair_") for k in self.errors):
                self.add_error(None, _("Buddy pairs: choose at least one pair."))
            if not data.get("subject"):
                self.add_error("subject", _("Which subject do the buddies work on?"))
            data["pairs"] = pairs
        else:
            data["pairs"] = []
            if not data.get("students") and "students" not in self.errors:
                self.add_error("students", _("Tick at least one student."))
        if kind == ActivityKind.REMEDIAL and not data.get("subject"):
            self.add_error("subject", _("Which subject is taught?"))
        if kind == ActivityKind.PARENT_CONTACT and not data.get("method"):
            self.add_error("method", _("How were the parents contacted?"))
        if (
            kind == ActivityKind.PARENT_MEETING
            and data.get("parents_present") is None
            and "parents_present" not in self.errors
        ):
            self.add_error("parents_present", _("How many parents came?"))
        return data

    def details(self) -> dict:
        data = self.cleaned_data
        return {
            "parents_present": data.get("parents_present"),
            "issues": (data.get("issues") or "").strip(),
            "agreements": (data.get("agreements") or "").strip(),
            "subject": (data.get("subject") or "").strip(),
            "method": data.get("method") or "",
        }

    @staticmethod
    def initial_from(activity) -> dict:
        details = activity.details or {}
        initial = {
            "kind": activity.kind,
            "date": activity.date,
            "topic": activity.topic,
            "notes": activity.notes,
            "sensitive_notes": activity.sensitive_notes,
            "parents_present": details.get("parents_present"),
            "issues": details.get("issues", ""),
            "agreements": details.get("agreements", ""),
            "subject": details.get("subject", ""),
            "method": details.get("method", ""),
        }
        return initial
