"""The forms of the family's way in (docs/portal.md, "Accounts"): a slip's code, the account it
makes, a phone number and the code texted to it."""

from __future__ import annotations

from django import forms
from django.contrib.auth import password_validation
from django.contrib.auth.validators import UnicodeUsernameValidator
from django.utils.translation import gettext_lazy as _

from carecore.sms import phone_normalise
from students.family_services import username_problem


def _large(extra_class: str = "", **attrs) -> forms.TextInput:
    """A large box for a phone: one thing to type, by thumb."""
    return forms.TextInput(attrs={"class": f"form-control form-control-lg {extra_class}", **attrs})


def _mobile(typed: str) -> str:
    """A Thai mobile number as ten digits, or the form's error."""
    phone = phone_normalise(typed)
    if not phone:
        raise forms.ValidationError(
            _("Type a mobile number of 10 digits, for example 081 234 5678.")
        )
    return phone


class SlipCodeForm(forms.Form):
    code = forms.CharField(
        label=_("Code on the slip"),
        max_length=40,
        widget=_large(
            "text-uppercase font-monospace",
            placeholder="ABCDE-FGH23",
            autocomplete="off",
            autocapitalize="characters",
            spellcheck="false",
        ),
    )


class FamilyAccountForm(forms.Form):
    """A username and a password (twice); a parent may leave a phone number. For a student who
    has an account already, the username is theirs and only the password is asked."""

    username = forms.CharField(
        label=_("Username"),
        max_length=40,
        validators=[UnicodeUsernameValidator()],
        help_text=_("Letters, digits and @ . + - _ only; you type it to log in."),
        widget=forms.TextInput(attrs={"autocomplete": "username", "autocapitalize": "none"}),
    )
    password1 = forms.CharField(
        label=_("Password"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        help_text=_("At least 8 characters, not only digits."),
    )
    password2 = forms.CharField(
        label=_("The password again"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )
    phone = forms.CharField(
        label=_("Mobile phone number (optional)"),
        max_length=20,
        required=False,
        widget=forms.TextInput(attrs={"inputmode": "tel", "autocomplete": "tel"}),
    )

    def __init__(self, *args, existing_username: str = "", with_phone: bool = True, **kwargs):
        super().__init__(*args, **kwargs)
        self.existing_username = existing_username
        if existing_username:
            del self.fields["username"]
        if not with_phone:
            del self.fields["phone"]

    def clean_username(self):
        username = self.cleaned_data["username"].strip()
        problem = username_problem(username)
        if problem:
            raise forms.ValidationError(problem)
        return username

    def clean_phone(self):
        typed = self.cleaned_data.get("phone", "")
        return _mobile(typed) if typed else ""

    def clean(self):
        cleaned = super().clean()
        one, two = cleaned.get("password1"), cleaned.get("password2")
        if one and two and one != two:
            self.add_error("password2", _("The two passwords are not the same."))
        elif one:
            try:
                password_validation.validate_password(one)
            except forms.ValidationError as error:
                self.add_error("password1", error)
        return cleaned


class PhoneForm(forms.Form):
    phone = forms.CharField(
        label=_("Mobile phone number"),
        max_length=20,
        widget=_large(inputmode="tel", autocomplete="tel", placeholder="08x xxx xxxx"),
    )

    def clean_phone(self):
        return _mobile(self.cleaned_data["phone"])


class SmsCodeForm(forms.Form):
    code = forms.CharField(
        label=_("The 6-digit code in the SMS"),
        max_length=12,
        widget=_large("font-monospace", inputmode="numeric", autocomplete="one-time-code"),
    )
