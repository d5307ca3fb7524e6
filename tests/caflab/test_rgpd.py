import json
import re
from datetime import date, datetime, time, timedelta
from pathlib import Path

import pytest
from allauth.account.models import EmailAddress
from django.apps import apps
from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.urls import reverse
from django.utils import timezone

from caflab import audit, rgpd, services, tasks
from caflab.models import ActivityEvent, User
from consultations.models import Participation
from eurekaf.models import Comment, Idea
from expo_booking.models import Booking
from livinglabs.models import Member
from projects.models import Enrolment, Trainee
from reporting.document import gather
from tests.caflab.factories import AgentFactory
from tests.consultations.factories import ConsultationFactory
from tests.eurekaf.factories import IdeaFactory
from tests.expo_booking.factories import BookingFactory, ExpoSetFactory
from tests.livinglabs.factories import MemberFactory
from tests.projects.factories import TraineeFactory, TrainingSessionFactory

pytestmark = pytest.mark.django_db

YEAR = 2025
# A field whose name says it holds a person's data.
PERSONAL_NAME = re.compile(
    r"(^|_)(e?mail|courriel|phone|telephone|mobile|first_name|last_name|prenom|nom|"
    r"address|adresse|birth|birthday|naissance|contact|ip|ip_address|ip_hash)($|_)"
)


def project_models():
    base = Path(settings.BASE_DIR)
    for config in apps.get_app_configs():
        path = Path(config.path)
        if base in path.parents and ".venv" not in path.parts:
            yield from config.get_models()


def test_every_personal_looking_field_is_in_the_register():
    missing = [
        f"{model._meta.label}.{field.name}"
        for model in project_models()
        for field in model._meta.get_fields()
        if getattr(field, "concrete", False)
        and PERSONAL_NAME.search(field.name)
        and field.name not in rgpd.personal_fields(model)
    ]
    assert missing == [], "Ajoutez ces champs au registre caflab/rgpd.py"


def test_the_register_names_real_fields_and_complete_entries():
    for entry in rgpd.entries():
        model = entry.model_class
        for name in (*entry.fields, *entry.content, *entry.subject, *entry.related):
            model._meta.get_field(name.split("__")[0] if name != "pk" else "id")
        assert entry.purpose
        assert entry.legal_basis
        assert entry.retention.text
        assert (entry.expired is None) == (entry.retention.days is None), entry.model


def test_privacy_page_states_the_registers_retention_periods(client):
    page = client.get(reverse("privacy")).content.decode()
    for entry in rgpd.entries():
        assert str(entry.retention.text).replace("'", "&#x27;") in page


def test_staff_read_the_register_in_the_admin(client, staff, agent):
    client.force_login(staff)
    index = client.get(reverse("admin:index")).content.decode()
    assert reverse("admin:rgpd-register") in index
    page = client.get(reverse("admin:rgpd-register"))
    assert page.status_code == 200
    assert "Registre des données personnelles" in page.content.decode()
    assert len(page.context["entries"]) == len(rgpd.entries())
    client.force_login(agent)
    assert client.get(reverse("admin:rgpd-register")).status_code == 302


def test_the_register_page_reads_no_table(client, staff, django_assert_num_queries):
    """The register is declared in code: the page costs the session, the user and the user's
    and groups' permissions (the admin's navigation), whatever the register holds."""
    client.force_login(staff)
    client.get(reverse("admin:rgpd-register"))
    with django_assert_num_queries(4):
        assert client.get(reverse("admin:rgpd-register")).status_code == 200


# A person the portal knows in every app ---------------------------------------------------------
@pytest.fixture
def person():
    user = AgentFactory(
        email="lea.fontaine@caf38.test",
        first_name="Léa",
        last_name="Fontaine",
        is_innovator=True,
        innovator_since=date(2024, 3, 1),
    )
    EmailAddress.objects.create(user=user, email=user.email, verified=True, primary=True)
    return user


@pytest.fixture
def world(person):
    """The person's traces in every app, and another person's."""
    other = AgentFactory(email="marc.durand@caf38.test", last_name="Durand")
    idea = IdeaFactory(author=person, title="Un guichet unique pour les familles")
    Comment.objects.create(idea=idea, author=other, text="Bonne idée")
    Comment.objects.create(idea=idea, author=person, text="Merci !")
    MemberFactory(email=person.email, first_name="Léa", last_name="Fontaine")
    MemberFactory(email="autre.membre@exemple.test")
    session = TrainingSessionFactory(starts_on=date(YEAR, 4, 8))
    for trainee in (
        TraineeFactory(user=person, email=person.email, first_name="Léa", last_name="Fontaine"),
        TraineeFactory(email="autre.stagiaire@caf.test"),
    ):
        Enrolment.objects.create(session=session, trainee=trainee)
    BookingFactory(contact_email=person.email.upper(), contact_name="Léa Fontaine")
    BookingFactory(
        expo_set=ExpoSetFactory(code="CAFIA-99"), contact_email="claire.martin@caf38.test"
    )
    consultation = ConsultationFactory(is_anonymous=False)
    Participation.objects.create(
        consultation=consultation, user=person, ip_hash="a" * 64, created_on=date(YEAR, 5, 1)
    )
    return {"other": other}


def statistics() -> dict:
    figures = {key: figure.value for key, figure in gather(YEAR).figures.items()}
    return {
        "figures": figures,
        "ideas": Idea.objects.count(),
        "comments": Comment.objects.count(),
        "members": Member.objects.count(),
        "trainees": Trainee.objects.count(),
        "enrolments": Enrolment.objects.count(),
        "bookings": Booking.objects.count(),
        "participations": Participation.objects.count(),
        "users": User.objects.count(),
    }


def test_staff_export_everything_the_portal_holds_about_a_person(client, staff, person, world):
    client.force_login(staff)
    response = client.post(
        reverse("admin:caflab_user_changelist"),
        {"action": "export_personal_data", "_selected_action": [person.pk]},
    )
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/json")
    assert ".json" in response["Content-Disposition"]
    data = json.loads(response.content)
    held = data["donnees"]
    assert held["caflab.User"]["lignes"][0]["email"] == person.email
    assert held["eurekaf.Idea"]["lignes"][0]["title"] == "Un guichet unique pour les familles"
    assert [row["text"] for row in held["eurekaf.Comment"]["lignes"]] == ["Merci !"]
    assert held["livinglabs.Member"]["lignes"][0]["last_name"] == "Fontaine"
    assert held["projects.Trainee"]["lignes"][0]["email"] == person.email
    assert held["expo_booking.Booking"]["lignes"][0]["contact_name"] == "Léa Fontaine"
    assert held["consultations.Participation"]["lignes"][0]["ip_hash"] == "a" * 64
    assert held["account.EmailAddress"]["lignes"][0]["email"] == person.email
    for entry in held.values():
        assert entry["finalite"]
        assert entry["base_legale"]
        assert entry["conservation"]
    text = response.content.decode()
    for someone_else in ("marc.durand", "autre.membre", "autre.stagiaire", "claire.martin"):
        assert someone_else not in text
    event = ActivityEvent.objects.get(verb=audit.EXPORTED)
    assert event.actor == staff


def test_export_of_several_people_at_once_is_refused(client, staff, person, agent):
    client.force_login(staff)
    response = client.post(
        reverse("admin:caflab_user_changelist"),
        {"action": "export_personal_data", "_selected_action": [person.pk, agent.pk]},
        follow=True,
    )
    assert "Sélectionnez une seule personne" in response.content.decode()


def test_anonymising_on_request_erases_the_person_and_keeps_the_statistics(
    client, staff, person, world
):
    before = statistics()
    client.force_login(staff)
    url = reverse("admin:caflab_user_changelist")
    data = {"action": "anonymise", "_selected_action": [person.pk]}
    confirmation = client.post(url, data)
    assert confirmation.status_code == 200
    assert "définitive" in confirmation.content.decode()
    person.refresh_from_db()
    assert person.is_active  # nothing happens before the confirmation
    response = client.post(url, {**data, "confirmer": "oui"})
    assert response.status_code == 302

    person.refresh_from_db()
    assert (person.first_name, person.last_name, person.job_title) == ("", "", "")
    assert person.email == f"anonyme-{person.pk}@{rgpd.ANONYMOUS_DOMAIN}"
    assert not person.is_active
    assert not person.has_usable_password()
    assert not EmailAddress.objects.filter(user=person).exists()
    member = Member.objects.get(anonymised_at__isnull=False)
    assert member.email == member.last_name == ""
    trainee = Trainee.objects.get(anonymised_at__isnull=False)
    assert trainee.user is None
    assert trainee.email == ""
    booking = Booking.objects.get(contact_email="")
    assert booking.contact_name == booking.contact_phone == ""
    assert Participation.objects.get().ip_hash == ""
    # Contributions stay, still linked to the (anonymous) account.
    assert Idea.objects.filter(author=person).count() == 1
    assert Comment.objects.filter(author=person).count() == 1
    # The others are untouched.
    assert Member.objects.filter(anonymised_at__isnull=True, email="autre.membre@exemple.test")
    assert Booking.objects.filter(contact_email="claire.martin@caf38.test").exists()
    assert User.objects.get(pk=world["other"].pk).last_name == "Durand"

    assert statistics() == before
    event = ActivityEvent.objects.get(verb=audit.ANONYMISED)
    assert event.actor == staff
    assert event.scope == audit.SCOPE
    assert event.changes["lignes"]["livinglabs.Member"] == 1
    journal = " ".join(f"{e.object_repr} {e.changes}" for e in ActivityEvent.objects.all())
    assert "lea.fontaine" not in journal
    assert "Fontaine" not in journal


def test_anonymising_twice_changes_nothing_more(staff, person):
    services.anonymise_user(user=person, by=staff)
    services.anonymise_user(user=person, by=staff)
    assert ActivityEvent.objects.filter(verb=audit.ANONYMISED).count() == 1


def test_only_staff_anonymise_and_never_themselves(staff, agent, person):
    with pytest.raises(PermissionDenied):
        services.anonymise_user(user=person, by=agent)
    with pytest.raises(services.PersonalDataError):
        services.anonymise_user(user=staff, by=staff)


# Retention ---------------------------------------------------------------------------------------
def _aware(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time(10)))


def test_the_retention_job_erases_what_is_past_its_period_and_keeps_the_counts():
    today = timezone.localdate()
    years_ago = lambda n: today - timedelta(days=365 * n)  # noqa: E731
    # Accounts: 3 years without a login.
    stale = AgentFactory(last_name="Ancien", is_innovator=True, innovator_since=date(2020, 1, 6))
    User.objects.filter(pk=stale.pk).update(last_login=_aware(years_ago(4)))
    never = AgentFactory(last_name="Jamais")
    User.objects.filter(pk=never.pk).update(date_joined=_aware(years_ago(4)))
    recent = AgentFactory(last_name="Recent")
    User.objects.filter(pk=recent.pk).update(
        last_login=_aware(years_ago(1)), date_joined=_aware(years_ago(5))
    )
    # Living-lab members: flagged inactive more than 6 months ago.
    flagged_long_ago = MemberFactory(flagged_inactive_on=today - timedelta(days=200))
    flagged_lately = MemberFactory(flagged_inactive_on=today - timedelta(days=30))
    # Consultations: a year after the results.
    old = ConsultationFactory(
        opens_at=_aware(years_ago(3)), closes_at=_aware(years_ago(2)), status="close"
    )
    current = ConsultationFactory()
    for consultation in (old, current):
        Participation.objects.create(
            consultation=consultation,
            ip_hash="b" * 64,
            respondent_key="c" * 64,
            created_on=consultation.opens_at.date(),
        )
    # Trainees: 5 years after their last session.
    long_trained = TraineeFactory(last_name="Formee-Jadis")
    Enrolment.objects.create(
        session=TrainingSessionFactory(starts_on=years_ago(6)), trainee=long_trained
    )
    trained = TraineeFactory(last_name="Formee")
    Enrolment.objects.create(session=TrainingSessionFactory(), trainee=trained)
    # Bookings: a year after the exhibition.
    past = BookingFactory(starts_on=years_ago(2), ends_on=years_ago(2) + timedelta(days=13))
    coming = BookingFactory(expo_set=ExpoSetFactory(code="CAFIA-98"))
    before = statistics()

    done = tasks.apply_retention()

    assert done == {
        "caflab.User": 2,
        "livinglabs.Member": 1,
        "consultations.Participation": 1,
        "projects.Trainee": 1,
        "expo_booking.Booking": 1,
    }
    erased = User.objects.filter(email__endswith=rgpd.ANONYMOUS_DOMAIN)
    assert set(erased.values_list("pk", flat=True)) == {stale.pk, never.pk}
    assert User.objects.get(pk=recent.pk).last_name == "Recent"
    flagged_long_ago.refresh_from_db()
    flagged_lately.refresh_from_db()
    assert flagged_long_ago.anonymised_at
    assert flagged_long_ago.email == ""
    assert flagged_lately.anonymised_at is None
    assert flagged_lately.email
    assert Participation.objects.get(consultation=old).ip_hash == ""
    assert Participation.objects.get(consultation=current).ip_hash == "b" * 64
    long_trained.refresh_from_db()
    trained.refresh_from_db()
    assert long_trained.anonymised_at
    assert long_trained.last_name == ""
    assert trained.last_name == "Formee"
    past.refresh_from_db()
    coming.refresh_from_db()
    assert past.contact_email == past.contact_name == past.delivery_address == ""
    assert coming.contact_email == "claire.martin@caf38.test"
    assert statistics() == before
    # The system did it: no author.
    assert ActivityEvent.objects.filter(verb=audit.ANONYMISED, actor__isnull=True).count() == 2
    # A second run finds nothing more.
    assert tasks.apply_retention() == {}


def test_the_retention_job_is_on_the_beat_schedule():
    entries = [entry["task"] for entry in settings.CELERY_BEAT_SCHEDULE.values()]
    assert "caflab.tasks.apply_retention" in entries


def test_user_data_follows_the_register_only(person):
    data = rgpd.user_data(person)
    assert set(data["donnees"]) <= {entry.model for entry in rgpd.entries()}


def test_a_failed_erasure_does_not_stop_the_others_nor_log_the_data(caplog, monkeypatch):
    today = timezone.localdate()
    stale = AgentFactory(email="odile.perrin@caf38.test")
    User.objects.filter(pk=stale.pk).update(date_joined=_aware(today - timedelta(days=4 * 365)))
    member = MemberFactory(flagged_inactive_on=today - timedelta(days=200))

    def refuse(**kwargs):
        raise ValueError(f"refus pour {kwargs['user'].email}")

    monkeypatch.setattr(services, "anonymise_user", refuse)
    done = services.apply_retention()
    assert done == {"livinglabs.Member": 1}
    member.refresh_from_db()
    assert member.anonymised_at is not None
    assert "retention of caflab.User" in caplog.text
    assert "odile.perrin" not in caplog.text
