"""The living labs' API: the labs (public, like their pages), their workshops and contributions
(agents of the network and CafLab staff), contributions recorded by the lab's facilitators.

Members are never exposed here, not even to the facilitators: a workshop's attendance is a
count, a contribution belongs to the workshop, not to a person. Writes go through
livinglabs.services, which check the permission again.
"""

from contextlib import contextmanager

from django.utils.translation import gettext as _
from drf_spectacular.utils import (
    OpenApiResponse,
    extend_schema,
    extend_schema_view,
)
from rest_framework import permissions, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import NotFound, ValidationError
from rest_framework.response import Response

from caflab import fragments
from caflab.api.permissions import RulesPermission
from caflab.api.schema import PAGE_PARAMETERS, error_example as _error, ok_response as _ok
from livinglabs import selectors, services
from livinglabs.api.serializers import (
    CONTRIBUTION_EXAMPLE,
    LAB_EXAMPLE,
    WORKSHOP_EXAMPLE,
    ContributionCreateSerializer,
    ContributionQuerySerializer,
    ContributionSerializer,
    LabQuerySerializer,
    LabSerializer,
    LivingLabErrorSerializer,
    WorkshopQuerySerializer,
    WorkshopSerializer,
)
from livinglabs.models import Lab


@contextmanager
def domain_errors():
    """A rule of the living lab refusing the write is a 400 with its French sentence."""
    try:
        yield
    except services.LabError as exc:
        raise ValidationError({"non_field_errors": exc.messages}) from exc


# Schema helpers --------------------------------------------------------------------------------
NOT_FOUND = OpenApiResponse(
    LivingLabErrorSerializer,
    description="Aucun living lab n'a cette adresse.",
    examples=[_error("not_found", 404, "Ressource introuvable.")],
)
UNAUTHENTICATED = OpenApiResponse(
    LivingLabErrorSerializer,
    description="Le travail des living labs est réservé aux comptes du portail.",
    examples=[_error("not_authenticated", 401, "Informations d'authentification non fournies.")],
)
FORBIDDEN = OpenApiResponse(
    LivingLabErrorSerializer,
    description="L'appelant n'a pas ce droit sur ce living lab.",
    examples=[
        _error("permission_denied", 403, "Vous n'avez pas le droit d'effectuer cette action.")
    ],
)


def _invalid_query(field: str, message: str) -> OpenApiResponse:
    return OpenApiResponse(
        LivingLabErrorSerializer,
        description="Un paramètre de la requête est invalide.",
        examples=[
            _error("invalid", 400, "Les données envoyées ne sont pas valides.", {field: [message]})
        ],
    )


@extend_schema_view(
    list=extend_schema(
        summary="Lister les living labs",
        description=(
            "Les living labs du collectif animé par le CafLab : communautés permanentes "
            "d'usagers, animées chacune par une Caf sur une thématique. Informations publiques "
            "(ouvertes sans compte, comme les pages du portail) et nombres de membres actifs et "
            "d'ateliers ; aucune donnée personnelle des membres. Filtres : thème, statut, Caf."
        ),
        parameters=[LabQuerySerializer],
        responses={
            200: _ok(LabSerializer(many=True), "Le living lab du Finistère", LAB_EXAMPLE),
            400: _invalid_query("theme", "« sport » n'est pas un choix valide."),
        },
    ),
    retrieve=extend_schema(
        summary="Détail d'un living lab",
        description=(
            "Un living lab par son adresse (slug) : Caf, thème, lieu d'accueil, date de "
            "création, présentation, statut et nombres de membres actifs et d'ateliers."
        ),
        responses={
            200: _ok(LabSerializer, "Le living lab du Finistère", LAB_EXAMPLE),
            404: NOT_FOUND,
        },
    ),
)
class LabViewSet(viewsets.ReadOnlyModelViewSet):
    serializer_class = LabSerializer
    permission_required = {
        "workshops": "livinglabs.view_lab_work",
        "contributions": "livinglabs.view_lab_work",
        "contribution_create": "livinglabs.manage_lab",
    }
    lookup_field = "slug"
    lookup_value_converter = "slug"
    filter_backends = []  # the selector filters, from LabQuerySerializer

    def get_permissions(self):
        # The labs' public information is open like their pages; their work is not.
        if self.action in {"list", "retrieve"}:
            return [permissions.AllowAny()]
        return [RulesPermission()]

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return Lab.objects.none()
        query = LabQuerySerializer(data=self.request.query_params)
        query.is_valid(raise_exception=True)
        filters = query.validated_data
        qs = selectors.lab_list(filters=filters)
        if caf := filters.get("caf"):
            qs = qs.filter(caf__number=caf)
        return qs

    def list(self, request, *args, **kwargs):
        # Public and the same for every caller: computed once per version of the data and URL.
        data = fragments.cached(
            "livinglabs-api-labs",
            fragments.version_key("livinglabs", "caflab"),
            lambda: super(LabViewSet, self).list(request, *args, **kwargs).data,
            vary=(request.build_absolute_uri(),),
        )
        return Response(data)

    def retrieve(self, request, slug=None):
        lab = selectors.lab_list().filter(slug=slug).first()
        if lab is None:
            raise NotFound(_("Ressource introuvable."))
        return Response(self.get_serializer(lab).data)

    def get_object(self) -> Lab:
        lab = selectors.lab_get(slug=self.kwargs["slug"])  # 404 if there is no such lab
        self.check_object_permissions(self.request, lab)
        return lab

    # Workshops -----------------------------------------------------------------------------
    @extend_schema(
        summary="Ateliers d'un living lab",
        description=(
            "Les ateliers du living lab, du plus récent au plus ancien : sujet, dates, modalité, "
            "lieu, sollicitation nationale, compte rendu, et la participation en nombres "
            "(invités, présents) — jamais la liste des personnes. Réservé aux agents du réseau, "
            "à l'équipe CafLab et aux animateurs du living lab. Filtres : `since`, `until`."
        ),
        operation_id="living_labs_ateliers_list",
        filters=False,
        parameters=[WorkshopQuerySerializer, *PAGE_PARAMETERS],
        responses={
            200: _ok(WorkshopSerializer(many=True), "Un atelier sur le MNS", WORKSHOP_EXAMPLE),
            400: _invalid_query("since", "Format de date invalide."),
            401: UNAUTHENTICATED,
            403: FORBIDDEN,
            404: NOT_FOUND,
        },
    )
    @action(detail=True, methods=["get"], url_path="ateliers")
    def workshops(self, request, slug=None):
        lab = self.get_object()
        query = WorkshopQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        qs = selectors.lab_workshops(lab=lab)
        if since := query.validated_data.get("since"):
            qs = qs.filter(starts_at__date__gte=since)
        if until := query.validated_data.get("until"):
            qs = qs.filter(starts_at__date__lte=until)
        page = self.paginate_queryset(qs)
        return self.get_paginated_response(WorkshopSerializer(page, many=True).data)

    # Contributions -------------------------------------------------------------------------
    @extend_schema(
        summary="Contributions d'un living lab",
        description=(
            "Ce qui est sorti des ateliers du living lab — irritants, besoins, idées, "
            "propositions — avec leurs mots-clés et la suite donnée (transmise, prise en "
            "compte, mise en œuvre, non retenue avec son motif), des plus récentes aux plus "
            "anciennes. Filtres : `kind`, `status`, `workshop`. Réservé aux agents du réseau, à "
            "l'équipe CafLab et aux animateurs du living lab."
        ),
        operation_id="living_labs_contributions_list",
        filters=False,
        parameters=[ContributionQuerySerializer, *PAGE_PARAMETERS],
        responses={
            200: _ok(
                ContributionSerializer(many=True),
                "Un irritant pris en compte",
                CONTRIBUTION_EXAMPLE,
            ),
            400: _invalid_query("kind", "« avis » n'est pas un choix valide."),
            401: UNAUTHENTICATED,
            403: FORBIDDEN,
            404: NOT_FOUND,
        },
    )
    @action(detail=True, methods=["get"], url_path="contributions")
    def contributions(self, request, slug=None):
        lab = self.get_object()
        query = ContributionQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        filters = query.validated_data
        qs = selectors.contribution_list(lab=lab, filters=filters)
        if workshop := filters.get("workshop"):
            qs = qs.filter(workshop_id=workshop)
        page = self.paginate_queryset(qs)
        return self.get_paginated_response(ContributionSerializer(page, many=True).data)

    @extend_schema(
        summary="Enregistrer une contribution",
        description=(
            "Réservé aux animateurs du living lab : une contribution issue d'un atelier du lab "
            "(irritant, besoin, idée ou proposition). Elle part avec le statut « transmise ». "
            "Ne citez personne dans le texte : les contributions sont lues dans tout le réseau."
        ),
        operation_id="living_labs_contributions_create",
        request=ContributionCreateSerializer,
        responses={
            201: _ok(
                ContributionSerializer,
                "Contribution enregistrée",
                {**CONTRIBUTION_EXAMPLE, "status": "transmise", "status_label": "Transmise"},
                201,
            ),
            400: _invalid_query("workshop", "Cet atelier n'appartient pas à ce living lab."),
            401: UNAUTHENTICATED,
            403: FORBIDDEN,
            404: NOT_FOUND,
        },
    )
    @contributions.mapping.post
    def contribution_create(self, request, slug=None):
        lab = self.get_object()
        serializer = ContributionCreateSerializer(data=request.data, context={"lab": lab})
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        with domain_errors():
            created = services.contribution_add(
                workshop=data["workshop"],
                by=request.user,
                kind=data["kind"],
                text=data["text"],
                tags=data["tags"],
            )
        contribution = selectors.contribution_list(lab=lab).get(pk=created.pk)
        return Response(ContributionSerializer(contribution).data, status=status.HTTP_201_CREATED)
