"""Every page requires login, except an allow-list; the API answers 401/403 instead of redirecting."""

import pytest
from django.test import Client
from django.urls import get_resolver
from django_otp import DEVICE_ID_SESSION_KEY

from tests.conftest import verified_device
from tests.security.test_isolation_matrix import _url, _walk

PUBLIC_ROUTES = {
    "connexion/",
    "invitation/<uidb64>/<token>/",
    "api/v1/schema/",
    "mot-de-passe-oublie/",
    "mot-de-passe-oublie/envoye/",
    "sante/",  # the health probe: no login, no personal data (503 while no background worker runs)
}


def all_routes():
    return [(route, pattern) for route, pattern in _walk(get_resolver().url_patterns) if not route.startswith("admin/")]


@pytest.mark.django_db
@pytest.mark.parametrize(("route", "pattern"), all_routes(), ids=[route for route, _ in all_routes()])
def test_anonymous_is_refused_everywhere_but_the_allow_list(route, pattern):
    values = {name: 1 for name in pattern.pattern.converters} | {"uidb64": "MQ", "token": "x-y", "slug": "exemple"}
    url = _url(route, {name: values[name] for name in pattern.pattern.converters} | {"uidb64": "MQ", "token": "x-y"})
    response = Client().get(url)
    if route == "sante/":
        assert response.status_code in {200, 503}, (url, response.status_code)
    elif route in PUBLIC_ROUTES:
        assert response.status_code == 200, (url, response.status_code)
    elif route.startswith("api/"):
        assert response.status_code in {401, 403}, (url, response.status_code)
    else:
        assert response.status_code == 302, (url, response.status_code)
        assert response["Location"].startswith("/connexion/"), response["Location"]


@pytest.mark.django_db
def test_admin_is_closed_to_staff_members_who_are_not_superusers(structure, member_of, client_for):
    from appui.accounts.enums import Role

    manager = member_of(structure, Role.RESPONSABLE)
    manager.user.is_staff = True
    manager.user.save()
    response = client_for(manager).get("/admin/")
    assert response.status_code == 302
    assert "/admin/login/" in response["Location"]


@pytest.mark.django_db
def test_admin_opens_for_a_superuser_after_the_second_factor(django_user_model):
    admin = django_user_model.objects.create_superuser(
        "root@example.org", "a-long-admin-password", first_name="R", last_name="S"
    )
    client = Client()
    client.force_login(admin)
    assert client.get("/admin/")["Location"].startswith("/connexion/activation/")
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = verified_device(admin).persistent_id
    session.save()
    assert client.get("/admin/").status_code == 200
