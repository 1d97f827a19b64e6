"""How each person is told outside the portal (their own page), and LINE's webhook
(carecore/channels.py, docs/notifications.md)."""

from __future__ import annotations

import json
import logging

from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.db.models import Count
from django.http import Http404, HttpResponse, HttpResponseForbidden
from django.http.request import RawPostDataException
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from carecore import channels
from carecore.access import Perm, district_view
from carecore.audit import model_changes
from carecore.channel_forms import DistrictLineAccountForm
from carecore.form_views import district_settings_page
from carecore.models import LineAccount, NotificationPreference
from carecore.routes import DISTRICT, Pages

logger = logging.getLogger("carecore.channels")

Channel = NotificationPreference.Channel
WEBHOOK_MAX_BYTES = 1_000_000


class PreferenceForm(forms.ModelForm):
    class Meta:
        model = NotificationPreference
        fields = ["channel", "frequency"]
        widgets = {"channel": forms.RadioSelect, "frequency": forms.RadioSelect}
        labels = {
            "channel": gettext_lazy("Tell me"),
            "frequency": gettext_lazy("How often"),
        }

    def __init__(self, *args, line_accounts=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.line_accounts = line_accounts

    def clean_channel(self):
        channel = self.cleaned_data["channel"]
        user = self.instance.user
        if channel == Channel.EMAIL and not user.email:
            raise forms.ValidationError(
                _(
                    "Your account has no e-mail address. Choose LINE or only the system, or ask "
                    "the school's coordinator to add your address."
                )
            )
        if channel == Channel.LINE and not (self.instance.line_ready or self.line_accounts):
            raise forms.ValidationError(
                _("Your school has no LINE Official Account in the system yet.")
            )
        return channel


@login_required
def notification_settings(request):
    """The person chooses: only the system, e-mail or LINE; at once or a daily summary. LINE is
    linked by sending a code to the school's Official Account."""
    preference = channels.preference_for(request.user)
    accounts = channels.line_accounts_for(request.user)
    form = PreferenceForm(instance=preference, line_accounts=accounts)
    if request.method == "POST":
        action = request.POST.get("action")
        if action == "line_code":
            if accounts or preference.line_ready:
                request.session["line_link_code"] = channels.line_link_code_new(request.user)
            return redirect("notification_settings")
        if action == "line_unlink":
            channels.line_unlink(request.user)
            messages.success(request, _("LINE is no longer linked to your account."))
            return redirect("notification_settings")
        form = PreferenceForm(request.POST, instance=preference, line_accounts=accounts)
        if form.is_valid():
            form.save()
            messages.success(request, _("Your choice is saved."))
            return redirect("notification_settings")
    code = request.session.get("line_link_code", "")
    if code and not channels.line_link_code_valid(preference, code):
        code = ""
    return render(
        request,
        "carecore/notification_settings.html",
        {
            "form": form,
            "preference": preference,
            "line_accounts": accounts,
            "link_code": code,
            "link_code_minutes": channels.LINK_CODE_MINUTES,
            "digest_hour": f"{settings.NOTIFICATIONS_DIGEST_HOUR:02d}.00",
        },
    )


def _link_reply(account: LineAccount, event: dict) -> str | None:
    """What a text message to the account does: a link code links its sender. Other messages
    are the school's own conversation and get no answer from the system."""
    message = event.get("message") or {}
    source = event.get("source") or {}
    text = message.get("text") if message.get("type") == "text" else None
    if not isinstance(text, str) or not channels.looks_like_link_code(text):
        return None
    user_id = source.get("userId")
    if source.get("type") != "user" or not isinstance(user_id, str) or not user_id:
        return None
    user = channels.line_link_by_code(account=account, line_user_id=user_id, text=text)
    if user is None:
        return _(
            "This code is not valid or has expired. Get a new code in the Student Care "
            "System: the menu under your name, How I am told."
        )
    with translation.override(user.language or "th"):
        return _(
            "Done: the Student Care System will tell you here when something new waits for "
            "you. The messages say no more than that; open the link to read."
        )


@csrf_exempt
@require_POST
def line_webhook(request, account_id: int):
    """LINE's webhook of one Official Account: refused (403) unless X-Line-Signature is the
    body's HMAC-SHA256 under the channel secret. Answers 200 at once; replies go to a job."""
    account = LineAccount.objects.filter(pk=account_id, active=True).first()
    if account is None:
        raise Http404
    try:
        body = request.body
    except RawPostDataException:  # a form already parsed on its way in: not LINE's JSON
        return HttpResponseForbidden()
    if len(body) > WEBHOOK_MAX_BYTES or not channels.line_signature_ok(
        account, body, request.headers.get("X-Line-Signature", "")
    ):
        logger.warning("LINE webhook: bad signature for account %s", account.pk)
        return HttpResponseForbidden()
    try:
        events = json.loads(body).get("events") or []
    except (ValueError, AttributeError):
        return HttpResponse(status=400)
    replies = []
    with transaction.atomic():
        for event in events if isinstance(events, list) else []:
            if not isinstance(event, dict):
                continue
            source = event.get("source") or {}
            if event.get("type") == "unfollow" and isinstance(source.get("userId"), str):
                channels.line_unfollowed(account=account, line_user_id=source["userId"])
            elif event.get("type") == "message":
                reply = _link_reply(account, event)
                token = event.get("replyToken")
                if reply and isinstance(token, str):
                    replies.append((token, reply))
        if replies:
            transaction.on_commit(lambda: channels.line_replies_queue(account, replies))
    return HttpResponse(status=200)


# --- the district administrator's LINE Official Accounts ---------------------------------------
# The foundation's own district pages (placed by carecore/urls.py).
line_pages = Pages("line_accounts", DISTRICT + "line/")


def _owners(district) -> dict[str, str]:
    """The owner keys of the district office and its schools, with their names."""
    return {
        f"district:{district.pk}": district.name,
        **{f"school:{s.pk}": s.name for s in district.schools.order_by("name")},
    }


@line_pages("", name="list")
@district_view(Perm.MANAGE_DISTRICT_STAFF)
def line_accounts(request):
    """The LINE Official Accounts of the district office and its schools, with how many people
    have linked each."""
    owners = _owners(request.district)
    accounts = list(LineAccount.objects.filter(owner__in=owners).order_by("name", "pk"))
    linked = dict(
        NotificationPreference.objects.filter(line_account__in=accounts)
        .exclude(line_user_id="")
        .values_list("line_account")
        .annotate(n=Count("pk"))
    )
    for account in accounts:
        account.owner_name = owners[account.owner]
        account.linked = linked.get(account.pk, 0)
        account.webhook_url = settings.SITE_URL.rstrip("/") + reverse(
            "line_webhook", args=[account.pk]
        )
    return render(
        request,
        "carecore/line_accounts.html",
        {"district": request.district, "accounts": accounts},
    )


@line_pages("new/", name="new")
@line_pages("<int:account_id>/", name="edit")
@district_view(Perm.MANAGE_DISTRICT_STAFF)
def line_account_edit(request, account_id: int | None = None):
    """Add or change one account (its secret and token are typed in, never shown again)."""
    district = request.district
    account = (
        get_object_or_404(LineAccount, pk=account_id, owner__in=_owners(district))
        if account_id is not None
        else None
    )
    before = LineAccount.objects.get(pk=account.pk) if account else None
    form = DistrictLineAccountForm(
        request.POST if request.method == "POST" else None,
        instance=account or LineAccount(),
        district=district,
    )

    def save():
        saved = form.save()
        public = [
            n for n in form.public_changed_data if n not in ("channel_secret", "access_token")
        ]
        changes = model_changes(before, saved, public)
        for name in set(form.public_changed_data) - set(public):
            changes[name] = ["", "***"]  # a new secret or token: said, never recorded
        return saved, changes

    return district_settings_page(
        request,
        "carecore/line_account_form.html",
        form,
        save,
        summary=_("Changed a LINE Official Account"),
        success=_("The LINE Official Account is saved."),
        then=reverse("line_accounts:list", kwargs={"district_code": district.code}),
        account=account,
    )
