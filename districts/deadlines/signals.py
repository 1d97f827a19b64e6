from django.db.models.signals import post_delete
from django.dispatch import receiver

from districts.deadlines.models import Completion


@receiver(post_delete, sender=Completion, dispatch_uid="deadlines_completion_file")
def completion_file_delete(sender, instance, **kwargs):
    """A school's file goes with its mark of done (taken back, or the deadline removed)."""
    if instance.file:
        instance.file.delete(save=False)
