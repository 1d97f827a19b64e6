from django import forms
from django.core.validators import MaxLengthValidator
from django.utils.translation import gettext_lazy as _

from carecore.forms import ThaiDateField
from carecore.national_id import normalize_national_id
from students.models import Guardian, Student


class StudentForm(forms.ModelForm):
    birth_date = ThaiDateField(label=_("Birth date"), required=False)

    class Meta:
        model = Student
        fields = [
            "student_code",
            "national_id",
            "prefix",
            "first_name",
            "last_name",
            "nickname",
            "gender",
            "birth_date",
        ]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # People type IDs with dashes or spaces (1-2345-67890-12-3); those are dropped in
        # clean_national_id, and the model's 13-character limit applies to what is left.
        national_id = self.fields["national_id"]
        national_id.max_length = 20
        national_id.validators = [
            v for v in national_id.validators if not isinstance(v, MaxLengthValidator)
        ]
        national_id.widget.attrs.update(
            {"inputmode": "numeric", "autocomplete": "off", "maxlength": "20"}
        )

    def _unique_in_school(self, name: str, value: str, message) -> str:
        """``value`` unless another student of the school has it as their ``name``."""
        others = Student.objects.filter(school=self.instance.school).exclude(pk=self.instance.pk)
        if others.filter(**{name: value}).exists():
            raise forms.ValidationError(message)
        return value

    def clean_national_id(self):
        value = normalize_national_id(self.cleaned_data["national_id"])
        message = _("Another student of this school has this national ID.")
        return self._unique_in_school("national_id", value, message)

    def clean_student_code(self):
        value = self.cleaned_data["student_code"].strip()
        message = _("Another student of this school has this student code.")
        return self._unique_in_school("student_code", value, message)

    def clean_birth_date(self):
        value = self.cleaned_data["birth_date"]
        if value:
            from django.utils import timezone

            if value > timezone.localdate():
                raise forms.ValidationError(_("The birth date cannot be in the future."))
        return value


class GuardianForm(forms.ModelForm):
    class Meta:
        model = Guardian
        fields = [
            "prefix",
            "first_name",
            "last_name",
            "relation",
            "phone",
            "occupation",
            "lives_with_student",
            "is_primary",
        ]
        widgets = {"phone": forms.TextInput(attrs={"inputmode": "tel"})}
