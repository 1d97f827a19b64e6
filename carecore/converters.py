"""URL converters: an address that cannot name a real object answers 404 before any query."""


class _CodeConverter:
    regex: str

    def to_python(self, value):
        return value

    def to_url(self, value):
        return value


class SchoolCodeConverter(_CodeConverter):
    """The 10-digit OBEC school code."""

    regex = "[0-9]{10}"


class DistrictCodeConverter(_CodeConverter):
    """A district office's code, as its model allows."""

    regex = "[A-Za-z0-9_.-]{1,20}"
