"""COOPération's API serializers: read serializers over what the selectors loaded (nothing here
runs a query per row: roll-ups and rights are computed once and handed over in the context or
set on the objects by the views), plain serializers for the input that services receive."""

from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiExample, extend_schema_field, extend_schema_serializer
from rest_framework import serializers

from caflab.api.serializers import CafSummarySerializer, DateField, OrganisationSummarySerializer
from caflab.models import User
from cooperation.forms import member_users, plan_organisations
from cooperation.models import (
    Action,
    Axis,
    AxisTheme,
    Indicator,
    IndicatorValue,
    Message,
    Objective,
    Plan,
    PlanMember,
    Step,
)

LATE = "en_retard"
CAF_NUMBER = r"^(?:[0-9]{2,3}|2[AB])$"

# Examples --------------------------------------------------------------------------------------
ORGANISATION_EXAMPLE = {"id": 12, "name": "Grenoble-Alpes Métropole", "kind": "epci"}
STEP_EXAMPLE = {
    "id": 301,
    "title": "Étude de besoins validée en comité de pilotage",
    "due_on": "2025-06-30",
    "done_on": "2025-06-24",
    "position": 0,
}
ACTION_EXAMPLE = {
    "id": 1204,
    "plan": 17,
    "axis": 51,
    "objective": 88,
    "title": "Ouvrir une micro-crèche à horaires atypiques",
    "description": "Pour les parents qui travaillent tôt le matin ou tard le soir.",
    "pilot_organisation": ORGANISATION_EXAMPLE,
    "partners": [{"id": 40, "name": "Commune d'Échirolles", "kind": "commune"}],
    "owner": {"id": 233, "name": "Sonia Mercier"},
    "starts_on": "2025-01-06",
    "due_on": "2026-09-01",
    "baseline_starts_on": "2025-01-06",
    "baseline_due_on": "2026-06-30",
    "status": "en_cours",
    "status_label": "En cours",
    "display_status": "En cours",
    "is_late": False,
    "is_due_soon": False,
    "progress": 45,
    "progress_mode": "saisi",
    "weight": 2,
    "budget": "180000.00",
    "priority": "haute",
    "priority_label": "Haute",
    "completed_on": None,
    "steps": [STEP_EXAMPLE],
    "version": 7,
    "updated_at": "2025-05-12T10:31:00+02:00",
}
PLAN_EXAMPLE = {
    "id": 17,
    "url": "https://caflab.example/api/v1/plans/17/",
    "kind": "ctg",
    "kind_label": "Convention territoriale globale (CTG)",
    "title": "CTG Grenoble-Alpes Métropole 2024-2028",
    "caf": {"number": "38", "name": "Caf de l'Isère"},
    "territory": "Grenoble-Alpes Métropole (49 communes)",
    "starts_on": "2024-01-01",
    "ends_on": "2028-12-31",
    "status": "en_cours",
    "status_label": "En cours",
    "action_count": 42,
    "late_count": 3,
    "baseline_frozen_at": "2024-03-15T09:00:00+01:00",
    "role": "pilote",
}
PLAN_DETAIL_EXAMPLE = {
    **PLAN_EXAMPLE,
    "signatories": [ORGANISATION_EXAMPLE],
    "members": [
        {
            "id": 233,
            "name": "Sonia Mercier",
            "role": "pilote",
            "role_label": "Pilote",
            "organisation": None,
        }
    ],
    "progress": {
        "plan": 38.5,
        "expected": 31.2,
        "light": "on_track",
        "light_label": "En bonne voie",
        "late_count": 3,
        "due_soon_count": 5,
    },
    "permissions": {
        "manage_plan": True,
        "change_action": True,
        "record_indicator": True,
        "post_message": True,
    },
    "axes": [
        {
            "id": 51,
            "title": "Petite enfance",
            "theme": {"slug": "petite-enfance", "name": "Petite enfance"},
            "position": 0,
            "weight": 2,
            "progress": 45.0,
            "objectives": [
                {
                    "id": 88,
                    "title": "Développer l'offre d'accueil du jeune enfant",
                    "position": 0,
                    "weight": 1,
                    "progress": 45.0,
                    "actions": [ACTION_EXAMPLE],
                }
            ],
        }
    ],
}
INDICATOR_VALUE_EXAMPLE = {
    "id": 77,
    "indicator": 9,
    "period": "2025-06-30",
    "value": "112.00",
    "source": "Bilan SIEJ 2025",
    "comment": "Deux micro-crèches ouvertes au printemps.",
}
INDICATOR_EXAMPLE = {
    "id": 9,
    "name": "Places d'accueil du jeune enfant",
    "unit": "places",
    "baseline": "80.00",
    "target": "140.00",
    "direction": "hausse",
    "direction_label": "À la hausse",
    "objective": 88,
    "action": None,
    "latest_value": "112.00",
    "achievement": 53.3,
    "values": [
        {"id": 76, "period": "2024-12-31", "value": "96.00", "source": "", "comment": ""},
        {
            "id": 77,
            "period": "2025-06-30",
            "value": "112.00",
            "source": "Bilan SIEJ 2025",
            "comment": "Deux micro-crèches ouvertes au printemps.",
        },
    ],
}
MESSAGE_EXAMPLE = {
    "id": 512,
    "action": 1204,
    "author": {"id": 233, "name": "Sonia Mercier", "organisation": None},
    "text": "@paul.girard le permis de construire est déposé, on tient l'échéance.",
    "mentions": [{"id": 240, "name": "Paul Girard"}],
    "created_at": "2025-05-12T10:35:00+02:00",
}


# Fields ----------------------------------------------------------------------------------------
@extend_schema_field(OpenApiTypes.STR)
class ActionStatusField(serializers.ChoiceField):
    """An action's stored status. « En retard » is read, never written: it follows from the
    dates, so sending it is an error that says so."""

    def __init__(self, **kwargs):
        kwargs.setdefault(
            "help_text",
            _("a_lancer, en_cours, realisee ou abandonnee (« en retard » découle des dates)."),
        )
        super().__init__(choices=Action.Status.choices, **kwargs)

    def to_internal_value(self, data):
        if data == LATE:
            raise serializers.ValidationError(
                _(
                    "« en_retard » ne se saisit pas : une action est en retard quand son "
                    "échéance est passée sans qu'elle soit réalisée."
                )
            )
        return super().to_internal_value(data)


@extend_schema_field(OpenApiTypes.INT)
class PlanObjectField(serializers.PrimaryKeyRelatedField):
    """An object of the plan in the context, by id: one of another plan does not exist here."""

    default_error_messages = {
        "does_not_exist": _("Aucun objet d'identifiant {pk_value} dans ce plan."),
        "incorrect_type": _("Un identifiant numérique est attendu."),
    }

    def __init__(self, *, scope, **kwargs):
        self.scope = scope
        super().__init__(**kwargs)

    def get_queryset(self):
        return self.scope(self.context["plan"])

    def to_internal_value(self, data):
        if isinstance(data, bool):  # JSON true is not the id 1
            self.fail("incorrect_type", data_type="bool")
        return super().to_internal_value(data)


def _objectives(plan):
    return Objective.objects.filter(axis__plan=plan).select_related("axis__plan")


def _organisations(plan):
    return plan_organisations(plan)


def _members(plan):
    return member_users(plan)


def _actions(plan):
    return Action.objects.filter(plan=plan)


def _indicators(plan):
    return Indicator.objects.filter(plan=plan)


# Read serializers ------------------------------------------------------------------------------
class PersonSerializer(serializers.ModelSerializer):
    name = serializers.CharField(source="__str__", read_only=True, help_text=_("Nom affiché."))

    class Meta:
        model = User
        fields = ["id", "name"]
        read_only_fields = fields


class AuthorSerializer(PersonSerializer):
    organisation = serializers.CharField(
        source="organisation.name", default=None, read_only=True, allow_null=True
    )

    class Meta(PersonSerializer.Meta):
        fields = ["id", "name", "organisation"]
        read_only_fields = fields


class StepSerializer(serializers.ModelSerializer):
    class Meta:
        model = Step
        fields = ["id", "title", "due_on", "done_on", "position"]
        read_only_fields = fields


class ActionSerializer(serializers.ModelSerializer):
    """An action as the roadmap shows it; `version` is what a PATCH must send back."""

    plan = serializers.IntegerField(source="plan_id", read_only=True)
    axis = serializers.IntegerField(source="objective.axis_id", read_only=True)
    objective = serializers.IntegerField(source="objective_id", read_only=True)
    pilot_organisation = OrganisationSummarySerializer(read_only=True, allow_null=True)
    partners = OrganisationSummarySerializer(many=True, read_only=True)
    owner = PersonSerializer(read_only=True, allow_null=True, help_text=_("Référent."))
    status = serializers.CharField(
        read_only=True, help_text=_("Statut enregistré : a_lancer, en_cours, realisee, abandonnee.")
    )
    status_label = serializers.CharField(source="get_status_display", read_only=True)
    display_status = serializers.CharField(
        read_only=True, help_text=_("Le statut tel qu'on le lit : « En retard » découle des dates.")
    )
    is_late = serializers.BooleanField(read_only=True)
    is_due_soon = serializers.BooleanField(
        read_only=True, help_text=_("Échéance dans les 30 jours.")
    )
    priority_label = serializers.CharField(source="get_priority_display", read_only=True)
    steps = StepSerializer(many=True, read_only=True)

    class Meta:
        model = Action
        fields = [
            "id",
            "plan",
            "axis",
            "objective",
            "title",
            "description",
            "pilot_organisation",
            "partners",
            "owner",
            "starts_on",
            "due_on",
            "baseline_starts_on",
            "baseline_due_on",
            "status",
            "status_label",
            "display_status",
            "is_late",
            "is_due_soon",
            "progress",
            "progress_mode",
            "weight",
            "budget",
            "priority",
            "priority_label",
            "completed_on",
            "steps",
            "version",
            "updated_at",
        ]
        read_only_fields = fields


class ObjectiveSerializer(serializers.ModelSerializer):
    progress = serializers.FloatField(
        source="rolled_up_progress",
        read_only=True,
        allow_null=True,
        help_text=_("Avancement pondéré de ses actions, en % (vide sans action comptée)."),
    )
    actions = ActionSerializer(many=True, read_only=True)

    class Meta:
        model = Objective
        fields = ["id", "title", "position", "weight", "progress", "actions"]
        read_only_fields = fields


class ThemeSerializer(serializers.ModelSerializer):
    class Meta:
        model = AxisTheme
        fields = ["slug", "name"]
        read_only_fields = fields


class AxisSerializer(serializers.ModelSerializer):
    theme = ThemeSerializer(read_only=True, allow_null=True)
    progress = serializers.FloatField(
        source="rolled_up_progress",
        read_only=True,
        allow_null=True,
        help_text=_("Avancement pondéré de ses objectifs, en %."),
    )
    objectives = ObjectiveSerializer(many=True, read_only=True)

    class Meta:
        model = Axis
        fields = ["id", "title", "theme", "position", "weight", "progress", "objectives"]
        read_only_fields = fields


class PlanSerializer(serializers.ModelSerializer):
    """A plan in a list: what the selector `plan_list` joins and annotates, nothing more."""

    url = serializers.HyperlinkedIdentityField(view_name="cooperation-plan-detail")
    # Codes as documented text: other components already name « kind » and « status » enums.
    kind = serializers.CharField(read_only=True, help_text=_("ctg ou sdsf."))
    kind_label = serializers.CharField(source="get_kind_display", read_only=True)
    caf = CafSummarySerializer(read_only=True)
    status = serializers.CharField(read_only=True, help_text=_("preparation, en_cours ou cloture."))
    status_label = serializers.CharField(source="get_status_display", read_only=True)
    action_count = serializers.IntegerField(read_only=True)
    late_count = serializers.IntegerField(
        read_only=True, help_text=_("Actions dont l'échéance est passée sans être réalisées.")
    )
    role = serializers.SerializerMethodField(
        help_text=_("Rôle de l'appelant dans le plan : pilote, contributeur, lecteur ou vide.")
    )

    class Meta:
        model = Plan
        fields = [
            "id",
            "url",
            "kind",
            "kind_label",
            "title",
            "caf",
            "territory",
            "starts_on",
            "ends_on",
            "status",
            "status_label",
            "action_count",
            "late_count",
            "baseline_frozen_at",
            "role",
        ]
        read_only_fields = fields

    def get_role(self, obj) -> str | None:
        # {plan id: role}, read once per request by the view (cooperation.rules.memberships).
        return self.context.get("memberships", {}).get(obj.pk)


class MemberSerializer(serializers.ModelSerializer):
    id = serializers.IntegerField(source="user_id", read_only=True)
    name = serializers.CharField(source="user.__str__", read_only=True)
    role_label = serializers.CharField(source="get_role_display", read_only=True)
    organisation = serializers.CharField(
        source="user.organisation.name", default=None, read_only=True, allow_null=True
    )

    class Meta:
        model = PlanMember
        fields = ["id", "name", "role", "role_label", "organisation"]
        read_only_fields = fields


class PlanProgressSerializer(serializers.Serializer):
    plan = serializers.FloatField(allow_null=True, help_text=_("Avancement pondéré du plan, en %."))
    expected = serializers.FloatField(help_text=_("Part de la période du plan déjà écoulée, en %."))
    light = serializers.ChoiceField(
        choices=["on_track", "at_risk", "off_track"],
        help_text=_("Feu : en bonne voie, à risque ou en retard."),
    )
    light_label = serializers.CharField()
    late_count = serializers.IntegerField()
    due_soon_count = serializers.IntegerField()


class PlanPermissionsSerializer(serializers.Serializer):
    """What the caller may do with this plan (the same rules as the pages)."""

    manage_plan = serializers.BooleanField()
    change_action = serializers.BooleanField()
    record_indicator = serializers.BooleanField()
    post_message = serializers.BooleanField()


class PlanDetailSerializer(PlanSerializer):
    """A plan with its whole roadmap (axes → objectives → actions → steps), as `plan_get`
    prefetched it, and the roll-ups of `plan_progress`, set on the objects by the view."""

    signatories = OrganisationSummarySerializer(many=True, read_only=True)
    members = MemberSerializer(many=True, read_only=True)
    progress = PlanProgressSerializer(source="dashboard_figures", read_only=True)
    permissions = PlanPermissionsSerializer(source="caller_permissions", read_only=True)
    axes = AxisSerializer(many=True, read_only=True)

    class Meta(PlanSerializer.Meta):
        fields = [
            *(f for f in PlanSerializer.Meta.fields if f not in {"action_count", "late_count"}),
            "signatories",
            "members",
            "progress",
            "permissions",
            "axes",
        ]
        read_only_fields = fields


class IndicatorValueSerializer(serializers.ModelSerializer):
    class Meta:
        model = IndicatorValue
        fields = ["id", "period", "value", "source", "comment"]
        read_only_fields = fields


class RecordedValueSerializer(IndicatorValueSerializer):
    indicator = serializers.IntegerField(source="indicator_id", read_only=True)

    class Meta(IndicatorValueSerializer.Meta):
        fields = ["id", "indicator", "period", "value", "source", "comment"]
        read_only_fields = fields


class IndicatorSerializer(serializers.ModelSerializer):
    direction_label = serializers.CharField(source="get_direction_display", read_only=True)
    objective = serializers.IntegerField(source="objective_id", read_only=True, allow_null=True)
    action = serializers.IntegerField(source="action_id", read_only=True, allow_null=True)
    latest_value = serializers.DecimalField(
        source="latest.value",
        max_digits=14,
        decimal_places=2,
        default=None,
        read_only=True,
        allow_null=True,
        help_text=_("Dernière valeur mesurée."),
    )
    achievement = serializers.FloatField(
        read_only=True,
        allow_null=True,
        help_text=_(
            "Chemin parcouru de la valeur de départ vers la cible, en % (plus de 100 au-delà "
            "de la cible, négatif dans le mauvais sens)."
        ),
    )
    values = IndicatorValueSerializer(many=True, read_only=True)

    class Meta:
        model = Indicator
        fields = [
            "id",
            "name",
            "unit",
            "baseline",
            "target",
            "direction",
            "direction_label",
            "objective",
            "action",
            "latest_value",
            "achievement",
            "values",
        ]
        read_only_fields = fields


class MessageSerializer(serializers.ModelSerializer):
    action = serializers.IntegerField(source="action_id", read_only=True, allow_null=True)
    author = AuthorSerializer(read_only=True, allow_null=True)
    mentions = PersonSerializer(many=True, read_only=True)

    class Meta:
        model = Message
        fields = ["id", "action", "author", "text", "mentions", "created_at"]
        read_only_fields = fields


class ErrorSerializer(serializers.Serializer):
    """The API's one error body (see caflab.api.exceptions)."""

    status = serializers.IntegerField()
    code = serializers.CharField()
    detail = serializers.CharField()
    errors = serializers.DictField(
        child=serializers.ListField(child=serializers.CharField()), required=False
    )


class ConflictSerializer(serializers.Serializer):
    """Someone saved the action since the caller read it: both versions, nothing lost."""

    status = serializers.IntegerField()
    code = serializers.CharField()
    detail = serializers.CharField()
    current = ActionSerializer(help_text=_("L'action telle qu'elle est enregistrée maintenant."))
    attempted = serializers.DictField(
        help_text=_("Les changements envoyés, tels quels : rien n'a été enregistré.")
    )


# Query serializers -----------------------------------------------------------------------------
class PlanQuerySerializer(serializers.Serializer):
    """The filters of the plans list, validated: a wrong value is a 400, never a 500."""

    type = serializers.ChoiceField(
        choices=Plan.Kind.choices, required=False, help_text=_("ctg ou sdsf.")
    )
    statut = serializers.ChoiceField(
        choices=Plan.Status.choices,
        required=False,
        help_text=_("preparation, en_cours ou cloture."),
    )
    caf = serializers.RegexField(
        CAF_NUMBER,
        required=False,
        help_text=_("Numéro de la Caf qui pilote le plan (38, 2A, 974…)."),
        error_messages={"invalid": _("Numéro de Caf invalide.")},
    )

    def selector_filters(self) -> dict:
        data = self.validated_data
        return {"kind": data.get("type"), "status": data.get("statut"), "caf": data.get("caf")}


class ActionQuerySerializer(serializers.Serializer):
    axe = serializers.IntegerField(
        required=False, min_value=1, max_value=2**31 - 1, help_text=_("Identifiant d'un axe.")
    )
    statut = serializers.ChoiceField(
        choices=[*Action.Status.choices, (LATE, _("En retard"))],
        required=False,
        help_text=_("a_lancer, en_cours, en_retard, realisee ou abandonnee."),
    )
    pilote = serializers.IntegerField(
        required=False,
        min_value=1,
        max_value=2**31 - 1,
        help_text=_("Identifiant de l'organisation pilote."),
    )
    modifiees_depuis = serializers.DateTimeField(
        required=False,
        help_text=_(
            "Seulement les actions modifiées depuis cet instant (ISO 8601) : pour synchroniser "
            "un outil sans tout relire."
        ),
    )


class MessageQuerySerializer(serializers.Serializer):
    action = serializers.IntegerField(
        required=False,
        min_value=1,
        max_value=2**31 - 1,
        help_text=_("Seulement le fil de cette action."),
    )


# Input serializers -----------------------------------------------------------------------------
class _ActionInputSerializer(serializers.Serializer):
    """Fields an action shares between creation and update; `plan` is in the context."""

    title = serializers.CharField(max_length=300, help_text=_("Intitulé."))
    description = serializers.CharField(max_length=10000, allow_blank=True)
    pilot_organisation = PlanObjectField(
        scope=_organisations,
        allow_null=True,
        help_text=_(
            "Identifiant de l'organisation pilote : une organisation du territoire du plan, "
            "nationale ou signataire."
        ),
    )
    partners = PlanObjectField(
        scope=_organisations, many=True, help_text=_("Identifiants des organisations partenaires.")
    )
    owner = PlanObjectField(
        scope=_members,
        allow_null=True,
        help_text=_("Identifiant du référent : un membre du plan."),
        error_messages={"does_not_exist": _("La personne {pk_value} n'est pas membre du plan.")},
    )
    starts_on = DateField(help_text=_("Début, AAAA-MM-JJ."))
    due_on = DateField(help_text=_("Échéance, AAAA-MM-JJ."))
    status = ActionStatusField()
    progress = serializers.IntegerField(
        min_value=0, max_value=100, help_text=_("Avancement, en % (0 à 100).")
    )
    progress_mode = serializers.ChoiceField(
        choices=Action.ProgressMode.choices,
        help_text=_("saisi, ou jalons : calculé à partir des jalons atteints."),
    )
    weight = serializers.IntegerField(
        min_value=1, max_value=1000, help_text=_("Poids dans l'avancement de l'objectif.")
    )
    budget = serializers.DecimalField(
        max_digits=12, decimal_places=2, min_value=0, allow_null=True, help_text=_("En euros.")
    )
    priority = serializers.ChoiceField(
        choices=Action.Priority.choices, help_text=_("haute, moyenne ou basse.")
    )

    def validate(self, attrs):
        starts, due = attrs.get("starts_on"), attrs.get("due_on")
        if starts and due and due < starts:
            raise serializers.ValidationError(
                {"due_on": [_("L'échéance doit suivre le début de l'action.")]}
            )
        return attrs


@extend_schema_serializer(
    examples=[
        OpenApiExample(
            "Une action pilotée par l'EPCI",
            value={
                "objective": 88,
                "title": "Ouvrir une micro-crèche à horaires atypiques",
                "starts_on": "2025-01-06",
                "due_on": "2026-09-01",
                "pilot_organisation": 12,
                "partners": [40],
                "owner": 233,
                "priority": "haute",
                "budget": "180000.00",
            },
            request_only=True,
        )
    ]
)
class ActionCreateSerializer(_ActionInputSerializer):
    objective = PlanObjectField(scope=_objectives, help_text=_("Identifiant de l'objectif."))

    OPTIONAL = (
        "description",
        "pilot_organisation",
        "partners",
        "owner",
        "status",
        "progress",
        "progress_mode",
        "weight",
        "budget",
        "priority",
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name in self.OPTIONAL:
            self.fields[name].required = False


@extend_schema_serializer(
    examples=[
        OpenApiExample(
            "Mettre à jour l'avancement",
            value={"version": 7, "status": "en_cours", "progress": 60},
            request_only=True,
        ),
        OpenApiExample(
            "Repousser l'échéance",
            value={"version": 8, "due_on": "2026-12-15"},
            request_only=True,
        ),
    ]
)
class ActionUpdateSerializer(_ActionInputSerializer):
    """A partial update: `version` (the one the caller read) and the fields that change."""

    version = serializers.IntegerField(
        min_value=1,
        max_value=2**31 - 1,
        help_text=_(
            "La version de l'action lue par l'appelant : si quelqu'un l'a modifiée depuis, la "
            "réponse est un 409 avec les deux versions."
        ),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name, field in self.fields.items():
            field.required = name == "version"

    def validate(self, attrs):
        if isinstance(self.initial_data, dict):
            unknown = sorted(set(self.initial_data) - set(self.fields))
            if unknown:
                raise serializers.ValidationError(
                    {name: [_("Champ inconnu ou non modifiable.")] for name in unknown}
                )
        if len(attrs) == 1:
            raise serializers.ValidationError(
                {"non_field_errors": [_("Aucune modification envoyée.")]}
            )
        return super().validate(attrs)

    def changes(self) -> dict:
        data = dict(self.validated_data)
        data.pop("version")
        return data


@extend_schema_serializer(
    examples=[
        OpenApiExample(
            "Une mesure semestrielle",
            value={
                "indicator": 9,
                "period": "2025-06-30",
                "value": "112",
                "source": "Bilan SIEJ 2025",
                "comment": "Deux micro-crèches ouvertes au printemps.",
            },
            request_only=True,
        )
    ]
)
class IndicatorRecordSerializer(serializers.Serializer):
    indicator = PlanObjectField(scope=_indicators, help_text=_("Identifiant de l'indicateur."))
    period = DateField(help_text=_("Date de la mesure (fin de période), AAAA-MM-JJ."))
    value = serializers.DecimalField(max_digits=14, decimal_places=2)
    source = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")
    comment = serializers.CharField(max_length=500, required=False, allow_blank=True, default="")


@extend_schema_serializer(
    examples=[
        OpenApiExample(
            "Un message sur une action, avec une mention",
            value={
                "text": "@paul.girard le permis de construire est déposé, on tient l'échéance.",
                "action": 1204,
            },
            request_only=True,
        )
    ]
)
class MessageCreateSerializer(serializers.Serializer):
    text = serializers.CharField(
        max_length=4000,
        help_text=_("Le message ; « @prenom.nom » mentionne un membre, qui est prévenu."),
    )
    action = PlanObjectField(
        scope=_actions,
        required=False,
        allow_null=True,
        help_text=_("Identifiant d'une action du plan, pour écrire dans son fil."),
    )
