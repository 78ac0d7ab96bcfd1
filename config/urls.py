from django.conf import settings
from django.contrib import admin
from django.urls import include, path, re_path
from django.views.decorators.csrf import csrf_exempt
from django.views.i18n import set_language
from django.views.static import serve
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView

from community import api as community_api
from community import views as community_views

api_v1 = [
    path("auth/token/", community_api.TokenCreateView.as_view(), name="api-token"),
    path("schema/", SpectacularAPIView.as_view(), name="api-schema"),
    path("docs/", SpectacularSwaggerView.as_view(url_name="api-schema"), name="api-docs"),
]

urlpatterns = [
    path("", community_views.home, name="home"),
    path("healthz", community_views.healthz, name="healthz"),
    path("accounts/", include("allauth.urls")),
    # Changing the display language is harmless to forge, and exempting it keeps CSRF
    # tokens (and so per-visitor cookies) out of anonymous pages, which caches may then share.
    path("i18n/setlang/", csrf_exempt(set_language), name="set_language"),
    path("admin/", admin.site.urls),
    path("api/v1/", include(api_v1)),
    path("", include("community.urls")),
]

if settings.SERVE_MEDIA:
    urlpatterns += [
        re_path(r"^media/(?P<path>.*)$", serve, {"document_root": settings.MEDIA_ROOT}),
    ]
