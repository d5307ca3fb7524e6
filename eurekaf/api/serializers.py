"""Eurekaf's API serializers: read serializers over what the selectors shaped (nothing here runs
a query per row), plain serializers for the input that services receive."""

from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiExample, extend_schema_field, extend_schema_serializer
from rest_framework import serializers

from caflab.api.serializers import CafSummarySerializer, DateField, SlugRelatedField
from eurekaf import selectors
from eurekaf.models import (
    Attachment,
    Campaign,
    Comment,
    Idea,
    IdeaBox,
    IdeaStatusChange,
    Theme,
)

# Examples --------------------------------------------------------------------------------------
BOX_EXAMPLE = {"slug": "caf-38", "name": "Caf de l'Isère", "is_national": False}
THEME_EXAMPLE = {"slug": "relation-de-service", "name": "Relation de service"}
IDEA_EXAMPLE = {
    "id": 412,
    "url": "https://caflab.example/api/v1/idees/412/",
    "title": "Un rappel téléphonique à l'heure choisie par l'allocataire",
    "excerpt": "Les allocataires attendent parfois longtemps au téléphone : proposer un rappel…",
    "box": BOX_EXAMPLE,
    "campaign": {"slug": "accueil-2025", "title": "Simplifier l'accueil des allocataires"},
    "origin_caf": {"number": "38", "name": "Caf de l'Isère"},
    "author": "Inès Martin",
    "status": "en_etude",
    "status_label": "En étude",
    "themes": [THEME_EXAMPLE],
    "support_count": 17,
    "comment_count": 4,
    "follower_count": 9,
    "supported": True,
    "is_hidden": False,
    "created_at": "2025-03-04T09:12:00+01:00",
    "status_changed_at": "2025-03-18T14:30:00+01:00",
    "last_activity_at": "2025-03-20T11:05:00+01:00",
}
TIMELINE_EXAMPLE = [
    {
        "from_status": "",
        "from_status_label": "",
        "to_status": "deposee",
        "to_status_label": "Déposée",
        "answer": "",
        "by": "Inès Martin",
        "created_at": "2025-03-04T09:12:00+01:00",
    },
    {
        "from_status": "deposee",
        "from_status_label": "Déposée",
        "to_status": "en_etude",
        "to_status_label": "En étude",
        "answer": "Le service relation allocataires étudie la faisabilité avec la plateforme.",
        "by": "Paul Girard",
        "created_at": "2025-03-18T14:30:00+01:00",
    },
]
COMMENT_EXAMPLE = {
    "id": 88,
    "author": "Karim Benali",
    "author_caf": "38",
    "text": "Très bonne idée : à Vienne, nous le faisons déjà le mardi matin.",
    "created_at": "2025-03-05T10:40:00+01:00",
    "is_hidden": False,
    "hidden_reason": "",
}
IDEA_DETAIL_EXAMPLE = {
    **IDEA_EXAMPLE,
    "description": (
        "Les allocataires attendent parfois longtemps au téléphone : proposer un rappel à "
        "l'heure qu'ils choisissent, sur un créneau d'une demi-heure."
    ),
    "followed": True,
    "merged_into": None,
    "merged_ideas": [],
    "escalated_from": None,
    "timeline": TIMELINE_EXAMPLE,
    "comments": [COMMENT_EXAMPLE],
    "attachments": [
        {
            "name": "parcours-rappel.pdf",
            "size": 182044,
            "content_type": "application/pdf",
            "file": "https://caflab.example/media/eurekaf/2025/03/parcours-rappel.pdf",
        }
    ],
    "permissions": {
        "edit": False,
        "support": True,
        "follow": True,
        "comment": True,
        "report": True,
        "answer": False,
        "escalate": False,
    },
    "transitions": [],
}
CAMPAIGN_EXAMPLE = {
    "slug": "criee-partenaires-2025",
    "title": "Criée des partenaires d'action sociale",
    "kind": "initiatives",
    "kind_label": "Appel à initiatives (criée)",
    "box": {"slug": "nationale", "name": "Boîte nationale", "is_national": True},
    "brief": "Présentez une initiative locale qui pourrait essaimer dans d'autres Caf.",
    "themes": [{"slug": "partenariats", "name": "Partenariats"}],
    "starts_on": "2025-04-01",
    "ends_on": "2025-06-30",
    "pitch_on": "2025-10-09",
    "is_running": False,
    "idea_count": 31,
}
STATISTICS_EXAMPLE = {
    "box": BOX_EXAMPLE,
    "total": 6,
    "per_month": [{"month": "2025-01", "count": 2}, {"month": "2025-02", "count": 4}],
    "by_status": [
        {"status": "deposee", "label": "Déposée", "count": 2},
        {"status": "en_etude", "label": "En étude", "count": 1},
        {"status": "retenue", "label": "Retenue", "count": 0},
        {"status": "en_experimentation", "label": "En expérimentation", "count": 0},
        {"status": "mise_en_oeuvre", "label": "Mise en œuvre", "count": 1},
        {"status": "non_retenue", "label": "Non retenue", "count": 1},
    ],
    "by_caf": [{"caf": "Caf de l'Isère", "count": 5}, {"caf": "Caf du Finistère", "count": 1}],
    "by_campaign": [{"campaign": "Simplifier l'accueil des allocataires", "count": 2}],
    "authors": 4,
    "supporters": 3,
    "answered": 3,
    "answered_share": 50.0,
    "median_days_to_answer": 4.0,
    "implemented": 1,
    "implementation_rate": 16.7,
}


STATUS_VALUES = ", ".join(Idea.Status.values)


@extend_schema_field(OpenApiTypes.STR)
class StatusCodeField(serializers.ChoiceField):
    """A status code documented as text: the schema has one enum of statuses (`status`),
    and OpenAPI generators would otherwise name the same choices once per field."""

    def __init__(self, **kwargs):
        kwargs.setdefault(
            "help_text", _("Un statut parmi : %(values)s.") % {"values": STATUS_VALUES}
        )
        super().__init__(choices=Idea.Status.choices, **kwargs)


# Read serializers ------------------------------------------------------------------------------
class IdeaThemeSerializer(serializers.ModelSerializer):
    class Meta:
        model = Theme
        fields = ["slug", "name"]


class IdeaBoxSummarySerializer(serializers.ModelSerializer):
    is_national = serializers.BooleanField(read_only=True, help_text=_("Boîte nationale."))

    class Meta:
        model = IdeaBox
        fields = ["slug", "name", "is_national"]


class IdeaCampaignSummarySerializer(serializers.ModelSerializer):
    class Meta:
        model = Campaign
        fields = ["slug", "title"]


class IdeaRefSerializer(serializers.ModelSerializer):
    class Meta:
        model = Idea
        fields = ["id", "title"]


class IdeaSerializer(serializers.ModelSerializer):
    """An idea in a list: what the selector `idea_list` joins and annotates, nothing more."""

    url = serializers.HyperlinkedIdentityField(view_name="eurekaf-idea-detail")
    excerpt = serializers.SerializerMethodField(help_text=_("Début de la description."))
    box = IdeaBoxSummarySerializer(read_only=True)
    campaign = IdeaCampaignSummarySerializer(read_only=True, allow_null=True)
    origin_caf = CafSummarySerializer(read_only=True, allow_null=True)
    author = serializers.CharField(
        source="author.get_full_name", default=None, read_only=True, allow_null=True
    )
    status_label = serializers.CharField(source="get_status_display", read_only=True)
    themes = IdeaThemeSerializer(many=True, read_only=True)
    supported = serializers.BooleanField(
        read_only=True, help_text=_("L'appelant soutient cette idée.")
    )

    class Meta:
        model = Idea
        fields = [
            "id",
            "url",
            "title",
            "excerpt",
            "box",
            "campaign",
            "origin_caf",
            "author",
            "status",
            "status_label",
            "themes",
            "support_count",
            "comment_count",
            "follower_count",
            "supported",
            "is_hidden",
            "created_at",
            "status_changed_at",
            "last_activity_at",
        ]
        read_only_fields = fields

    def get_excerpt(self, obj) -> str:
        text = " ".join(obj.description.split())
        return text if len(text) <= 280 else text[:279].rsplit(" ", 1)[0] + "…"


class IdeaStatusChangeSerializer(serializers.ModelSerializer):
    from_status = StatusCodeField(read_only=True, allow_blank=True)
    to_status = StatusCodeField(read_only=True)
    from_status_label = serializers.CharField(source="get_from_status_display", read_only=True)
    to_status_label = serializers.CharField(source="get_to_status_display", read_only=True)
    by = serializers.CharField(
        source="by.get_full_name", default=None, read_only=True, allow_null=True
    )

    class Meta:
        model = IdeaStatusChange
        fields = [
            "from_status",
            "from_status_label",
            "to_status",
            "to_status_label",
            "answer",
            "by",
            "created_at",
        ]
        read_only_fields = fields


class IdeaCommentSerializer(serializers.ModelSerializer):
    author = serializers.CharField(
        source="author.get_full_name", default=None, read_only=True, allow_null=True
    )
    author_caf = serializers.CharField(
        source="author.caf.number",
        default=None,
        read_only=True,
        allow_null=True,
        help_text=_("Numéro de la Caf de l'auteur."),
    )

    class Meta:
        model = Comment
        fields = ["id", "author", "author_caf", "text", "created_at", "is_hidden", "hidden_reason"]
        read_only_fields = fields


class IdeaAttachmentSerializer(serializers.ModelSerializer):
    class Meta:
        model = Attachment
        fields = ["name", "size", "content_type", "file"]
        read_only_fields = fields


class IdeaPermissionsSerializer(serializers.Serializer):
    """What the caller may do with this idea (the same rules as the pages)."""

    edit = serializers.BooleanField()
    support = serializers.BooleanField()
    follow = serializers.BooleanField()
    comment = serializers.BooleanField()
    report = serializers.BooleanField()
    answer = serializers.BooleanField()
    escalate = serializers.BooleanField()


class IdeaStatusOptionSerializer(serializers.Serializer):
    status = serializers.ChoiceField(choices=Idea.Status.choices)
    label = serializers.CharField()


PERMISSIONS = {
    "edit": "eurekaf.edit_idea",
    "support": "eurekaf.support_idea",
    "follow": "eurekaf.follow_idea",
    "comment": "eurekaf.comment_idea",
    "report": "eurekaf.report_idea",
    "answer": "eurekaf.answer_idea",
    "escalate": "eurekaf.escalate_idea",
}


class IdeaDetailSerializer(IdeaSerializer):
    """An idea with its public timeline and comments, as `idea_get` prefetched them."""

    followed = serializers.BooleanField(read_only=True, help_text=_("L'appelant suit l'idée."))
    merged_into = IdeaRefSerializer(read_only=True, allow_null=True)
    merged_ideas = IdeaRefSerializer(many=True, read_only=True)
    escalated_from = IdeaBoxSummarySerializer(read_only=True, allow_null=True)
    timeline = IdeaStatusChangeSerializer(source="status_changes", many=True, read_only=True)
    comments = IdeaCommentSerializer(source="visible_comments", many=True, read_only=True)
    attachments = IdeaAttachmentSerializer(many=True, read_only=True)
    permissions = serializers.SerializerMethodField()
    transitions = serializers.SerializerMethodField(
        help_text=_("Statuts où l'appelant peut faire passer l'idée (gestionnaires).")
    )

    class Meta(IdeaSerializer.Meta):
        fields = [
            *IdeaSerializer.Meta.fields,
            "description",
            "followed",
            "merged_into",
            "merged_ideas",
            "escalated_from",
            "timeline",
            "comments",
            "attachments",
            "permissions",
            "transitions",
        ]
        read_only_fields = fields

    def _user(self):
        return self.context["request"].user

    @extend_schema_field(IdeaPermissionsSerializer)
    def get_permissions(self, obj) -> dict:
        user = self._user()
        return {key: user.has_perm(perm, obj) for key, perm in PERMISSIONS.items()}

    @extend_schema_field(IdeaStatusOptionSerializer(many=True))
    def get_transitions(self, obj) -> list:
        if not self._user().has_perm("eurekaf.answer_idea", obj):
            return []
        return [
            {"status": status.value, "label": str(status.label)}
            for status in Idea.Status
            if status in obj.allowed_transitions()
        ]


class IdeaSupportStateSerializer(serializers.Serializer):
    supported = serializers.BooleanField(help_text=_("L'appelant soutient l'idée."))
    support_count = serializers.IntegerField(help_text=_("Nombre de soutiens de l'idée."))


class IdeaFollowStateSerializer(serializers.Serializer):
    followed = serializers.BooleanField(help_text=_("L'appelant suit l'idée."))
    follower_count = serializers.IntegerField(help_text=_("Nombre d'abonnés de l'idée."))


class IdeaCampaignSerializer(serializers.ModelSerializer):
    kind = serializers.CharField(
        read_only=True, help_text=_("thematique ou initiatives (appel à initiatives d'une criée).")
    )
    kind_label = serializers.CharField(source="get_kind_display", read_only=True)
    box = IdeaBoxSummarySerializer(read_only=True)
    themes = IdeaThemeSerializer(many=True, read_only=True)
    is_running = serializers.BooleanField(
        read_only=True, help_text=_("La campagne reçoit des idées aujourd'hui.")
    )
    idea_count = serializers.IntegerField(
        read_only=True, help_text=_("Idées déposées (hors doublons fusionnés).")
    )

    class Meta:
        model = Campaign
        fields = [
            "slug",
            "title",
            "kind",
            "kind_label",
            "box",
            "brief",
            "themes",
            "starts_on",
            "ends_on",
            "pitch_on",
            "is_running",
            "idea_count",
        ]
        read_only_fields = fields


class MonthCountSerializer(serializers.Serializer):
    month = serializers.CharField(help_text=_("Mois, AAAA-MM."))
    count = serializers.IntegerField()


class StatusCountSerializer(serializers.Serializer):
    status = serializers.ChoiceField(choices=Idea.Status.choices)
    label = serializers.CharField()
    count = serializers.IntegerField()


class CafCountSerializer(serializers.Serializer):
    caf = serializers.CharField(help_text=_("Caf d'origine des idées."))
    count = serializers.IntegerField()


class CampaignCountSerializer(serializers.Serializer):
    campaign = serializers.CharField()
    count = serializers.IntegerField()


class IdeaStatisticsSerializer(serializers.Serializer):
    box = IdeaBoxSummarySerializer(
        allow_null=True, help_text=_("La boîte ; vide pour l'ensemble des boîtes (national).")
    )
    total = serializers.IntegerField(help_text=_("Idées déposées, doublons fusionnés exclus."))
    per_month = MonthCountSerializer(many=True)
    by_status = StatusCountSerializer(many=True)
    by_caf = CafCountSerializer(many=True, help_text=_("Les 20 Caf qui proposent le plus."))
    by_campaign = CampaignCountSerializer(many=True)
    authors = serializers.IntegerField(help_text=_("Auteurs distincts."))
    supporters = serializers.IntegerField(help_text=_("Agents distincts qui ont soutenu."))
    answered = serializers.IntegerField(help_text=_("Idées qui ont reçu une réponse."))
    answered_share = serializers.FloatField(allow_null=True, help_text=_("En %."))
    median_days_to_answer = serializers.FloatField(
        allow_null=True, help_text=_("Délai médian de première réponse, en jours.")
    )
    implemented = serializers.IntegerField()
    implementation_rate = serializers.FloatField(allow_null=True, help_text=_("En %."))


class EurekafErrorSerializer(serializers.Serializer):
    """The API's one error body (see caflab.api.exceptions)."""

    status = serializers.IntegerField()
    code = serializers.CharField()
    detail = serializers.CharField()
    errors = serializers.DictField(
        child=serializers.ListField(child=serializers.CharField()), required=False
    )


# Input serializers -----------------------------------------------------------------------------
class CommaListField(serializers.ListField):
    """A query parameter given several times (`?statut=a&statut=b`) or as a list (`a,b`)."""

    def to_internal_value(self, data):
        if isinstance(data, str):
            data = [data]
        items = [item.strip() for value in data for item in str(value).split(",")]
        try:
            return super().to_internal_value([item for item in items if item])
        except serializers.ValidationError as exc:
            # The list's errors come keyed by position ({"0": […]}): the API's error body
            # gives one flat list of French sentences per parameter.
            detail = exc.detail
            messages = detail.values() if isinstance(detail, dict) else [detail]
            flat = [
                str(m)
                for value in messages
                for m in (value if isinstance(value, list) else [value])
            ]
            raise serializers.ValidationError(list(dict.fromkeys(flat))) from exc


class IdeaQuerySerializer(serializers.Serializer):
    """The filters of the ideas list, validated: a wrong value is a 400, never a 500."""

    boite = serializers.SlugField(
        required=False, max_length=40, help_text=_("Adresse de la boîte (caf-38, nationale…).")
    )
    statut = CommaListField(
        child=serializers.ChoiceField(choices=Idea.Status.choices),
        required=False,
        help_text=_("Un ou plusieurs statuts, répétés ou séparés par des virgules."),
    )
    campagne = serializers.SlugField(
        required=False, max_length=80, help_text=_("Adresse de la campagne.")
    )
    theme = serializers.SlugField(required=False, max_length=80, help_text=_("Thème (adresse)."))
    caf = serializers.RegexField(
        r"^(?:[0-9]{2,3}|2[AB])$",
        required=False,
        help_text=_("Numéro de la Caf d'origine (38, 2A, 974…)."),
        error_messages={"invalid": _("Numéro de Caf invalide.")},
    )
    q = serializers.CharField(
        required=False,
        max_length=200,
        help_text=_("Recherche plein texte dans le titre et la description."),
    )
    tri = serializers.ChoiceField(
        choices=list(selectors.SORTS),
        required=False,
        help_text=_(
            "recentes, soutenues, discutees, tendance ou en-attente (en attente de réponse "
            "depuis le plus longtemps)."
        ),
    )
    du = DateField(required=False, help_text=_("Déposées à partir du (AAAA-MM-JJ)."))
    au = DateField(required=False, help_text=_("Déposées jusqu'au (AAAA-MM-JJ)."))
    miennes = serializers.BooleanField(
        required=False, default=False, help_text=_("Seulement mes idées.")
    )
    suivies = serializers.BooleanField(
        required=False, default=False, help_text=_("Seulement les idées que je suis.")
    )

    def validate(self, attrs):
        if attrs.get("du") and attrs.get("au") and attrs["du"] > attrs["au"]:
            raise serializers.ValidationError({"au": [_("La fin précède le début.")]})
        return attrs

    def selector_filters(self) -> dict:
        data = self.validated_data
        return {
            "box": data.get("boite"),
            "status": data.get("statut"),
            "campaign": data.get("campagne"),
            "theme": data.get("theme"),
            "caf": data.get("caf"),
            "q": data.get("q"),
            "sort": data.get("tri"),
            "since": data.get("du"),
            "until": data.get("au"),
            "mine": data["miennes"],
            "followed": data["suivies"],
        }


class CampaignQuerySerializer(serializers.Serializer):
    boite = serializers.SlugField(
        required=False, max_length=40, help_text=_("Adresse de la boîte.")
    )
    type = serializers.ChoiceField(
        choices=Campaign.Kind.choices, required=False, help_text=_("thematique ou initiatives.")
    )
    en_cours = serializers.BooleanField(
        required=False,
        allow_null=True,
        default=None,
        help_text=_("true : campagnes ouvertes aujourd'hui ; false : les autres."),
    )


class StatisticsQuerySerializer(serializers.Serializer):
    boite = serializers.SlugField(
        required=False,
        max_length=40,
        help_text=_(
            "Adresse de la boîte. Sans boîte : l'ensemble national pour l'équipe CafLab, la "
            "boîte de sa Caf pour un agent."
        ),
    )
    du = DateField(required=False, help_text=_("Idées déposées à partir du."))
    au = DateField(required=False, help_text=_("Idées déposées jusqu'au."))

    def validate(self, attrs):
        if attrs.get("du") and attrs.get("au") and attrs["du"] > attrs["au"]:
            raise serializers.ValidationError({"au": [_("La fin précède le début.")]})
        return attrs


@extend_schema_field(OpenApiTypes.STR)
class VisibleBoxField(SlugRelatedField):
    """A box the caller may see, by its address; the others do not exist for them."""

    default_error_messages = {
        "does_not_exist": _("Boîte à idées inconnue : « {value} »."),
        "invalid": _("Adresse de boîte invalide."),
    }

    def __init__(self, **kwargs):
        super().__init__(slug_field="slug", **kwargs)

    def get_queryset(self):
        return selectors.visible_boxes(user=self.context["request"].user)


@extend_schema_field(OpenApiTypes.STR)
class VisibleCampaignField(SlugRelatedField):
    default_error_messages = {
        "does_not_exist": _("Campagne inconnue : « {value} »."),
        "invalid": _("Adresse de campagne invalide."),
    }

    def __init__(self, **kwargs):
        super().__init__(slug_field="slug", **kwargs)

    def get_queryset(self):
        return selectors.campaign_list(user=self.context["request"].user)


@extend_schema_serializer(
    examples=[
        OpenApiExample(
            "Une idée pour une campagne",
            value={
                "boite": "caf-38",
                "titre": "Un rappel téléphonique à l'heure choisie par l'allocataire",
                "description": (
                    "Les allocataires attendent parfois longtemps au téléphone : proposer un "
                    "rappel à l'heure qu'ils choisissent."
                ),
                "campagne": "accueil-2025",
                "themes": ["relation-de-service"],
            },
            request_only=True,
        )
    ]
)
class IdeaCreateSerializer(serializers.Serializer):
    boite = VisibleBoxField(help_text=_("Adresse de la boîte : caf-38, nationale…"))
    titre = serializers.CharField(max_length=160)
    description = serializers.CharField(max_length=8000)
    campagne = VisibleCampaignField(
        required=False, allow_null=True, help_text=_("Adresse d'une campagne de cette boîte.")
    )
    themes = SlugRelatedField(
        slug_field="slug",
        queryset=Theme.objects.all(),
        many=True,
        required=False,
        help_text=_("Adresses des thèmes."),
    )


@extend_schema_serializer(
    examples=[
        OpenApiExample(
            "Un commentaire",
            value={"text": "À Vienne, nous le faisons déjà le mardi matin : ça marche."},
            request_only=True,
        )
    ]
)
class IdeaCommentCreateSerializer(serializers.Serializer):
    text = serializers.CharField(max_length=3000)


@extend_schema_serializer(
    examples=[
        OpenApiExample(
            "Mettre à l'étude",
            value={
                "to_status": "en_etude",
                "answer": "Le service relation allocataires étudie la faisabilité.",
            },
            request_only=True,
        ),
        OpenApiExample(
            "Ne pas retenir (réponse obligatoire)",
            value={
                "to_status": "non_retenue",
                "answer": "Le rappel existe déjà dans l'application Caf - Mon Compte.",
            },
            request_only=True,
        ),
    ]
)
class IdeaStatusUpdateSerializer(serializers.Serializer):
    to_status = StatusCodeField(
        help_text=_("Le nouveau statut : %(values)s (la fusion a son propre parcours).")
        % {"values": STATUS_VALUES}
    )
    answer = serializers.CharField(
        required=False,
        allow_blank=True,
        default="",
        max_length=8000,
        help_text=_("Réponse officielle, publique ; obligatoire pour « non retenue »."),
    )
