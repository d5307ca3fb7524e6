"""The benchmark's two hooks: the bare view and the query count, absent from the portal."""

import pytest
from django.http import HttpResponse
from django.urls import NoReverseMatch, reverse

from caflab.middleware import QueryCountMiddleware
from caflab.models import Caf


@pytest.mark.urls("caflab.urls_bench")
def test_the_bare_view_answers_ok_through_the_whole_stack(client, db):
    response = client.get("/bench/ok")
    assert response.status_code == 200
    assert response.content == b"ok"
    assert "Content-Security-Policy" in response.headers  # the middleware ran
    assert client.get("/idees/").status_code == 302  # the portal's URLs are all there


def test_the_portal_has_no_bench_view():
    with pytest.raises(NoReverseMatch):
        reverse("bench-ok")


def test_the_query_count_header_counts_the_responses_queries(rf, db):
    def view(request):
        list(Caf.objects.all()[:1])
        Caf.objects.count()
        return HttpResponse("ok")

    response = QueryCountMiddleware(view)(rf.get("/"))
    assert response.headers["X-Queries"] == "2"
