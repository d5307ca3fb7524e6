"""The projects' API: the programmes, the portfolio and a project's page (its dated stages,
team, funding, theory of change and impact indicators), the calls for projects and their jury's
ranking, the trainings in figures and the creativity sessions.

Visibility first: a project the caller may not see (unpublished, outside its team and the
CafLab) is a 404 on every route, the same answer as a project that does not exist; so is a
draft call outside the CafLab, and a period the caller may not see (not yet approved, outside
the team). Then the `rules` permission of the route: 403 for who sees but may not act. Writes go
through projects.services, which check again; their refusals are a 400 with the French sentence.
Nobody trained is ever named here: trainings are counts.
"""

from contextlib import contextmanager
from decimal import Decimal

from django.db.models import Count, Q
from django.utils import timezone
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import NotFound, ValidationError
from rest_framework.generics import GenericAPIView
from rest_framework.response import Response

from caflab import fragments
from caflab.api.permissions import RulesPermission
from caflab.api.schema import PAGE_PARAMETERS, error_example as _error, ok_response as _ok
from projects import selectors, services
from projects.api.serializers import (
    CALL_DETAIL_EXAMPLE,
    CALL_EXAMPLE,
    CREATIVITY_EXAMPLE,
    PERIOD_EXAMPLE,
    PROGRAMME_EXAMPLE,
    PROJECT_DETAIL_EXAMPLE,
    PROJECT_EXAMPLE,
    RANKED_EXAMPLE,
    STAGE_CHANGE_EXAMPLE,
    TRAINING_SUMMARY_EXAMPLE,
    CallDetailSerializer,
    CallRankingSerializer,
    CallSerializer,
    CreativityQuerySerializer,
    CreativitySessionSerializer,
    IndicatorPeriodSerializer,
    PeriodReviewSerializer,
    PeriodSaveSerializer,
    ProgrammeSerializer,
    ProjectDetailSerializer,
    ProjectQuerySerializer,
    ProjectSerializer,
    ProjectsErrorSerializer,
    ProjectStageChangeSerializer,
    StageMoveSerializer,
    TrainingSummarySerializer,
    YearQuerySerializer,
)
from projects.models import (
    Application,
    Call,
    CreativitySession,
    Period,
    Programme,
    Project,
    Training,
    TrainingSession,
)

# What the caller may do with a project, shown on its detail (the same rules as the pages).
PERMISSIONS = {
    "change_project": "projects.change_project",
    "change_stage": "projects.change_stage",
    "report_indicator": "projects.report_indicator",
    "review_indicator": "projects.review_indicator",
}
CLOSED_STAGES = (Project.Stage.SUSTAINED, Project.Stage.STOPPED)


@contextmanager
def domain_errors():
    """A rule of the projects' space refusing the write is a 400 with its French sentence."""
    try:
        yield
    except services.ProjectError as exc:
        raise ValidationError({"non_field_errors": exc.messages}) from exc


def cached_list(view, request, name: str, *, vary=()):
    """The list's answer (a page of serialised rows, with its count and links), computed once
    per version of the projects' data (and the Cafs'), URL and `vary` (what decides what the
    caller may see)."""
    data = fragments.cached(
        name,
        fragments.version_key("projects", "caflab"),
        lambda: mixins.ListModelMixin.list(view, request).data,
        vary=(request.build_absolute_uri(), *vary),
    )
    return Response(data)


def viewer(user) -> tuple:
    """Whose list it is, for the cache: the CafLab's team sees everything, anyone else their own
    list (no query to tell them apart)."""
    return ("staff",) if user.is_caflab_staff else ("user", user.pk)


def project_visibility(user):
    """`project → bool`: may the caller see it? No query per project: the rules read the team
    of the caller once (projects.rules.team_project_ids) and the project's own flag."""
    return lambda project: user.has_perm("projects.view_project", project)


# Schema helpers --------------------------------------------------------------------------------
def _invalid(field: str, message: str, description: str = "") -> OpenApiResponse:
    return OpenApiResponse(
        ProjectsErrorSerializer,
        description=description or "Données invalides, ou une règle des projets refuse l'écriture.",
        examples=[
            _error("invalid", 400, "Les données envoyées ne sont pas valides.", {field: [message]})
        ],
    )


def _not_found(description: str, detail: str = "Ressource introuvable.") -> OpenApiResponse:
    return OpenApiResponse(
        ProjectsErrorSerializer,
        description=description,
        examples=[_error("not_found", 404, detail)],
    )


UNAUTHENTICATED = OpenApiResponse(
    ProjectsErrorSerializer,
    description="Les projets sont réservés aux comptes du portail.",
    examples=[_error("not_authenticated", 401, "Informations d'authentification non fournies.")],
)
FORBIDDEN = OpenApiResponse(
    ProjectsErrorSerializer,
    description="L'appelant voit l'objet mais n'a pas ce droit.",
    examples=[
        _error("permission_denied", 403, "Vous n'avez pas le droit d'effectuer cette action.")
    ],
)
PROJECT_NOT_FOUND = _not_found(
    "Le projet n'existe pas, ou l'appelant ne peut pas le voir (projet non publié, hors de son "
    "équipe).",
    "Projet introuvable.",
)


# Programmes ------------------------------------------------------------------------------------
@extend_schema_view(
    list=extend_schema(
        summary="Lister les programmes",
        description=(
            "Les programmes du CafLab (Innovation sociale territoriale, Écologie solidaire…) avec "
            "leurs copilotes et partenaires, et le nombre de leurs projets que l'appelant peut "
            "voir, dont les projets en cours."
        ),
        parameters=PAGE_PARAMETERS,
        responses={
            200: _ok(ProgrammeSerializer(many=True), "Un programme", PROGRAMME_EXAMPLE),
            401: UNAUTHENTICATED,
        },
    ),
    retrieve=extend_schema(
        summary="Détail d'un programme",
        description="Un programme par son adresse (slug), avec ses nombres de projets.",
        responses={
            200: _ok(ProgrammeSerializer, "Un programme", PROGRAMME_EXAMPLE),
            401: UNAUTHENTICATED,
            404: _not_found("Aucun programme n'a cette adresse.", "Programme introuvable."),
        },
    ),
)
class ProgrammeViewSet(viewsets.ReadOnlyModelViewSet):
    serializer_class = ProgrammeSerializer
    permission_classes = [RulesPermission]
    permission_required = "projects.view_portfolio"
    lookup_field = "slug"
    lookup_value_converter = "slug"
    filter_backends = []

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return Programme.objects.none()
        visible = Q(
            projects__pk__in=selectors.visible_projects(user=self.request.user).values("pk")
        )
        running = visible & ~Q(projects__stage__in=CLOSED_STAGES)
        return (
            Programme.objects.prefetch_related("partners")
            .annotate(
                project_count=Count("projects", filter=visible, distinct=True),
                running_project_count=Count("projects", filter=running, distinct=True),
            )
            .order_by("position", "name", "pk")
        )

    def list(self, request, *args, **kwargs):
        return cached_list(
            self,
            request,
            "projects-api-programmes",
            vary=(viewer(request.user),),
        )

    def get_object(self) -> Programme:
        programme = self.get_queryset().filter(slug=self.kwargs["slug"]).first()
        if programme is None:
            raise NotFound(_("Programme introuvable."))
        self.check_object_permissions(self.request, programme)
        return programme


# Projects --------------------------------------------------------------------------------------
@extend_schema_view(
    list=extend_schema(
        summary="Lister les projets",
        description=(
            "Le portefeuille des projets que l'appelant peut voir : les projets publiés, et "
            "ceux dont il fait partie de l'équipe ; tous pour l'équipe CafLab. Filtres : "
            "programme, type, étape, thème, région (du projet ou de ses Caf), année (projets en "
            "cours à un moment de l'année) et recherche dans le titre et la présentation."
        ),
        filters=False,
        parameters=[ProjectQuerySerializer, *PAGE_PARAMETERS],
        responses={
            200: _ok(ProjectSerializer(many=True), "Un projet FIPE", PROJECT_EXAMPLE),
            400: _invalid("stage", "« termine » n'est pas un choix valide."),
            401: UNAUTHENTICATED,
        },
    ),
    retrieve=extend_schema(
        summary="Détail d'un projet",
        description=(
            "Un projet par son adresse : Caf porteuses, partenaires, historique daté des "
            "étapes, financements, équipe (noms et rôles, jamais de coordonnées), théorie du "
            "changement, indicateurs d'impact avec leurs périodes de mesure et le chemin "
            "parcouru vers la cible. Hors de l'équipe du projet et de l'équipe CafLab, seules "
            "les périodes validées par le CafLab sont montrées. `permissions` : ce que "
            "l'appelant peut faire du projet."
        ),
        responses={
            200: _ok(ProjectDetailSerializer, "Un projet FIPE", PROJECT_DETAIL_EXAMPLE),
            401: UNAUTHENTICATED,
            404: PROJECT_NOT_FOUND,
        },
    ),
)
class ProjectViewSet(viewsets.ReadOnlyModelViewSet):
    serializer_class = ProjectSerializer
    permission_classes = [RulesPermission]
    permission_required = {
        "list": "projects.view_portfolio",
        "retrieve": "projects.view_project",
        "stage": "projects.change_stage",
        "period_save": "projects.report_indicator",
    }
    lookup_field = "slug"
    lookup_value_converter = "slug"
    filter_backends = []  # the selector filters, from ProjectQuerySerializer

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return Project.objects.none()
        query = ProjectQuerySerializer(data=self.request.query_params)
        query.is_valid(raise_exception=True)
        return selectors.project_list(
            user=self.request.user,
            filters=query.selector_filters(),
            search=query.validated_data.get("search", ""),
        )

    def list(self, request, *args, **kwargs):
        return cached_list(self, request, "projects-api-projects", vary=(viewer(request.user),))

    def get_object(self) -> Project:
        """The project alone, if the caller may see it; a 404 otherwise."""
        project = (
            selectors.visible_projects(user=self.request.user)
            .filter(slug=self.kwargs["slug"])
            .first()
        )
        if project is None:
            raise NotFound(_("Projet introuvable."))
        self.check_object_permissions(self.request, project)
        return project

    def retrieve(self, request, slug=None):
        project = selectors.project_get(user=request.user, slug=slug)  # 404 unless visible
        self.check_object_permissions(request, project)
        indicators = []
        for view in selectors.project_indicators(user=request.user, project=project):
            indicator = view.indicator
            indicator.visible_periods = view.periods
            indicator.latest, indicator.percent = view.latest, view.percent
            indicators.append(indicator)
        project.indicator_list = indicators
        project.theory_of_change = [
            {"level": level, "label": label, "steps": steps}
            for level, label, steps in selectors.theory_of_change(project)
        ]
        project.funding_total = sum((f.amount for f in project.fundings.all()), Decimal("0"))
        project.caller_permissions = {
            key: request.user.has_perm(perm, project) for key, perm in PERMISSIONS.items()
        }
        return Response(
            ProjectDetailSerializer(project, context=self.get_serializer_context()).data
        )

    @extend_schema(
        summary="Changer l'étape d'un projet",
        description=(
            "Réservé à l'équipe CafLab. Le changement est daté (aujourd'hui par défaut, jamais "
            "dans le futur ni avant l'étape actuelle) et rejoint l'historique ; l'équipe du "
            "projet est prévenue par courriel. Arrêter un projet demande un commentaire."
        ),
        operation_id="projets_etape_create",
        request=StageMoveSerializer,
        responses={
            201: _ok(
                ProjectStageChangeSerializer, "Passé en expérimentation", STAGE_CHANGE_EXAMPLE, 201
            ),
            400: _invalid(
                "non_field_errors",
                "Le projet est déjà à l'étape « Incubation ».",
                "Données invalides, ou le changement est refusé (même étape, date future ou "
                "antérieure à l'étape actuelle, arrêt sans motif).",
            ),
            401: UNAUTHENTICATED,
            403: FORBIDDEN,
            404: PROJECT_NOT_FOUND,
        },
    )
    @action(detail=True, methods=["post"], url_path="etape")
    def stage(self, request, slug=None):
        project = self.get_object()
        serializer = StageMoveSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        with domain_errors():
            change = services.project_set_stage(
                project=project,
                by=request.user,
                stage=data["stage"],
                on=data["on"],
                note=data["note"],
            )
        return Response(ProjectStageChangeSerializer(change).data, status=status.HTTP_201_CREATED)

    @extend_schema(
        summary="Saisir une période de mesure",
        description=(
            "Réservé à l'équipe du projet et à l'équipe CafLab : la valeur d'un indicateur du "
            "projet sur une période (réponse 201). Avec `period`, corrige une période en "
            "brouillon ou renvoyée (réponse 200) ; une période soumise attend l'avis du CafLab "
            "et une période validée est verrouillée. Les périodes d'un indicateur ne se "
            "chevauchent pas. La période part en brouillon : soumettez-la ensuite."
        ),
        operation_id="projets_periodes_create",
        request=PeriodSaveSerializer,
        responses={
            200: _ok(
                IndicatorPeriodSerializer,
                "Période corrigée",
                {**PERIOD_EXAMPLE, "status": "a_reprendre"},
            ),
            201: _ok(
                IndicatorPeriodSerializer,
                "Période saisie",
                {**PERIOD_EXAMPLE, "status": "brouillon", "status_label": "Brouillon"},
                201,
            ),
            400: _invalid(
                "non_field_errors",
                "Cette période chevauche une période déjà saisie pour l'indicateur.",
            ),
            401: UNAUTHENTICATED,
            403: FORBIDDEN,
            404: PROJECT_NOT_FOUND,
        },
    )
    @action(detail=True, methods=["post"], url_path="periodes")
    def period_save(self, request, slug=None):
        project = self.get_object()
        serializer = PeriodSaveSerializer(data=request.data, context={"project": project})
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        existing = data["period"]
        if existing is not None and existing.indicator_id != data["indicator"].pk:
            raise ValidationError(
                {"period": [_("Cette période n'est pas une période de cet indicateur.")]}
            )
        with domain_errors():
            period = services.period_save(
                indicator=data["indicator"],
                by=request.user,
                starts_on=data["starts_on"],
                ends_on=data["ends_on"],
                value=data["value"],
                comment=data["comment"],
                period=existing,
            )
        return Response(
            IndicatorPeriodSerializer(period).data,
            status=status.HTTP_200_OK if existing else status.HTTP_201_CREATED,
        )


# Periods by id ---------------------------------------------------------------------------------
PERIOD_NOT_FOUND = _not_found(
    "La période n'existe pas, ou l'appelant ne peut pas la voir (projet non visible, ou période "
    "non validée hors de l'équipe du projet).",
    "Période introuvable.",
)


class PeriodViewSet(viewsets.GenericViewSet):
    """A period of measure, by id: the team submits it, the CafLab approves or returns it."""

    serializer_class = IndicatorPeriodSerializer
    permission_classes = [RulesPermission]
    permission_required = {
        "submit": "projects.report_indicator",
        "review": "projects.review_indicator",
    }
    lookup_value_converter = "int"
    filter_backends = []

    def get_queryset(self):
        return Period.objects.select_related("indicator__project")

    def get_object(self) -> Period:
        user = self.request.user
        period = self.get_queryset().filter(pk=self.kwargs["pk"]).first()
        project = period.indicator.project if period is not None else None
        if (
            project is None
            or not user.has_perm("projects.view_project", project)
            or (
                period.status != Period.Status.APPROVED
                and not user.has_perm("projects.view_project_internal", project)
            )
        ):
            raise NotFound(_("Période introuvable."))
        self.check_object_permissions(self.request, period)
        return period

    @extend_schema(
        summary="Soumettre une période au CafLab",
        description=(
            "L'équipe du projet soumet une période en brouillon ou renvoyée, dont la valeur est "
            "saisie ; les chefs de projet CafLab sont prévenus. Sans corps de requête."
        ),
        operation_id="periodes_soumettre_create",
        request=None,
        responses={
            200: _ok(
                IndicatorPeriodSerializer,
                "Période soumise",
                {**PERIOD_EXAMPLE, "status": "soumise", "status_label": "Soumise au CafLab"},
            ),
            400: _invalid(
                "non_field_errors", "Seule une période en brouillon ou renvoyée peut être soumise."
            ),
            401: UNAUTHENTICATED,
            403: FORBIDDEN,
            404: PERIOD_NOT_FOUND,
        },
    )
    @action(detail=True, methods=["post"], url_path="soumettre")
    def submit(self, request, pk=None):
        period = self.get_object()
        with domain_errors():
            period = services.period_submit(period=period, by=request.user)
        return Response(IndicatorPeriodSerializer(period).data)

    @extend_schema(
        summary="Valider ou renvoyer une période",
        description=(
            "Réservé à l'équipe CafLab : une période soumise est validée (elle est alors "
            "verrouillée et compte dans le chemin parcouru vers la cible) ou renvoyée au porteur "
            "avec ce qu'il doit corriger ; le porteur est prévenu."
        ),
        operation_id="periodes_examen_create",
        request=PeriodReviewSerializer,
        responses={
            200: _ok(IndicatorPeriodSerializer, "Période validée", PERIOD_EXAMPLE),
            400: _invalid("non_field_errors", "Dites au porteur ce qu'il doit corriger."),
            401: UNAUTHENTICATED,
            403: FORBIDDEN,
            404: PERIOD_NOT_FOUND,
        },
    )
    @action(detail=True, methods=["post"], url_path="examen")
    def review(self, request, pk=None):
        period = self.get_object()
        serializer = PeriodReviewSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        with domain_errors():
            period = services.period_review(
                period=period,
                by=request.user,
                approve=serializer.validated_data["approve"],
                note=serializer.validated_data["note"],
            )
        return Response(IndicatorPeriodSerializer(period).data)


# Calls -----------------------------------------------------------------------------------------
CALL_NOT_FOUND = _not_found(
    "Aucun appel n'a cette adresse, ou il est encore en préparation (visible du seul CafLab)."
)


@extend_schema_view(
    list=extend_schema(
        summary="Lister les appels à projets et défis",
        description=(
            "Les appels à projets et défis du CafLab, du plus récent au plus ancien, avec leurs "
            "nombres de candidatures et de lauréats. Ceux en préparation ne sont visibles que de "
            "l'équipe CafLab."
        ),
        parameters=PAGE_PARAMETERS,
        responses={
            200: _ok(CallSerializer(many=True), "Le Défi petite enfance", CALL_EXAMPLE),
            401: UNAUTHENTICATED,
        },
    ),
    retrieve=extend_schema(
        summary="Détail d'un appel",
        description=(
            "Un appel par son adresse : sa grille d'évaluation (critères, coefficients, notes "
            "maximales) et, une fois les lauréats désignés, les candidatures retenues avec "
            "l'adresse du projet que chacune est devenue."
        ),
        responses={
            200: _ok(CallDetailSerializer, "Le Défi petite enfance", CALL_DETAIL_EXAMPLE),
            401: UNAUTHENTICATED,
            404: CALL_NOT_FOUND,
        },
    ),
)
class CallViewSet(viewsets.ReadOnlyModelViewSet):
    serializer_class = CallSerializer
    permission_classes = [RulesPermission]
    permission_required = {
        "list": "projects.view_portfolio",
        "retrieve": "projects.view_call",
        "ranking": "projects.manage_calls",
    }
    lookup_field = "slug"
    lookup_value_converter = "slug"
    filter_backends = []

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return Call.objects.none()
        return selectors.call_list(user=self.request.user)

    def list(self, request, *args, **kwargs):
        # What a caller sees of the calls: all of them (CafLab staff), or all but drafts.
        return cached_list(
            self, request, "projects-api-calls", vary=(bool(request.user.is_caflab_staff),)
        )

    def get_object(self) -> Call:
        call = selectors.call_get(user=self.request.user, slug=self.kwargs["slug"])  # or 404
        self.check_object_permissions(self.request, call)
        return call

    def retrieve(self, request, slug=None):
        call = self.get_object()
        counts = call.applications.aggregate(
            application_count=Count("pk"),
            winner_count=Count("pk", filter=Q(status=Application.Status.SELECTED)),
        )
        call.application_count, call.winner_count = (
            counts["application_count"],
            counts["winner_count"],
        )
        call.winners = []
        if call.status == Call.Status.DECIDED:
            can_see = project_visibility(request.user)
            call.winners = list(
                call.applications.filter(status=Application.Status.SELECTED)
                .select_related("caf", "region", "project")
                .order_by("team_name", "pk")
            )
            for winner in call.winners:
                project = getattr(winner, "project", None)  # None if it was deleted since
                winner.project_slug = project.slug if project and can_see(project) else None
        return Response(CallDetailSerializer(call, context=self.get_serializer_context()).data)

    @extend_schema(
        summary="Classement d'un appel",
        description=(
            "Réservé à l'équipe CafLab : les candidatures classées par leur note pondérée sur "
            "100 (pour chaque critère, la moyenne des notes du jury ; les ex æquo partagent un "
            "rang). Les candidatures que personne n'a encore notées viennent en dernier, sans "
            "rang."
        ),
        operation_id="appels_classement_list",
        filters=False,
        parameters=PAGE_PARAMETERS,
        responses={
            200: _ok(CallRankingSerializer(many=True), "En tête du classement", RANKED_EXAMPLE),
            401: UNAUTHENTICATED,
            403: FORBIDDEN,
            404: CALL_NOT_FOUND,
        },
    )
    @action(detail=True, methods=["get"], url_path="classement")
    def ranking(self, request, slug=None):
        call = self.get_object()
        names = {criterion.pk: criterion.name for criterion in call.criteria.all()}
        rows = [
            {
                "rank": row.rank,
                "score": row.score,
                "jurors": row.jurors,
                "application": row.application,
                "criteria": [
                    {"criterion": pk, "name": names[pk], "mean": mean}
                    for pk, mean in row.by_criterion.items()
                ],
            }
            for row in selectors.ranking(call=call)
        ]
        page = self.paginate_queryset(rows)
        return self.get_paginated_response(CallRankingSerializer(page, many=True).data)


# Trainings -------------------------------------------------------------------------------------
@extend_schema(
    summary="Les formations d'une année en chiffres",
    description=(
        "Pour chaque formation du catalogue (et toute formation qui a eu des sessions dans "
        "l'année) : le nombre de sessions commencées dans l'année et de personnes distinctes "
        "qui les ont suivies ; et les totaux de l'année (une personne formée deux fois compte "
        "une fois). Aucun nom : les personnes formées ne sont jamais listées. `year` : l'année "
        "(par défaut, l'année en cours)."
    ),
    parameters=[YearQuerySerializer],
    responses={
        200: _ok(TrainingSummarySerializer, "L'année 2025", TRAINING_SUMMARY_EXAMPLE),
        400: _invalid("year", "Un nombre entier valide est requis."),
        401: UNAUTHENTICATED,
    },
)
class TrainingSummaryView(GenericAPIView):
    serializer_class = TrainingSummarySerializer
    permission_classes = [RulesPermission]
    permission_required = "projects.view_trainings"
    filter_backends = []
    pagination_class = None

    def get(self, request):
        query = YearQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        year = query.validated_data.get("year") or timezone.localdate().year
        in_year = Q(sessions__starts_on__year=year)
        trainings = (
            Training.objects.annotate(
                year_sessions=Count("sessions", filter=in_year, distinct=True),
                year_people=Count(
                    "sessions__enrolments__trainee",
                    filter=in_year & Q(sessions__enrolments__attended=True),
                    distinct=True,
                ),
            )
            .filter(Q(is_active=True) | Q(year_sessions__gt=0))
            .order_by("title", "pk")
        )
        body = {
            "year": year,
            "sessions": TrainingSession.objects.filter(starts_on__year=year).count(),
            "people_trained": selectors.people_trained(year=year),
            "trainings": trainings,
        }
        return Response(TrainingSummarySerializer(body).data)


# Creativity sessions ---------------------------------------------------------------------------
@extend_schema_view(
    list=extend_schema(
        summary="Lister les séances de créativité",
        description=(
            "Les séances de créativité animées par le CafLab et les référents (design thinking, "
            "LEGO® SERIOUS PLAY®, world café…), des plus récentes aux plus anciennes : Caf "
            "d'accueil, sujet, méthode, public, nombre de participants (jamais leurs noms), "
            "projet lié s'il est visible de l'appelant. Réservé aux agents des Caf et à l'équipe "
            "CafLab. Filtres : `year`, `caf`, `method`."
        ),
        filters=False,
        parameters=[CreativityQuerySerializer, *PAGE_PARAMETERS],
        responses={
            200: _ok(
                CreativitySessionSerializer(many=True), "Une séance à Grenoble", CREATIVITY_EXAMPLE
            ),
            400: _invalid("method", "« brainstorming » n'est pas un choix valide."),
            401: UNAUTHENTICATED,
            403: FORBIDDEN,
        },
    ),
)
class CreativitySessionViewSet(mixins.ListModelMixin, viewsets.GenericViewSet):
    serializer_class = CreativitySessionSerializer
    permission_classes = [RulesPermission]
    permission_required = "projects.view_creativity"
    filter_backends = []

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return CreativitySession.objects.none()
        query = CreativityQuerySerializer(data=self.request.query_params)
        query.is_valid(raise_exception=True)
        data = query.validated_data
        qs = selectors.creativity_list(year=data.get("year"), method=data.get("method", ""))
        if caf := data.get("caf"):
            qs = qs.filter(caf__number=caf)
        return qs

    def list(self, request, *args, **kwargs):
        return cached_list(
            self,
            request,
            "projects-api-creativity",
            vary=(viewer(request.user),),
        )

    def get_serializer_context(self):
        context = super().get_serializer_context()
        if not getattr(self, "swagger_fake_view", False):
            context["can_see"] = project_visibility(self.request.user)
        return context
