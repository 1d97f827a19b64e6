import io

from django import forms
from django.contrib.auth import password_validation
from django.core.files.base import ContentFile
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _
from PIL import Image, ImageOps, UnidentifiedImageError

from carecore.forms import ModelMultipleChoiceField, refuse_too_large
from carecore.models import SCHOOL_ROLES, Role, User


def school_role_choices():
    return [(r.value, r.label) for r in Role if r in SCHOOL_ROLES]


class StaffDetailsForm(forms.Form):
    prefix = forms.CharField(label=_("Prefix"), max_length=30, required=False)
    first_name = forms.CharField(label=_("First name"), max_length=150)
    last_name = forms.CharField(label=_("Last name"), max_length=150)
    email = forms.EmailField(
        label=_("E-mail"),
        required=False,
        help_text=_("Optional. Needed to reset a forgotten password by e-mail."),
    )
    phone = forms.CharField(label=_("Phone"), max_length=20, required=False)

    def __init__(self, *args, user=None, **kwargs):
        self.user = user
        super().__init__(*args, **kwargs)

    def clean_email(self):
        email = self.cleaned_data["email"].strip()
        if email:
            others = User.objects.filter(email__iexact=email)
            if self.user is not None:
                others = others.exclude(pk=self.user.pk)
            if others.exists():
                raise forms.ValidationError(_("Another account already uses this e-mail address."))
        return email


class PasswordMixin:
    def _check_password(self, field, user):
        password = self.cleaned_data.get(field)
        if password:
            try:
                password_validation.validate_password(password, user)
            except forms.ValidationError as error:
                self.add_error(field, error)
        return password


class StaffCreateForm(PasswordMixin, StaffDetailsForm):
    username = forms.RegexField(
        label=_("Username"),
        max_length=150,
        regex=r"^[\w.@+-]+$",
        help_text=_("Letters, digits and . @ + - _ only. Used to log in."),
    )
    password = forms.CharField(
        label=_("Initial password"),
        widget=forms.PasswordInput(render_value=True, attrs={"autocomplete": "new-password"}),
        help_text=_("Give it to the person; they can change it after logging in."),
    )
    field_order = ["username", "prefix", "first_name", "last_name", "email", "phone", "password"]

    ACCOUNT_FIELDS = ("username", "password", "prefix", "first_name", "last_name", "email", "phone")

    def account_fields(self) -> dict:
        """The cleaned values that staff_account_create takes as they are."""
        return {name: self.cleaned_data[name] for name in self.ACCOUNT_FIELDS}

    def clean_username(self):
        username = self.cleaned_data["username"]
        if User.objects.filter(username__iexact=username).exists():
            raise forms.ValidationError(_("This username is already taken."))
        return username

    def clean(self):
        cleaned = super().clean()
        candidate = User(
            username=cleaned.get("username", ""),
            first_name=cleaned.get("first_name", ""),
            last_name=cleaned.get("last_name", ""),
            email=cleaned.get("email", ""),
        )
        self._check_password("password", candidate)
        return cleaned


class RoleCheckboxes(forms.CheckboxSelectMultiple):
    """Role checkboxes; the roles the person filling the form may not give or take (``locked``)
    are shown, ticked or not, but cannot be changed."""

    def __init__(self, *args, locked=frozenset(), **kwargs):
        self.locked = frozenset(locked)
        super().__init__(*args, **kwargs)

    def create_option(self, name, value, *args, **kwargs):
        option = super().create_option(name, value, *args, **kwargs)
        if value in self.locked:
            option["attrs"]["disabled"] = True
        return option


LOCKED_ROLES_HELP = _(
    "Only the district administrator gives or takes the roles of director and coordinator; "
    "nobody gives a role at or above their own."
)


class SchoolStaffCreateForm(StaffCreateForm):
    roles = forms.MultipleChoiceField(
        label=_("Roles at this school"),
        choices=school_role_choices,
        widget=RoleCheckboxes,
    )

    def __init__(self, *args, grantable=None, **kwargs):
        """``grantable``: the roles the creator may give (carecore.access.can_grant_role)."""
        super().__init__(*args, **kwargs)
        if grantable is not None:
            field = self.fields["roles"]
            field.choices = [(v, label) for v, label in school_role_choices() if v in grantable]
            field.help_text = LOCKED_ROLES_HELP


class StaffEditForm(PasswordMixin, StaffDetailsForm):
    new_password = forms.CharField(
        label=_("New password"),
        required=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        help_text=_(
            "Leave empty to keep the current password. A password you set must be changed by "
            "its owner at their next log-in."
        ),
    )
    reset_two_factor = forms.BooleanField(
        label=_("Turn off two-factor authentication"),
        required=False,
        help_text=_(
            "When the person lost the phone with their authenticator app: they set it up again "
            "at their next log-in."
        ),
    )

    def __init__(self, *args, can_reset_two_factor: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        if not can_reset_two_factor:
            del self.fields["reset_two_factor"]

    def details(self) -> dict:
        """The cleaned values that staff_account_update takes."""
        return {k: v for k, v in self.cleaned_data.items() if k != "reset_two_factor"}

    def clean(self):
        cleaned = super().clean()
        self._check_password("new_password", self.user)
        return cleaned


class SchoolRolesForm(forms.Form):
    roles = forms.MultipleChoiceField(
        label=_("Roles at this school"),
        choices=school_role_choices,
        widget=RoleCheckboxes,
        required=False,
        help_text=_("Remove every role to take the person off this school."),
    )

    def __init__(self, *args, is_self=False, grantable=None, current=(), **kwargs):
        """``grantable``: the roles the person filling the form may give or take (all school
        roles when None); the others keep their ``current`` state whatever is posted."""
        self.is_self = is_self
        self.current = set(current)
        all_roles = {v for v, _label in school_role_choices()}
        self.grantable = all_roles if grantable is None else set(grantable) & all_roles
        super().__init__(*args, **kwargs)
        locked = all_roles - self.grantable
        if locked:
            field = self.fields["roles"]
            field.widget.locked = frozenset(locked)
            field.help_text = format_lazy(
                "{} {}",
                _("Remove every role to take the person off this school."),
                LOCKED_ROLES_HELP,
            )

    def clean_roles(self):
        submitted = set(self.cleaned_data["roles"])
        locked = {v for v, _label in school_role_choices()} - self.grantable
        if (submitted - self.current) & locked:
            raise forms.ValidationError(LOCKED_ROLES_HELP, code="locked_role")
        # Locked roles cannot be changed here: a browser does not send disabled boxes, so they
        # keep their current state.
        roles = (submitted & self.grantable) | (self.current & locked)
        if self.is_self and Role.COORDINATOR in self.current and Role.COORDINATOR not in roles:
            raise forms.ValidationError(
                _("You cannot remove your own coordinator role; ask another coordinator.")
            )
        return roles


class HomeroomTeachersForm(forms.Form):
    teachers = ModelMultipleChoiceField(
        label=_("Homeroom teachers"),
        queryset=User.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        required=False,
        help_text=_("Only staff with the homeroom teacher role at this school are listed."),
    )

    def __init__(self, *args, candidates, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["teachers"].queryset = candidates
        self.fields["teachers"].label_from_instance = lambda u: u.display_name


# --- school document settings ------------------------------------------------------------------
EMBLEM_MAX_BYTES = 2 * 1024 * 1024
EMBLEM_MAX_SIDE = 600
# A small file can still decode to a huge image (a "decompression bomb"): refuse those before
# decoding them.
EMBLEM_MAX_PIXELS = 40_000_000


def emblem_normalize(upload) -> ContentFile:
    """A PNG or JPEG upload as a PNG of at most 600 px a side, turned upright, without EXIF or
    other metadata. Raises ValidationError for anything else."""
    not_an_image = forms.ValidationError(
        _("This file is not a PNG or JPEG image. Choose a picture of the emblem."),
        code="not_image",
    )
    refuse_too_large(
        upload,
        EMBLEM_MAX_BYTES,
        _("This file is too large (%(size)s MB). An emblem may be at most 2 MB."),
    )
    try:
        with Image.open(upload) as image:
            if image.format not in ("PNG", "JPEG"):
                raise not_an_image
            if image.width * image.height > EMBLEM_MAX_PIXELS:
                raise forms.ValidationError(
                    _("This image is too large (%(width)s × %(height)s pixels)."),
                    code="too_many_pixels",
                    params={"width": image.width, "height": image.height},
                )
            image.draft("RGB", (EMBLEM_MAX_SIDE * 2, EMBLEM_MAX_SIDE * 2))  # JPEG: decode small
            image = ImageOps.exif_transpose(image)
            image.thumbnail((EMBLEM_MAX_SIDE, EMBLEM_MAX_SIDE), Image.Resampling.LANCZOS)
            if image.mode not in ("RGB", "RGBA", "L", "LA"):
                image = image.convert("RGBA")
            out = io.BytesIO()
            # Only the pixels: no exif, text chunks or other metadata are passed to save().
            image.save(out, "PNG", optimize=True)
    except (UnidentifiedImageError, OSError, ValueError, Image.DecompressionBombError):
        raise not_an_image from None
    return ContentFile(out.getvalue(), name="emblem.png")


class SchoolSettingsForm(forms.Form):
    emblem = forms.FileField(
        label=_("Emblem"),
        required=False,
        widget=forms.FileInput(attrs={"accept": "image/png,image/jpeg"}),
        help_text=_(
            "PNG or JPEG, at most 2 MB. Printed at the top of the school's documents; "
            "shrunk to 600 pixels if larger."
        ),
    )
    remove_emblem = forms.BooleanField(label=_("Remove the emblem"), required=False)
    document_thai_digits = forms.BooleanField(
        label=_("Use Thai digits on documents"),
        required=False,
        help_text=_("Numbers and dates on the school's documents are printed as ๑ ๒ ๓."),
    )

    def __init__(self, *args, has_emblem: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        if not has_emblem:
            del self.fields["remove_emblem"]

    def clean_emblem(self) -> ContentFile | None:
        upload = self.cleaned_data.get("emblem")
        return emblem_normalize(upload) if upload else None
