from carecore.access import get_access


def navigation(request):
    """The places (schools, networks, districts) the user works at, for the menu."""
    if not getattr(request, "user", None) or not request.user.is_authenticated:
        return {}
    return {"nav_places": get_access(request).places}
