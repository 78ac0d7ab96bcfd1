from csp.decorators import csp_update
from django.conf import settings
from django.contrib import admin
from django.urls import URLPattern, URLResolver, include, path, re_path
from django.views.decorators.csrf import csrf_exempt
from django.views.i18n import set_language
from django.views.static import serve
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

from community import auth_views
from community.api import auth as community_auth
from community.api import duplicates as community_duplicates
from community.api import follows as community_follows
from community.api import members as community_members
from community.api import posts as community_posts
from community.api import search as community_search
from community.api import threads as community_threads
from community.views import lists as community_lists
from config import brand

api_v1: list[URLPattern | URLResolver] = [
    path("auth/token/", community_auth.TokenCreateView.as_view(), name="api-token"),
    # Community (docs/api.md, "Community").
    path("boards/", community_threads.BoardListView.as_view(), name="api-board-list"),
    path(
        "boards/<slug:slug>/subscription/",
        community_follows.BoardSubscriptionView.as_view(),
        name="api-board-subscription",
    ),
    path(
        "tags/<slug:slug>/subscription/",
        community_follows.TagSubscriptionView.as_view(),
        name="api-tag-subscription",
    ),
    path(
        "members/<str:username>/subscription/",
        community_follows.MemberSubscriptionView.as_view(),
        name="api-member-subscription",
    ),
    path("threads/", community_threads.ThreadListView.as_view(), name="api-thread-list"),
    path(
        "threads/similar/", community_threads.ThreadSimilarView.as_view(), name="api-thread-similar"
    ),
    path(
        "threads/<int:pk>/", community_threads.ThreadDetailView.as_view(), name="api-thread-detail"
    ),
    path(
        "threads/<int:pk>/posts/",
        community_threads.ThreadPostListView.as_view(),
        name="api-thread-posts",
    ),
    path(
        "threads/<int:pk>/kudos/",
        community_threads.ThreadKudosView.as_view(),
        name="api-thread-kudos",
    ),
    path(
        "threads/<int:pk>/solution/",
        community_threads.ThreadSolutionView.as_view(),
        name="api-thread-solution",
    ),
    path(
        "threads/<int:pk>/subscription/",
        community_threads.ThreadSubscriptionView.as_view(),
        name="api-thread-subscription",
    ),
    path(
        "threads/<int:pk>/bookmark/",
        community_follows.ThreadBookmarkView.as_view(),
        name="api-thread-bookmark",
    ),
    path(
        "threads/<int:pk>/lock/", community_threads.ThreadLockView.as_view(), name="api-thread-lock"
    ),
    path(
        "threads/<int:pk>/duplicate/",
        community_duplicates.ThreadDuplicateView.as_view(),
        name="api-thread-duplicate",
    ),
    path("posts/<int:pk>/", community_posts.PostDetailView.as_view(), name="api-post-detail"),
    path("posts/<int:pk>/kudos/", community_posts.PostKudosView.as_view(), name="api-post-kudos"),
    path("search/", community_search.SearchView.as_view(), name="api-search"),
    path("", include("community.announcements.api_urls")),
    path("", include("community.drafts.api_urls")),
    # Before gamification's members/<username>/: "me" is the signed-in member.
    path("members/me/", community_members.MemberMeView.as_view(), name="api-member-me"),
    path(
        "members/me/bookmarks/",
        community_follows.MemberMeBookmarksView.as_view(),
        name="api-member-me-bookmarks",
    ),
    path(
        "members/me/export/",
        community_members.MemberMeExportView.as_view(),
        name="api-member-me-export",
    ),
    # Gamification (docs/api.md, "Gamification").
    path("", include("gamification.api_urls")),
    # Support (docs/api.md, "Support").
    path("", include("support.api_urls")),
    # Notifications (docs/api.md, "Notifications").
    path("", include("notifications.api_urls")),
    path("schema/", SpectacularAPIView.as_view(), name="api-schema"),
    # The split view serves Swagger UI's start-up script as a file (no inline script). Swagger
    # UI's page carries a <style> block and its React components write style attributes, so
    # this page alone may use inline styles; scripts stay 'self' only.
    path(
        "docs/",
        csp_update({"style-src": ["'unsafe-inline'"]})(
            SpectacularSwaggerSplitView.as_view(url_name="api-schema")
        ),
        name="api-docs",
    ),
]

urlpatterns = [
    path("", community_lists.home, name="home"),
    path("healthz", community_lists.healthz, name="healthz"),
    # The brand's accent as CSS custom properties (config/brand.py; no inline style).
    path("brand.css", brand.stylesheet_view, name="brand-css"),
    # allauth's sign-in page, answering 429 to a locked-out account (community/auth_views.py).
    path("accounts/login/", auth_views.login, name="account_login"),
    path("accounts/", include("allauth.urls")),
    # Changing the display language is harmless to forge, and exempting it keeps CSRF
    # tokens (and so per-visitor cookies) out of anonymous pages, which caches may then share.
    path("i18n/setlang/", csrf_exempt(set_language), name="set_language"),
    path("admin/", admin.site.urls),
    path("api/v1/", include(api_v1)),
    path("", include("community.urls")),
    path("", include("gamification.urls")),
    path("", include("support.urls")),
    path("", include("notifications.urls")),
]

# The 500 page wears the brand too (Django's own renders it without any context).
handler500 = "config.brand.server_error"

if settings.SERVE_MEDIA:
    urlpatterns += [
        re_path(r"^media/(?P<path>.*)$", serve, {"document_root": settings.MEDIA_ROOT}),
    ]
