"""The Caf'IA exhibition's API serializers.

Read serializers cover what the views loaded with `select_related`: nothing here runs a query
per row. A booking's contacts (name, phone, email, delivery address, venue) appear only in
`BookingSerializer`, which the views use for the bookings the caller may see
(`expo_booking.view_booking`); the availability and the hand-overs name another Caf, never its
people. Input serializers are plain: the writes go through expo_booking.services, which check
the rules again.
"""

from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiExample, extend_schema_field, extend_schema_serializer
from rest_framework import serializers

from caflab.api.serializers import CafSummarySerializer, CodeField, DateField, SlugRelatedField
from caflab.models import Caf
from expo_booking.models import Blackout, Booking, ExpoSet, Feedback, HandOver

CAF_NUMBER = r"^(?:[0-9]{2,3}|2[AB])$"
# The longest period the availability answers for: a season is a year.
MAX_AVAILABILITY_DAYS = 366

# Examples --------------------------------------------------------------------------------------
CAF_EXAMPLE = {"number": "38", "name": "Caf de l'Isère"}
SET_EXAMPLE = {
    "code": "CAFIA-03",
    "contents": "9 panneaux triptyques, bar à prompts, jeu des controverses, escape card",
    "panels": 9,
    "games": 4,
    "kit_version": "1.2",
    "location": CAF_EXAMPLE,
    "condition": "bon",
    "condition_label": "Bon état",
    "is_bookable": True,
}
AVAILABILITY_EXAMPLE = {
    "starts_on": "2026-03-02",
    "ends_on": "2026-03-15",
    "blocked_from": "2026-02-28",
    "blocked_until": "2026-03-17",
    "transport_days_before": 2,
    "transport_days_after": 2,
    "free_count": 1,
    "sets": [
        {
            "code": "CAFIA-01",
            "location": {"number": "29", "name": "Caf du Finistère"},
            "condition": "bon",
            "condition_label": "Bon état",
            "free": False,
            "state": "reserve",
            "busy": [
                {
                    "starts_on": "2026-02-16",
                    "ends_on": "2026-03-01",
                    "blocked_from": "2026-02-14",
                    "blocked_until": "2026-03-03",
                    "caf": {"number": "29", "name": "Caf du Finistère"},
                    "own": False,
                    "booking": None,
                }
            ],
            "maintenance": [],
        },
        {
            "code": "CAFIA-02",
            "location": {"number": "75", "name": "Caf de Paris"},
            "condition": "bon",
            "condition_label": "Bon état",
            "free": True,
            "state": "libre",
            "busy": [],
            "maintenance": [],
        },
    ],
}
HANDOVER_SUMMARY_EXAMPLE = {
    "id": 57,
    "from_caf": {"number": "75", "name": "Caf de Paris"},
    "ship_on": "2026-02-28",
    "carrier": "Geodis",
    "tracking": "GD123456",
    "shipped_at": "2026-02-27T10:12:00+01:00",
    "received_at": None,
    "arrival": "",
    "state": "en_transit",
}
BOOKING_EXAMPLE = {
    "id": 412,
    "expo_set": "CAFIA-03",
    "caf": CAF_EXAMPLE,
    "season": "2026",
    "status": "confirmee",
    "status_label": "Confirmée",
    "use": "animations",
    "use_label": "Séances animées",
    "starts_on": "2026-03-02",
    "ends_on": "2026-03-15",
    "days": 14,
    "blocked_from": "2026-02-28",
    "blocked_until": "2026-03-17",
    "expected_visitors": 200,
    "venue": "Hall d'accueil du siège",
    "contact_name": "Claire Martin",
    "contact_phone": "04 76 20 60 00",
    "contact_email": "claire.martin@caf38.fr",
    "delivery_address": "3 rue des Alliés, 38000 Grenoble",
    "offer_expires_at": None,
    "cancel_reason": "",
    "cancelled_at": None,
    "created_at": "2026-01-12T09:30:00+01:00",
    "confirmed_at": "2026-01-13T15:02:00+01:00",
    "handover": HANDOVER_SUMMARY_EXAMPLE,
    "feedback": None,
}
BOOKING_DETAIL_EXAMPLE = {
    **BOOKING_EXAMPLE,
    "permissions": {"cancel": True, "confirm": False, "receive": True},
}
HANDOVER_EXAMPLE = {
    **HANDOVER_SUMMARY_EXAMPLE,
    "booking": 412,
    "expo_set": "CAFIA-03",
    "to_caf": CAF_EXAMPLE,
    "from_booking": None,
    "arrival_label": "",
    "notes": "",
}


def _label(source: str) -> serializers.CharField:
    return serializers.CharField(source=source, read_only=True)


# Sets ------------------------------------------------------------------------------------------
class ExpoSetSerializer(serializers.ModelSerializer):
    """One of the exhibition's sets: what it holds, where it is, in what condition."""

    location = CafSummarySerializer(read_only=True, help_text=_("La Caf où se trouve le jeu."))
    condition = CodeField(choices=ExpoSet.Condition.choices, read_only=True)
    condition_label = _label("get_condition_display")
    is_bookable = serializers.BooleanField(
        read_only=True, help_text=_("Faux tant que le jeu est endommagé, incomplet ou retiré.")
    )

    class Meta:
        model = ExpoSet
        fields = [
            "code",
            "contents",
            "panels",
            "games",
            "kit_version",
            "location",
            "condition",
            "condition_label",
            "is_bookable",
        ]
        read_only_fields = fields


# Availability ----------------------------------------------------------------------------------
class BusyRangeSerializer(serializers.Serializer):
    """A booking holding a set, as the calendar shows it: dates and Caf, never its contacts."""

    starts_on = serializers.DateField(read_only=True)
    ends_on = serializers.DateField(read_only=True)
    blocked_from = serializers.DateField(
        read_only=True, help_text=_("Premier jour bloqué, transport compris.")
    )
    blocked_until = serializers.DateField(
        read_only=True, help_text=_("Dernier jour bloqué, transport compris.")
    )
    caf = CafSummarySerializer(read_only=True, help_text=_("La Caf d'accueil."))
    own = serializers.BooleanField(read_only=True, help_text=_("Une réservation de votre Caf."))
    booking = serializers.IntegerField(
        read_only=True,
        allow_null=True,
        help_text=_("L'identifiant de la réservation, si vous pouvez la consulter."),
    )


class MaintenanceRangeSerializer(serializers.ModelSerializer):
    class Meta:
        model = Blackout
        fields = ["starts_on", "ends_on", "reason"]
        read_only_fields = fields


class SetAvailabilitySerializer(serializers.Serializer):
    code = serializers.CharField(read_only=True)
    location = CafSummarySerializer(read_only=True)
    condition = CodeField(choices=ExpoSet.Condition.choices, read_only=True)
    condition_label = serializers.CharField(read_only=True)
    free = serializers.BooleanField(
        read_only=True, help_text=_("Le jeu est libre sur toute la période, transport compris.")
    )
    state = serializers.CharField(
        read_only=True,
        help_text=_(
            "libre, reserve (une réservation bloque la période), maintenance ou indisponible "
            "(jeu endommagé, incomplet ou retiré)."
        ),
    )
    busy = BusyRangeSerializer(many=True, read_only=True)
    maintenance = MaintenanceRangeSerializer(many=True, read_only=True)


class AvailabilitySerializer(serializers.Serializer):
    starts_on = serializers.DateField(read_only=True)
    ends_on = serializers.DateField(read_only=True)
    blocked_from = serializers.DateField(read_only=True)
    blocked_until = serializers.DateField(read_only=True)
    transport_days_before = serializers.IntegerField(read_only=True)
    transport_days_after = serializers.IntegerField(read_only=True)
    free_count = serializers.IntegerField(read_only=True, help_text=_("Jeux libres."))
    sets = SetAvailabilitySerializer(many=True, read_only=True)


class PeriodQuerySerializer(serializers.Serializer):
    """The period asked about; a malformed or inverted one is a 400, never a 500."""

    starts_on = DateField(help_text=_("Premier jour de l'exposition (AAAA-MM-JJ)."))
    ends_on = DateField(help_text=_("Dernier jour de l'exposition (AAAA-MM-JJ)."))

    def validate(self, attrs):
        if attrs["ends_on"] < attrs["starts_on"]:
            raise serializers.ValidationError(
                {"ends_on": [_("La date de fin précède la date de début.")]}
            )
        if (attrs["ends_on"] - attrs["starts_on"]).days >= MAX_AVAILABILITY_DAYS:
            raise serializers.ValidationError(
                {"ends_on": [_("Choisissez une période d'un an au plus.")]}
            )
        return attrs


# Bookings --------------------------------------------------------------------------------------
@extend_schema_field(OpenApiTypes.STR)
class HandOverStateField(serializers.ReadOnlyField):
    def __init__(self, **kwargs):
        kwargs.setdefault("source", "*")
        kwargs.setdefault(
            "help_text", _("a_expedier, en_transit ou recu (selon les dates d'envoi et d'arrivée).")
        )
        super().__init__(**kwargs)

    def to_representation(self, handover):
        if handover.received_at:
            return "recu"
        return "en_transit" if handover.shipped_at else "a_expedier"


class HandOverSummarySerializer(serializers.ModelSerializer):
    from_caf = CafSummarySerializer(read_only=True, help_text=_("La Caf qui envoie le jeu."))
    arrival = CodeField(choices=HandOver.Arrival.choices, read_only=True)
    state = HandOverStateField()

    class Meta:
        model = HandOver
        fields = [
            "id",
            "from_caf",
            "ship_on",
            "carrier",
            "tracking",
            "shipped_at",
            "received_at",
            "arrival",
            "state",
        ]
        read_only_fields = fields


class FeedbackSummarySerializer(serializers.ModelSerializer):
    class Meta:
        model = Feedback
        fields = ["visitors", "agents_reached", "sessions_run", "satisfaction"]
        read_only_fields = fields


class BookingSerializer(serializers.ModelSerializer):
    """A booking with its details and contacts: for its Caf, its region's referents and the
    CafLab only (the views never give it for another Caf's booking)."""

    expo_set = serializers.SlugRelatedField(slug_field="code", read_only=True)
    caf = CafSummarySerializer(read_only=True, help_text=_("La Caf d'accueil."))
    season = serializers.SlugRelatedField(slug_field="name", read_only=True)
    status = CodeField(choices=Booking.Status.choices, read_only=True)
    status_label = _label("get_status_display")
    use = CodeField(choices=Booking.Use.choices, read_only=True)
    use_label = _label("get_use_display")
    days = serializers.IntegerField(read_only=True, help_text=_("Jours d'exposition."))
    handover = HandOverSummarySerializer(
        read_only=True,
        allow_null=True,
        help_text=_("Le passage de relais qui amène le jeu, une fois la réservation confirmée."),
    )
    feedback = FeedbackSummarySerializer(
        read_only=True, allow_null=True, help_text=_("Le retour de la Caf, après l'exposition.")
    )

    class Meta:
        model = Booking
        fields = [
            "id",
            "expo_set",
            "caf",
            "season",
            "status",
            "status_label",
            "use",
            "use_label",
            "starts_on",
            "ends_on",
            "days",
            "blocked_from",
            "blocked_until",
            "expected_visitors",
            "venue",
            "contact_name",
            "contact_phone",
            "contact_email",
            "delivery_address",
            "offer_expires_at",
            "cancel_reason",
            "cancelled_at",
            "created_at",
            "confirmed_at",
            "handover",
            "feedback",
        ]
        read_only_fields = fields


class BookingPermissionsSerializer(serializers.Serializer):
    cancel = serializers.BooleanField(read_only=True)
    confirm = serializers.BooleanField(read_only=True)
    receive = serializers.BooleanField(read_only=True)


class BookingDetailSerializer(BookingSerializer):
    permissions = BookingPermissionsSerializer(
        source="caller_permissions",
        read_only=True,
        help_text=_("Ce que l'appelant peut faire de cette réservation."),
    )

    class Meta(BookingSerializer.Meta):
        fields = [*BookingSerializer.Meta.fields, "permissions"]
        read_only_fields = fields


class BookingQuerySerializer(serializers.Serializer):
    """The filters of the bookings list, validated: a wrong value is a 400, never a 500."""

    status = serializers.ChoiceField(
        choices=Booking.Status.choices,
        required=False,
        help_text=_("proposee, demandee, confirmee, en_transit, sur_place, retournee ou annulee."),
    )
    season = serializers.CharField(
        required=False, max_length=60, help_text=_("Le nom d'une saison (2026…).")
    )
    caf = serializers.RegexField(
        CAF_NUMBER,
        required=False,
        help_text=_("Numéro de la Caf d'accueil (38, 2A, 974…)."),
        error_messages={"invalid": _("Numéro de Caf invalide.")},
    )


@extend_schema_serializer(
    examples=[
        OpenApiExample(
            "N'importe quel jeu libre (le plus proche)",
            value={
                "starts_on": "2026-03-02",
                "ends_on": "2026-03-15",
                "use": "animations",
                "expected_visitors": 200,
                "venue": "Hall d'accueil du siège",
                "contact_name": "Claire Martin",
                "contact_phone": "04 76 20 60 00",
                "contact_email": "claire.martin@caf38.fr",
                "delivery_address": "3 rue des Alliés, 38000 Grenoble",
            },
            request_only=True,
        ),
        OpenApiExample(
            "Un jeu choisi",
            value={
                "expo_set": "CAFIA-03",
                "starts_on": "2026-03-02",
                "ends_on": "2026-03-15",
                "use": "evenement",
                "expected_visitors": 450,
                "venue": "Forum des familles, salle des fêtes",
                "contact_name": "Claire Martin",
                "contact_phone": "04 76 20 60 00",
                "contact_email": "claire.martin@caf38.fr",
                "delivery_address": "3 rue des Alliés, 38000 Grenoble",
            },
            request_only=True,
        ),
    ]
)
class BookingCreateSerializer(serializers.Serializer):
    """A booking request: the set is optional (« n'importe quel jeu » takes the nearest free
    one); the Caf defaults to the caller's."""

    expo_set = SlugRelatedField(
        slug_field="code",
        queryset=ExpoSet.objects.all(),
        required=False,
        allow_null=True,
        default=None,
        help_text=_("Le code d'un jeu ; absent ou null : n'importe quel jeu libre."),
        error_messages={"does_not_exist": _("Aucun jeu n'a le code « {value} ».")},
    )
    caf = SlugRelatedField(
        slug_field="number",
        queryset=Caf.objects.all(),
        required=False,
        allow_null=True,
        default=None,
        help_text=_("Numéro de la Caf d'accueil ; par défaut, celle de l'appelant."),
        error_messages={"does_not_exist": _("Aucune Caf n'a le numéro « {value} ».")},
    )
    starts_on = DateField(help_text=_("Premier jour de l'exposition (AAAA-MM-JJ)."))
    ends_on = DateField(help_text=_("Dernier jour de l'exposition (AAAA-MM-JJ)."))
    use = CodeField(choices=Booking.Use.choices)
    expected_visitors = serializers.IntegerField(min_value=1, max_value=1_000_000)
    venue = serializers.CharField(max_length=200, help_text=_("Lieu d'exposition."))
    contact_name = serializers.CharField(max_length=120, help_text=_("Contact sur place."))
    contact_phone = serializers.CharField(max_length=20)
    contact_email = serializers.EmailField(max_length=254)
    delivery_address = serializers.CharField(max_length=500)

    def validate(self, attrs):
        if attrs["ends_on"] < attrs["starts_on"]:
            raise serializers.ValidationError(
                {"ends_on": [_("La date de fin précède la date de début.")]}
            )
        return attrs


@extend_schema_serializer(
    examples=[
        OpenApiExample(
            "Annuler avec un motif",
            value={"reason": "Le forum des familles est reporté à l'automne."},
            request_only=True,
        )
    ]
)
class BookingCancelSerializer(serializers.Serializer):
    reason = serializers.CharField(
        required=False, allow_blank=True, default="", max_length=300, help_text=_("Motif.")
    )


# Hand-overs ------------------------------------------------------------------------------------
class HandOverSerializer(HandOverSummarySerializer):
    """A hand-over: from which Caf, to which Caf, when — for the sender and the receiver; the
    receiving booking's contacts are on the booking, for its Caf only."""

    booking = serializers.PrimaryKeyRelatedField(
        read_only=True, help_text=_("La réservation desservie.")
    )
    expo_set = serializers.CharField(source="booking.expo_set.code", read_only=True)
    to_caf = CafSummarySerializer(
        source="booking.caf", read_only=True, help_text=_("La Caf qui reçoit le jeu.")
    )
    from_booking = serializers.PrimaryKeyRelatedField(
        read_only=True,
        allow_null=True,
        help_text=_("La réservation précédente, ou null si le jeu part de son lieu de stockage."),
    )
    arrival_label = _label("get_arrival_display")

    class Meta(HandOverSummarySerializer.Meta):
        fields = [
            "id",
            "booking",
            "expo_set",
            "from_caf",
            "to_caf",
            "from_booking",
            "ship_on",
            "carrier",
            "tracking",
            "shipped_at",
            "received_at",
            "arrival",
            "arrival_label",
            "notes",
            "state",
        ]
        read_only_fields = fields


class HandOverQuerySerializer(serializers.Serializer):
    state = serializers.ChoiceField(
        choices=[("a_expedier", "À expédier"), ("en_transit", "En transit"), ("recu", "Reçu")],
        required=False,
        help_text=_("a_expedier, en_transit ou recu."),
    )


SHIPPING_CONDITIONS = [
    choice for choice in ExpoSet.Condition.choices if choice[0] != ExpoSet.Condition.RETIRED
]


@extend_schema_serializer(
    examples=[
        OpenApiExample(
            "Expédié complet",
            value={"carrier": "Geodis", "tracking": "GD123456"},
            request_only=True,
        ),
        OpenApiExample(
            "Expédié incomplet",
            value={
                "carrier": "La Poste Colissimo",
                "condition": "incomplet",
                "missing_items": "Les cartes du jeu des controverses",
            },
            request_only=True,
        ),
    ]
)
class HandOverShipSerializer(serializers.Serializer):
    carrier = serializers.CharField(max_length=120, help_text=_("Le transporteur."))
    tracking = serializers.CharField(
        max_length=80, required=False, allow_blank=True, default="", help_text=_("N° de suivi.")
    )
    condition = CodeField(
        choices=SHIPPING_CONDITIONS,
        required=False,
        default=ExpoSet.Condition.GOOD,
        help_text=_("État du jeu au départ : bon (par défaut), endommage ou incomplet."),
    )
    notes = serializers.CharField(required=False, allow_blank=True, default="", max_length=2000)
    missing_items = serializers.CharField(
        required=False, allow_blank=True, default="", max_length=300
    )


@extend_schema_serializer(
    examples=[
        OpenApiExample("Arrivé en bon état", value={"arrival": "bon"}, request_only=True),
        OpenApiExample(
            "Arrivé endommagé",
            value={"arrival": "endommage", "notes": "Le panneau 4 est déchiré en bas."},
            request_only=True,
        ),
    ]
)
class HandOverReceiveSerializer(serializers.Serializer):
    arrival = CodeField(choices=HandOver.Arrival.choices)
    notes = serializers.CharField(
        required=False,
        allow_blank=True,
        default="",
        max_length=2000,
        help_text=_("Obligatoire (ou les éléments manquants) si le jeu n'est pas en bon état."),
    )
    missing_items = serializers.CharField(
        required=False, allow_blank=True, default="", max_length=300
    )


class ExpoErrorSerializer(serializers.Serializer):
    """The API's one error body (see caflab.api.exceptions)."""

    status = serializers.IntegerField()
    code = serializers.CharField()
    detail = serializers.CharField()
    errors = serializers.DictField(
        child=serializers.ListField(child=serializers.CharField()), required=False
    )
