"""Factories for districts and their networks."""

import factory
from factory.django import DjangoModelFactory

from districts.models import District, Network


class DistrictFactory(DjangoModelFactory):
    class Meta:
        model = District
        django_get_or_create = ("code",)

    code = factory.Sequence(lambda n: f"F{n:03d}")
    name = factory.LazyAttribute(lambda d: f"District {d.code}")
    level = District.Level.PRIMARY
    province = "ขอนแก่น"


class NetworkFactory(DjangoModelFactory):
    class Meta:
        model = Network

    district = factory.SubFactory(DistrictFactory)
    name = factory.Sequence(lambda n: f"Network {n}")
