from rest_framework import pagination


class PageNumberPagination(pagination.PageNumberPagination):
    """Every API list is paginated: `?page=2&page_size=100` (at most 200 rows a page)."""

    page_size_query_param = "page_size"
    max_page_size = 200
