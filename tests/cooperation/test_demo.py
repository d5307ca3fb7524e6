"""The demo data of COOPération: the 40 Cafs of 2025 and the 15 pilots of 2023, roadmaps that
hold together, the demo accounts in their plans, and a seeder that is idempotent and
deterministic."""

import hashlib
from collections import Counter, defaultdict
from datetime import date, timedelta

import pytest
from django.db import connection, transaction
from django.utils import timezone

from caflab.demo import AGENT_EMAIL, PARTNER_EMAIL, REFERENT_EMAIL
from caflab.models import ActivityEvent, Caf, Organisation, User
from caflab.seeding import SeedContext, seed_all
from cooperation import demo, report, selectors, services
from cooperation.models import (
    Action,
    Axis,
    AxisTheme,
    Indicator,
    IndicatorValue,
    Message,
    Objective,
    Plan,
    PlanMember,
    PlanTemplate,
    Resource,
    Step,
)

pytestmark = pytest.mark.django_db
SCOPE = "cooperation.plan:"


def _seed() -> None:
    seed_all(SeedContext(log=lambda _message: None), only={"caflab", "cooperation"})


@pytest.fixture(scope="module", autouse=True)
def seeded(django_db_setup, django_db_blocker):
    """Seeded once for the module, inside a transaction rolled back at its end; every test
    runs in a savepoint of it."""
    with django_db_blocker.unblock(), transaction.atomic():
        _seed()
        connection.check_constraints()
        yield
        transaction.set_rollback(True)


def _specs() -> list[demo.PlanSpec]:
    return demo.plan_specs({caf.number: caf for caf in Caf.objects.all()})


def _plans():
    return Plan.objects.filter(title__in=[s.title for s in _specs()])


def _ctg(number: str) -> Plan:
    return _plans().get(caf__number=number, kind=Plan.Kind.CTG)


def _first_use() -> dict[str, date]:
    firsts: dict[str, date] = {}
    for number, since in _plans().values_list("caf__number", "pilot_since"):
        firsts[number] = min(since, firsts.get(number, since))
    return firsts


# The deployment of the report ---------------------------------------------------------------------
def test_forty_cafs_with_a_ctg_plan_in_2025():
    in_2025 = (
        _plans()
        .filter(
            kind=Plan.Kind.CTG, starts_on__lte=date(2025, 12, 31), ends_on__gte=date(2025, 1, 1)
        )
        .exclude(status=Plan.Status.PREPARING)
    )
    assert in_2025.values("caf").distinct().count() == 40
    assert in_2025.count() == 40  # one CTG each
    assert _plans().filter(kind=Plan.Kind.SDSF).count() == 5
    for plan in _plans().filter(kind=Plan.Kind.CTG):
        years = (plan.ends_on - plan.starts_on).days / 365.25
        assert 3.9 < years < 5.1, plan.title


def test_fifteen_pilots_since_2023_then_the_volunteers_of_2025():
    firsts = _first_use()
    assert Counter(day.year for day in firsts.values()) == {2023: 15, 2025: 25}
    assert firsts["38"].year == 2023
    assert firsts["35"].year == 2023
    # « 39 caf positionnées pour déployer CTG dans ma poche » at the end of July 2025.
    assert sum(day <= date(2025, 7, 31) for day in firsts.values()) == 39
    assert sum((day.year, day.month) == (2025, 7) for day in firsts.values()) == 15
    assert len({(d.year, d.month) for d in firsts.values() if d.year == 2025}) >= 4
    for plan in _plans().filter(kind=Plan.Kind.CTG):
        assert plan.pilot_since == firsts[plan.caf.number]


def test_the_report_counts_the_demo_deployment():
    assert [report.cafs_count(year) for year in (2022, 2023, 2024, 2025)] == [0, 15, 15, 40]
    section = report.cooperation_section(2025)
    figures = {f.key: f.value for f in section.figures}
    assert figures["cooperation_cafs"] == 40
    assert figures["cooperation_plans"] == 44  # the SDSF of Haute-Savoie is being prepared
    assert figures["cooperation_partners"] > 200
    assert all(figures[f"cooperation_actions_{status}"] > 0 for status in report.STATUSES)
    assert "25 Caf ont rejoint COOPération en 2025, dont 15 en juillet" in section.highlights
    assert "15 Caf utilisent COOPération depuis 2023" in section.highlights


# The demo accounts ------------------------------------------------------------------------------
def test_the_demo_accounts_in_their_plans():
    grenoble = _ctg("38")
    roles = dict(grenoble.members.values_list("user__email", "role"))
    assert roles[AGENT_EMAIL] == PlanMember.Role.PILOT
    assert roles[PARTNER_EMAIL] == PlanMember.Role.CONTRIBUTOR
    assert "Grenoble-Alpes Métropole" in grenoble.territory
    signatories = set(grenoble.signatories.values_list("name", flat=True))
    assert {"Grenoble-Alpes Métropole", "Ville de Grenoble"} <= signatories
    core = Organisation.objects.filter(caf__number="38", name="Ville de Grenoble")
    assert core.count() == 1  # the core's organisation, reused

    partner = User.objects.get(email=PARTNER_EMAIL)
    visible = list(selectors.plan_list(user=partner))
    assert grenoble in visible
    assert {plan.caf.number for plan in visible} == {"38"}
    assert partner.has_perm("cooperation.change_action", grenoble.actions.first())
    assert not partner.has_perm("cooperation.view_plan", _ctg("35"))
    assert grenoble.actions.filter(owner=partner).exists()

    referent = User.objects.get(email=REFERENT_EMAIL)
    rennes = _ctg("35")
    assert rennes.members.get(user=referent).role == PlanMember.Role.READER
    assert rennes in selectors.plan_list(user=referent)
    assert not referent.has_perm("cooperation.change_action", rennes.actions.first())


def test_the_pilot_asks_the_partner_who_answers():
    grenoble = _ctg("38")
    agent, partner = User.objects.get(email=AGENT_EMAIL), User.objects.get(email=PARTNER_EMAIL)
    first, second = Message.objects.filter(plan=grenoble).order_by("created_at", "id")[:2]
    assert (first.author, list(first.mentions.all())) == (agent, [partner])
    assert (second.author, list(second.mentions.all())) == (partner, [agent])
    assert f"@{services.mention_handle(partner)}" in first.text
    assert first.action.pilot_organisation == partner.organisation


# Roadmaps ---------------------------------------------------------------------------------------
def test_every_status_is_present_in_plausible_shares():
    today = timezone.localdate()
    actions = list(Action.objects.filter(plan__in=_plans()))
    shown = Counter("en_retard" if a.is_late(today) else a.status for a in actions)
    assert set(shown) == {"a_lancer", "en_cours", "en_retard", "realisee", "abandonnee"}
    assert {a.status for a in actions if a.is_late(today)} == {"a_lancer", "en_cours"}
    total = len(actions)
    assert 1000 <= total <= 2200
    assert 0.3 <= shown["realisee"] / total <= 0.95
    assert 0.01 <= shown["en_retard"] / total <= 0.15
    assert shown["abandonnee"] / total <= 0.1
    assert Counter(a.priority for a in actions).keys() == {"haute", "moyenne", "basse"}
    assert 0.1 <= sum(a.progress_mode == "jalons" for a in actions) / total <= 0.4
    assert 0.4 <= sum(a.budget is not None for a in actions) / total <= 0.7
    lights = Counter()
    staff = User.objects.get(email="equipe@caflab.demo")
    for plan in _plans():
        lights[
            selectors.plan_dashboard(selectors.plan_get(user=staff, pk=plan.pk), today).light
        ] += 1
    assert lights[selectors.ON_TRACK] > lights[selectors.AT_RISK] > 0


def test_no_action_outside_its_plan_and_consistent_progress():
    today = timezone.localdate()
    steps = defaultdict(list)
    for action_id, due_on, done_on in Step.objects.filter(action__plan__in=_plans()).values_list(
        "action_id", "due_on", "done_on"
    ):
        steps[action_id].append((due_on, done_on))
    for action in Action.objects.filter(plan__in=_plans()).select_related(
        "plan", "objective__axis"
    ):
        plan = action.plan
        assert plan.starts_on <= action.starts_on <= action.due_on <= plan.ends_on, action.title
        assert action.objective.axis.plan_id == plan.pk
        assert action.version == 1
        assert 0 <= action.progress <= 100
        assert action.weight >= 1
        if action.baseline_due_on:
            assert plan.starts_on <= action.baseline_starts_on <= action.baseline_due_on
            assert action.baseline_due_on <= action.due_on
        if action.status == Action.Status.DONE:
            assert action.progress == 100
            assert action.starts_on <= action.completed_on < today
        else:
            assert action.completed_on is None
        if action.status == Action.Status.TO_START:
            assert action.progress == 0
        if action.progress_mode == Action.ProgressMode.STEPS:
            mine = steps[action.pk]
            assert 3 <= len(mine) <= 5
            assert all(action.starts_on <= due <= action.due_on for due, _done in mine)
            assert all(done is None or done < today for _due, done in mine)
            done = sum(1 for _due, d in mine if d)
            assert action.progress == round(100 * done / len(mine)), action.title
            if action.status == Action.Status.DONE:
                assert done == len(mine)
        else:
            assert not steps[action.pk]
        assert action.updated_at <= timezone.now()


def test_roadmap_shapes_and_themes():
    themes = {t.slug for t in AxisTheme.objects.all()}
    assert {slug for _name, slug in demo.THEMES} <= themes
    for plan in _plans().prefetch_related("axes__objectives__actions", "axes__theme"):
        axes = list(plan.axes.all())
        assert 3 <= len(axes) <= 6, plan.title
        slugs = [axis.theme.slug for axis in axes]
        assert len(set(slugs)) == len(slugs)
        assert "petite-enfance" in slugs
        if plan.kind == Plan.Kind.SDSF:
            assert "parentalite" in slugs
        assert min(axis.weight for axis in axes) >= 1
        for axis in axes:
            objectives = list(axis.objectives.all())
            assert 1 <= len(objectives) <= 3
            for objective in objectives:
                assert 2 <= objective.actions.count() <= 6
    used = set(Axis.objects.filter(plan__in=_plans()).values_list("theme__slug", flat=True))
    assert len(used) == 10


def test_members_of_every_plan():
    for plan in _plans().prefetch_related("members__user__organisation"):
        members = list(plan.members.all())
        roles = Counter(m.role for m in members)
        assert 1 <= roles[PlanMember.Role.PILOT] <= 2, plan.title
        assert roles[PlanMember.Role.CONTRIBUTOR] >= 3, plan.title
        assert 1 <= roles[PlanMember.Role.READER] <= 3, plan.title
        for member in members:
            user = member.user
            if member.role == PlanMember.Role.PILOT:
                assert user.role == User.Role.AGENT
                assert user.caf_id == plan.caf_id
            if user.role == User.Role.PARTNER:
                org = user.organisation
                assert org.caf_id == plan.caf_id or org.kind == Organisation.Kind.MSA
                if user.email != PARTNER_EMAIL:
                    assert user.email.endswith(".partenaires.caflab.demo")
                    assert not user.has_usable_password()
            assert member.added_at >= plan.created_at
    partners = User.objects.filter(email__endswith=".partenaires.caflab.demo")
    assert partners.count() >= 200
    assert not partners.exclude(role=User.Role.PARTNER).exists()


def test_baselines_frozen_for_the_pilot_cafs():
    pilots = {number for number, day in _first_use().items() if day.year == 2023}
    slipped = 0
    for plan in _plans().exclude(status=Plan.Status.PREPARING):
        actions = plan.actions.all()
        if plan.caf.number in pilots:
            assert plan.baseline_frozen_at is not None, plan.title
            assert plan.baseline_frozen_at.date() >= plan.pilot_since
            assert not actions.filter(baseline_due_on__isnull=True).exists()
            slipped += sum(a.baseline_due_on < a.due_on for a in actions)
        else:
            assert plan.baseline_frozen_at is None
            assert not actions.filter(baseline_due_on__isnull=False).exists()
            assert plan.template is not None
    assert slipped >= 50


def test_indicators_measured_over_2024_and_2025():
    for plan in _plans():
        indicators = list(Indicator.objects.filter(plan=plan).select_related("objective__axis"))
        assert len(indicators) >= 2, plan.title
        for indicator in indicators:
            assert indicator.target != indicator.baseline
            assert (indicator.objective is None) != (indicator.action is None)
            if indicator.objective:
                assert indicator.objective.axis.plan_id == plan.pk
            else:
                assert indicator.action.plan_id == plan.pk
            periods = list(indicator.values.values_list("period", flat=True))
            if plan.status == Plan.Status.PREPARING:
                assert periods == []
            else:
                assert len(periods) == 4
                assert {p.year for p in periods} == {2024, 2025}
    values = IndicatorValue.objects.filter(indicator__plan__in=_plans())
    assert not values.filter(value__lt=0).exists()
    assert values.exclude(comment="").exists()
    achievements = [
        i.achievement for i in selectors.plan_indicators(_ctg("38")) if i.achievement is not None
    ]
    assert achievements


def test_messages_mention_members_of_the_plan():
    messages = Message.objects.filter(plan__in=_plans()).prefetch_related("mentions")
    assert messages.count() >= 100
    assert messages.filter(action__isnull=False).exists()
    assert messages.filter(mentions__isnull=False).distinct().count() >= 50
    members = defaultdict(set)
    for plan_id, user_id in PlanMember.objects.filter(plan__in=_plans()).values_list(
        "plan_id", "user_id"
    ):
        members[plan_id].add(user_id)
    for message in messages.select_related("action", "author"):
        assert message.author_id in members[message.plan_id]
        assert message.action is None or message.action.plan_id == message.plan_id
        handles = set(services.MENTION.findall(message.text))
        mentioned = {services.mention_handle(u) for u in message.mentions.all()}
        assert mentioned == handles, message.text
        assert {u.pk for u in message.mentions.all()} <= members[message.plan_id]
        assert message.created_at < timezone.now()


def test_activity_feeds_with_recent_changes():
    now = timezone.now()
    plans = list(_plans())
    events = ActivityEvent.objects.filter(scope__startswith=SCOPE)
    by_scope = Counter(events.values_list("scope", flat=True))
    assert all(by_scope[f"{SCOPE}{plan.pk}"] >= 3 for plan in plans)
    assert not events.filter(created_at__gt=now).exists()
    recent = events.filter(created_at__gte=now - timedelta(days=90))
    assert recent.values("scope").distinct().count() >= 30
    verbs = set(events.values_list("verb", flat=True))
    assert {"plan.created", "action.updated", "message.posted", "indicator.recorded"} <= verbs
    for event in events.filter(verb="action.updated").select_related("content_type"):
        action = Action.objects.get(pk=event.object_id)
        assert event.scope == f"{SCOPE}{action.plan_id}"
        assert action.updated_at >= event.created_at
        if "progress" in event.changes:
            assert event.changes["progress"][1] == action.progress
    grenoble = _ctg("38")
    assert selectors.plan_activity(grenoble).filter(actor__email=PARTNER_EMAIL).exists()


def test_templates_and_evaluation_resources():
    templates = {t.kind: t for t in PlanTemplate.objects.filter(name__in=["CTG type", "SDSF type"])}
    assert set(templates) == {"ctg", "sdsf"}
    slugs = set(AxisTheme.objects.values_list("slug", flat=True))
    for template in templates.values():
        for axis in template.structure["axes"]:
            assert axis["theme"] in slugs
            for objective in axis["objectives"]:
                assert objective["actions"]
                assert all(1 <= action["months"] <= 60 for action in objective["actions"])
    staff = User.objects.get(email="equipe@caflab.demo")
    plan = services.plan_create(
        caf=Caf.objects.get(number="07"),
        kind=Plan.Kind.CTG,
        title="CTG Privas Centre Ardèche 2026-2030",
        territory="Privas Centre Ardèche",
        starts_on=date(2026, 1, 1),
        ends_on=date(2030, 12, 31),
        by=staff,
        template=templates["ctg"],
    )
    assert plan.axes.count() == 5
    assert plan.axes.filter(theme__isnull=True).count() == 0
    assert plan.actions.count() == 30

    resources = Resource.objects.filter(title__in=[r[1] for r in demo.RESOURCES])
    assert set(resources.values_list("kind", flat=True)) == set(Resource.Kind.values)
    assert resources.filter(is_published=False).count() == 1
    assert all(r.url.startswith("https://www.caf.fr/") for r in resources if r.url)
    assert resources.filter(themes__slug="parentalite").exists()


# The seeder itself ------------------------------------------------------------------------------
def _snapshot() -> dict:
    plans = _plans()
    return {
        "plans": plans.count(),
        "members": PlanMember.objects.filter(plan__in=plans).count(),
        "axes": Axis.objects.filter(plan__in=plans).count(),
        "objectives": Objective.objects.filter(axis__plan__in=plans).count(),
        "actions": Action.objects.filter(plan__in=plans).count(),
        "partners": Action.partners.through.objects.filter(action__plan__in=plans).count(),
        "steps": Step.objects.filter(action__plan__in=plans).count(),
        "indicators": Indicator.objects.filter(plan__in=plans).count(),
        "values": IndicatorValue.objects.filter(indicator__plan__in=plans).count(),
        "messages": Message.objects.filter(plan__in=plans).count(),
        "events": ActivityEvent.objects.filter(scope__startswith=SCOPE).count(),
        "organisations": Organisation.objects.count(),
        "users": User.objects.count(),
        "themes": AxisTheme.objects.count(),
        "templates": PlanTemplate.objects.count(),
        "resources": Resource.objects.count(),
    }


def _checksum() -> str:
    """Everything the demo shows, by natural keys (no primary keys)."""
    plans = _plans()
    parts = [
        plans.values_list(
            "caf__number",
            "kind",
            "title",
            "territory",
            "starts_on",
            "ends_on",
            "status",
            "pilot_since",
            "baseline_frozen_at",
            "template__name",
            "created_at",
        ).order_by("title"),
        plans.values_list("title", "signatories__name").order_by("title", "signatories__name"),
        PlanMember.objects.filter(plan__in=plans)
        .values_list("plan__title", "user__email", "role", "added_at")
        .order_by("plan__title", "user__email"),
        Axis.objects.filter(plan__in=plans)
        .values_list("plan__title", "position", "title", "theme__slug", "weight")
        .order_by("plan__title", "position"),
        Objective.objects.filter(axis__plan__in=plans)
        .values_list("axis__plan__title", "axis__position", "position", "title", "weight")
        .order_by("axis__plan__title", "axis__position", "position"),
        Action.objects.filter(plan__in=plans)
        .values_list(
            "plan__title",
            "objective__axis__position",
            "objective__position",
            "position",
            "title",
            "description",
            "pilot_organisation__name",
            "owner__email",
            "updated_by__email",
            "starts_on",
            "due_on",
            "baseline_starts_on",
            "baseline_due_on",
            "status",
            "progress",
            "progress_mode",
            "weight",
            "budget",
            "priority",
            "completed_on",
            "updated_at",
        )
        .order_by("plan__title", "objective__axis__position", "objective__position", "position"),
        Action.partners.through.objects.filter(action__plan__in=plans)
        .values_list("action__plan__title", "action__title", "organisation__name")
        .order_by("action__plan__title", "action__title", "organisation__name"),
        Step.objects.filter(action__plan__in=plans)
        .values_list(
            "action__plan__title", "action__title", "position", "title", "due_on", "done_on"
        )
        .order_by("action__plan__title", "action__title", "position"),
        IndicatorValue.objects.filter(indicator__plan__in=plans)
        .values_list(
            "indicator__plan__title",
            "indicator__name",
            "indicator__baseline",
            "indicator__target",
            "indicator__objective__title",
            "indicator__action__title",
            "period",
            "value",
            "source",
            "comment",
            "entered_by__email",
        )
        .order_by("indicator__plan__title", "indicator__name", "period"),
        Message.objects.filter(plan__in=plans)
        .values_list("plan__title", "created_at", "author__email", "text", "action__title")
        .order_by("plan__title", "created_at", "text"),
        Message.mentions.through.objects.filter(message__plan__in=plans)
        .values_list("message__plan__title", "message__text", "user__email")
        .order_by("message__plan__title", "message__text", "user__email"),
        ActivityEvent.objects.filter(scope__startswith=SCOPE)
        .values_list("created_at", "actor__email", "verb", "object_repr", "changes")
        .order_by("created_at", "verb", "object_repr", "actor__email"),
    ]
    # Rows that tie on their ordering keys come in any order: sort their text.
    text = "\n\n".join("\n".join(sorted(repr(row) for row in rows)) for rows in parts)
    return hashlib.sha256(text.encode()).hexdigest()


def test_a_second_run_changes_nothing():
    before, checksum = _snapshot(), _checksum()
    _seed()
    assert _snapshot() == before
    assert _checksum() == checksum


def test_reseeding_gives_the_same_data():
    before, checksum = _snapshot(), _checksum()
    _plans().delete()
    ActivityEvent.objects.filter(scope__startswith=SCOPE).delete()
    assert _snapshot()["actions"] == 0
    seed_all(SeedContext(log=lambda _message: None), only={"cooperation"})
    assert _snapshot() == before
    assert _checksum() == checksum


def test_seed_logs_a_summary():
    lines = []
    demo.seed(SeedContext(log=lines.append))
    assert len(lines) == 1
    assert lines[0].startswith("  45 plans (40 CTG, 5 SDSF) dans 40 Caf, ")
    assert lines[0].endswith(" ressources")
