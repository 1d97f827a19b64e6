"""Forms of the good-practice library. They validate only; the views hand the values to
districts/practices/services.py."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from care.activities.forms import validate_attachment
from carecore.forms import SELECT, TEXT, long_text, short_text
from districts.practices.models import Practice, PracticeFile, Step

# What a photo may be: the rest goes through the attachment rules (PDF, Office documents).
PHOTO_EXTENSIONS = {"jpg", "jpeg", "png", "webp", "gif", "heic", "heif"}
# The reminder on every form that writes or sends a practice.
NO_CHILD_NOTE = _(
    "A good practice is read by every school of the district: name no student, and use no "
    "photo in which a child can be recognised (photograph the activity from behind, or the "
    "work, not the faces)."
)


class PracticeForm(forms.Form):
    revision = forms.IntegerField(widget=forms.HiddenInput, required=False)
    title = short_text(
        pgettext_lazy("good practice", "Title"), help_text=_("The name of the project or activity.")
    )
    step = forms.ChoiceField(
        label=_("Step of the care system"),
        choices=[("", "---------"), *Step.choices],
        widget=forms.Select(attrs=SELECT),
    )
    owners = short_text(_("Teachers responsible"), max_length=300, required=False)
    summary = long_text(
        pgettext_lazy("good practice", "Summary"),
        rows=4,
        help_text=_("In a few lines: what the problem was and what you did."),
    )
    steps_taken = long_text(
        _("How it was done"),
        rows=8,
        max_length=20000,
        help_text=_("The steps, in order, so that another school can do the same."),
    )
    results = long_text(
        pgettext_lazy("good practice", "Results"),
        rows=5,
        max_length=20000,
        help_text=_("What changed, with figures where you have them."),
    )

    @classmethod
    def initial_from(cls, practice: Practice) -> dict:
        return {"revision": practice.revision} | {
            name: getattr(practice, name)
            for name in ("title", "step", "owners", "summary", "steps_taken", "results")
        }

    def values(self) -> dict:
        return {name: value for name, value in self.cleaned_data.items() if name != "revision"}


class FileForm(forms.Form):
    """One photo or document at a time (a phone's camera opens for a photo)."""

    file = forms.FileField(
        label=_("Photo or document"),
        help_text=_(
            "A photo (JPEG, PNG) is made smaller and loses its location; a document may be a "
            "PDF or an Office file of at most 10 MB."
        ),
        widget=forms.ClearableFileInput(attrs=TEXT),
    )
    caption = short_text(_("Caption"), required=False)

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if self.kind_of(upload) == PracticeFile.Kind.DOCUMENT:
            validate_attachment(upload)
        return upload

    @staticmethod
    def kind_of(upload) -> str:
        ext = upload.name.rsplit(".", 1)[-1].lower() if "." in upload.name else ""
        return PracticeFile.Kind.PHOTO if ext in PHOTO_EXTENSIONS else PracticeFile.Kind.DOCUMENT


class SubmitForm(forms.Form):
    no_child = forms.BooleanField(
        label=_("No student is named in it, and no child can be recognised in its photos."),
        error_messages={"required": _("Check the practice, then tick this box.")},
    )


class ReviewForm(forms.Form):
    """The district's answer: publish, or send back with what to change."""

    class Decision:
        PUBLISH = "publish"
        SEND_BACK = "send_back"

    decision = forms.ChoiceField(
        label=_("Decision"),
        choices=[
            (Decision.PUBLISH, _("Publish it to the whole district")),
            (Decision.SEND_BACK, _("Send it back to the school for changes")),
        ],
        widget=forms.RadioSelect,
    )
    comment = long_text(
        _("Comment to the school"),
        rows=3,
        required=False,
        help_text=_("Required when you send it back: what should change."),
    )
    checked = forms.BooleanField(
        label=_("I checked it: no student is named, and no child can be recognised in its photos."),
        required=False,
    )

    def clean(self):
        cleaned = super().clean()
        decision = cleaned.get("decision")
        if decision == self.Decision.PUBLISH and not cleaned.get("checked"):
            self.add_error("checked", _("Check the texts and photos before publishing."))
        if decision == self.Decision.SEND_BACK and not (cleaned.get("comment") or "").strip():
            self.add_error("comment", _("Write what the school should change."))
        return cleaned


class TakeDownForm(forms.Form):
    """A published practice back to its school (a name or a face slipped through)."""

    comment = long_text(_("Why it is taken down"), rows=3)


class LibraryFilterForm(forms.Form):
    q = forms.CharField(
        label=_("Search"),
        required=False,
        max_length=200,
        widget=forms.TextInput(
            attrs={**TEXT, "type": "search", "placeholder": _("e.g. drugs, home visits")}
        ),
    )
    step = forms.ChoiceField(
        label=_("Step"),
        required=False,
        choices=[("", _("Every step")), *Step.choices],
        widget=forms.Select(attrs=SELECT),
    )

    def filters(self) -> dict:
        if not self.is_valid():
            return {"query": "", "step": ""}
        return {"query": self.cleaned_data["q"], "step": self.cleaned_data["step"]}
