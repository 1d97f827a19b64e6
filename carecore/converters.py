"""URL converters: an address that cannot name a real object answers 404 before any query."""


class SchoolCodeConverter:
    """The 10-digit OBEC school code."""

    regex = "[0-9]{10}"

    def to_python(self, value):
        return value

    def to_url(self, value):
        return value


class DistrictCodeConverter:
    regex = "[A-Za-z0-9_.-]{1,20}"

    def to_python(self, value):
        return value

    def to_url(self, value):
        return value
