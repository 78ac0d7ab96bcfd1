"""API conventions shared by every app (see ../shared/API.md, "Conventions")."""

from rest_framework.pagination import PageNumberPagination


class Pagination(PageNumberPagination):
    """`{next, previous, results}`, at most 50 items a page."""

    page_size = 20
    page_size_query_param = "page_size"
    max_page_size = 50
