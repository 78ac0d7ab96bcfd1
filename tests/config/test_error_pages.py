"""The error pages with DEBUG off, as production serves them: the site's look, translated.

404 and 403 render inside the site's layout (header, navigation, footer); 500 cannot rely on
a request context (the error may be in a context processor), so it carries the header alone,
from static files.
"""

from __future__ import annotations

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied
from django.test import Client, RequestFactory
from django.test.utils import override_settings
from django.utils import translation
from django.views import defaults

pytestmark = pytest.mark.django_db


@override_settings(DEBUG=False)
def test_a_missing_page_is_the_branded_404_with_a_search() -> None:
    response = Client().get("/no-such-page/")

    assert response.status_code == 404
    page = response.content.decode()
    assert "We couldn&#x27;t find that page" in page or "We couldn't find that page" in page
    assert 'class="site-header"' in page and 'class="site-footer"' in page
    assert 'role="search"' in page


@override_settings(DEBUG=False)
def test_the_404_speaks_the_visitors_language() -> None:
    response = Client().get("/no-such-page/", headers={"accept-language": "it"})

    assert response.status_code == 404
    assert "Non abbiamo trovato questa pagina" in response.content.decode()


@override_settings(DEBUG=False)
def test_the_403_is_in_the_sites_layout() -> None:
    request = RequestFactory().get("/somewhere/")
    request.user = AnonymousUser()
    with translation.override("it"):
        response = defaults.permission_denied(request, PermissionDenied())

    assert response.status_code == 403
    page = response.content.decode()
    assert "Non puoi farlo" in page
    assert 'class="site-header"' in page


@override_settings(DEBUG=False)
def test_the_500_needs_no_request_context_and_is_translated() -> None:
    request = RequestFactory().get("/somewhere/")
    with translation.override("it"):
        response = defaults.server_error(request)

    assert response.status_code == 500
    page = response.content.decode()
    assert "Qualcosa è andato storto da parte nostra" in page
    assert '<html lang="it">' in page
    assert "/static/css/mutua" in page
