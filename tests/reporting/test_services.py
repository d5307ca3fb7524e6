"""The builds of the annual report: requests share a running build, failures keep a readable
reason and can be retried, the build is idempotent; the key figures come from the data."""

from datetime import date

import pytest
from django.core.exceptions import PermissionDenied
from django.utils import timezone

from reporting import document, services
from reporting.models import ExternalIndicator, Highlight, ReportRun
from reporting.services import ReportError

pytestmark = pytest.mark.django_db

FAKE_PDF = b"%PDF-1.7\n% rapport\n%%EOF\n"


@pytest.fixture
def fast_rendering(monkeypatch):
    """The pipeline without WeasyPrint (the document tests render for real)."""
    calls = []

    def render_pdf(html, *, on_page=None):
        calls.append(html)
        for page in (1, 2, 3):
            if on_page:
                on_page(page)
        return FAKE_PDF, 3

    monkeypatch.setattr(document, "render_html", lambda data, **kwargs: "<html></html>")
    monkeypatch.setattr(document, "render_pdf", render_pdf)
    return calls


class TestRequests:
    def test_only_the_caflab_asks_for_the_report(self, agent, referent, partner, staff):
        for outsider in (agent, referent, partner):
            with pytest.raises(PermissionDenied):
                services.request_run(year=2025, by=outsider)
        run, created = services.request_run(year=2025, by=staff)
        assert created
        assert run.status == ReportRun.Status.QUEUED

    def test_two_requests_for_the_same_document_share_the_build(self, staff):
        first, created = services.request_run(year=2025, by=staff)
        second, created_again = services.request_run(year=2025, by=staff)
        one_pager, _ = services.request_run(year=2025, by=staff, kind="chiffres")
        other_year, _ = services.request_run(year=2024, by=staff)

        assert (created, created_again) == (True, False)
        assert second == first
        assert len({first.pk, one_pager.pk, other_year.pk}) == 3
        assert ReportRun.objects.count() == 3

    def test_a_year_out_of_range_is_refused_in_french(self, staff):
        with pytest.raises(ReportError, match="Choisissez une année"):
            services.request_run(year=2019, by=staff)
        with pytest.raises(ReportError):
            services.request_run(year=timezone.localdate().year + 1, by=staff)
        assert not ReportRun.objects.exists()


class TestExecution:
    def test_a_build_reports_its_steps_and_keeps_its_provenance(self, staff, fast_rendering):
        run, _ = services.request_run(year=2025, by=staff)

        run = services.execute(run_id=run.pk)

        assert run.status == ReportRun.Status.DONE
        assert run.progress == 100
        assert run.pages == 3
        assert run.pdf.read().startswith(b"%PDF")
        assert len(run.data_hash) == 64
        assert run.template_version == document.TEMPLATE_VERSION
        assert run.gather_seconds is not None
        assert run.render_seconds is not None
        labels = [step["label"] for step in run.steps]
        assert labels[0] == "Collecte des données"
        assert any(label.startswith("Mise en page : page") for label in labels)
        assert labels[-1] == "Terminé"
        assert run.attempts == 1

    def test_running_the_task_again_changes_nothing(self, staff, fast_rendering):
        run, _ = services.request_run(year=2025, by=staff)
        services.execute(run_id=run.pk)
        again = services.execute(run_id=run.pk)  # the broker delivered it twice
        assert again.status == ReportRun.Status.DONE
        assert again.attempts == 1
        assert len(fast_rendering) == 1

    def test_a_build_interrupted_mid_way_is_built_again(self, staff, fast_rendering):
        run, _ = services.request_run(year=2025, by=staff)
        # The worker died while the run was « en cours »: the task comes back.
        ReportRun.objects.filter(pk=run.pk).update(status=ReportRun.Status.RUNNING, attempts=1)
        run = services.execute(run_id=run.pk)
        assert run.status == ReportRun.Status.DONE
        assert run.attempts == 2

    def test_a_failure_is_readable_and_can_be_retried(self, staff, monkeypatch, fast_rendering):
        run, _ = services.request_run(year=2025, by=staff)

        def broken(html, *, on_page=None):
            raise OSError("police introuvable")

        monkeypatch.setattr(document, "render_pdf", broken)
        with pytest.raises(OSError, match="police"):
            services.execute(run_id=run.pk)
        run.refresh_from_db()
        assert run.status == ReportRun.Status.FAILED
        assert "La génération a échoué (OSError) : police introuvable" in run.error

        # A new request for the same document is possible while this one has failed.
        with pytest.raises(ReportError, match="en échec"):
            services.retry(run=services.request_run(year=2025, by=staff)[0], by=staff)
        ReportRun.objects.exclude(pk=run.pk).delete()
        monkeypatch.undo()
        monkeypatch.setattr(document, "render_html", lambda data, **kwargs: "<html></html>")
        monkeypatch.setattr(document, "render_pdf", lambda html, on_page=None: (FAKE_PDF, 1))
        services.retry(run=run, by=staff)
        run = services.execute(run_id=run.pk)
        assert run.status == ReportRun.Status.DONE
        assert run.error == ""

    def test_the_same_data_give_the_same_fingerprint(self, staff, fast_rendering):
        first = services.build_now(year=2025)
        second = services.build_now(year=2025)
        assert first.data_hash == second.data_hash
        Highlight.objects.create(year=2025, month=3, title="Lancement du Défi petite enfance")
        third = services.build_now(year=2025)
        assert third.data_hash != first.data_hash


class TestKeyFigures:
    def test_the_key_figures_come_from_the_apps_and_the_external_indicators(self):
        ExternalIndicator.objects.create(year=2025, key="linkedin_followers", value=3560)
        ExternalIndicator.objects.create(year=2025, key="linkedin_growth", value=680)
        ExternalIndicator.objects.create(year=2024, key="linkedin_followers", value=2880)

        data = document.gather(2025)

        figures = {figure.key: figure for figure in data.key_figures}
        assert list(figures) == list(document.KEY_FIGURES)
        assert figures["linkedin_followers"].value == 3560
        assert figures["linkedin_followers"].detail == "+680 abonnés dans l'année"
        assert figures["linkedin_followers"].external
        for key in ("living_labs", "innovators", "projects_carried", "consultation_respondents"):
            assert figures[key].value == 0  # computed, from no data
        assert [part.title for part in data.parts] == [
            "Concevoir et fabriquer",
            "Consulter et coconstruire",
            "Infuser et diffuser",
        ]
        assert len(data.highlights) == 12
        assert data.highlights[0][0] == "janvier"

    def test_one_more_response_in_the_year_is_one_more_respondent(self):
        from consultations.models import Response
        from tests.consultations.factories import ConsultationFactory

        consultation = ConsultationFactory()
        before = _figure(2025, "consultation_respondents")
        Response.objects.create(consultation=consultation, submitted_on=date(2025, 6, 12))
        Response.objects.create(consultation=consultation, submitted_on=date(2024, 6, 12))

        assert _figure(2025, "consultation_respondents") == before + 1

    def test_innovators_are_counted_at_the_end_of_the_year(self):
        from tests.caflab.factories import AgentFactory

        AgentFactory(is_innovator=True, innovator_since=date(2024, 5, 2))
        AgentFactory(is_innovator=True, innovator_since=date(2025, 11, 30))
        AgentFactory(is_innovator=True, innovator_since=date(2026, 1, 5))
        AgentFactory(is_innovator=True, innovator_since=date(2025, 2, 1), is_active=False)

        assert _figure(2025, "innovators") == 2
        assert _figure(2024, "innovators") == 1

    def test_figures_csv_lists_every_figure_of_the_year(self):
        ExternalIndicator.objects.create(year=2025, key="site_visits", value=41250, source="AT")
        text = document.figures_csv(document.gather(2025))
        assert text.startswith("\ufeffannée;partie;section;indicateur")
        assert (
            "2025;Consulter et coconstruire;La Caf à votre écoute;consultation_respondents" in text
        )
        assert "site_visits" in text
        assert "41250" in text


def _figure(year: int, key: str):
    return next(f.value for f in document.gather(year).key_figures if f.key == key)
