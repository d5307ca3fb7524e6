"""The annual report's API serializers: a build of the report (its status, progress, steps and
provenance) and the request for one. Nothing here runs a query: `requested_by` comes with the
build (select_related) and the links are reversed."""

from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from reporting import services
from reporting.models import ReportRun

RUN_EXAMPLE = {
    "id": 42,
    "year": 2025,
    "kind": "complet",
    "kind_label": "Rapport d'activité complet",
    "status": "termine",
    "status_label": "Terminé",
    "progress": 100,
    "step": "Terminé",
    "steps": [
        {"label": "Collecte des données", "at": "2026-01-12T09:30:01.120000+00:00"},
        {"label": "Mise en page : page 12", "at": "2026-01-12T09:30:09.850000+00:00"},
        {"label": "Terminé", "at": "2026-01-12T09:30:14.020000+00:00"},
    ],
    "requested_by": "Karine Richard",
    "requested_at": "2026-01-12T10:30:00+01:00",
    "started_at": "2026-01-12T10:30:01+01:00",
    "finished_at": "2026-01-12T10:30:14+01:00",
    "attempts": 1,
    "error": "",
    "pages": 32,
    "size": 1843211,
    "data_hash": "9f2c1e7b0d4a6c8e2f1a3b5d7c9e0f2a4b6c8d0e1f3a5b7c9d1e3f5a7b9c1d3e",
    "template_version": "2025.1",
    "gather_seconds": 1.8,
    "render_seconds": 11.2,
    "links": {
        "self": "https://caflab.example/api/v1/rapports/42/",
        "page": "https://caflab.example/rapports/generations/42/",
        "pdf": "https://caflab.example/api/v1/rapports/42/pdf/",
    },
}
RUN_QUEUED_EXAMPLE = {
    **RUN_EXAMPLE,
    "id": 43,
    "status": "en_attente",
    "status_label": "En attente",
    "progress": 0,
    "step": "",
    "steps": [],
    "started_at": None,
    "finished_at": None,
    "attempts": 0,
    "pages": None,
    "size": None,
    "data_hash": "",
    "template_version": "",
    "gather_seconds": None,
    "render_seconds": None,
    "links": {
        "self": "https://caflab.example/api/v1/rapports/43/",
        "page": "https://caflab.example/rapports/generations/43/",
        "pdf": None,
    },
}


@extend_schema_field(OpenApiTypes.STR)
class CodeField(serializers.ChoiceField):
    """A code among the model's choices, documented as text with its values: the schema's
    `kind` and `status` enums belong to other apps (the projects' API does the same)."""

    def __init__(self, *, choices, **kwargs):
        values = ", ".join(str(value) for value, _label in choices)
        kwargs.setdefault("help_text", _("Un code parmi : %(values)s.") % {"values": values})
        super().__init__(choices=choices, **kwargs)


class ReportStepSerializer(serializers.Serializer):
    label = serializers.CharField(help_text=_("Ce que la génération faisait."))
    at = serializers.DateTimeField(help_text=_("Quand l'étape a commencé."))


class ReportRunLinksSerializer(serializers.Serializer):
    self = serializers.URLField(help_text=_("Cette génération dans l'API."))
    page = serializers.URLField(help_text=_("Sa page sur le portail, avec l'avancement."))
    pdf = serializers.URLField(
        allow_null=True, help_text=_("Le PDF, une fois la génération terminée ; sinon null.")
    )


class ReportRunSerializer(serializers.ModelSerializer):
    kind = CodeField(choices=ReportRun.Kind.choices, read_only=True)
    status = CodeField(choices=ReportRun.Status.choices, read_only=True)
    kind_label = serializers.CharField(source="get_kind_display", read_only=True)
    status_label = serializers.CharField(source="get_status_display", read_only=True)
    steps = serializers.SerializerMethodField()
    requested_by = serializers.SerializerMethodField()
    links = serializers.SerializerMethodField()

    class Meta:
        model = ReportRun
        fields = [
            "id",
            "year",
            "kind",
            "kind_label",
            "status",
            "status_label",
            "progress",
            "step",
            "steps",
            "requested_by",
            "requested_at",
            "started_at",
            "finished_at",
            "attempts",
            "error",
            "pages",
            "size",
            "data_hash",
            "template_version",
            "gather_seconds",
            "render_seconds",
            "links",
        ]
        read_only_fields = fields

    @extend_schema_field(ReportStepSerializer(many=True))
    def get_steps(self, run: ReportRun) -> list[dict]:
        return [
            {"label": str(step.get("label", "")), "at": step.get("at")}
            for step in (run.steps or [])
            if isinstance(step, dict)
        ]

    @extend_schema_field(serializers.CharField(allow_null=True))
    def get_requested_by(self, run: ReportRun) -> str | None:
        user = run.requested_by
        if user is None:
            return None  # built by the build_report command
        return user.get_full_name() or user.email

    @extend_schema_field(ReportRunLinksSerializer)
    def get_links(self, run: ReportRun) -> dict:
        request = self.context.get("request")

        def absolute(url: str) -> str:
            return request.build_absolute_uri(url) if request is not None else url

        return {
            "self": absolute(reverse("reporting-run-detail", kwargs={"pk": run.pk})),
            "page": absolute(run.get_absolute_url()),
            "pdf": absolute(reverse("reporting-run-pdf", kwargs={"pk": run.pk}))
            if run.status == ReportRun.Status.DONE and run.pdf
            else None,
        }


class ReportRequestSerializer(serializers.Serializer):
    """Ask for a build: the year, and the document (the full report by default)."""

    year = serializers.IntegerField(help_text=_("L'année du rapport, de 2020 à l'année en cours."))
    kind = CodeField(
        choices=ReportRun.Kind.choices,
        default=ReportRun.Kind.FULL,
        help_text=_(
            "« complet » : le rapport d'activité ; « chiffres » : la page des chiffres clés."
        ),
    )

    def validate_year(self, year: int) -> int:
        try:
            services.check_year(year)
        except services.ReportError as exc:
            raise serializers.ValidationError(exc.messages) from exc
        return year


class ReportingErrorSerializer(serializers.Serializer):
    """The API's one error body (see caflab.api.exceptions)."""

    status = serializers.IntegerField()
    code = serializers.CharField()
    detail = serializers.CharField()
    errors = serializers.DictField(
        child=serializers.ListField(child=serializers.CharField()), required=False
    )
