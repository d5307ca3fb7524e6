"""The Caf'IA exhibition's API: the sets, their availability over a period, the bookings of the
caller's Caf (booking, cancelling; confirming for the CafLab) and the hand-overs between Cafs.

The exhibition is the network's: agents of every Caf and the CafLab use it, partners have no
access (403 on every route). A booking is seen by its Caf, the referents of its region and the
CafLab; for anyone else it is a 404, the same answer as a booking that does not exist, and the
availability shows it as dates and a Caf, never its contacts. Then the `rules` permission of
the route: 403 for who sees but may not act. Writes go through expo_booking.services, which
check again; their refusals are a 400 (409 when no set is free) with the French sentence and a
`code`.
"""

import json
from contextlib import contextmanager

from django.db.models import Q
from django.http import Http404, HttpResponse
from django.utils.translation import get_language, gettext as _, gettext_lazy as _lazy
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import exceptions, mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import NotFound, ValidationError
from rest_framework.generics import GenericAPIView
from rest_framework.renderers import JSONRenderer
from rest_framework.response import Response

from caflab import fragments
from caflab.api.permissions import RulesPermission
from caflab.api.schema import PAGE_PARAMETERS, error_example as _error, ok_response as _ok
from caflab.rules import is_referent, referent_region_ids
from expo_booking import selectors, services
from expo_booking.api.serializers import (
    AVAILABILITY_EXAMPLE,
    BOOKING_DETAIL_EXAMPLE,
    BOOKING_EXAMPLE,
    HANDOVER_EXAMPLE,
    SET_EXAMPLE,
    AvailabilitySerializer,
    BookingCancelSerializer,
    BookingCreateSerializer,
    BookingDetailSerializer,
    BookingQuerySerializer,
    BookingSerializer,
    ExpoErrorSerializer,
    ExpoSetSerializer,
    HandOverQuerySerializer,
    HandOverReceiveSerializer,
    HandOverSerializer,
    HandOverShipSerializer,
    PeriodQuerySerializer,
)
from expo_booking.models import Blackout, Booking, ExpoSet, HandOver, Policy
from expo_booking.rules import visibility_key

BOOKING_RELATED = ("expo_set", "caf", "season", "handover", "handover__from_caf", "feedback")
HANDOVER_RELATED = ("booking__expo_set", "booking__caf", "from_caf")


# Errors ----------------------------------------------------------------------------------------
class BookingRefused(exceptions.APIException):
    """A booking rule refuses the request: its French sentence is the `detail`."""

    status_code = status.HTTP_400_BAD_REQUEST
    default_code = "booking_refused"
    default_detail = _lazy("La réservation est refusée.")


class NoSetFree(BookingRefused):
    """No set is free over the period: the caller may join the waitlist."""

    status_code = status.HTTP_409_CONFLICT
    default_code = "no_set_free"
    default_detail = _lazy("Aucun jeu n'est libre sur cette période.")


@contextmanager
def domain_errors():
    """A rule of the exhibition refusing the write is a 400 (409 if no set is free) whose
    `detail` is the service's French sentence and whose `code` says which refusal it is."""
    try:
        yield
    except services.NoSetFree as exc:
        raise NoSetFree(" ".join(exc.messages), code=exc.code or "no_set_free") from exc
    except services.BookingError as exc:
        raise BookingRefused(" ".join(exc.messages), code=exc.code or "booking_refused") from exc


class ExpoPermission(RulesPermission):
    """The exhibition is for the Cafs' agents and the CafLab: partners get a 403 on every route,
    before any object is looked up; then the route's own `rules` permission."""

    message = _lazy("Vous n'avez pas le droit d'effectuer cette action.")

    def has_permission(self, request, view) -> bool:
        return super().has_permission(request, view) and request.user.has_perm(
            "expo_booking.view_calendar"
        )


def visible_bookings(user):
    """The bookings whose details the caller may see, as `expo_booking.view_booking` says: the
    CafLab all; an agent their Caf's; a referent also those of the Cafs of their regions."""
    qs = Booking.objects.select_related(*BOOKING_RELATED)
    if user.is_caflab_staff:
        return qs
    mine = Q(caf_id=user.caf_id)
    if is_referent(user):
        mine |= Q(caf__region_id__in=referent_region_ids(user))
    return qs.filter(mine)


# Schema helpers --------------------------------------------------------------------------------
def _invalid(field: str, message: str, description: str = "") -> OpenApiResponse:
    return OpenApiResponse(
        ExpoErrorSerializer,
        description=description or "Un paramètre ou un champ est invalide.",
        examples=[
            _error("invalid", 400, "Les données envoyées ne sont pas valides.", {field: [message]})
        ],
    )


def _refusal(message: str, description: str = "", *, invalid: tuple | None = None):
    """A rule of the exhibition refusing the write: code `booking_refused`, the sentence in
    `detail`; with `invalid`, also an example of a field error (code `invalid`)."""
    examples = [_error("booking_refused", 400, message)]
    if invalid is not None:
        field, text = invalid
        examples.insert(
            0, _error("invalid", 400, "Les données envoyées ne sont pas valides.", {field: [text]})
        )
    return OpenApiResponse(
        ExpoErrorSerializer,
        description=description or "Une règle de l'exposition refuse l'opération.",
        examples=examples,
    )


def _not_found(description: str, detail: str) -> OpenApiResponse:
    return OpenApiResponse(
        ExpoErrorSerializer,
        description=description,
        examples=[_error("not_found", 404, detail)],
    )


UNAUTHENTICATED = OpenApiResponse(
    ExpoErrorSerializer,
    description="L'exposition Caf'IA est réservée aux comptes du portail.",
    examples=[_error("not_authenticated", 401, "Informations d'authentification non fournies.")],
)
FORBIDDEN = OpenApiResponse(
    ExpoErrorSerializer,
    description=(
        "L'appelant n'a pas ce droit (un partenaire n'a pas accès à l'exposition ; seule "
        "l'équipe CafLab confirme)."
    ),
    examples=[
        _error("permission_denied", 403, "Vous n'avez pas le droit d'effectuer cette action.")
    ],
)
BOOKING_NOT_FOUND = _not_found(
    "La réservation n'existe pas, ou l'appelant ne peut pas la voir (réservation d'une autre "
    "Caf, hors des régions d'un référent).",
    "Réservation introuvable.",
)
HANDOVER_NOT_FOUND = _not_found(
    "Le passage de relais n'existe pas (réservation pas encore confirmée), ou l'appelant n'en "
    "est ni l'expéditeur ni le destinataire.",
    "Passage de relais introuvable.",
)
NO_SET_FREE = OpenApiResponse(
    ExpoErrorSerializer,
    description="Aucun jeu n'est libre sur la période : inscrivez-vous sur la liste d'attente.",
    examples=[
        _error(
            "no_set_free",
            409,
            "Aucun jeu n'est libre du 02/03/2026 au 15/03/2026, transport compris. Inscrivez-vous "
            "sur la liste d'attente : une place vous sera proposée dès qu'un jeu se libère.",
        )
    ],
)


# Sets ------------------------------------------------------------------------------------------
@extend_schema_view(
    list=extend_schema(
        summary="Lister les jeux de l'exposition",
        description=(
            "Les jeux de l'exposition Caf'IA qui circulent de Caf en Caf : contenu (panneaux "
            "triptyques, ateliers et jeux), version des contenus, Caf où se trouve le jeu et son "
            "état. Réservé aux agents des Caf et à l'équipe CafLab."
        ),
        parameters=PAGE_PARAMETERS,
        responses={
            200: _ok(ExpoSetSerializer(many=True), "Un jeu en Isère", SET_EXAMPLE),
            401: UNAUTHENTICATED,
            403: FORBIDDEN,
        },
    ),
    retrieve=extend_schema(
        summary="Détail d'un jeu",
        description="Un jeu de l'exposition par son code (CAFIA-03…).",
        responses={
            200: _ok(ExpoSetSerializer, "Un jeu en Isère", SET_EXAMPLE),
            401: UNAUTHENTICATED,
            403: FORBIDDEN,
            404: _not_found("Aucun jeu n'a ce code.", "Jeu introuvable."),
        },
    ),
)
class ExpoSetViewSet(viewsets.ReadOnlyModelViewSet):
    serializer_class = ExpoSetSerializer
    permission_classes = [ExpoPermission]
    permission_required = "expo_booking.view_calendar"
    lookup_field = "code"
    lookup_value_converter = "code"  # caflab.api.converters: a NUL character is a 404
    filter_backends = []

    def get_queryset(self):
        return ExpoSet.objects.select_related("location").order_by("code")

    def get_object(self) -> ExpoSet:
        try:
            expo_set = selectors.set_get(code=self.kwargs["code"])
        except Http404 as exc:
            raise NotFound(_("Jeu introuvable.")) from exc
        self.check_object_permissions(self.request, expo_set)
        return expo_set


# Availability ----------------------------------------------------------------------------------
def _availability(*, user, starts_on, ends_on) -> dict:
    """Every set over the period, transport days included: free or why not, and what holds it.

    One snapshot in four queries whatever the number of sets and bookings: the rules, the sets,
    the bookings meeting the blocked days (selectors.bookings_between) and the maintenance
    periods. « Free » is the rule of selectors.free_sets and services.conflicts: a set in good
    condition that no holding booking and no maintenance period meets over the blocked days.
    """
    policy = Policy.current()
    blocked_from, blocked_until = services.blocked_range(starts_on, ends_on, policy)
    sets = list(ExpoSet.objects.select_related("location").order_by("code"))
    busy: dict[int, list[dict]] = {}
    # The Caf of each booking (its name, its region for the rules), not its set: the rows are
    # grouped by set id.
    held = selectors.bookings_between(blocked_from, blocked_until).select_related(None)
    for booking in held.select_related("caf"):
        visible = user.has_perm("expo_booking.view_booking", booking)
        busy.setdefault(booking.expo_set_id, []).append(
            {
                "starts_on": booking.starts_on,
                "ends_on": booking.ends_on,
                "blocked_from": booking.blocked_from,
                "blocked_until": booking.blocked_until,
                "caf": booking.caf,
                "own": booking.caf_id == user.caf_id,
                "booking": booking.pk if visible else None,
            }
        )
    maintenance: dict[int, list[Blackout]] = {}
    for blackout in Blackout.objects.filter(
        starts_on__lte=blocked_until, ends_on__gte=blocked_from
    ).order_by("starts_on"):
        maintenance.setdefault(blackout.expo_set_id, []).append(blackout)
    rows = []
    for expo_set in sets:
        held, off = busy.get(expo_set.pk, []), maintenance.get(expo_set.pk, [])
        if not expo_set.is_bookable:
            state = "indisponible"
        elif off:
            state = "maintenance"
        elif held:
            state = "reserve"
        else:
            state = "libre"
        rows.append(
            {
                "code": expo_set.code,
                "location": expo_set.location,
                "condition": expo_set.condition,
                "condition_label": expo_set.get_condition_display(),
                "free": state == "libre",
                "state": state,
                "busy": held,
                "maintenance": off,
            }
        )
    return {
        "starts_on": starts_on,
        "ends_on": ends_on,
        "blocked_from": blocked_from,
        "blocked_until": blocked_until,
        "transport_days_before": policy.transport_days_before,
        "transport_days_after": policy.transport_days_after,
        "free_count": sum(1 for row in rows if row["free"]),
        "sets": rows,
    }


@extend_schema(
    summary="Disponibilité des jeux sur une période",
    description=(
        "Pour chaque jeu, s'il est libre du `starts_on` au `ends_on`, jours de transport "
        "compris (ceux des règles de réservation, avant et après), et sinon pourquoi : les "
        "réservations qui le bloquent (dates et Caf d'accueil, jamais leurs contacts ; "
        "l'identifiant seulement pour celles que l'appelant peut consulter), ses périodes de "
        "maintenance, ou son état. Une période d'un an au plus."
    ),
    parameters=[PeriodQuerySerializer],
    responses={
        200: _ok(AvailabilitySerializer, "Deux jeux, dont un libre", AVAILABILITY_EXAMPLE),
        400: _invalid("ends_on", "La date de fin précède la date de début."),
        401: UNAUTHENTICATED,
        403: FORBIDDEN,
    },
)
class AvailabilityView(GenericAPIView):
    serializer_class = AvailabilitySerializer
    permission_classes = [ExpoPermission]
    permission_required = "expo_booking.view_calendar"
    filter_backends = []
    pagination_class = None

    def get(self, request):
        query = PeriodQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        starts_on, ends_on = query.validated_data["starts_on"], query.validated_data["ends_on"]

        def compute() -> bytes:
            body = _availability(user=request.user, starts_on=starts_on, ends_on=ends_on)
            return JSONRenderer().render(AvailabilitySerializer(body).data)

        # The same answer for every caller with the same rights over the same period, until
        # the next write of the exhibition's data or of the Cafs (their names); kept as JSON,
        # sent as it is to the clients that ask for JSON.
        rendered = fragments.cached(
            "expo-availability",
            fragments.version_key("expo_booking", "caflab"),
            compute,
            vary=(
                starts_on.isoformat(),
                ends_on.isoformat(),
                get_language(),
                visibility_key(request.user),
            ),
        )
        if isinstance(request.accepted_renderer, JSONRenderer):
            return HttpResponse(rendered, content_type="application/json")
        return Response(json.loads(rendered))


# Bookings --------------------------------------------------------------------------------------
@extend_schema_view(
    list=extend_schema(
        summary="Lister les réservations",
        description=(
            "Les réservations de la Caf de l'appelant (et, pour un référent, celles des Caf de "
            "ses régions ; toutes pour l'équipe CafLab), de la plus lointaine à la plus proche, "
            "avec leurs détails, leur passage de relais et le retour de la Caf. Filtres : "
            "`status`, `season` (nom de la saison), `caf` (numéro)."
        ),
        filters=False,
        parameters=[BookingQuerySerializer, *PAGE_PARAMETERS],
        responses={
            200: _ok(BookingSerializer(many=True), "Une réservation confirmée", BOOKING_EXAMPLE),
            400: _invalid("status", "« finie » n'est pas un choix valide."),
            401: UNAUTHENTICATED,
            403: FORBIDDEN,
        },
    ),
    retrieve=extend_schema(
        summary="Détail d'une réservation",
        description=(
            "Une réservation, pour sa Caf, les référents de sa région et l'équipe CafLab. "
            "`permissions` : ce que l'appelant peut en faire."
        ),
        responses={
            200: _ok(BookingDetailSerializer, "Une réservation confirmée", BOOKING_DETAIL_EXAMPLE),
            401: UNAUTHENTICATED,
            403: FORBIDDEN,
            404: BOOKING_NOT_FOUND,
        },
    ),
    create=extend_schema(
        summary="Réserver l'exposition",
        description=(
            "Demande un jeu pour la Caf de l'appelant (ou, pour l'équipe CafLab, la Caf "
            "indiquée) sur une période. Sans `expo_set`, le jeu le plus proche est choisi : "
            "déjà dans la Caf ou y finissant sa réservation précédente, puis dans la région. "
            "Les règles : durée minimale et maximale, délai de prévenance, saison, nombre de "
            "réservations par Caf et par saison, jours de transport avant et après. La "
            "réservation part « demandée » (l'équipe CafLab la confirme) ou « confirmée » si "
            "la confirmation est automatique. Si aucun jeu n'est libre : 409, code "
            "`no_set_free`."
        ),
        request=BookingCreateSerializer,
        responses={
            201: _ok(
                BookingSerializer,
                "Réservation demandée",
                {
                    **BOOKING_EXAMPLE,
                    "status": "demandee",
                    "status_label": "Demandée",
                    "confirmed_at": None,
                    "handover": None,
                },
                201,
            ),
            400: _refusal(
                "L'exposition se réserve pour 5 jours au moins.",
                "Données invalides (code `invalid`, erreurs par champ), ou une règle de "
                "réservation refuse la demande (code `booking_refused`, la phrase en `detail`).",
                invalid=("ends_on", "La date de fin précède la date de début."),
            ),
            401: UNAUTHENTICATED,
            403: FORBIDDEN,
            409: NO_SET_FREE,
        },
    ),
)
class BookingViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    viewsets.GenericViewSet,
):
    serializer_class = BookingSerializer
    permission_classes = [ExpoPermission]
    permission_required = {
        "list": "expo_booking.view_calendar",
        "create": "expo_booking.view_calendar",
        "retrieve": "expo_booking.view_booking",
        "handover": "expo_booking.view_booking",
        "cancel": "expo_booking.manage_booking",
        "confirm": "expo_booking.confirm_booking",
    }
    lookup_value_converter = "int"
    filter_backends = []

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return Booking.objects.none()
        query = BookingQuerySerializer(data=self.request.query_params)
        query.is_valid(raise_exception=True)
        filters = query.validated_data
        qs = visible_bookings(self.request.user)
        if value := filters.get("status"):
            qs = qs.filter(status=value)
        if value := filters.get("season"):
            qs = qs.filter(season__name=value)
        if value := filters.get("caf"):
            qs = qs.filter(caf__number=value)
        return qs.order_by("-starts_on", "-pk")

    def get_object(self) -> Booking:
        """The booking, if the caller may see it; a 404 otherwise."""
        try:
            booking = selectors.booking_get(user=self.request.user, pk=self.kwargs["pk"])
        except Http404 as exc:
            raise NotFound(_("Réservation introuvable.")) from exc
        self.check_object_permissions(self.request, booking)
        return booking

    def retrieve(self, request, pk=None):
        booking = self.get_object()
        return Response(self._detail(booking))

    def _detail(self, booking: Booking) -> dict:
        user = self.request.user
        booking.caller_permissions = {
            "cancel": user.has_perm("expo_booking.manage_booking", booking)
            and booking.status in services.CANCELLABLE,
            "confirm": user.has_perm("expo_booking.confirm_booking", booking)
            and booking.status == Booking.Status.REQUESTED,
            "receive": user.has_perm("expo_booking.receive_handover", booking)
            and booking.status == Booking.Status.IN_TRANSIT,
        }
        return BookingDetailSerializer(booking, context=self.get_serializer_context()).data

    def create(self, request):
        serializer = BookingCreateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        caf = data.pop("caf") or request.user.caf
        expo_set = data.pop("expo_set")
        if caf is None:
            raise ValidationError({"caf": [_("Indiquez la Caf d'accueil.")]})
        with domain_errors():
            booking = services.booking_request(
                by=request.user, caf=caf, request=services.Request(**data), expo_set=expo_set
            )
        booking = Booking.objects.select_related(*BOOKING_RELATED).get(pk=booking.pk)
        return Response(BookingSerializer(booking).data, status=status.HTTP_201_CREATED)

    @extend_schema(
        summary="Annuler une réservation",
        description=(
            "Réservé à la Caf de la réservation et à l'équipe CafLab, tant que le jeu n'est pas "
            "parti vers la Caf. Le créneau libéré est proposé à la liste d'attente."
        ),
        operation_id="expo_reservations_annuler_create",
        request=BookingCancelSerializer,
        responses={
            200: _ok(
                BookingSerializer,
                "Réservation annulée",
                {**BOOKING_EXAMPLE, "status": "annulee", "status_label": "Annulée"},
            ),
            400: _refusal(
                "Le jeu est déjà parti vers votre Caf : contactez l'équipe du CafLab pour annuler."
            ),
            401: UNAUTHENTICATED,
            403: FORBIDDEN,
            404: BOOKING_NOT_FOUND,
        },
    )
    @action(detail=True, methods=["post"], url_path="annuler")
    def cancel(self, request, pk=None):
        booking = self.get_object()
        serializer = BookingCancelSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        with domain_errors():
            services.booking_cancel(
                booking=booking, by=request.user, reason=serializer.validated_data["reason"]
            )
        booking = Booking.objects.select_related(*BOOKING_RELATED).get(pk=booking.pk)
        return Response(BookingSerializer(booking).data)

    @extend_schema(
        summary="Confirmer une réservation",
        description=(
            "Réservé à l'équipe CafLab : une réservation demandée devient confirmée ; son "
            "passage de relais est calculé (depuis la Caf précédente ou le lieu de stockage) et "
            "la Caf est prévenue par courriel. Sans corps de requête."
        ),
        operation_id="expo_reservations_confirmer_create",
        request=None,
        responses={
            200: _ok(BookingSerializer, "Réservation confirmée", BOOKING_EXAMPLE),
            400: _refusal("Seule une réservation demandée peut être confirmée."),
            401: UNAUTHENTICATED,
            403: FORBIDDEN,
            404: BOOKING_NOT_FOUND,
        },
    )
    @action(detail=True, methods=["post"], url_path="confirmer")
    def confirm(self, request, pk=None):
        booking = self.get_object()
        with domain_errors():
            services.booking_confirm(booking=booking, by=request.user)
        booking = Booking.objects.select_related(*BOOKING_RELATED).get(pk=booking.pk)
        return Response(BookingSerializer(booking).data)

    @extend_schema(
        summary="Passage de relais d'une réservation",
        description=(
            "Le voyage du jeu vers cette réservation : de quelle Caf (ou du lieu de stockage), "
            "envoi prévu, transporteur, suivi, arrivée. Il existe une fois la réservation "
            "confirmée."
        ),
        operation_id="expo_reservations_passage_de_relais_retrieve",
        responses={
            200: _ok(HandOverSerializer, "Jeu en transit", HANDOVER_EXAMPLE),
            401: UNAUTHENTICATED,
            403: FORBIDDEN,
            404: _not_found(
                "La réservation n'est pas visible de l'appelant, ou n'a pas encore de passage de "
                "relais (pas encore confirmée).",
                "Passage de relais introuvable.",
            ),
        },
    )
    @action(detail=True, methods=["get"], url_path="passage-de-relais")
    def handover(self, request, pk=None):
        booking = self.get_object()
        handover = (
            HandOver.objects.select_related(*HANDOVER_RELATED).filter(booking=booking).first()
        )
        if handover is None:
            raise NotFound(_("Passage de relais introuvable."))
        return Response(HandOverSerializer(handover).data)


# Hand-overs ------------------------------------------------------------------------------------
@extend_schema_view(
    list=extend_schema(
        summary="Lister les passages de relais",
        description=(
            "Les passages de relais dont la Caf de l'appelant est l'expéditrice ou la "
            "destinataire (tous pour l'équipe CafLab), par date d'envoi prévue : c'est ici que "
            "la Caf qui détient un jeu trouve ce qu'elle doit expédier. Filtre : `state` "
            "(a_expedier, en_transit, recu)."
        ),
        filters=False,
        parameters=[HandOverQuerySerializer, *PAGE_PARAMETERS],
        responses={
            200: _ok(HandOverSerializer(many=True), "Jeu à expédier", HANDOVER_EXAMPLE),
            400: _invalid("state", "« perdu » n'est pas un choix valide."),
            401: UNAUTHENTICATED,
            403: FORBIDDEN,
        },
    ),
    retrieve=extend_schema(
        summary="Détail d'un passage de relais",
        description="Pour la Caf qui expédie, celle qui reçoit et l'équipe CafLab.",
        responses={
            200: _ok(HandOverSerializer, "Jeu en transit", HANDOVER_EXAMPLE),
            401: UNAUTHENTICATED,
            403: FORBIDDEN,
            404: HANDOVER_NOT_FOUND,
        },
    ),
)
class HandOverViewSet(viewsets.ReadOnlyModelViewSet):
    serializer_class = HandOverSerializer
    permission_classes = [ExpoPermission]
    permission_required = {
        "list": "expo_booking.view_calendar",
        "ship": "expo_booking.ship_handover",
        "receive": "expo_booking.receive_handover",
    }
    lookup_value_converter = "int"
    filter_backends = []

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return HandOver.objects.none()
        query = HandOverQuerySerializer(data=self.request.query_params)
        query.is_valid(raise_exception=True)
        user = self.request.user
        qs = HandOver.objects.select_related(*HANDOVER_RELATED)
        if not user.is_caflab_staff:
            qs = qs.filter(Q(from_caf_id=user.caf_id) | Q(booking__caf_id=user.caf_id))
        state = query.validated_data.get("state")
        if state == "a_expedier":
            qs = qs.filter(shipped_at__isnull=True)
        elif state == "en_transit":
            qs = qs.filter(shipped_at__isnull=False, received_at__isnull=True)
        elif state == "recu":
            qs = qs.filter(received_at__isnull=False)
        return qs.order_by("ship_on", "pk")

    def get_object(self) -> HandOver:
        """The hand-over, for its sender and its receiver (and the CafLab); a 404 otherwise.
        The receiver's right is checked on the booking it serves, as the rules define it."""
        user = self.request.user
        handover = (
            HandOver.objects.select_related(*HANDOVER_RELATED, "booking__caf__region")
            .filter(pk=self.kwargs["pk"])
            .first()
        )
        if handover is None or not (
            user.has_perm("expo_booking.view_booking", handover.booking)
            or user.has_perm("expo_booking.ship_handover", handover)
        ):
            raise NotFound(_("Passage de relais introuvable."))
        target = handover.booking if self.action == "receive" else handover
        self.check_object_permissions(self.request, target)
        return handover

    def _reread(self, handover: HandOver) -> HandOver:
        return HandOver.objects.select_related(*HANDOVER_RELATED).get(pk=handover.pk)

    @extend_schema(
        summary="Expédier le jeu",
        description=(
            "Réservé à la Caf qui détient le jeu (celle de la réservation précédente, ou "
            "l'équipe CafLab depuis le lieu de stockage), une fois la réservation desservie "
            "confirmée et le jeu arrivé chez elle. Le contrôle au départ rejoint le carnet "
            "d'état ; un jeu parti endommagé ou incomplet est signalé à l'équipe CafLab."
        ),
        operation_id="expo_passages_de_relais_expedier_create",
        request=HandOverShipSerializer,
        responses={
            200: _ok(HandOverSerializer, "Jeu expédié", HANDOVER_EXAMPLE),
            400: _refusal(
                "Le jeu n'est pas encore arrivé chez la Caf précédente.",
                invalid=("carrier", "Ce champ est obligatoire."),
            ),
            401: UNAUTHENTICATED,
            403: FORBIDDEN,
            404: HANDOVER_NOT_FOUND,
        },
    )
    @action(detail=True, methods=["post"], url_path="expedier")
    def ship(self, request, pk=None):
        handover = self.get_object()
        serializer = HandOverShipSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        with domain_errors():
            services.handover_ship(handover=handover, by=request.user, **serializer.validated_data)
        return Response(HandOverSerializer(self._reread(handover)).data)

    @extend_schema(
        summary="Réceptionner le jeu",
        description=(
            "Réservé à la Caf de la réservation desservie (et à l'équipe CafLab), une fois le "
            "jeu expédié : l'état à l'arrivée rejoint le carnet d'état. Un jeu arrivé "
            "endommagé ou incomplet (décrivez le dommage ou les éléments manquants) est bloqué "
            "pour les nouvelles réservations jusqu'à sa remise en état."
        ),
        operation_id="expo_passages_de_relais_reception_create",
        request=HandOverReceiveSerializer,
        responses={
            200: _ok(
                HandOverSerializer,
                "Jeu reçu",
                {
                    **HANDOVER_EXAMPLE,
                    "received_at": "2026-02-28T11:00:00+01:00",
                    "arrival": "bon",
                    "arrival_label": "Arrivé complet et en bon état",
                    "state": "recu",
                },
            ),
            400: _refusal(
                "Décrivez le dommage ou les éléments manquants.",
                invalid=("arrival", "« perdu » n'est pas un choix valide."),
            ),
            401: UNAUTHENTICATED,
            403: FORBIDDEN,
            404: HANDOVER_NOT_FOUND,
        },
    )
    @action(detail=True, methods=["post"], url_path="reception")
    def receive(self, request, pk=None):
        handover = self.get_object()
        serializer = HandOverReceiveSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        with domain_errors():
            services.handover_receive(
                handover=handover, by=request.user, **serializer.validated_data
            )
        return Response(HandOverSerializer(self._reread(handover)).data)
