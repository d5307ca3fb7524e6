from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext as _
from django_filters import rest_framework as filters
from drf_spectacular.utils import (
    OpenApiParameter,
    OpenApiResponse,
    extend_schema,
    extend_schema_view,
)
from rest_framework import permissions, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import PermissionDenied, Throttled, ValidationError
from rest_framework.response import Response

from caflab import ratelimit
from caflab.api.serializers import ApiErrorSerializer
from consultations import selectors, services
from consultations.api.serializers import (
    ConsultationSerializer,
    ResponseReceiptSerializer,
    ResponseSubmitSerializer,
    ResultsSerializer,
    SectionSerializer,
)
from consultations.models import Consultation


class ConsultationFilter(filters.FilterSet):
    phase = filters.ChoiceFilter(
        choices=[
            ("ouvertes", "ouvertes"),
            ("a-venir", "à venir"),
            ("closes", "closes"),
            ("resultats", "résultats"),
        ],
        method="filter_noop",
        help_text="ouvertes, a-venir, closes ou resultats.",
    )
    theme = filters.CharFilter(field_name="theme__slug")
    audience = filters.ChoiceFilter(choices=Consultation.Audience.choices)
    caf = filters.CharFilter(field_name="caf__number", help_text="Numéro de la Caf commanditaire.")

    class Meta:
        model = Consultation
        fields = ["phase", "theme", "audience", "caf"]

    def filter_noop(self, queryset, name, value):
        return queryset  # applied by the selector, which knows the phases


@extend_schema_view(
    list=extend_schema(
        summary="Lister les consultations visibles",
        description=(
            "Publiques, ou réservées à l'appelant (agents de sa Caf, organisation invitée)."
        ),
    ),
    retrieve=extend_schema(summary="Détail d'une consultation"),
)
class ConsultationViewSet(viewsets.ReadOnlyModelViewSet):
    serializer_class = ConsultationSerializer
    permission_classes = [permissions.AllowAny]
    lookup_field = "slug"
    lookup_value_converter = "slug"  # anything else (a NUL character…) is a 404
    filterset_class = ConsultationFilter
    search_fields = ["title", "summary"]
    ordering_fields = ["opens_at", "closes_at", "respondent_count"]

    def get_queryset(self):
        phase = self.request.query_params.get("phase", "")
        return selectors.consultation_list(user=self.request.user, filters={"phase": phase})

    def get_object(self):
        return selectors.consultation_get(user=self.request.user, slug=self.kwargs["slug"])

    @extend_schema(summary="Questionnaire", responses=SectionSerializer(many=True))
    @action(detail=True, methods=["get"], pagination_class=None, filter_backends=[])
    def questionnaire(self, request, slug=None):
        consultation = self.get_object()
        return Response(SectionSerializer(consultation.sections.all(), many=True).data)

    @extend_schema(
        summary="Envoyer une réponse",
        description=(
            "Mêmes règles que le formulaire : questions obligatoires, conditions, une "
            "réponse par personne, code d'accès à usage unique."
        ),
        request=ResponseSubmitSerializer,
        responses={
            201: ResponseReceiptSerializer,
            409: OpenApiResponse(ApiErrorSerializer, description="Déjà répondu."),
        },
    )
    @action(detail=True, methods=["post"], url_path="reponses")
    def responses(self, request, slug=None):
        consultation = self.get_object()
        if not request.user.has_perm("consultations.answer_consultation", consultation):
            raise PermissionDenied(_("Vous ne pouvez pas répondre à cette consultation."))
        if (
            consultation.audience != Consultation.Audience.PUBLIC
            and not consultation.requires_access_code
            and not request.user.is_authenticated
        ):
            raise PermissionDenied(_("Identifiez-vous pour répondre à cette consultation."))
        serializer = ResponseSubmitSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        # The answer pages' limit, on the same count: the API is no way around it.
        address = ratelimit.client_ip(request)
        digest = services.ip_hash(consultation, address, timezone.localdate())
        allowed, wait = ratelimit.hit(
            f"consultation:envoi:{digest}",
            limit=settings.CAFLAB_CONSULTATION_SUBMIT_RATE,
            window=600,
        )
        if not allowed:
            raise Throttled(
                wait=wait, detail=_("Trop de réponses envoyées depuis votre connexion.")
            )
        try:
            services.response_submit(
                consultation=consultation,
                data=serializer.validated_data["answers"],
                user=request.user,
                access_code=serializer.validated_data.get("access_code", ""),
                ip_address=address,
            )
        except services.QuestionnaireInvalid as exc:
            raise ValidationError({"answers": exc.field_errors}) from exc
        except services.AlreadyAnswered as exc:
            return Response(
                {"status": 409, "code": "already_answered", "detail": exc.message},
                status=status.HTTP_409_CONFLICT,
            )
        except services.ConsultationError as exc:
            raise ValidationError({"non_field_errors": [exc.message]}) from exc
        return Response(
            {"status": 201, "detail": _("Merci, votre réponse est enregistrée.")},
            status=status.HTTP_201_CREATED,
        )

    @extend_schema(
        summary="Résultats agrégés",
        parameters=[
            OpenApiParameter(
                "ventilation",
                int,
                description="Identifiant d'une question de profil ou de département.",
            )
        ],
        responses=ResultsSerializer,
    )
    @action(detail=True, methods=["get"], url_path="resultats")
    def results(self, request, slug=None):
        consultation = selectors.consultation_get(
            user=request.user, slug=slug, perm="consultations.view_results"
        )
        staff = request.user.has_perm("consultations.manage_consultation", consultation)
        results = selectors.consultation_results(consultation=consultation, public=not staff)
        return Response(ResultsSerializer(results).data)
