"""COOPération's API: what partner Cafs and organisations use to sync their own tools.

Visibility first: a plan the caller may not see is a 404 on every route (the plan, its
actions, indicators and messages, and an action by its id), the same answer as a plan that
does not exist. Then the `rules` permission of the route: 403 for a member who lacks it
(a lecteur writing). Writes go through cooperation.services, which check again.
"""

from contextlib import contextmanager

from django.db.models import Prefetch
from django.utils import timezone
from django.utils.translation import gettext as _
from drf_spectacular.utils import (
    OpenApiExample,
    OpenApiResponse,
    extend_schema,
    extend_schema_view,
)
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import NotFound, ValidationError
from rest_framework.response import Response

from caflab.api.permissions import RulesPermission
from caflab.api.schema import PAGE_PARAMETERS, error_example as _error, ok_response as _ok
from caflab.charts import STATUS_LABELS
from cooperation import selectors, services
from cooperation.api.serializers import (
    ACTION_EXAMPLE,
    INDICATOR_EXAMPLE,
    INDICATOR_VALUE_EXAMPLE,
    MESSAGE_EXAMPLE,
    PLAN_DETAIL_EXAMPLE,
    PLAN_EXAMPLE,
    ActionCreateSerializer,
    ActionQuerySerializer,
    ActionSerializer,
    ActionUpdateSerializer,
    ConflictSerializer,
    ErrorSerializer,
    IndicatorRecordSerializer,
    IndicatorSerializer,
    MessageCreateSerializer,
    MessageQuerySerializer,
    MessageSerializer,
    PlanDetailSerializer,
    PlanQuerySerializer,
    PlanSerializer,
    RecordedValueSerializer,
)
from cooperation.models import Action, IndicatorValue, Plan, Step
from cooperation.rules import memberships

PERMISSIONS = {
    "manage_plan": "cooperation.manage_plan",
    "change_action": "cooperation.change_action",
    "record_indicator": "cooperation.record_indicator",
    "post_message": "cooperation.post_message",
}


@contextmanager
def domain_errors():
    """A rule of the plan refusing the write is a 400 with its French sentence."""
    try:
        yield
    except services.ActionConflict:
        raise  # a 409, answered by the caller
    except services.PlanError as exc:
        raise ValidationError({"non_field_errors": exc.messages}) from exc


def visible_plan(user, pk) -> Plan:
    """The plan alone, if the caller may see it; a 404 otherwise, whether it exists or not."""
    plan = Plan.objects.select_related("caf").filter(pk=pk).first()
    if plan is None or not user.has_perm("cooperation.view_plan", plan):
        raise NotFound(_("Plan introuvable."))
    return plan


def action_queryset():
    """Actions with everything ActionSerializer reads, in a fixed number of queries."""
    return Action.objects.select_related(
        "objective", "pilot_organisation", "owner"
    ).prefetch_related(
        "partners", Prefetch("steps", queryset=Step.objects.order_by("due_on", "position"))
    )


# Schema helpers --------------------------------------------------------------------------------
def _invalid(field: str, message: str) -> OpenApiResponse:
    return OpenApiResponse(
        ErrorSerializer,
        description="Données invalides, ou une règle du plan refuse l'écriture.",
        examples=[
            _error("invalid", 400, "Les données envoyées ne sont pas valides.", {field: [message]})
        ],
    )


NOT_FOUND = OpenApiResponse(
    ErrorSerializer,
    description="Le plan (ou l'action) n'existe pas, ou l'appelant ne peut pas le voir.",
    examples=[_error("not_found", 404, "Plan introuvable.")],
)
FORBIDDEN = OpenApiResponse(
    ErrorSerializer,
    description="L'appelant voit le plan mais n'a pas le droit d'y écrire (lecteur, par exemple).",
    examples=[
        _error("permission_denied", 403, "Vous n'avez pas le droit d'effectuer cette action.")
    ],
)
INVALID_QUERY = OpenApiResponse(
    ErrorSerializer,
    description="Un paramètre de la requête est invalide.",
    examples=[
        _error(
            "invalid",
            400,
            "Les données envoyées ne sont pas valides.",
            {"statut": ["« archive » n'est pas un choix valide."]},
        )
    ],
)
CONFLICT_EXAMPLE = {
    "status": 409,
    "code": "conflict",
    "detail": (
        "Cette action a été modifiée par Sonia Mercier pendant que vous la modifiiez. Comparez "
        "les deux versions ci-dessous : vos changements n'ont pas été enregistrés, mais ils ne "
        "sont pas perdus."
    ),
    "current": {**ACTION_EXAMPLE, "progress": 50, "version": 8},
    "attempted": {"version": 7, "progress": 60},
}


# Plans -----------------------------------------------------------------------------------------
@extend_schema_view(
    list=extend_schema(
        summary="Lister les plans d'action visibles",
        description=(
            "Les plans (CTG, SDSF) dont l'appelant est membre — pilote, contributeur ou "
            "lecteur —, tous pour l'équipe CafLab. Un partenaire ne voit que les plans dont il "
            "est membre ; personne ne voit le plan d'une autre Caf sans en être membre. "
            "`role` : le rôle de l'appelant dans le plan."
        ),
        parameters=[PlanQuerySerializer],
        responses={
            200: _ok(PlanSerializer(many=True), "Une CTG de la Caf de l'Isère", PLAN_EXAMPLE),
            400: INVALID_QUERY,
        },
    ),
    retrieve=extend_schema(
        summary="Détail d'un plan et sa feuille de route",
        description=(
            "Le plan, ses signataires et membres, sa feuille de route complète (axes → "
            "objectifs → actions → jalons), l'avancement pondéré de chaque objectif, axe et du "
            "plan, le feu (en bonne voie, à risque, en retard) et ce que l'appelant peut y faire. "
            "404 si le plan n'existe pas ou si l'appelant ne peut pas le voir."
        ),
        responses={
            200: _ok(PlanDetailSerializer, "Une CTG et sa feuille de route", PLAN_DETAIL_EXAMPLE),
            404: NOT_FOUND,
        },
    ),
)
class PlanViewSet(viewsets.ReadOnlyModelViewSet):
    serializer_class = PlanSerializer
    permission_classes = [RulesPermission]
    permission_required = {
        "retrieve": "cooperation.view_plan",
        "actions": "cooperation.view_plan",
        "action_create": "cooperation.manage_plan",
        "indicators": "cooperation.view_plan",
        "indicator_record": "cooperation.record_indicator",
        "messages": "cooperation.view_plan",
        "message_post": "cooperation.post_message",
    }
    filter_backends = []  # the selector filters, from PlanQuerySerializer
    lookup_value_converter = "int"

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return Plan.objects.none()
        query = PlanQuerySerializer(data=self.request.query_params)
        query.is_valid(raise_exception=True)
        return selectors.plan_list(user=self.request.user, filters=query.selector_filters())

    def get_serializer_context(self):
        context = super().get_serializer_context()
        if not getattr(self, "swagger_fake_view", False):
            context["memberships"] = memberships(self.request.user)
        return context

    def get_object(self):
        plan = visible_plan(self.request.user, self.kwargs["pk"])
        self.check_object_permissions(self.request, plan)
        return plan

    def retrieve(self, request, pk=None):
        plan = selectors.plan_get(user=request.user, pk=pk)  # 404 unless visible
        dashboard = selectors.plan_dashboard(plan)
        progress = dashboard.progress
        for axis in plan.axes.all():
            axis.rolled_up_progress = progress["axes"].get(axis.pk)
            for objective in axis.objectives.all():
                objective.rolled_up_progress = progress["objectives"].get(objective.pk)
        plan.dashboard_figures = {
            "plan": progress["plan"],
            "expected": dashboard.expected,
            "light": dashboard.light,
            "light_label": str(STATUS_LABELS[dashboard.light]),
            "late_count": len(dashboard.late),
            "due_soon_count": len(dashboard.upcoming),
        }
        plan.caller_permissions = {
            key: request.user.has_perm(perm, plan) for key, perm in PERMISSIONS.items()
        }
        return Response(PlanDetailSerializer(plan, context=self.get_serializer_context()).data)

    # Actions -------------------------------------------------------------------------------
    @extend_schema(
        summary="Actions d'un plan",
        description=(
            "Les actions du plan dans l'ordre de la feuille de route, avec leurs jalons, leur "
            "`version` (à renvoyer pour les modifier) et leur statut lu (« En retard » découle "
            "des dates). Filtres : axe, statut (dont `en_retard`), organisation pilote, et "
            "`modifiees_depuis` pour une synchronisation incrémentale."
        ),
        operation_id="plans_actions_list",
        filters=False,
        parameters=[ActionQuerySerializer, *PAGE_PARAMETERS],
        responses={
            200: _ok(ActionSerializer(many=True), "Une action en cours", ACTION_EXAMPLE),
            400: INVALID_QUERY,
            404: NOT_FOUND,
        },
    )
    @action(detail=True, methods=["get"], url_path="actions")
    def actions(self, request, pk=None):
        plan = self.get_object()
        query = ActionQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        filters = query.validated_data
        qs = action_queryset().filter(plan=plan)
        if "axe" in filters:
            qs = qs.filter(objective__axis_id=filters["axe"])
        if "pilote" in filters:
            qs = qs.filter(pilot_organisation_id=filters["pilote"])
        if "modifiees_depuis" in filters:
            qs = qs.filter(updated_at__gte=filters["modifiees_depuis"])
        if statut := filters.get("statut"):
            if statut == "en_retard":
                qs = qs.filter(status__in=selectors.LIVE, due_on__lt=timezone.localdate())
            else:
                qs = qs.filter(status=statut)
        page = self.paginate_queryset(qs)
        return self.get_paginated_response(ActionSerializer(page, many=True).data)

    @extend_schema(
        summary="Ajouter une action",
        description=(
            "Réservé aux pilotes du plan et à l'équipe CafLab. L'action rejoint un objectif du "
            "plan ; son référent, s'il est désigné, est prévenu par courriel."
        ),
        operation_id="plans_actions_create",
        request=ActionCreateSerializer,
        responses={
            201: _ok(ActionSerializer, "Action créée", ACTION_EXAMPLE, 201),
            400: _invalid("due_on", "L'échéance doit suivre le début de l'action."),
            403: FORBIDDEN,
            404: NOT_FOUND,
        },
    )
    @actions.mapping.post
    def action_create(self, request, pk=None):
        plan = self.get_object()
        serializer = ActionCreateSerializer(data=request.data, context={"plan": plan})
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        with domain_errors():
            created = services.action_create(
                objective=data.pop("objective"),
                by=request.user,
                title=data.pop("title"),
                starts_on=data.pop("starts_on"),
                due_on=data.pop("due_on"),
                **data,
            )
        action_ = action_queryset().get(pk=created.pk)
        return Response(ActionSerializer(action_).data, status=status.HTTP_201_CREATED)

    # Indicators ----------------------------------------------------------------------------
    @extend_schema(
        summary="Indicateurs d'un plan",
        description=(
            "Les indicateurs du plan (unité, valeur de départ, cible, sens), rattachés à un "
            "objectif ou à une action, avec toutes leurs mesures par période, la dernière "
            "valeur et le chemin parcouru vers la cible."
        ),
        operation_id="plans_indicateurs_list",
        filters=False,
        parameters=PAGE_PARAMETERS,
        responses={
            200: _ok(
                IndicatorSerializer(many=True),
                "Places d'accueil du jeune enfant",
                INDICATOR_EXAMPLE,
            ),
            404: NOT_FOUND,
        },
    )
    @action(detail=True, methods=["get"], url_path="indicateurs")
    def indicators(self, request, pk=None):
        plan = self.get_object()
        page = self.paginate_queryset(selectors.plan_indicators(plan))
        return self.get_paginated_response(IndicatorSerializer(page, many=True).data)

    @extend_schema(
        summary="Enregistrer une mesure d'indicateur",
        description=(
            "Une valeur par indicateur et par période : enregistrer à nouveau la même période "
            "corrige la valeur (réponse 200) ; une nouvelle période répond 201. Pilotes, "
            "contributeurs et équipe CafLab ; pas les lecteurs."
        ),
        operation_id="plans_indicateurs_create",
        request=IndicatorRecordSerializer,
        responses={
            200: _ok(RecordedValueSerializer, "Mesure corrigée", INDICATOR_VALUE_EXAMPLE),
            201: _ok(RecordedValueSerializer, "Mesure enregistrée", INDICATOR_VALUE_EXAMPLE, 201),
            400: _invalid(
                "period", "Date invalide. Utilisez un des formats suivants : YYYY-MM-DD."
            ),
            403: FORBIDDEN,
            404: NOT_FOUND,
        },
    )
    @indicators.mapping.post
    def indicator_record(self, request, pk=None):
        plan = self.get_object()
        serializer = IndicatorRecordSerializer(data=request.data, context={"plan": plan})
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        existed = IndicatorValue.objects.filter(
            indicator=data["indicator"], period=data["period"]
        ).exists()
        with domain_errors():
            measure = services.indicator_record(
                indicator=data["indicator"],
                by=request.user,
                period=data["period"],
                value=data["value"],
                source=data["source"],
                comment=data["comment"],
            )
        return Response(
            RecordedValueSerializer(measure).data,
            status=status.HTTP_200_OK if existed else status.HTTP_201_CREATED,
        )

    # Messages ------------------------------------------------------------------------------
    @extend_schema(
        summary="Messages d'un plan",
        description=(
            "Le fil collaboratif du plan, du plus ancien au plus récent, avec les personnes "
            "mentionnées ; `action` ne garde que le fil d'une action."
        ),
        operation_id="plans_messages_list",
        filters=False,
        parameters=[MessageQuerySerializer, *PAGE_PARAMETERS],
        responses={
            200: _ok(MessageSerializer(many=True), "Un message avec une mention", MESSAGE_EXAMPLE),
            400: INVALID_QUERY,
            404: NOT_FOUND,
        },
    )
    @action(detail=True, methods=["get"], url_path="messages")
    def messages(self, request, pk=None):
        plan = self.get_object()
        query = MessageQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        qs = selectors.plan_messages(plan).prefetch_related("mentions")
        if "action" in query.validated_data:
            qs = qs.filter(action_id=query.validated_data["action"])
        page = self.paginate_queryset(qs)
        return self.get_paginated_response(MessageSerializer(page, many=True).data)

    @extend_schema(
        summary="Écrire un message",
        description=(
            "Un message dans le fil du plan ou d'une de ses actions. « @prenom.nom » mentionne "
            "un membre du plan, prévenu par courriel. Pilotes, contributeurs et équipe CafLab ; "
            "pas les lecteurs."
        ),
        operation_id="plans_messages_create",
        request=MessageCreateSerializer,
        responses={
            201: _ok(MessageSerializer, "Message publié", MESSAGE_EXAMPLE, 201),
            400: _invalid("text", "Ce champ ne peut être vide."),
            403: FORBIDDEN,
            404: NOT_FOUND,
        },
    )
    @messages.mapping.post
    def message_post(self, request, pk=None):
        plan = self.get_object()
        serializer = MessageCreateSerializer(data=request.data, context={"plan": plan})
        serializer.is_valid(raise_exception=True)
        with domain_errors():
            message = services.message_post(
                plan=plan,
                by=request.user,
                text=serializer.validated_data["text"],
                action=serializer.validated_data.get("action"),
            )
        message = selectors.plan_messages(plan).prefetch_related("mentions").get(pk=message.pk)
        return Response(MessageSerializer(message).data, status=status.HTTP_201_CREATED)


# Actions by id ---------------------------------------------------------------------------------
@extend_schema_view(
    retrieve=extend_schema(
        summary="Détail d'une action",
        description=(
            "Une action, ses jalons et sa `version`. 404 si l'appelant ne voit pas son plan."
        ),
        responses={
            200: _ok(ActionSerializer, "Une action en cours", ACTION_EXAMPLE),
            404: NOT_FOUND,
        },
    ),
    partial_update=extend_schema(
        summary="Modifier une action",
        description=(
            "Envoyer la `version` lue et les seuls champs qui changent. Si quelqu'un a "
            "enregistré l'action entre-temps, la réponse est un 409 qui contient la version "
            "actuelle (`current`) et les changements tentés (`attempted`) : rien n'est perdu, "
            "rien n'est écrasé. Passer à « realisee » met l'avancement à 100 %. Pilotes, "
            "contributeurs et équipe CafLab ; pas les lecteurs."
        ),
        request=ActionUpdateSerializer,
        responses={
            200: _ok(ActionSerializer, "Action mise à jour", ACTION_EXAMPLE),
            400: _invalid(
                "progress", "Assurez-vous que cette valeur est inférieure ou égale à 100."
            ),
            403: FORBIDDEN,
            404: NOT_FOUND,
            409: OpenApiResponse(
                ConflictSerializer,
                description="L'action a été modifiée depuis la version envoyée.",
                examples=[
                    OpenApiExample(
                        "Modifiée entre-temps",
                        value=CONFLICT_EXAMPLE,
                        response_only=True,
                        status_codes=["409"],
                    )
                ],
            ),
        },
    ),
)
class ActionViewSet(mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    serializer_class = ActionSerializer
    permission_classes = [RulesPermission]
    permission_required = {
        "retrieve": "cooperation.view_plan",
        "partial_update": "cooperation.change_action",
    }
    filter_backends = []
    lookup_value_converter = "int"
    http_method_names = ["get", "patch", "head", "options"]

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return Action.objects.none()
        return action_queryset()

    def get_object(self):
        pk = self.kwargs["pk"]
        found = Action.objects.select_related("plan").filter(pk=pk).first()
        if found is None or not self.request.user.has_perm("cooperation.view_plan", found):
            raise NotFound(_("Action introuvable."))
        self.check_object_permissions(self.request, found)
        return found

    def retrieve(self, request, pk=None):
        found = self.get_object()
        return Response(ActionSerializer(action_queryset().get(pk=found.pk)).data)

    def partial_update(self, request, pk=None):
        found = self.get_object()
        serializer = ActionUpdateSerializer(data=request.data, context={"plan": found.plan})
        serializer.is_valid(raise_exception=True)
        try:
            with domain_errors():
                services.action_update(
                    action=found,
                    by=request.user,
                    version=serializer.validated_data["version"],
                    **serializer.changes(),
                )
        except services.ActionConflict as exc:
            attempted = {name: request.data[name] for name in serializer.validated_data}
            return Response(
                {
                    "status": status.HTTP_409_CONFLICT,
                    "code": "conflict",
                    "detail": exc.message,
                    "current": ActionSerializer(action_queryset().get(pk=found.pk)).data,
                    "attempted": attempted,
                },
                status=status.HTTP_409_CONFLICT,
            )
        return Response(ActionSerializer(action_queryset().get(pk=found.pk)).data)
