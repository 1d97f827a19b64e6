from django.db.models.signals import post_delete
from django.dispatch import receiver

from carecore.models import GeneratedFile


@receiver(post_delete, sender=GeneratedFile)
def generated_file_remove_from_storage(sender, instance, **kwargs):
    if instance.file:
        instance.file.delete(save=False)


# --- separation of duties (helper duty) ---
# The owner chose their own password (the change page, or a reset link sent to them): the one
# someone else set for them no longer has to be replaced.
def _own_password_chosen(sender, request, user, **kwargs):
    from carecore.models import User

    if getattr(user, "must_change_password", False):
        User.objects.filter(pk=user.pk).update(must_change_password=False)
        user.must_change_password = False
    signed_in = getattr(request, "user", None) if request is not None else None
    if signed_in is not None and signed_in.pk == user.pk:
        signed_in.must_change_password = False


def _connect_password_signals():
    from allauth.account.signals import password_changed, password_reset

    password_changed.connect(_own_password_chosen, dispatch_uid="duty_password_changed")
    password_reset.connect(_own_password_chosen, dispatch_uid="duty_password_reset")


_connect_password_signals()
# --- end separation of duties ---
