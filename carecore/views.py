from django.conf import settings
from django.views.decorators.http import require_POST
from django.views.i18n import set_language as django_set_language


@require_POST
def set_language(request):
    """Switch the language, and remember it on the account so that documents made for this
    person later (PDFs, e-mails) use it too."""
    response = django_set_language(request)
    language = request.POST.get("language")
    if (
        request.user.is_authenticated
        and language in dict(settings.LANGUAGES)
        and request.user.language != language
    ):
        request.user.language = language
        request.user.save(update_fields=["language"])
    return response


# --- notifications ---------------------------------------------------------------------------
from django.contrib.auth.decorators import login_required  # noqa: E402
from django.http import Http404  # noqa: E402
from django.shortcuts import redirect, render  # noqa: E402
from django.utils import timezone  # noqa: E402
from django.utils.http import url_has_allowed_host_and_scheme  # noqa: E402

from carecore.models import Notification  # noqa: E402
from carecore.notifications import notification_mark_read  # noqa: E402


@login_required
def notification_list(request):
    """Everything that waited for this person, unread first (the last 100)."""
    notifications = list(
        Notification.objects.filter(user=request.user).order_by("read", "-created", "-id")[:100]
    )
    return render(request, "carecore/notification_list.html", {"notifications": notifications})


@login_required
def notification_open(request, notification_id: int):
    """Mark one as read and go to its page (where the access layer decides again)."""
    notification = Notification.objects.filter(pk=notification_id, user=request.user).first()
    if notification is None:
        raise Http404
    notification_mark_read(notification)
    if not url_has_allowed_host_and_scheme(notification.url, allowed_hosts=None):
        raise Http404
    return redirect(notification.url)


@require_POST
@login_required
def notifications_mark_all_read(request):
    Notification.objects.filter(user=request.user, read__isnull=True).update(read=timezone.now())
    return redirect("notification_list")
