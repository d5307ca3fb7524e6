"""The demo-data framework behind `manage.py seed_demo`.

Each app that has demo data provides a `demo.py` module with

    ORDER = 20                       # apps seed in this order (the core is 0)
    def seed(ctx: SeedContext) -> None: ...

A seeder is idempotent (running it twice leaves the same data), deterministic (it draws from
`ctx.random(<name>)`, never from the global random) and fast (bulk inserts).
"""

from __future__ import annotations

import importlib
import random
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from types import ModuleType

from django.apps import apps
from django.db import transaction

DEMO_YEAR = 2025
DEMO_SEED = 2025


@dataclass
class SeedContext:
    """What every seeder receives: a logger and named, reproducible random generators."""

    log: Callable[[str], None] = print
    year: int = DEMO_YEAR
    _generators: dict[str, random.Random] = field(default_factory=dict)

    def random(self, name: str) -> random.Random:
        """A generator of its own per name, so that one seeder's draws never shift another's."""
        if name not in self._generators:
            self._generators[name] = random.Random(f"{DEMO_SEED}:{name}")  # noqa: S311
        return self._generators[name]

    def day_of_year(self, rng: random.Random, *, start_month: int = 1, end_month: int = 12) -> date:
        start = date(self.year, start_month, 1).toordinal()
        end = date(self.year + 1, 1, 1) if end_month == 12 else date(self.year, end_month + 1, 1)
        return date.fromordinal(rng.randint(start, end.toordinal() - 1))


def demo_modules() -> list[ModuleType]:
    """The `demo` modules of the installed apps, in their ORDER."""
    modules = []
    for config in apps.get_app_configs():
        try:
            module = importlib.import_module(f"{config.name}.demo")
        except ModuleNotFoundError as exc:
            if exc.name != f"{config.name}.demo":
                raise
            continue
        modules.append(module)
    return sorted(modules, key=lambda module: getattr(module, "ORDER", 100))


def seed_all(ctx: SeedContext, *, only: set[str] | None = None) -> None:
    for module in demo_modules():
        app = module.__name__.rsplit(".", 1)[0]
        if only and app not in only:
            continue
        ctx.log(f"- {app}")
        with transaction.atomic():
            module.seed(ctx)
    _analyze()


def _analyze() -> None:
    """Fresh statistics for PostgreSQL's planner after the bulk inserts (autovacuum may be
    off or late): without them the first reports plan their joins on empty tables."""
    from django.db import connection

    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
