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
    with pytest.raises(NoReverseMatch):
        reverse("bench-empty-cache")


@pytest.mark.urls("caflab.urls_bench")
def test_the_bench_can_empty_the_cache_to_measure_pages_after_a_write(client, db):
    from django.core.cache import cache

    cache.set("page", "rendue")
    assert client.get("/bench/vider-cache").status_code == 405
    assert client.post("/bench/vider-cache").status_code == 200
    assert cache.get("page") is None


def test_the_query_count_header_counts_the_responses_queries(rf, db):
    def view(request):
        list(Caf.objects.all()[:1])
        Caf.objects.count()
        return HttpResponse("ok")

    response = QueryCountMiddleware(view)(rf.get("/"))
    assert response.headers["X-Queries"] == "2"


def _bench_module():
    import importlib
    import sys
    from pathlib import Path

    sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "bench"))
    return importlib.import_module("bench")


def test_the_api_answers_are_the_forms_fields_with_repeated_fields_as_lists():
    bench = _bench_module()
    world = {"sections": [[("q1", "4"), ("q2", "7"), ("q2", "8")], [("q3", "Très bien")]]}
    assert bench.api_answers(world) == {"q1": "4", "q2": ["7", "8"], "q3": "Très bien"}


def test_the_verdicts_say_which_targets_are_missed_and_by_how_much():
    bench = _bench_module()

    def size(factor, home_rps, ratio, p95_ratio, submit_rps, cold):
        return {
            "factor": factor,
            "scenarios": {
                "home": {
                    "label": "accueil (agent)",
                    "rps": home_rps,
                    "ratio_to_bare": ratio,
                    "p95_to_bare": p95_ratio,
                    "cold_p50_ms": cold,
                },
                "consultation_submit_api": {"rps": submit_rps, "lost": 0},
            },
            "report": {"seconds": 13.0, "peak_memory_mb": 422},
        }

    lines = bench.verdicts(
        {"sizes": [size(1.0, 100.0, 0.1, 12.0, 150.0, 300.0), size(0.1, 300.0, 0.3, 4, 210, 250.0)]}
    )
    text = "\n".join(lines)
    assert "| accueil (agent) | ❌ 0.1 | ❌ 12.0 | ❌ 3.0 | ✅ 1.2 |" in text
    assert "❌ 150.0 réponses enregistrées par seconde (objectif 200)" in text
    assert "✅ 13.0 s (objectif 60 s)" in text
