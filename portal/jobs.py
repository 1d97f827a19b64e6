"""Portal documents made by jobs (see carecore.jobs). Each area keeps its own block."""

from carecore.jobs import job_kind
from schools.jobs import can_still_see_classroom


# --- account slips for parents and students (portal.slips) --------------------------------------
@job_kind("family_slips", check=can_still_see_classroom)
def build_family_slips(generated, progress):
    from portal.slips import build_family_slips as build

    return build(generated, progress)
