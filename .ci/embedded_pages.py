# ruff: noqa: T201 - a CI script: it prints what it fetched
"""The embedded default (SQLite, `make run`): every activity's main pages answer 200 for an
agent and for the CafLab team, on the demo data (SQLite refuses some SQL PostgreSQL accepts)."""

import os
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "caflab.settings")

import django

django.setup()

from django.test import Client  # noqa: E402

from caflab.models import User  # noqa: E402
from consultations.models import Consultation  # noqa: E402
from cooperation.models import Plan  # noqa: E402
from eurekaf.models import Idea  # noqa: E402


def main() -> int:
    agent, staff = Client(), Client()
    agent.force_login(User.objects.get(email="agent.isere@caflab.demo"))
    staff.force_login(User.objects.get(email="equipe@caflab.demo"))
    idea = Idea.objects.filter(is_hidden=False, box__caf__isnull=True).first()
    plan = Plan.objects.filter(members__user__email="agent.isere@caflab.demo").first()
    pages = [
        "/",
        "/idees/",
        "/idees/?statut=deposee&statut=en_etude&tri=soutenues",
        "/idees/?tri=discutees&page=2",
        idea.get_absolute_url(),
        "/api/v1/idees/",
        "/consultations/",
        "/cooperation/",
        plan.get_absolute_url(),
        plan.get_absolute_url() + "retroplanning/",
        "/expo/",
        "/projets/",
        "/projets/creativite/",
        "/living-labs/",
        "/api/v1/projets/",
        "/api/v1/living-labs/",
    ]
    results = [f"/consultations/{c.slug}/resultats/" for c in Consultation.objects.all()[:3]]
    failures = 0
    for client, who, extra in ((agent, "agent", []), (staff, "équipe", results)):
        for page in pages + extra:
            status = client.get(page, HTTP_HOST="localhost").status_code
            print(f"GET {page} ({who}) -> {status}")
            failures += status != 200
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
