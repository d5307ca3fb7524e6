"""Eurekaf's API: viewsets over the selectors, writes through the services.

Visibility is the selectors' (an idea the caller may not see is a 404, as on the pages); each
object is then checked against the `rules` permission of the action; the services check again.
"""

from contextlib import contextmanager

from django.conf import settings
from django.core.cache import cache
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.translation import get_language, gettext as _
from drf_spectacular.utils import (
    OpenApiParameter,
    OpenApiResponse,
    extend_schema,
    extend_schema_view,
)
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import NotFound, PermissionDenied, ValidationError
from rest_framework.generics import GenericAPIView
from rest_framework.response import Response

from caflab import fragments, ratelimit
from caflab.api.permissions import RulesPermission
from caflab.api.schema import error_example as _error, ok_response as _ok
from caflab.rules import is_agent
from eurekaf import selectors, services
from eurekaf.api.serializers import (
    CAMPAIGN_EXAMPLE,
    COMMENT_EXAMPLE,
    IDEA_DETAIL_EXAMPLE,
    IDEA_EXAMPLE,
    STATISTICS_EXAMPLE,
    CampaignQuerySerializer,
    EurekafErrorSerializer,
    IdeaCampaignSerializer,
    IdeaCommentCreateSerializer,
    IdeaCommentSerializer,
    IdeaCreateSerializer,
    IdeaDetailSerializer,
    IdeaFollowStateSerializer,
    IdeaQuerySerializer,
    IdeaSerializer,
    IdeaStatisticsSerializer,
    IdeaStatusUpdateSerializer,
    IdeaSupportStateSerializer,
    StatisticsQuerySerializer,
)
from eurekaf.models import Campaign, Idea, IdeaBox, Support


@contextmanager
def domain_errors():
    """A rule of the idea box refusing the action is a 400 with its French sentence."""
    try:
        yield
    except services.IdeaError as exc:
        raise ValidationError({"non_field_errors": exc.messages}) from exc


NOT_FOUND = OpenApiResponse(
    EurekafErrorSerializer,
    description="L'idée n'existe pas, ou l'appelant ne peut pas la voir.",
    examples=[_error("not_found", 404, "Ressource introuvable.")],
)
FORBIDDEN = OpenApiResponse(
    EurekafErrorSerializer,
    description="L'appelant voit l'idée mais n'a pas le droit d'effectuer cette action.",
    examples=[
        _error("permission_denied", 403, "Vous n'avez pas le droit d'effectuer cette action.")
    ],
)
INVALID_QUERY = OpenApiResponse(
    EurekafErrorSerializer,
    description="Un paramètre de la requête est invalide.",
    examples=[
        _error(
            "invalid",
            400,
            "Les données envoyées ne sont pas valides.",
            {"statut": ["« archivee » n'est pas un choix valide."]},
        )
    ],
)


def _invalid(example_detail: str) -> OpenApiResponse:
    return OpenApiResponse(
        EurekafErrorSerializer,
        description="Données invalides, ou une règle de la boîte à idées refuse l'action.",
        examples=[
            _error(
                "invalid",
                400,
                "Les données envoyées ne sont pas valides.",
                {"non_field_errors": [example_detail]},
            )
        ],
    )


@extend_schema_view(
    list=extend_schema(
        summary="Lister les idées visibles",
        description=(
            "Les idées des boîtes que l'appelant peut voir : celle de sa Caf et la boîte "
            "nationale pour un agent, toutes pour l'équipe CafLab, aucune pour un partenaire. "
            "Les doublons fusionnés n'apparaissent que si on les demande par leur statut "
            "(`statut=fusionnee`). `supported` dit si l'appelant soutient l'idée."
        ),
        parameters=[IdeaQuerySerializer],
        responses={
            200: _ok(IdeaSerializer(many=True), "Une idée en étude", IDEA_EXAMPLE),
            400: INVALID_QUERY,
        },
    ),
    retrieve=extend_schema(
        summary="Détail d'une idée",
        description=(
            "L'idée, sa chronologie publique (changements de statut et réponses officielles), "
            "ses commentaires visibles, ses thèmes et compteurs, et ce que l'appelant peut en "
            "faire. 404 si elle n'existe pas ou si l'appelant ne peut pas la voir."
        ),
        responses={
            200: _ok(IdeaDetailSerializer, "Une idée en étude", IDEA_DETAIL_EXAMPLE),
            404: NOT_FOUND,
        },
    ),
    create=extend_schema(
        summary="Déposer une idée",
        description=(
            "Un agent dépose une idée dans une boîte qu'il voit (celle de sa Caf ou la boîte "
            "nationale), éventuellement pour une campagne en cours de cette boîte. L'auteur "
            "suit son idée ; les gestionnaires de la boîte sont prévenus."
        ),
        request=IdeaCreateSerializer,
        responses={
            201: _ok(IdeaDetailSerializer, "Idée déposée", IDEA_DETAIL_EXAMPLE, 201),
            400: _invalid("Cette campagne n'accepte plus d'idées."),
            403: FORBIDDEN,
        },
    ),
)
class IdeaViewSet(mixins.ListModelMixin, viewsets.GenericViewSet):
    serializer_class = IdeaSerializer
    permission_classes = [RulesPermission]
    permission_required = {
        "retrieve": "eurekaf.view_idea",
        "comments": "eurekaf.view_idea",
        "support": "eurekaf.support_idea",
        "unsupport": "eurekaf.view_idea",
        "follow": "eurekaf.follow_idea",
        "unfollow": "eurekaf.view_idea",
        "comment_create": "eurekaf.comment_idea",
        "change_status": "eurekaf.answer_idea",
    }
    filter_backends = []  # the selector filters, from IdeaQuerySerializer
    lookup_value_converter = "int"

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return Idea.objects.none()
        query = IdeaQuerySerializer(data=self.request.query_params)
        query.is_valid(raise_exception=True)
        if self.action == "list":
            # The count and each page's keys are cached; only the page's ideas are read (their
            # themes only for the rows that list() does not find in the cache).
            version, self._shown_version = selectors.start_reading(self.request.user)
            paginator = self.paginator
            size = paginator.get_page_size(self.request) or 0
            try:
                number = max(int(self.request.query_params.get("page") or 1), 1)
            except ValueError:
                number = 1
            return selectors.IdeaResults(
                user=self.request.user,
                filters=query.selector_filters(),
                version=version,
                loader=self._rows,
                page_hint=(size * (number - 1), size) if size else None,
            )
        return selectors.idea_list(user=self.request.user, filters=query.selector_filters())

    def list(self, request, *args, **kwargs):
        return self.get_paginated_response(self.paginate_queryset(self.get_queryset()))

    def _rows(self, keys: "list[int]"):
        """A page of ideas as IdeaSerializer writes them: what is the same for every caller
        comes from the cache (one read for the page), keyed by the versions of Eurekaf's and
        CafLab's data (names of boxes, Caf, authors); `supported`, the caller's own, is read
        for the page in one query."""
        prefix = (
            f"c:eurekaf-api-idea:{self._shown_version}:{get_language()}:"
            f"{self.request.build_absolute_uri('/')}:"
        )
        found = {
            int(key.rsplit(":", 1)[1]): row
            for key, row in cache.get_many([f"{prefix}{pk}" for pk in keys]).items()
        }
        missing = [pk for pk in keys if pk not in found]
        if missing:
            ideas = selectors.idea_list(user=self.request.user, filters={"include_merged": True})
            ideas = list(ideas.filter(pk__in=missing))
            serializer = IdeaSerializer(ideas, many=True, context=self.get_serializer_context())
            rendered = {
                # The link as plain text: a Hyperlink carries its idea, not to be cached.
                idea.pk: {**row, "url": str(row["url"])}
                for idea, row in zip(ideas, serializer.data, strict=True)
            }
            cache.set_many(
                {f"{prefix}{pk}": row for pk, row in rendered.items()}, timeout=fragments.TIMEOUT
            )
            found |= rendered
        supported = set(
            Support.objects.filter(agent=self.request.user, idea_id__in=keys).values_list(
                "idea_id", flat=True
            )
        )
        return [{**found[pk], "supported": pk in supported} for pk in keys if pk in found]

    def get_object(self):
        user, pk = self.request.user, self.kwargs["pk"]
        if self.action in {"retrieve", "comments"}:
            idea = selectors.idea_get(user=user, pk=pk)
        else:
            # Reactions need the idea, not its timeline: the list's visibility, one query.
            visible = selectors.idea_list(user=user, filters={"include_merged": True})
            idea = get_object_or_404(visible.prefetch_related(None), pk=pk)
        self.check_object_permissions(self.request, idea)
        return idea

    def _detail(self, pk: int, status_code: int = status.HTTP_200_OK) -> Response:
        idea = selectors.idea_get(user=self.request.user, pk=pk)
        return Response(
            IdeaDetailSerializer(idea, context=self.get_serializer_context()).data,
            status=status_code,
        )

    def retrieve(self, request, pk=None):
        idea = self.get_object()
        return Response(IdeaDetailSerializer(idea, context=self.get_serializer_context()).data)

    def create(self, request):
        if not is_agent(request.user):
            raise PermissionDenied(_("Seuls les agents des Caf déposent des idées."))
        serializer = IdeaCreateSerializer(data=request.data, context=self.get_serializer_context())
        serializer.is_valid(raise_exception=True)
        ratelimit.throttle_user(
            request.user,
            "eurekaf-idea",
            settings.CAFLAB_IDEA_POST_RATE,
            message=_("Vous avez déposé beaucoup d'idées en peu de temps."),
        )
        data = serializer.validated_data
        with domain_errors():
            idea = services.idea_create(
                box=data["boite"],
                author=request.user,
                title=data["titre"],
                description=data["description"],
                campaign=data.get("campagne"),
                themes=data.get("themes", []),
            )
        return self._detail(idea.pk, status.HTTP_201_CREATED)

    # Support -------------------------------------------------------------------------------
    def _support_state(self, idea: Idea, supported: bool) -> Response:
        idea.refresh_from_db(fields=["support_count"])
        return Response({"supported": supported, "support_count": idea.support_count})

    @extend_schema(
        summary="Soutenir une idée",
        description=(
            "Un soutien par agent et par idée : soutenir deux fois ne compte qu'une fois. "
            "On ne soutient ni sa propre idée ni un doublon fusionné."
        ),
        request=None,
        responses={
            200: _ok(
                IdeaSupportStateSerializer,
                "Idée soutenue",
                {"supported": True, "support_count": 18},
            ),
            403: FORBIDDEN,
            404: NOT_FOUND,
        },
    )
    @action(detail=True, methods=["post"], url_path="soutien")
    def support(self, request, pk=None):
        idea = self.get_object()
        services.idea_support(idea=idea, agent=request.user)
        return self._support_state(idea, supported=True)

    @extend_schema(
        summary="Retirer son soutien",
        description="Sans effet si l'appelant ne soutenait pas l'idée.",
        request=None,
        responses={
            200: _ok(
                IdeaSupportStateSerializer,
                "Soutien retiré",
                {"supported": False, "support_count": 17},
            ),
            404: NOT_FOUND,
        },
    )
    @support.mapping.delete
    def unsupport(self, request, pk=None):
        idea = self.get_object()
        services.idea_unsupport(idea=idea, agent=request.user)
        return self._support_state(idea, supported=False)

    # Follow --------------------------------------------------------------------------------
    def _follow_state(self, idea: Idea, followed: bool) -> Response:
        idea.refresh_from_db(fields=["follower_count"])
        return Response({"followed": followed, "follower_count": idea.follower_count})

    @extend_schema(
        summary="Suivre une idée",
        description=(
            "L'appelant est prévenu par courriel de chaque changement de statut et des "
            "nouveaux commentaires. Suivre deux fois ne compte qu'une fois."
        ),
        request=None,
        responses={
            200: _ok(
                IdeaFollowStateSerializer, "Idée suivie", {"followed": True, "follower_count": 10}
            ),
            403: FORBIDDEN,
            404: NOT_FOUND,
        },
    )
    @action(detail=True, methods=["post"], url_path="abonnement")
    def follow(self, request, pk=None):
        idea = self.get_object()
        services.idea_follow(idea=idea, user=request.user)
        return self._follow_state(idea, followed=True)

    @extend_schema(
        summary="Ne plus suivre une idée",
        description="Sans effet si l'appelant ne suivait pas l'idée.",
        request=None,
        responses={
            200: _ok(
                IdeaFollowStateSerializer,
                "Abonnement arrêté",
                {"followed": False, "follower_count": 9},
            ),
            404: NOT_FOUND,
        },
    )
    @follow.mapping.delete
    def unfollow(self, request, pk=None):
        idea = self.get_object()
        services.idea_unfollow(idea=idea, user=request.user)
        return self._follow_state(idea, followed=False)

    # Comments ------------------------------------------------------------------------------
    @extend_schema(
        summary="Commentaires d'une idée",
        description=(
            "Les commentaires visibles, du plus ancien au plus récent. Un commentaire masqué "
            "par la modération n'est montré qu'à son auteur et aux gestionnaires, avec le motif."
        ),
        operation_id="idees_commentaires_list",
        filters=False,
        parameters=[
            OpenApiParameter("page", int, description="Numéro de la page."),
            OpenApiParameter("page_size", int, description="Commentaires par page (200 au plus)."),
        ],
        responses={
            200: _ok(IdeaCommentSerializer(many=True), "Un commentaire", COMMENT_EXAMPLE),
            404: NOT_FOUND,
        },
    )
    @action(detail=True, methods=["get"], url_path="commentaires")
    def comments(self, request, pk=None):
        idea = self.get_object()
        # idea_get prefetched exactly the comments this user may read.
        page = self.paginate_queryset(idea.visible_comments)
        serializer = IdeaCommentSerializer(page, many=True, context=self.get_serializer_context())
        return self.get_paginated_response(serializer.data)

    @extend_schema(
        summary="Commenter une idée",
        description=(
            "Un agent commente une idée qu'il voit (pas un doublon fusionné). Il suit "
            "désormais l'idée ; les autres abonnés sont prévenus."
        ),
        request=IdeaCommentCreateSerializer,
        responses={
            201: _ok(IdeaCommentSerializer, "Commentaire publié", COMMENT_EXAMPLE, 201),
            400: _invalid("Le commentaire est vide."),
            403: FORBIDDEN,
            404: NOT_FOUND,
        },
    )
    @comments.mapping.post
    def comment_create(self, request, pk=None):
        idea = self.get_object()
        serializer = IdeaCommentCreateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        ratelimit.throttle_user(
            request.user,
            "eurekaf-comment",
            settings.CAFLAB_COMMENT_POST_RATE,
            message=_("Vous avez publié beaucoup de commentaires en peu de temps."),
        )
        with domain_errors():
            comment = services.comment_create(
                idea=idea, author=request.user, text=serializer.validated_data["text"]
            )
        return Response(
            IdeaCommentSerializer(comment, context=self.get_serializer_context()).data,
            status=status.HTTP_201_CREATED,
        )

    # Follow-up -----------------------------------------------------------------------------
    @extend_schema(
        summary="Changer le statut d'une idée",
        description=(
            "Réservé aux gestionnaires de la boîte de l'idée et à l'équipe CafLab. Le "
            "changement et sa réponse officielle rejoignent la chronologie publique ; l'auteur "
            "et les abonnés sont prévenus. Parcours : déposée → en étude → retenue / en "
            "expérimentation → mise en œuvre, ou non retenue (réponse obligatoire)."
        ),
        request=IdeaStatusUpdateSerializer,
        responses={
            200: _ok(IdeaDetailSerializer, "Idée mise à l'étude", IDEA_DETAIL_EXAMPLE),
            400: _invalid("Une idée « Déposée » ne peut pas passer à « Mise en œuvre »."),
            403: FORBIDDEN,
            404: NOT_FOUND,
        },
    )
    @action(detail=True, methods=["post"], url_path="statut")
    def change_status(self, request, pk=None):
        idea = self.get_object()
        serializer = IdeaStatusUpdateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        with domain_errors():
            services.idea_change_status(
                idea=idea,
                by=request.user,
                to_status=serializer.validated_data["to_status"],
                answer=serializer.validated_data["answer"],
            )
        return self._detail(idea.pk)


@extend_schema_view(
    list=extend_schema(
        summary="Lister les campagnes",
        description=(
            "Les campagnes thématiques et appels à initiatives (criées) des boîtes que "
            "l'appelant voit, les plus récentes d'abord."
        ),
        parameters=[CampaignQuerySerializer],
        responses={
            200: _ok(IdeaCampaignSerializer(many=True), "Un appel à initiatives", CAMPAIGN_EXAMPLE),
            400: INVALID_QUERY,
        },
    ),
    retrieve=extend_schema(
        summary="Détail d'une campagne",
        description="Une campagne, par son adresse ; 404 si sa boîte n'est pas visible.",
        responses={
            200: _ok(IdeaCampaignSerializer, "Un appel à initiatives", CAMPAIGN_EXAMPLE),
            404: NOT_FOUND,
        },
    ),
)
class CampaignViewSet(viewsets.ReadOnlyModelViewSet):
    serializer_class = IdeaCampaignSerializer
    permission_classes = [RulesPermission]
    permission_required = {"retrieve": "eurekaf.view_box"}
    filter_backends = []
    lookup_field = "slug"
    lookup_value_converter = "slug"

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return Campaign.objects.none()
        qs = selectors.campaign_list(user=self.request.user).prefetch_related("themes")
        if self.action != "list":
            return qs
        query = CampaignQuerySerializer(data=self.request.query_params)
        query.is_valid(raise_exception=True)
        data = query.validated_data
        if data.get("boite"):
            qs = qs.filter(box__slug=data["boite"])
        if data.get("type"):
            qs = qs.filter(kind=data["type"])
        if data["en_cours"] is not None:
            today = timezone.localdate()
            running = {"starts_on__lte": today, "ends_on__gte": today}
            qs = qs.filter(**running) if data["en_cours"] else qs.exclude(**running)
        return qs


@extend_schema(
    summary="Statistiques d'une boîte à idées",
    description=(
        "Idées par mois, par statut, par Caf d'origine et par campagne ; participation "
        "(auteurs et soutiens distincts) ; part d'idées ayant reçu une réponse, délai médian "
        "de première réponse, taux de mise en œuvre. Les doublons fusionnés sont exclus. "
        "Avec `boite` : une boîte visible par l'appelant. Sans : l'ensemble national pour "
        "l'équipe CafLab, la boîte de sa Caf pour un agent."
    ),
    parameters=[StatisticsQuerySerializer],
    responses={
        200: _ok(IdeaStatisticsSerializer, "La boîte de la Caf de l'Isère", STATISTICS_EXAMPLE),
        400: INVALID_QUERY,
        403: FORBIDDEN,
        404: NOT_FOUND,
    },
)
class IdeaStatisticsView(GenericAPIView):
    serializer_class = IdeaStatisticsSerializer
    permission_classes = [RulesPermission]
    filter_backends = []
    pagination_class = None

    def get(self, request):
        query = StatisticsQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        data = query.validated_data
        box, boxes = self._scope(request.user, data.get("boite"))
        stats = selectors.statistics_for(boxes=boxes, since=data.get("du"), until=data.get("au"))
        body = {
            "box": box,
            "total": stats.total,
            "per_month": [
                {"month": month.strftime("%Y-%m"), "count": n} for month, n in stats.per_month
            ],
            "by_status": [
                {"status": code, "label": str(label), "count": n}
                for code, label, n in stats.by_status
            ],
            "by_caf": [{"caf": name, "count": n} for name, n in stats.by_caf],
            "by_campaign": [{"campaign": title, "count": n} for title, n in stats.by_campaign],
            "authors": stats.authors,
            "supporters": stats.supporters,
            "answered": stats.answered,
            "answered_share": stats.answered_share,
            "median_days_to_answer": stats.median_days_to_answer,
            "implemented": stats.implemented,
            "implementation_rate": stats.implementation_rate,
        }
        return Response(IdeaStatisticsSerializer(body).data)

    def _scope(self, user, slug: str | None) -> tuple[IdeaBox | None, object]:
        """The box asked for (visible, else 404), or the caller's natural scope."""
        visible = selectors.visible_boxes(user=user)
        if slug:
            box = visible.filter(slug=slug).first()
            if box is None:
                raise NotFound(_("Boîte à idées introuvable."))
        elif user.has_perm("eurekaf.view_national_statistics"):
            return None, IdeaBox.objects.all()
        elif is_agent(user):
            box = visible.filter(caf_id=user.caf_id).first()
            if box is None:
                raise NotFound(_("Votre Caf n'a pas encore de boîte à idées."))
        else:
            raise PermissionDenied(_("Les statistiques d'Eurekaf sont réservées aux agents."))
        if not user.has_perm("eurekaf.view_statistics", box):
            raise PermissionDenied
        return box, IdeaBox.objects.filter(pk=box.pk)
