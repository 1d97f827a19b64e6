"""The client's address behind the TLS proxy (carecore.netaddr), and where it is used."""

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.test import RequestFactory
from django_scopes import scopes_disabled

from carecore.adapters import AccountAdapter
from carecore.models import AuditEvent
from carecore.netaddr import client_ip, parse_networks

PROXY = "10.9.0.2"


@pytest.fixture
def behind_proxy(settings):
    settings.TRUSTED_PROXY_NETWORKS = parse_networks([PROXY, "fd00:9::/64"])


def request_from(peer, forwarded=None):
    extra = {"REMOTE_ADDR": peer}
    if forwarded is not None:
        extra["HTTP_X_FORWARDED_FOR"] = forwarded
    return RequestFactory().get("/", **extra)


class TestClientIp:
    def test_without_trusted_proxies_the_peer_is_the_client(self, settings):
        settings.TRUSTED_PROXY_NETWORKS = []
        assert client_ip(request_from("203.0.113.5", "198.51.100.1")) == "203.0.113.5"

    def test_a_trusted_proxy_names_the_client(self, behind_proxy):
        assert client_ip(request_from(PROXY, "203.0.113.5")) == "203.0.113.5"

    def test_an_untrusted_peer_cannot_choose_its_address(self, behind_proxy):
        assert client_ip(request_from("203.0.113.5", "198.51.100.1")) == "203.0.113.5"

    def test_what_the_client_wrote_before_the_proxy_is_ignored(self, behind_proxy):
        # The proxy appends the address it saw; entries on its left came from the client.
        assert client_ip(request_from(PROXY, "198.51.100.1, 203.0.113.5")) == "203.0.113.5"

    def test_a_chain_of_trusted_proxies_is_walked(self, behind_proxy):
        forwarded = "203.0.113.5, fd00:9::7"
        assert client_ip(request_from(PROXY, forwarded)) == "203.0.113.5"

    def test_garbage_stops_at_the_last_vouched_address(self, behind_proxy):
        assert client_ip(request_from(PROXY, "<script>, 203.0.113.5")) == "203.0.113.5"
        assert client_ip(request_from(PROXY, "not-an-ip")) == PROXY
        assert client_ip(request_from(PROXY, "")) == PROXY

    def test_ports_and_brackets_are_understood(self, behind_proxy):
        assert client_ip(request_from(PROXY, "203.0.113.5:51234")) == "203.0.113.5"
        assert client_ip(request_from(PROXY, "[2001:db8::5]:443")) == "2001:db8::5"

    def test_a_header_too_long_to_be_a_proxy_chain_is_not_read(self, behind_proxy):
        forwarded = ", ".join(["203.0.113.5"] * 50)
        assert client_ip(request_from(PROXY, forwarded)) == PROXY

    def test_a_peer_that_is_no_address(self, behind_proxy):
        assert client_ip(request_from("")) is None

    def test_a_bad_setting_stops_the_start(self):
        with pytest.raises(ImproperlyConfigured, match="TRUSTED_PROXIES"):
            parse_networks(["10.0.0.0/8", "proxy.lan"])


def test_login_rate_limits_count_the_client_not_the_proxy(behind_proxy):
    assert AccountAdapter().get_client_ip(request_from(PROXY, "203.0.113.5")) == "203.0.113.5"


def test_the_audit_log_records_the_client_behind_the_proxy(world, client, behind_proxy):
    client.force_login(world.a.users["homeroom"])
    student = world.a.student
    url = f"/s/{world.a.school.code}/students/{student.pk}/"
    response = client.get(url, REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR="203.0.113.5")
    assert response.status_code == 200
    with scopes_disabled():
        event = AuditEvent.objects.filter(student_id=student.pk).latest("pk")
    assert event.ip == "203.0.113.5"
