from django.db.models.signals import post_delete
from django.dispatch import receiver

from carecore.models import GeneratedFile


@receiver(post_delete, sender=GeneratedFile)
def generated_file_remove_from_storage(sender, instance, **kwargs):
    if instance.file:
        instance.file.delete(save=False)
