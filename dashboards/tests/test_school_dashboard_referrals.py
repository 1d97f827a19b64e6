"""The school dashboard's referral figures of the term lead to the referral list filtered the
same way: the list shows as many referrals as the figure counts."""

import datetime
import re
from functools import partial

from django.urls import reverse
from django.utils import timezone

from referrals.models import Referral
from referrals.tests.factories import ReferralFactory


def test_referrals_sent_this_term_link_to_the_same_referrals(world, term2, client):
    term = term2
    sent = partial(ReferralFactory, student=world.a.student, sender=world.a.users["homeroom"])
    sent(sent_on=term.start)
    sent(
        sent_on=term.start + datetime.timedelta(days=1),
        status=Referral.Status.CLOSED,
        closed_at=timezone.now(),
        outcome="improved",
    )
    sent(sent_on=term.start - datetime.timedelta(days=30))  # term 1: not counted
    client.force_login(world.a.users["director"])
    code = f"{term.academic_year.year}-{term.number}"
    page = client.get(
        reverse("dash_school:dashboard", kwargs={"school_code": world.a.school.code})
        + f"?term={code}"
    )
    html = page.content.decode()
    for figure, expected in (("referrals_sent", 2), ("referrals_closed", 1)):
        link = re.search(rf'data-figure="{figure}" href="([^"]+)">(\d+)<', html)
        assert link, figure
        assert int(link[2]) == expected
        listing = client.get(link[1].replace("&amp;", "&"))
        assert listing.status_code == 200
        assert listing.context["page_obj"].paginator.count == expected, figure
