from django.db.models.signals import post_delete
from django.dispatch import receiver

from visits.models import VisitPhoto


@receiver(post_delete, sender=VisitPhoto)
def visit_photo_remove_from_storage(sender, instance, **kwargs):
    if instance.image:
        instance.image.delete(save=False)
