"""Fault tests: real processes (redis-server, Celery workers) that the tests start and kill.

Nothing here touches the shared services: each test starts its own Redis on a free port, or uses
its own Redis database, and only terminates the PostgreSQL connections of its own test database.
"""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.db import connection

ROOT = Path(__file__).resolve().parents[2]
CELERY = Path(sys.executable).with_name("celery")


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_for(predicate, *, timeout: float, interval: float = 0.05, what: str = "condition"):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(interval)
    raise AssertionError(f"timed out after {timeout}s waiting for {what}")


class RedisServer:
    """A private redis-server: killed and started again on the same port by the test."""

    def __init__(self, workdir: Path):
        self.port = free_port()
        self.workdir = workdir
        self.process: subprocess.Popen | None = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self) -> None:
        import redis

        self.process = subprocess.Popen(  # noqa: S603 - fixed arguments
            [
                shutil.which("redis-server") or "redis-server",
                "--port",
                str(self.port),
                "--bind",
                "127.0.0.1",
                "--save",
                "",
                "--appendonly",
                "no",
                "--dir",
                str(self.workdir),
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        client = redis.Redis.from_url(self.url, socket_connect_timeout=0.2)

        def answers() -> bool:
            try:
                return client.ping()
            except redis.exceptions.ConnectionError:
                return False

        wait_for(answers, timeout=10, what="redis-server to answer")

    def kill(self) -> None:
        """SIGKILL, as a crash or an OOM kill would: no clean shutdown."""
        if self.process and self.process.poll() is None:
            self.process.send_signal(signal.SIGKILL)
            self.process.wait(timeout=10)


@pytest.fixture
def private_redis(tmp_path):
    if not shutil.which("redis-server"):
        if os.environ.get("CAFLAB_REQUIRE_POSTGRES") == "1":
            pytest.fail("redis-server absent : la CI l'exige.")
        pytest.skip("redis-server absent de cette machine")
    server = RedisServer(tmp_path)
    server.start()
    yield server
    server.kill()


def database_url() -> str:
    """The URL of the test database, for a subprocess (committed data only)."""
    params = connection.settings_dict
    auth = params["USER"] + (f":{params['PASSWORD']}" if params["PASSWORD"] else "")
    return f"postgres://{auth}@{params['HOST']}:{params['PORT']}/{params['NAME']}"


class WorkerProcess:
    """`celery -A caflab worker --pool=solo` in a subprocess of its own."""

    def __init__(self, name: str, env: dict[str, str], log: Path):
        self.log = log
        self.process = subprocess.Popen(  # noqa: S603 - fixed arguments
            [
                str(CELERY),
                "-A",
                "caflab",
                "worker",
                "--pool=solo",
                "--loglevel=INFO",
                "--without-gossip",
                "--without-mingle",
                "--without-heartbeat",
                f"--hostname={name}@%h",
            ],
            cwd=ROOT,
            env=env,
            stdout=log.open("wb"),
            stderr=subprocess.STDOUT,
        )

    @property
    def pid(self) -> int:
        return self.process.pid

    def alive(self) -> bool:
        return self.process.poll() is None

    def kill(self) -> None:
        if self.alive():
            self.process.send_signal(signal.SIGKILL)
            self.process.wait(timeout=10)

    def stop(self) -> None:
        if self.alive():
            self.process.terminate()
            try:
                self.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.kill()

    def output(self) -> str:
        return self.log.read_text(errors="replace")


@pytest.fixture
def worker_processes():
    """Start workers with `worker_processes.start(...)`; every one still alive is stopped."""
    started: list[WorkerProcess] = []

    class Starter:
        def start(self, name: str, *, env: dict[str, str], log: Path) -> WorkerProcess:
            full_env = {
                **{k: v for k, v in os.environ.items() if not k.startswith("PYTEST_")},
                "DJANGO_SETTINGS_MODULE": "caflab.settings",
                "PYTHONPATH": str(ROOT),
                **env,
            }
            worker = WorkerProcess(name, full_env, log)
            started.append(worker)
            return worker

    yield Starter()
    for worker in started:
        worker.stop()


@pytest.fixture
def broker_in_this_process(settings):
    """Point this process's Celery publisher at a given broker (not eager), and back after."""
    from caflab.celery import app
    from tests.conftest import _reset_connection_pools

    keys = ("broker_url", "task_always_eager", "broker_transport_options")
    saved = {key: app.conf[key] for key in keys}

    def use(url: str) -> None:
        app.conf.update(broker_url=url, task_always_eager=False)
        settings.CELERY_TASK_ALWAYS_EAGER = False
        settings.CELERY_BROKER_URL = url
        settings.REDIS_URL = url
        _reset_connection_pools(app)

    yield use
    app.conf.update(saved)
    _reset_connection_pools(app)
