"""allauth's forms as this project needs them (settings.ACCOUNT_FORMS)."""

from allauth.account.forms import ChangePasswordForm
from django import forms
from django.utils.translation import gettext_lazy as _


class OwnPasswordChangeForm(ChangePasswordForm):
    """The password change: the new password must differ from the current one, so that a
    password someone else set (and knows) is really replaced."""

    def clean_password1(self):
        password = self.cleaned_data.get("password1")
        if password and self.user is not None and self.user.check_password(password):
            raise forms.ValidationError(
                _("Choose a password different from your current one."), code="same_password"
            )
        return password
