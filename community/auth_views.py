"""The web sign-in page: allauth's, answering 429 to an account that is locked out.

allauth shows its "Too many failed login attempts" as a form error with a 200; the API's
token endpoint shares the same lock-out (community.adapters) and says 429, so the page
does too, with Retry-After, and scripts driving the form can tell.
"""

from __future__ import annotations

from allauth.account.views import LoginView as AllauthLoginView
from django.forms import Form
from django.http import HttpResponse

from community.adapters import LOCKED_OUT, lockout_seconds


class LoginView(AllauthLoginView):
    def form_invalid(self, form: Form) -> HttpResponse:
        response: HttpResponse = super().form_invalid(form)
        if form.has_error("__all__", LOCKED_OUT):
            response.status_code = 429
            response["Retry-After"] = str(lockout_seconds())
        return response


login = LoginView.as_view()
