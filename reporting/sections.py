"""The interface between the annual report and the apps.

Each app's `report.py` registers one provider; `reporting` asks every provider for its
section of a year and knows nothing of the apps' models:

    from reporting.sections import Figure, Section, register

    @register(order=20, part="consulter")
    def consultations_section(year: int) -> Section:
        ...

A provider must run a bounded number of queries whatever the data size, and must count only
what belongs to `year`.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

# The three parts of the CafLab's activity report.
PARTS = {
    "concevoir": "Concevoir et fabriquer",
    "consulter": "Consulter et coconstruire",
    "infuser": "Infuser et diffuser",
}


@dataclass(frozen=True)
class Figure:
    """A key figure: « 7 742 répondants à nos consultations »."""

    key: str  # stable identifier, e.g. "consultation_respondents"
    value: int | float
    label: str
    unit: str = ""


@dataclass
class Section:
    title: str
    part: str
    figures: list[Figure] = field(default_factory=list)
    tables: list[dict[str, Any]] = field(default_factory=list)  # {"caption", "headers", "rows"}
    charts: list[Any] = field(default_factory=list)  # caflab.charts.Chart
    highlights: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class Provider:
    order: int
    part: str
    build: Callable[[int], Section]


_providers: dict[str, Provider] = {}


def register(
    *, order: int, part: str
) -> Callable[[Callable[[int], Section]], Callable[[int], Section]]:
    if part not in PARTS:
        raise ValueError(f"unknown report part {part!r}")

    def decorator(build: Callable[[int], Section]) -> Callable[[int], Section]:
        _providers[f"{build.__module__}.{build.__name__}"] = Provider(order, part, build)
        return build

    return decorator


def autodiscover() -> None:
    """Import the `report` module of every installed app, which registers its provider."""
    from importlib import import_module

    from django.apps import apps

    for config in apps.get_app_configs():
        try:
            import_module(f"{config.name}.report")
        except ModuleNotFoundError as exc:
            if exc.name != f"{config.name}.report":
                raise


def providers() -> list[Provider]:
    autodiscover()
    return sorted(_providers.values(), key=lambda provider: provider.order)


def sections_for(year: int) -> list[Section]:
    return [provider.build(year) for provider in providers()]
