from django.contrib import admin

from districts.models import District, Network


@admin.register(District)
class DistrictAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "level", "province"]


@admin.register(Network)
class NetworkAdmin(admin.ModelAdmin):
    list_display = ["name", "district", "amphoe"]
    list_filter = ["district"]
