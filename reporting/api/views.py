"""The annual report's API, for the CafLab team only: ask for a build of a year's report (or
join the one under way), follow its progress, download its PDF, list the builds.

Anyone else gets a 403 (anonymous callers a 401) before any lookup, so that the ids of the
builds tell nothing. Requests go through reporting.services, whose refusals are a 400 with their
French sentence."""

from django.utils.translation import gettext as _, gettext_lazy
from django_filters import rest_framework as filters
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import mixins, renderers, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import NotFound, ValidationError
from rest_framework.response import Response

from caflab.api.permissions import RulesPermission
from caflab.api.schema import PAGE_PARAMETERS, error_example as _error, ok_response as _ok
from caflab.files import protected_file_response
from reporting import services
from reporting.api.serializers import (
    RUN_EXAMPLE,
    RUN_QUEUED_EXAMPLE,
    ReportingErrorSerializer,
    ReportRequestSerializer,
    ReportRunSerializer,
)
from reporting.models import ReportRun


class StaffRulesPermission(RulesPermission):
    """The route's `rules` permission checked before the object is looked up, for detail routes
    too: a build is the team's, whichever it is."""

    message = gettext_lazy("Vous n'avez pas le droit d'effectuer cette action.")

    def has_permission(self, request, view) -> bool:
        if not (request.user and request.user.is_authenticated):
            return False
        perm = self._perm(view)
        return perm is None or request.user.has_perm(perm)


class PdfRenderer(renderers.BaseRenderer):
    """Lets a client ask for `Accept: application/pdf`; the PDF itself is a FileResponse."""

    media_type = "application/pdf"
    format = "pdf"
    charset = None
    render_style = "binary"

    def render(self, data, accepted_media_type=None, renderer_context=None):
        return data


class ReportRunFilter(filters.FilterSet):
    year = filters.NumberFilter(help_text="L'année du rapport (2025…).")
    kind = filters.ChoiceFilter(
        choices=ReportRun.Kind.choices,
        help_text="Le document : « complet » (le rapport) ou « chiffres » (les chiffres clés).",
    )
    status = filters.ChoiceFilter(
        choices=ReportRun.Status.choices,
        help_text="en_attente, en_cours, termine ou echec.",
    )

    class Meta:
        model = ReportRun
        fields = ["year", "kind", "status"]


# Schema helpers --------------------------------------------------------------------------------
UNAUTHENTICATED = OpenApiResponse(
    ReportingErrorSerializer,
    description="Le rapport d'activité est réservé aux comptes de l'équipe CafLab.",
    examples=[_error("not_authenticated", 401, "Informations d'authentification non fournies.")],
)
FORBIDDEN = OpenApiResponse(
    ReportingErrorSerializer,
    description="L'appelant n'est pas de l'équipe CafLab.",
    examples=[
        _error("permission_denied", 403, "Vous n'avez pas le droit d'effectuer cette action.")
    ],
)
RUN_NOT_FOUND = OpenApiResponse(
    ReportingErrorSerializer,
    description="Aucune génération n'a cet identifiant.",
    examples=[_error("not_found", 404, "Génération introuvable.")],
)
INVALID_REQUEST = OpenApiResponse(
    ReportingErrorSerializer,
    description="Année hors de la période du rapport, ou document inconnu.",
    examples=[
        _error(
            "invalid",
            400,
            "Les données envoyées ne sont pas valides.",
            {"year": ["Choisissez une année entre 2020 et 2026."]},
        )
    ],
)


@extend_schema_view(
    list=extend_schema(
        summary="Lister les générations du rapport",
        description=(
            "Chaque génération du rapport d'activité, la plus récente d'abord, avec son statut, "
            "son avancement et sa provenance (empreinte des données, version de la mise en "
            "page). Filtres : année, document, statut."
        ),
        parameters=PAGE_PARAMETERS,
        responses={
            200: _ok(ReportRunSerializer(many=True), "Une génération terminée", RUN_EXAMPLE),
            400: OpenApiResponse(
                ReportingErrorSerializer,
                description="Un filtre a une valeur inconnue.",
                examples=[
                    _error(
                        "invalid",
                        400,
                        "Les données envoyées ne sont pas valides.",
                        {"status": ["Sélectionnez un choix valide."]},
                    )
                ],
            ),
            401: UNAUTHENTICATED,
            403: FORBIDDEN,
        },
    ),
    retrieve=extend_schema(
        summary="Suivre une génération",
        description=(
            "Le statut (en_attente, en_cours, termine, echec), l'avancement en pourcentage, "
            "l'étape en cours et les étapes déjà faites ; une fois terminée, les pages, la "
            "taille et le lien du PDF ; en échec, la raison (`error`). À interroger toutes les "
            "quelques secondes tant que le statut est en_attente ou en_cours."
        ),
        responses={
            200: _ok(ReportRunSerializer, "Une génération terminée", RUN_EXAMPLE),
            401: UNAUTHENTICATED,
            403: FORBIDDEN,
            404: RUN_NOT_FOUND,
        },
    ),
    create=extend_schema(
        summary="Demander une génération",
        description=(
            "Demande la génération du rapport d'une année (`complet`) ou de sa page de chiffres "
            "clés (`chiffres`). Elle se fait en arrière-plan : la réponse 202 donne la "
            "génération créée, à suivre par son lien. Si le même document est déjà en cours "
            "de génération, la demande la rejoint : la réponse 200 donne cette génération."
        ),
        request=ReportRequestSerializer,
        responses={
            202: _ok(ReportRunSerializer, "Génération demandée", RUN_QUEUED_EXAMPLE, 202),
            200: _ok(
                ReportRunSerializer,
                "La génération déjà en cours",
                {**RUN_QUEUED_EXAMPLE, "status": "en_cours", "status_label": "En cours"},
            ),
            400: INVALID_REQUEST,
            401: UNAUTHENTICATED,
            403: FORBIDDEN,
        },
    ),
)
class ReportRunViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    viewsets.GenericViewSet,
):
    serializer_class = ReportRunSerializer
    permission_classes = [StaffRulesPermission]
    permission_required = {
        "default": "reporting.access_reports",
        "create": "reporting.request_report",
    }
    filter_backends = [filters.DjangoFilterBackend]
    filterset_class = ReportRunFilter
    lookup_value_converter = "int"
    queryset = ReportRun.objects.none()  # for the schema; get_queryset reads the builds

    def get_queryset(self):
        return ReportRun.objects.select_related("requested_by").order_by("-requested_at", "-pk")

    def get_object(self) -> ReportRun:
        run = self.get_queryset().filter(pk=self.kwargs["pk"]).first()
        if run is None:
            raise NotFound(_("Génération introuvable."))
        self.check_object_permissions(self.request, run)
        return run

    def create(self, request, *args, **kwargs):
        data = ReportRequestSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        try:
            run, created = services.request_run(
                year=data.validated_data["year"],
                by=request.user,
                kind=data.validated_data["kind"],
            )
        except services.ReportError as exc:
            raise ValidationError({"non_field_errors": exc.messages}) from exc
        run = self.get_queryset().get(pk=run.pk)  # with whoever asked, as it is now
        body = self.get_serializer(run).data
        return Response(body, status=status.HTTP_202_ACCEPTED if created else status.HTTP_200_OK)

    @extend_schema(
        summary="Télécharger le PDF d'une génération",
        description="Le PDF d'une génération terminée (`Content-Disposition: attachment`).",
        responses={
            (200, "application/pdf"): OpenApiResponse(
                OpenApiTypes.BINARY, description="Le PDF du document."
            ),
            (401, "application/json"): UNAUTHENTICATED,
            (403, "application/json"): FORBIDDEN,
            (404, "application/json"): OpenApiResponse(
                ReportingErrorSerializer,
                description="Aucune génération n'a cet identifiant, ou elle n'a pas de PDF "
                "(pas encore terminée, ou en échec).",
                examples=[_error("not_found", 404, "Cette génération n'a pas de PDF.")],
            ),
        },
    )
    @action(
        detail=True,
        methods=["get"],
        url_path="pdf",
        renderer_classes=[renderers.JSONRenderer, PdfRenderer],
    )
    def pdf(self, request, pk=None):
        run = self.get_object()
        if run.status != ReportRun.Status.DONE or not run.pdf:
            raise NotFound(_("Cette génération n'a pas de PDF."))
        try:
            return protected_file_response(
                run.pdf, filename=run.filename, content_type="application/pdf"
            )
        except (FileNotFoundError, OSError):
            raise NotFound(_("Le fichier de cette génération est introuvable.")) from None

    def finalize_response(self, request, response, *args, **kwargs):
        # An error of the PDF route is JSON, even for a client that asked for a PDF.
        if isinstance(response, Response) and isinstance(
            getattr(request, "accepted_renderer", None), PdfRenderer
        ):
            request.accepted_renderer = renderers.JSONRenderer()
            request.accepted_media_type = request.accepted_renderer.media_type
        return super().finalize_response(request, response, *args, **kwargs)
