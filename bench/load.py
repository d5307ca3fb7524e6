# ruff: noqa: T201, S603, S311 - a command-line script: it prints, starts its own processes
"""Load scenario: citizens answer a public consultation while agents browse Eurekaf and COOPération.

    .venv/bin/python bench/load.py --citizens 2000 --duration 300   # the full scenario (~6.7/s)
    .venv/bin/python bench/load.py --citizens 200 --duration 30     # the short one (CI)

Everything runs on loopback and is started by the script: a fresh PostgreSQL database (migrate,
seed_demo), a private redis-server (cache and Celery broker; the shared Redis is not touched),
and the portal under gunicorn with production settings (DEBUG off, one trusted proxy, so each
simulated citizen comes from its own address through X-Forwarded-For). No Celery worker: neither
answering a consultation nor browsing hands any work to Celery.

Each citizen behaves as a browser: its own cookies, the consultation's page, the form (CSRF token
read from it), one POST per section with valid answers, then the thank-you page. Agents log in
and browse /idees/, an idea, /cooperation/ and a plan, with a short pause between pages.

The result is written to bench/load-results.json, with a French summary on the output. The exit
code is 1 when a request got a 5xx, when an answer is lost (responses in the database differ
from successful submits) or when a citizen could not finish; 0 otherwise.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import re
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from http.cookiejar import DefaultCookiePolicy
from http.cookies import SimpleCookie
from pathlib import Path

import psycopg
import requests

ROOT = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent
CSRF_RE = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
AGENT_EMAIL = "agent.isere@caflab.demo"
DEMO_PASSWORD = "caflab-demo"  # noqa: S105 - the documented password of the demo accounts

# Run by `manage.py shell` on the fresh database: what the scenario needs to know, as JSON.
INTROSPECT = r"""
import json
from consultations.forms import field_name, other_name, rank_name
from consultations.models import Consultation, Question, Response
from cooperation.models import Plan
from eurekaf.selectors import idea_list
from caflab.models import User

agent = User.objects.get(email="agent.isere@caflab.demo")

K = Question.Kind
def answers(question):
    choices = [c for c in question.choices.all() if not c.is_other] or list(question.choices.all())
    name = field_name(question)
    if question.kind in (K.SINGLE, K.PROFILE, K.YES_NO):
        return [(name, str(choices[0].pk))]
    if question.kind == K.MULTIPLE:
        count = max(question.min_choices or 1, 1)
        if question.max_choices:
            count = min(count, question.max_choices)
        return [(name, str(c.pk)) for c in choices[:count]]
    if question.kind == K.SHORT_TEXT:
        return [(name, "Réponse de charge")]
    if question.kind == K.LONG_TEXT:
        return [(name, "Une réponse écrite par un citoyen simulé du scénario de charge.")]
    if question.kind == K.SCALE:
        return [(name, str(question.scale_max))]
    if question.kind == K.DATE:
        return [(name, "2025-06-01")]
    if question.kind == K.NUMBER:
        value = question.number_min if question.number_min is not None else 1
        return [(name, str(value).replace(".", ","))]
    if question.kind == K.DEPARTMENT:
        return [(name, "38")]
    if question.kind == K.RANKING:
        ranked = enumerate(question.choices.all(), start=1)
        return [(rank_name(question, c.pk), str(i)) for i, c in ranked]
    return []

candidates = [
    c for c in Consultation.objects.filter(audience=Consultation.Audience.PUBLIC)
    if c.is_open and not c.requires_access_code
]
consultation = candidates[0]
sections = [
    [pair for q in section.questions.all() for pair in answers(q)]
    for section in consultation.sections.all()
]
print("INTROSPECT" + json.dumps({
    "consultation_id": consultation.pk,
    "slug": consultation.slug,
    "title": consultation.title,
    "sections": sections,
    "response_table": Response._meta.db_table,
    # Pages the agent may open: ideas of the selectors' visible list, plans it is a member of.
    "ideas": [i.get_absolute_url() for i in idea_list(user=agent).order_by("-pk")[:5]],
    "plans": [p.get_absolute_url() for p in Plan.objects.filter(members__user=agent)[:5]],
}))
"""


# Measurements ------------------------------------------------------------------------------------
class Recorder:
    def __init__(self):
        self.lock = threading.Lock()
        self.samples: dict[str, list[float]] = {}
        self.statuses: dict[str, dict[str, int]] = {}

    def add(self, kind: str, seconds: float, status: int | str) -> None:
        with self.lock:
            self.samples.setdefault(kind, []).append(seconds)
            counts = self.statuses.setdefault(kind, {})
            counts[str(status)] = counts.get(str(status), 0) + 1

    def summary(self) -> dict:
        out = {}
        for kind, values in sorted(self.samples.items()):
            ordered = sorted(values)
            statuses = self.statuses[kind]
            out[kind] = {
                "requetes": len(ordered),
                "p50_ms": round(_percentile(ordered, 50) * 1000, 1),
                "p95_ms": round(_percentile(ordered, 95) * 1000, 1),
                "max_ms": round(ordered[-1] * 1000, 1),
                "statuts": statuses,
                "erreurs_5xx": sum(n for s, n in statuses.items() if s.startswith("5")),
            }
        return out


def _percentile(ordered: list[float], percent: int) -> float:
    index = max(0, min(len(ordered) - 1, round(percent / 100 * len(ordered) + 0.5) - 1))
    return ordered[index]


class ScenarioError(Exception):
    pass


# A browser: own cookies (Secure ones too: production sets them, the loopback is plain HTTP),
# own address, CSRF token read from the page it shows.
class Browser:
    def __init__(self, base: str, address: str, recorder: Recorder):
        self.base = base
        self.address = address
        self.recorder = recorder
        self.cookies: dict[str, str] = {}
        self.http = requests.Session()
        self.http.cookies.set_policy(DefaultCookiePolicy(allowed_domains=[]))
        self.http.headers["User-Agent"] = "caflab-bench-load/1.0"

    def request(self, kind: str, method: str, path: str, data=None) -> requests.Response:
        # One connection per request: a kept-alive connection that gunicorn closes while idle
        # would fail the next request on the client side (a browser silently retries it).
        headers = {"X-Forwarded-For": self.address, "Connection": "close"}
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        if method == "POST":
            headers["Origin"] = self.base
            headers["Referer"] = self.base + path
        started = time.perf_counter()
        try:
            response = self.http.request(
                method,
                self.base + path,
                data=data,
                headers=headers,
                allow_redirects=False,
                timeout=60,
            )
        except requests.RequestException as exc:
            self.recorder.add(kind, time.perf_counter() - started, type(exc).__name__)
            raise ScenarioError(f"{kind}: {type(exc).__name__}") from exc
        self.recorder.add(kind, time.perf_counter() - started, response.status_code)
        for header in response.raw.headers.getlist("Set-Cookie"):
            jar = SimpleCookie()
            jar.load(header)
            for name, morsel in jar.items():
                if morsel["max-age"] == "0" or not morsel.value:
                    self.cookies.pop(name, None)
                else:
                    self.cookies[name] = morsel.value
        return response

    def expect(self, response: requests.Response, *statuses: int) -> requests.Response:
        if response.status_code not in statuses:
            raise ScenarioError(
                f"{response.request.method} {response.url} → {response.status_code}"
            )
        return response

    def csrf(self, response: requests.Response) -> str:
        match = CSRF_RE.search(response.text)
        if not match:
            raise ScenarioError(f"pas de jeton CSRF dans {response.url}")
        return match.group(1)


def citizen(base: str, number: int, world: dict, recorder: Recorder) -> bool:
    """One citizen answers the consultation; True when the answer was accepted."""
    address = f"10.{number // 62500 % 250}.{number // 250 % 250}.{number % 250 + 1}"  # unique
    browser = Browser(base, address, recorder)
    slug = world["slug"]
    page = f"/consultations/{slug}/"
    form_url = f"{page}repondre/"
    browser.expect(browser.request("consultation", "GET", page), 200)
    response = browser.expect(browser.request("formulaire", "GET", form_url), 200)
    sections = world["sections"]
    for step, answers in enumerate(sections):
        last = step == len(sections) - 1
        data = [
            ("csrfmiddlewaretoken", browser.csrf(response)),
            ("etape", str(step)),
            ("action", "envoyer" if last else "suivant"),
            *answers,
        ]
        response = browser.expect(
            browser.request("envoi" if last else "etape", "POST", form_url, data), 302
        )
        location = response.headers["Location"]
        if last:
            if not location.endswith(f"{page}merci/"):
                raise ScenarioError(f"envoi refusé → {location}")
            browser.expect(browser.request("merci", "GET", location), 200)
            return True
        response = browser.expect(browser.request("formulaire", "GET", location), 200)
    return False


def agent_login(base: str, number: int, recorder: Recorder) -> Browser:
    browser = Browser(base, f"172.16.{number // 250}.{number % 250 + 1}", recorder)
    response = browser.expect(browser.request("connexion", "GET", "/comptes/login/"), 200)
    data = {
        "csrfmiddlewaretoken": browser.csrf(response),
        "login": AGENT_EMAIL,
        "password": DEMO_PASSWORD,
    }
    browser.expect(browser.request("connexion", "POST", "/comptes/login/", data), 302)
    return browser


def agent_browse(browser: Browser, world: dict, stop: threading.Event, errors: list) -> None:
    rng = random.Random(browser.address)
    while not stop.is_set():
        try:
            for kind, path in (
                ("idees_liste", "/idees/"),
                ("idee_page", rng.choice(world["ideas"])),
                ("cooperation_liste", "/cooperation/"),
                ("plan_page", rng.choice(world["plans"])),
            ):
                browser.expect(browser.request(kind, "GET", path), 200)
                if stop.wait(rng.uniform(0.3, 1.0)):
                    return
        except ScenarioError as exc:
            errors.append(str(exc))


# Processes ------------------------------------------------------------------------------------
def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_http(url: str, timeout: float, process: subprocess.Popen | None = None) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process is not None and process.poll() is not None:
            raise SystemExit(f"Le processus s'est arrêté (code {process.returncode}) : {url}")
        try:
            if requests.get(url, timeout=2).status_code == 200:
                return
        except requests.RequestException:
            pass
        time.sleep(0.3)
    raise SystemExit(f"Pas de réponse 200 de {url} après {timeout} s")


def manage(env: dict, *args: str, capture: bool = False) -> str:
    result = subprocess.run(
        [str(BIN / "python"), "manage.py", *args],
        cwd=ROOT,
        env=env,
        check=True,
        text=True,
        stdout=subprocess.PIPE if capture else subprocess.DEVNULL,
    )
    return result.stdout or ""


def recreate_database(server_url: str, name: str) -> None:
    with psycopg.connect(f"{server_url}/postgres", autocommit=True) as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.execute(f'CREATE DATABASE "{name}"')


def drop_database(server_url: str, name: str) -> None:
    with psycopg.connect(f"{server_url}/postgres", autocommit=True) as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def count_responses(database_url: str, world: dict) -> tuple[int, int]:
    """The consultation's responses in the database, and those flagged « à vérifier » (many
    answers from one address): each simulated citizen has its own, so none should be."""
    with psycopg.connect(database_url) as conn:
        table = world["response_table"]
        row = conn.execute(
            f'SELECT count(*), count(*) FILTER (WHERE review = %s) FROM "{table}" '  # noqa: S608
            "WHERE consultation_id = %s",
            ["a_verifier", world["consultation_id"]],
        ).fetchone()
    return row[0], row[1]


def start_redis(port: int, workdir: Path) -> subprocess.Popen:
    """A private redis-server on loopback, keeping nothing on disk (the shared one is left
    alone)."""
    redis_bin = shutil.which("redis-server") or "redis-server"
    return subprocess.Popen(
        [
            *(redis_bin, "--port", str(port), "--bind", "127.0.0.1", "--save", ""),
            *("--appendonly", "no", "--dir", str(workdir)),
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )


def start_gunicorn(port: int, env: dict, workers: int, threads: int, log: Path) -> subprocess.Popen:
    return subprocess.Popen(
        [
            *(str(BIN / "gunicorn"), "caflab.wsgi:application", "--bind", f"127.0.0.1:{port}"),
            *("--workers", str(workers), "--threads", str(threads), "--worker-class", "gthread"),
            *("--timeout", "60", "--error-logfile", str(log)),
        ],
        cwd=ROOT,
        env=env,
    )


def stop_process(process: subprocess.Popen | None) -> None:
    if process is not None and process.poll() is None:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()


# The scenario ---------------------------------------------------------------------------------
def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--citizens", type=int, default=2000)
    parser.add_argument("--duration", type=float, default=300.0, help="secondes")
    parser.add_argument("--agents", type=int, default=6)
    parser.add_argument("--gunicorn-workers", type=int, default=3)
    parser.add_argument("--gunicorn-threads", type=int, default=4)
    parser.add_argument("--max-parallel", type=int, default=100, help="citoyens simultanés au plus")
    parser.add_argument(
        "--postgres",
        default=os.environ.get("BENCH_POSTGRES_URL", "postgres://postgres@127.0.0.1:5432"),
    )
    parser.add_argument("--database", default="caflab_load")
    parser.add_argument("--keep-database", action="store_true", help="ne pas supprimer la base")
    parser.add_argument(
        "--reuse-database",
        action="store_true",
        help="reprendre la base gardée par --keep-database (sans migrate ni seed_demo)",
    )
    parser.add_argument("--output", default=str(ROOT / "bench" / "load-results.json"))
    args = parser.parse_args(argv)

    workdir = Path(tempfile.mkdtemp(prefix="caflab-load-"))
    database_url = f"{args.postgres}/{args.database}"
    redis_port, web_port = free_port(), free_port()
    base = f"http://127.0.0.1:{web_port}"
    env = {
        **{k: v for k, v in os.environ.items() if k not in ("REDIS_URL", "DATABASE_URL")},
        "DATABASE_URL": database_url,
        "DJANGO_STATIC_ROOT": str(workdir / "static"),
        "DJANGO_MEDIA_ROOT": str(workdir / "media"),
    }
    production = {
        **env,
        "DJANGO_DEBUG": "0",
        "DJANGO_SECRET_KEY": secrets.token_urlsafe(50),
        "DJANGO_ALLOWED_HOSTS": "127.0.0.1",
        "DJANGO_SECURE_SSL_REDIRECT": "0",  # plain HTTP on loopback; TLS ends at the proxy
        "CAFLAB_PROXY_COUNT": "1",
        "REDIS_URL": f"redis://127.0.0.1:{redis_port}/0",
        "DJANGO_LOG_LEVEL": "ERROR",  # the 5xx are logged, not the 404 of the warm-up
    }
    processes: list[subprocess.Popen] = []
    try:
        prepared_at = time.monotonic()
        if not args.reuse_database:
            print(f"Préparation : base {args.database} (migrate, seed_demo)…", flush=True)
            recreate_database(args.postgres, args.database)
            manage(env, "migrate", "--noinput", "-v", "0")
            manage(env, "seed_demo")
        manage(production, "collectstatic", "--noinput", "-v", "0")
        out = manage(env, "shell", "-c", INTROSPECT, capture=True)
        world = json.loads(out.split("INTROSPECT", 1)[1])

        processes.append(start_redis(redis_port, workdir))
        gunicorn_log = workdir / "gunicorn.log"
        web = start_gunicorn(
            web_port, production, args.gunicorn_workers, args.gunicorn_threads, gunicorn_log
        )
        processes.append(web)
        wait_http(f"{base}/readyz", 60, web)
        print(f"Prêt en {time.monotonic() - prepared_at:.0f} s.", flush=True)

        recorder = Recorder()
        warmup = Recorder()
        agents = [agent_login(base, n, warmup) for n in range(args.agents)]
        probe = agents[0] if agents else agent_login(base, 0, warmup)
        for key in ("ideas", "plans"):
            if not world[key]:
                raise SystemExit(f"Aucune page {key} visible par {AGENT_EMAIL}")
        # Warm-up, outside the measures: every gunicorn worker imports and connects once.
        for _ in range(args.gunicorn_workers * 2):
            probe.request("essai", "GET", f"/consultations/{world['slug']}/")
            probe.request("essai", "GET", "/idees/")
        for browser in agents:
            browser.recorder = recorder
        before = count_responses(database_url, world)

        print(
            f"Scénario : {args.citizens} citoyens sur {args.duration:.0f} s "
            f"({args.citizens / args.duration:.1f} réponses/s), {args.agents} agents, "
            f"consultation « {world['title']} »…",
            flush=True,
        )
        stop = threading.Event()
        agent_errors: list[str] = []
        agent_threads = [
            threading.Thread(target=agent_browse, args=(b, world, stop, agent_errors), daemon=True)
            for b in agents
        ]
        citizen_errors: list[str] = []
        successes = 0
        lock = threading.Lock()
        started = time.monotonic()
        interval = args.duration / max(args.citizens, 1)

        def run_citizen(number: int) -> None:
            nonlocal successes
            delay = started + number * interval - time.monotonic()
            if delay > 0:
                time.sleep(delay)
            try:
                ok = citizen(base, number + 1, world, recorder)
            except ScenarioError as exc:
                with lock:
                    citizen_errors.append(str(exc))
                return
            if ok:
                with lock:
                    successes += 1

        for thread in agent_threads:
            thread.start()
        with ThreadPoolExecutor(max_workers=args.max_parallel) as pool:
            list(pool.map(run_citizen, range(args.citizens)))
        elapsed = time.monotonic() - started
        stop.set()
        for thread in agent_threads:
            thread.join(timeout=30)

        after = count_responses(database_url, world)
        stored, flagged = after[0] - before[0], after[1] - before[1]
        per_kind = recorder.summary()
        server_errors = sum(kind["erreurs_5xx"] for kind in per_kind.values())
        lost = successes - stored
        results = {
            "scenario": {
                "citoyens": args.citizens,
                "duree_demandee_s": args.duration,
                "duree_reelle_s": round(elapsed, 1),
                "agents": args.agents,
                "gunicorn": f"{args.gunicorn_workers} workers × {args.gunicorn_threads} threads",
                "consultation": world["slug"],
                "etapes_du_questionnaire": len(world["sections"]),
            },
            "reponses": {
                "envois_reussis": successes,
                "en_base": stored,
                "perdues": lost,
                "signalees_a_verifier": flagged,
                "debit_par_s": round(successes / elapsed, 2) if elapsed else None,
            },
            "erreurs_5xx": server_errors,
            "citoyens_en_echec": len(citizen_errors),
            "exemples_echecs_citoyens": sorted(set(citizen_errors))[:10],
            "erreurs_agents": len(agent_errors),
            "exemples_erreurs_agents": sorted(set(agent_errors))[:10],
            "requetes": per_kind,
        }
        Path(args.output).write_text(json.dumps(results, ensure_ascii=False, indent=2) + "\n")

        print(f"\nRésultats ({args.output}) :")
        print(
            f"  {successes} réponses envoyées en {elapsed:.0f} s, {stored} en base, "
            f"{lost} perdue(s), {flagged} signalée(s) « à vérifier » ; "
            f"{server_errors} erreur(s) 5xx ; "
            f"{len(citizen_errors)} citoyen(s) en échec, {len(agent_errors)} erreur(s) d'agents."
        )
        print(f"  {'requête':<18} {'nombre':>7} {'p50 (ms)':>9} {'p95 (ms)':>9}")
        for kind, row in per_kind.items():
            print(f"  {kind:<18} {row['requetes']:>7} {row['p50_ms']:>9} {row['p95_ms']:>9}")
        failed = server_errors or lost or citizen_errors or agent_errors
        if failed:
            for line in results["exemples_echecs_citoyens"] + results["exemples_erreurs_agents"]:
                print(f"  échec : {line}")
            if gunicorn_log.exists():
                print(gunicorn_log.read_text(errors="replace")[-3000:])
        print("Scénario de charge : " + ("ÉCHEC" if failed else "réussi"))
        return 1 if failed else 0
    finally:
        for process in reversed(processes):
            stop_process(process)
        if not (args.keep_database or args.reuse_database):
            try:
                drop_database(args.postgres, args.database)
            except psycopg.Error as exc:
                print(f"La base {args.database} n'a pas pu être supprimée : {exc}")
        shutil.rmtree(workdir, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
