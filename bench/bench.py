# ruff: noqa: T201, S603, S607 - a command-line script: it prints, starts its own processes
"""Benchmark: requests per second and latency of the portal's main pages, against a bare view.

    .venv/bin/python bench/bench.py                      # factors 0.1 and 1 (make bench)
    .venv/bin/python bench/bench.py --factors 0.01 --duration 5   # a quick look

For each data size (`seed_scale --factor N` on top of `seed_demo`, in its own PostgreSQL
database), the portal is served by gunicorn with the production settings, a private Redis
(cache) and CAFLAB_BENCH=1, which adds the bare view `/bench/ok` (« ok » through the whole
middleware stack: the limit of the stack) and an X-Queries header (SQL queries per response).
Every scenario then runs on the same server, one after the other, with the same number of
concurrent clients (keep-alive connections) for the same duration: requests per second,
p50/p95 latency, queries, and the ratios to the bare view. The public consultation submit is
measured as whole answers (form, steps, submit) by citizens with their own addresses, and the
answers stored are counted. Finally the annual report is built (`build_report`), with its time
split into data gathering and layout, and the peak memory of the process.

Writes bench/results.json and bench/README.md (machine, date, commit, one table per size).
Settings for the bench only: staff second factor off (the sessions are opened by password),
API and answer rate limits raised (one client sends thousands of requests).
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import re
import secrets
import subprocess
import sys
import tempfile
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import psycopg
import requests

sys.path.insert(0, str(Path(__file__).resolve().parent))
import load  # the load scenario's browsers, processes and measures

ROOT = load.ROOT
STAFF_EMAIL = "equipe@caflab.demo"

# What the scenarios need, read from the database once it is seeded.
TARGETS = r"""
import json
from django.db.models import Count
from rest_framework.authtoken.models import Token
from caflab.models import User
from consultations.models import Consultation
from cooperation.models import Plan
from eurekaf.selectors import idea_list

agent = User.objects.get(email="agent.isere@caflab.demo")
idea = idea_list(user=agent).order_by("-support_count", "pk").first()
consultation = (
    Consultation.objects.annotate(n=Count("responses")).order_by("-n", "pk").first()
)
plan = Plan.objects.annotate(n=Count("actions")).order_by("-n", "pk").first()
token, _ = Token.objects.get_or_create(user=agent)
print("TARGETS" + json.dumps({
    "idea": idea.get_absolute_url(),
    "idea_supports": idea.support_count,
    "results": f"/consultations/{consultation.slug}/resultats/",
    "respondents": consultation.n,
    "plan": plan.get_absolute_url(),
    "plan_actions": plan.n,
    "token": token.key,
}))
"""


def scenarios(targets: dict) -> list[dict]:
    """(name, label, path, session) in the order they run; the submit comes last."""
    plan = targets["plan"]
    return [
        {"name": "bare", "label": "vue nue « ok »", "path": "/bench/ok", "as": None},
        # The floor of every signed-in page: session, user, the common template, no data.
        {
            "name": "static_page",
            "label": "page sans données (agent, /accessibilite/)",
            "path": "/accessibilite/",
            "as": "agent",
        },
        {"name": "home", "label": "accueil (agent)", "path": "/", "as": "agent"},
        {
            "name": "ideas_list",
            "label": "/idees/ filtrée et triée",
            "path": "/idees/?statut=deposee&statut=en_etude&tri=soutenues",
            "as": "agent",
        },
        {"name": "idea_page", "label": "page d'une idée", "path": targets["idea"], "as": "agent"},
        {
            "name": "results_page",
            "label": f"résultats ({targets['respondents']} répondants)",
            "path": targets["results"],
            "as": "staff",
        },
        {"name": "plan_page", "label": "page d'un plan", "path": plan, "as": "staff"},
        {
            "name": "plan_gantt",
            "label": "rétroplanning d'un plan",
            "path": f"{plan}retroplanning/",
            "as": "staff",
        },
        {"name": "expo_calendar", "label": "calendrier de l'expo", "path": "/expo/", "as": "agent"},
        {"name": "api_ideas", "label": "API : idées", "path": "/api/v1/idees/", "as": "token"},
        {
            "name": "static_css",
            "label": "feuille de style (statique, brotli)",
            "path": targets["stylesheet"],
            "as": None,
            "headers": {"Accept-Encoding": "br, gzip"},
        },
    ]


def measure(base: str, scenario: dict, headers: dict, concurrency: int, duration: float) -> dict:
    """Closed loop: `concurrency` clients, each on its keep-alive connection, for `duration`."""
    latencies: list[float] = []
    statuses: dict[str, int] = {}
    queries: list[int] = []
    lock = threading.Lock()
    stop = threading.Event()

    def client(number: int) -> None:
        session = requests.Session()
        session.headers.update({**headers, "X-Forwarded-For": f"10.9.{number}.1"})
        url = base + scenario["path"]
        while not stop.is_set():
            started = time.perf_counter()
            try:
                response = session.get(url, allow_redirects=False, timeout=60)
                status = str(response.status_code)
            except requests.RequestException as exc:
                status = type(exc).__name__
                response = None
            elapsed = time.perf_counter() - started
            with lock:
                latencies.append(elapsed)
                statuses[status] = statuses.get(status, 0) + 1
                if response is not None and "X-Queries" in response.headers:
                    queries.append(int(response.headers["X-Queries"]))

    threads = [threading.Thread(target=client, args=(n,), daemon=True) for n in range(concurrency)]
    for thread in threads:
        thread.start()
    time.sleep(min(2.0, duration / 4))  # warm-up: connections opened, caches filled
    with lock:
        latencies.clear()
        statuses.clear()
    started = time.monotonic()
    time.sleep(duration)
    with lock:
        elapsed = time.monotonic() - started
        sample, counts = sorted(latencies), dict(statuses)
    stop.set()
    for thread in threads:
        thread.join(timeout=65)
    return {
        "label": scenario["label"],
        "path": scenario["path"],
        "requests": len(sample),
        "rps": round(len(sample) / elapsed, 1),
        "p50_ms": round(load._percentile(sample, 50) * 1000, 1) if sample else None,
        "p95_ms": round(load._percentile(sample, 95) * 1000, 1) if sample else None,
        # Typical (median) and worst (a cache being filled) SQL queries per response.
        "queries": sorted(queries)[len(queries) // 2] if queries else None,
        "queries_max": max(queries) if queries else None,
        "statuses": counts,
    }


def measure_cold(base: str, scenario: dict, headers: dict, times: int = 8) -> dict:
    """The page right after the cache was emptied (what it costs after a write), one client
    at a time: p50 latency and the queries it runs."""
    session = requests.Session()
    session.headers.update({**headers, "X-Forwarded-For": "10.9.200.1"})
    latencies, queries = [], []
    for _ in range(times):
        session.post(f"{base}/bench/vider-cache", timeout=30).raise_for_status()
        started = time.perf_counter()
        response = session.get(base + scenario["path"], allow_redirects=False, timeout=120)
        latencies.append(time.perf_counter() - started)
        if "X-Queries" in response.headers:
            queries.append(int(response.headers["X-Queries"]))
    return {
        "cold_p50_ms": round(load._percentile(sorted(latencies), 50) * 1000, 1),
        "cold_queries": max(queries) if queries else None,
    }


def measure_submit(base: str, world: dict, database_url: str, concurrency: int, duration: float):
    """Whole public answers, one after the other per client: submits per second sustained, the
    latency of the final POST, and the answers stored against the successful submits."""
    recorder = load.Recorder()
    before = load.count_responses(database_url, world)[0]
    stop = threading.Event()
    done, failures = [0], []
    lock = threading.Lock()

    def client(number: int) -> None:
        sequence = 0
        while not stop.is_set():
            sequence += 1
            try:
                ok = load.citizen(base, 100_000 + number * 10_000 + sequence, world, recorder)
            except load.ScenarioError as exc:
                with lock:
                    failures.append(str(exc))
                continue
            if ok:
                with lock:
                    done[0] += 1

    started = time.monotonic()
    with ThreadPoolExecutor(max_workers=concurrency) as pool:
        for number in range(concurrency):
            pool.submit(client, number)
        time.sleep(duration)
        stop.set()
    elapsed = time.monotonic() - started
    stored = load.count_responses(database_url, world)[0] - before
    submit = recorder.summary().get("envoi", {})
    return {
        "label": "réponse publique complète (formulaire en 5 requêtes)",
        "path": f"/consultations/{world['slug']}/repondre/",
        "requests": done[0],
        "rps": round(done[0] / elapsed, 1),
        "p50_ms": submit.get("p50_ms"),
        "p95_ms": submit.get("p95_ms"),
        "queries": None,
        "stored": stored,
        "lost": done[0] - stored,
        "failures": len(failures),
        "statuses": submit.get("statuts", {}),
    }


def api_answers(world: dict) -> dict:
    """The citizen scenario's answers in the API's format (same keys as the form's fields)."""
    values: dict[str, list[str]] = {}
    for section in world["sections"]:
        for name, value in section:
            values.setdefault(name, []).append(value)
    return {name: found if len(found) > 1 else found[0] for name, found in values.items()}


def measure_api_submit(
    base: str, world: dict, database_url: str, concurrency: int, duration: float
) -> dict:
    """Public answers sent whole through the API (one POST each, one address each, as many
    clients as the pages): answers stored per second sustained, and stored vs accepted."""
    body = json.dumps({"answers": api_answers(world)})
    url = f"{base}/api/v1/consultations/{world['slug']}/reponses/"
    before = load.count_responses(database_url, world)[0]
    latencies: list[float] = []
    statuses: dict[str, int] = {}
    accepted = [0]
    lock = threading.Lock()
    stop = threading.Event()

    def client(number: int) -> None:
        session = requests.Session()
        session.headers["Content-Type"] = "application/json"
        sequence = 0
        while not stop.is_set():
            sequence += 1
            address = f"10.{100 + number}.{sequence // 250 % 250}.{sequence % 250 + 1}"
            started = time.perf_counter()
            try:
                response = session.post(
                    url, data=body, headers={"X-Forwarded-For": address}, timeout=60
                )
                status = str(response.status_code)
            except requests.RequestException as exc:
                status = type(exc).__name__
            elapsed = time.perf_counter() - started
            with lock:
                latencies.append(elapsed)
                statuses[status] = statuses.get(status, 0) + 1
                accepted[0] += status == "201"

    threads = [threading.Thread(target=client, args=(n,), daemon=True) for n in range(concurrency)]
    started = time.monotonic()
    for thread in threads:
        thread.start()
    time.sleep(duration)
    stop.set()
    for thread in threads:
        thread.join(timeout=65)
    elapsed = time.monotonic() - started
    stored = load.count_responses(database_url, world)[0] - before
    sample = sorted(latencies)
    return {
        "label": "envoi d'une réponse publique (API, un POST)",
        "path": url.removeprefix(base),
        "requests": accepted[0],
        "rps": round(stored / elapsed, 1),
        "p50_ms": round(load._percentile(sample, 50) * 1000, 1) if sample else None,
        "p95_ms": round(load._percentile(sample, 95) * 1000, 1) if sample else None,
        "queries": None,
        "stored": stored,
        "lost": accepted[0] - stored,
        "failures": sum(n for code, n in statuses.items() if code != "201"),
        "statuses": statuses,
    }


def build_report(env: dict, workdir: Path) -> dict:
    """The 2025 report built in one process (eager Celery): seconds and peak memory."""
    code = (
        "import resource, runpy, sys\n"
        "sys.argv = ['manage.py', 'build_report', '--year', '2025', '--output', sys.argv[1]]\n"
        "try:\n"
        "    runpy.run_path('manage.py', run_name='__main__')\n"
        "finally:\n"
        "    print('MAXRSS', resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)\n"
    )
    started = time.monotonic()
    result = subprocess.run(
        [str(load.BIN / "python"), "-c", code, str(workdir / "rapport.pdf")],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    wall = time.monotonic() - started
    peak_kb = int(result.stdout.rsplit("MAXRSS", 1)[1].split()[0])
    with psycopg.connect(env["DATABASE_URL"]) as conn:
        gather, render, pages = conn.execute(
            "SELECT gather_seconds, render_seconds, pages FROM reporting_reportrun "
            "WHERE status = 'termine' ORDER BY id DESC LIMIT 1"
        ).fetchone()
    return {
        "seconds": round(wall, 1),
        "gather_s": round(gather, 2),
        "render_s": round(render, 2),
        "pages": pages,
        "peak_memory_mb": round(peak_kb / 1024),
    }


def run_size(args, factor: float, workdir: Path) -> dict:
    name = f"caflab_bench_{str(factor).replace('.', '_')}"
    database_url = f"{args.postgres}/{name}"
    env = {
        **{k: v for k, v in os.environ.items() if k not in ("REDIS_URL", "DATABASE_URL")},
        "DATABASE_URL": database_url,
        "DJANGO_STATIC_ROOT": str(workdir / "static"),
        "DJANGO_MEDIA_ROOT": str(workdir / "media"),
    }
    if not args.reuse_database:
        print(f"Base {name} : migrate, seed_demo, seed_scale --factor {factor}…", flush=True)
        started = time.monotonic()
        load.recreate_database(args.postgres, name)
        load.manage(env, "migrate", "--noinput", "-v", "0")
        load.manage(env, "seed_demo")
        load.manage(env, "seed_scale", "--factor", str(factor))
        print(f"  prête en {time.monotonic() - started:.0f} s", flush=True)
    world = json.loads(load.manage(env, "shell", "-c", load.INTROSPECT, capture=True)
                       .split("INTROSPECT", 1)[1])  # fmt: skip
    targets = json.loads(load.manage(env, "shell", "-c", TARGETS, capture=True)
                         .split("TARGETS", 1)[1])  # fmt: skip
    redis_port, web_port = load.free_port(), load.free_port()
    production = {
        **env,
        "DJANGO_DEBUG": "0",
        "DJANGO_SECRET_KEY": secrets.token_urlsafe(50),
        "DJANGO_ALLOWED_HOSTS": "127.0.0.1",
        "DJANGO_SECURE_SSL_REDIRECT": "0",
        "CAFLAB_PROXY_COUNT": "1",
        "CAFLAB_BENCH": "1",
        "CAFLAB_REQUIRE_STAFF_MFA": "0",
        "CAFLAB_API_USER_RATE": "1000000/minute",
        "CAFLAB_CONSULTATION_SUBMIT_RATE": "1000000",
        "REDIS_URL": f"redis://127.0.0.1:{redis_port}/0",
        "DJANGO_LOG_LEVEL": "ERROR",
    }
    load.manage(production, "collectstatic", "--noinput", "-v", "0")
    processes = [load.start_redis(redis_port, workdir)]
    base = f"http://127.0.0.1:{web_port}"
    try:
        web = load.start_gunicorn(
            web_port, production, args.workers, args.threads, workdir / "gunicorn.log"
        )
        processes.append(web)
        load.wait_http(f"{base}/readyz", 60, web)
        sessions = {
            "agent": load.agent_login(base, 0, load.Recorder()).cookies,
            "staff": _login(base, STAFF_EMAIL),
        }
        results = {}
        # The stylesheet's hashed name, as the pages link it (collectstatic's manifest).
        home = requests.get(f"{base}/", timeout=30).text
        targets["stylesheet"] = re.search(r'href="(/static/css/portail\.\w+\.css)"', home)[1]
        static = requests.get(
            base + targets["stylesheet"], headers={"Accept-Encoding": "br, gzip"}, timeout=30
        )
        static_headers = {
            name: static.headers.get(name)
            for name in ("Content-Encoding", "Cache-Control", "Content-Length")
        }
        for scenario in scenarios(targets):
            if scenario["as"] == "token":
                headers = {"Authorization": f"Token {targets['token']}"}
            elif scenario["as"]:
                cookies = sessions[scenario["as"]]
                headers = {"Cookie": "; ".join(f"{k}={v}" for k, v in cookies.items())}
            else:
                headers = {}
            headers.update(scenario.get("headers", {}))
            print(f"  {scenario['label']}…", flush=True)
            results[scenario["name"]] = measure(
                base, scenario, headers, args.concurrency, args.duration
            )
            if scenario["name"] in PAGES:
                results[scenario["name"]] |= measure_cold(base, scenario, headers)
        print("  envoi d'une réponse publique…", flush=True)
        results["consultation_submit"] = measure_submit(
            base, world, database_url, args.concurrency, args.duration
        )
        print("  envoi d'une réponse publique par l'API…", flush=True)
        results["consultation_submit_api"] = measure_api_submit(
            base, world, database_url, args.concurrency, args.duration
        )
    finally:
        for process in reversed(processes):
            load.stop_process(process)
    bare = results["bare"]
    for row in results.values():
        row["ratio_to_bare"] = round(row["rps"] / bare["rps"], 3) if bare["rps"] else None
        row["p95_to_bare"] = (
            round(row["p95_ms"] / bare["p95_ms"], 1) if row["p95_ms"] and bare["p95_ms"] else None
        )
    print("  rapport annuel…", flush=True)
    report = build_report(env, workdir)
    return {
        "factor": factor,
        "data": {k: targets[k] for k in ("respondents", "idea_supports", "plan_actions")},
        "scenarios": results,
        "static_headers": static_headers,
        "report": report,
    }


def _login(base: str, email: str) -> dict:
    browser = load.Browser(base, "10.8.0.1", load.Recorder())
    page = browser.request("login", "GET", "/comptes/login/")
    data = {"csrfmiddlewaretoken": browser.csrf(page), "login": email, "password": "caflab-demo"}
    browser.expect(browser.request("login", "POST", "/comptes/login/", data), 302)
    return browser.cookies


def machine() -> dict:
    commit = subprocess.run(
        ["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True, text=True
    ).stdout.strip()  # fmt: skip
    cpu = next(
        (line.split(":", 1)[1].strip() for line in Path("/proc/cpuinfo").read_text().splitlines()
         if line.startswith("model name")), platform.processor())  # fmt: skip
    return {
        "date": dt.datetime.now(dt.UTC).strftime("%Y-%m-%d %H:%M UTC"),
        "commit": commit,
        "cpu": cpu,
        "cores": os.cpu_count(),
        "python": platform.python_version(),
    }


def write_readme(results: dict, path: Path) -> None:
    m = results["machine"]
    lines = [
        "# Mesures de performance du Portail CafLab",
        "",
        f"Machine : {m['cpu']}, {m['cores']} cœurs · Python {m['python']} · "
        f"mesuré le {m['date']} · commit `{m['commit']}`.",
        f"Serveur : gunicorn {results['server']} · {results['concurrency']} clients "
        f"simultanés · {results['duration_s']} s par scénario. Produit par `make bench` "
        "(bench/bench.py) ; chiffres bruts dans `results.json`.",
        "",
    ]
    for size in results["sizes"]:
        lines += [
            f"## Facteur {size['factor']}",
            "",
            "| scénario | req/s | p50 (ms) | p95 (ms) | requêtes SQL (au pire) | débit / vue nue |"
            " p95 / vue nue | cache vide : p50 (ms), requêtes |",
            "|---|---:|---:|---:|---:|---:|---:|---:|",
        ]
        for row in size["scenarios"].values():
            lines.append(
                f"| {row['label']} | {row['rps']} | {row['p50_ms']} | {row['p95_ms']} | "
                f"{_queries(row)} | "
                f"{row['ratio_to_bare']} | {row['p95_to_bare']} | {_cold(row)} |"
            )
        submit = size["scenarios"]["consultation_submit"]
        api = size["scenarios"]["consultation_submit_api"]
        report = size["report"]
        lines += [
            "",
            f"Réponses publiques : par le formulaire, {submit['requests']} envoyées, "
            f"{submit['stored']} en base, {submit['lost']} perdue(s) ; par l'API, "
            f"{api['requests']} acceptées, {api['stored']} en base, {api['lost']} perdue(s), "
            f"{api['failures']} refusée(s). Rapport annuel : {report['seconds']} s "
            f"(données {report['gather_s']} s, mise en page {report['render_s']} s), "
            f"{report['pages']} pages, mémoire maximale {report['peak_memory_mb']} Mo.",
            "",
            "Fichiers statiques (feuille de style demandée avec « Accept-Encoding: br, gzip ») : "
            + " · ".join(f"{k} : {v}" for k, v in size["static_headers"].items()),
            "",
        ]
    lines += verdicts(results)
    path.write_text("\n".join(lines))


def _cold(row: dict) -> str:
    if row.get("cold_p50_ms") is None:
        return "—"
    return f"{row['cold_p50_ms']} ms, {row['cold_queries']}"


def _queries(row: dict) -> str:
    if row.get("queries") is None:
        return "—"
    typical, worst = row["queries"], row.get("queries_max")
    return f"{typical} ({worst})" if worst and worst != typical else str(typical)


PAGES = (
    "home",
    "ideas_list",
    "idea_page",
    "results_page",
    "plan_page",
    "plan_gantt",
    "expo_calendar",
    "api_ideas",
)
OBJECTIVES = {"ratio_to_bare": 0.2, "p95_to_bare": 10.0, "growth": 1.5, "submit_rps": 200.0}


def verdicts(results: dict) -> list[str]:
    """The issue's targets, scenario by scenario, at the largest size (and the growth from the
    smallest): ✅ met, ❌ missed by how much."""
    sizes = sorted(results["sizes"], key=lambda size: size["factor"])
    large, small = sizes[-1], sizes[0]

    def mark(ok: bool) -> str:
        return "✅" if ok else "❌"

    lines = [
        f"## Objectifs (facteur {large['factor']})",
        "",
        f"Débit ≥ {OBJECTIVES['ratio_to_bare']:.0%} de la vue nue · p95 ≤ "
        f"{OBJECTIVES['p95_to_bare']:g} × celui de la vue nue · coût par requête (1 / débit) "
        f"× {OBJECTIVES['growth']:g} au plus quand les données passent du facteur "
        f"{small['factor']} au facteur {large['factor']}.",
        "",
        "| page | débit / vue nue | p95 / vue nue | coût × (données × "
        f"{large['factor'] / small['factor']:g}) | cache vide : p50 × (données × "
        f"{large['factor'] / small['factor']:g}) |",
        "|---|---:|---:|---:|---:|",
    ]
    for name in PAGES:
        row = large["scenarios"].get(name)
        if row is None:
            continue
        before = small["scenarios"].get(name)
        growth = round(before["rps"] / row["rps"], 2) if before and row["rps"] else None
        cold = (
            round(row["cold_p50_ms"] / before["cold_p50_ms"], 2)
            if before and row.get("cold_p50_ms") and before.get("cold_p50_ms")
            else None
        )
        lines.append(
            f"| {row['label']} | {mark(row['ratio_to_bare'] >= OBJECTIVES['ratio_to_bare'])} "
            f"{row['ratio_to_bare']} | {mark(row['p95_to_bare'] <= OBJECTIVES['p95_to_bare'])} "
            f"{row['p95_to_bare']} | "
            + (f"{mark(growth <= OBJECTIVES['growth'])} {growth}" if growth is not None else "—")
            + " | "
            + (f"{mark(cold <= OBJECTIVES['growth'])} {cold}" if cold is not None else "—")
            + " |"
        )
    floor = large["scenarios"].get("static_page")
    if floor:
        lines += [
            "",
            f"Plancher : une page sans données pour un agent connecté (session, utilisateur, "
            f"gabarit commun) atteint {floor['ratio_to_bare']} du débit de la vue nue.",
        ]
    api = large["scenarios"].get("consultation_submit_api")
    report = large["report"]
    if api:
        lines += [
            "",
            f"Réponses publiques par l'API : {mark(api['rps'] >= OBJECTIVES['submit_rps'])} "
            f"{api['rps']} réponses enregistrées par seconde (objectif "
            f"{OBJECTIVES['submit_rps']:g}), {mark(api['lost'] == 0)} {api['lost']} perdue(s).",
        ]
    lines += [
        f"Rapport annuel : {mark(report['seconds'] <= 60)} {report['seconds']} s (objectif 60 s), "
        f"{mark(report['peak_memory_mb'] <= 1024)} {report['peak_memory_mb']} Mo "
        "(objectif 1 Go).",
        "",
    ]
    return lines


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--factors", default="0.1,1", help="tailles des données, ex. 0.1,1")
    parser.add_argument("--duration", type=float, default=20.0, help="secondes par scénario")
    parser.add_argument("--concurrency", type=int, default=8)
    parser.add_argument("--workers", type=int, default=3)
    parser.add_argument("--threads", type=int, default=4)
    parser.add_argument(
        "--postgres",
        default=os.environ.get("BENCH_POSTGRES_URL", "postgres://postgres@127.0.0.1:5432"),
    )
    parser.add_argument("--reuse-database", action="store_true", help="bases déjà remplies")
    parser.add_argument("--output", default=str(ROOT / "bench"))
    args = parser.parse_args(argv)

    output = Path(args.output)
    results = {
        "machine": machine(),
        "server": f"{args.workers} workers × {args.threads} threads",
        "concurrency": args.concurrency,
        "duration_s": args.duration,
        "sizes": [],
    }
    for factor in (float(f) for f in args.factors.split(",")):
        print(f"Facteur {factor}", flush=True)
        with tempfile.TemporaryDirectory(prefix="caflab-bench-") as workdir:
            results["sizes"].append(run_size(args, factor, Path(workdir)))
    (output / "results.json").write_text(json.dumps(results, ensure_ascii=False, indent=2) + "\n")
    write_readme(results, output / "README.md")
    print((output / "README.md").read_text())
    lost = any(
        s["scenarios"][name]["lost"]
        for s in results["sizes"]
        for name in ("consultation_submit", "consultation_submit_api")
    )
    return 1 if lost else 0


if __name__ == "__main__":
    sys.exit(main())
