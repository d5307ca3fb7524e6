"""The projects' API serializers.

Read serializers cover what the selectors (and the views, for the few figures set on the objects)
already loaded: nothing here runs a query per row. A project's team is named by name and role,
never by email; the people trained are never named at all, only counted. Input serializers are
plain: the writes go through projects.services, which check the rules again.
"""

from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiExample, extend_schema_field, extend_schema_serializer
from rest_framework import serializers

from caflab.api.serializers import (
    CafSummarySerializer,
    CodeField,
    DateField,
    OrganisationSummarySerializer,
    RegionSerializer,
)
from projects.models import (
    Application,
    Call,
    CreativitySession,
    Criterion,
    Funding,
    Indicator,
    Period,
    Programme,
    Project,
    ProjectMember,
    StageChange,
    Theme,
    Training,
)

CAF_NUMBER = r"^(?:[0-9]{2,3}|2[AB])$"
REGION_CODE = r"^[0-9]{2}$"

# Examples --------------------------------------------------------------------------------------
CAF_EXAMPLE = {"number": "38", "name": "Caf de l'Isère"}
PROGRAMME_SUMMARY_EXAMPLE = {
    "slug": "innovation-sociale-territoriale",
    "name": "Innovation sociale territoriale",
}
PROGRAMME_EXAMPLE = {
    **PROGRAMME_SUMMARY_EXAMPLE,
    "summary": "Le programme de recherche et développement de la fiche COG n°14.",
    "pilot": "Karine Richard",
    "partners": [{"id": 12, "name": "Agence nouvelle des solidarités actives", "kind": "autre"}],
    "started_on": "2024-01-01",
    "is_active": True,
    "project_count": 8,
    "running_project_count": 6,
}
PROJECT_EXAMPLE = {
    "url": "https://caflab.example/api/v1/projets/creche-horaires-atypiques/",
    "slug": "creche-horaires-atypiques",
    "title": "Crèche à horaires atypiques",
    "summary": "Un accueil de 5 h à 23 h pour les parents qui travaillent en horaires décalés.",
    "programme": PROGRAMME_SUMMARY_EXAMPLE,
    "kind": "fipe",
    "kind_label": "Projet FIPE",
    "theme": "solutions_accueil",
    "theme_label": "Diversification des solutions d'accueil",
    "stage": "incubation",
    "stage_label": "Incubation",
    "stage_changed_on": "2025-01-06",
    "cafs": [CAF_EXAMPLE],
    "region": {"code": "84", "name": "Auvergne-Rhône-Alpes", "overseas": False},
    "territories": "Grenoble, Échirolles",
    "started_on": "2025-01-06",
    "ended_on": None,
    "is_published": True,
}
PERIOD_EXAMPLE = {
    "id": 311,
    "indicator": 57,
    "starts_on": "2025-01-01",
    "ends_on": "2025-06-30",
    "value": "12.00",
    "comment": "Ouverture de la première section en mars.",
    "status": "validee",
    "status_label": "Validée",
    "review_note": "",
    "submitted_at": "2025-07-02T10:12:00+02:00",
    "reviewed_at": "2025-07-04T16:40:00+02:00",
    "evidence_count": 1,
}
STAGE_CHANGE_EXAMPLE = {
    "from_stage": "incubation",
    "from_stage_label": "Incubation",
    "to_stage": "experimentation",
    "to_stage_label": "Expérimentation",
    "changed_on": "2025-06-02",
    "note": "Première section ouverte avec 12 places.",
}
PROJECT_DETAIL_EXAMPLE = {
    **PROJECT_EXAMPLE,
    "sponsor": "",
    "partners": [{"id": 40, "name": "Commune d'Échirolles", "kind": "commune"}],
    "cohort": {"slug": "promotion-defi-2025", "name": "Promotion Défi petite enfance 2025"},
    "call": None,
    "stage_history": [
        {
            "from_stage": "",
            "from_stage_label": "",
            "to_stage": "incubation",
            "to_stage_label": "Incubation",
            "changed_on": "2025-01-06",
            "note": "",
        }
    ],
    "fundings": [
        {
            "source": "fipe",
            "source_label": "Fonds d'innovation petite enfance (FIPE)",
            "funder": "Cnaf",
            "amount": "45000.00",
            "year": 2025,
        }
    ],
    "funding_total": "45000.00",
    "team": [
        {"name": "Sonia Mercier", "role": "porteur", "role_label": "Porteur", "caf": CAF_EXAMPLE}
    ],
    "theory_of_change": [
        {
            "level": "impact",
            "label": "Impact attendu",
            "steps": [{"id": 8, "text": "Les parents en horaires décalés gardent leur emploi"}],
        }
    ],
    "indicators": [
        {
            "id": 57,
            "name": "Places ouvertes en horaires atypiques",
            "unit": "places",
            "description": "",
            "direction": "hausse",
            "direction_label": "À augmenter",
            "baseline": "0.00",
            "baseline_on": None,
            "target": "40.00",
            "target_on": "2026-12-31",
            "impact": {"id": 8, "text": "Les parents en horaires décalés gardent leur emploi"},
            "latest_value": "12.00",
            "progress": 30,
            "periods": [PERIOD_EXAMPLE],
        }
    ],
    "permissions": {
        "change_project": False,
        "change_stage": False,
        "report_indicator": False,
        "review_indicator": False,
    },
}
CALL_EXAMPLE = {
    "url": "https://caflab.example/api/v1/appels/defi-petite-enfance-2025/",
    "slug": "defi-petite-enfance-2025",
    "title": "Défi petite enfance 2025",
    "kind": "defi",
    "kind_label": "Défi",
    "status": "decide",
    "status_label": "Lauréats désignés",
    "programme": PROGRAMME_SUMMARY_EXAMPLE,
    "opens_on": "2025-01-15",
    "closes_on": "2025-03-31",
    "winners_count": 5,
    "decided_on": "2025-06-12",
    "application_count": 13,
    "winner_count": 5,
}
CALL_DETAIL_EXAMPLE = {
    **CALL_EXAMPLE,
    "summary": "Lutter contre la pénurie de personnel dans le secteur de la petite enfance.",
    "partners": [],
    "project_kind": "defi",
    "project_kind_label": "Lauréat d'un défi",
    "project_theme": "metiers_petite_enfance",
    "project_theme_label": "Métiers de la petite enfance",
    "criteria": [
        {
            "id": 4,
            "name": "Caractère innovant",
            "description": "",
            "weight": 2,
            "max_score": 5,
        }
    ],
    "winners": [
        {
            "id": 77,
            "title": "Campus des métiers de la petite enfance",
            "team_name": "Équipe Auvergne-Rhône-Alpes",
            "caf": CAF_EXAMPLE,
            "region": {"code": "84", "name": "Auvergne-Rhône-Alpes", "overseas": False},
            "project": "campus-des-metiers-de-la-petite-enfance",
        }
    ],
}
RANKED_EXAMPLE = {
    "rank": 1,
    "score": "86.67",
    "jurors": 3,
    "application": {
        "id": 77,
        "title": "Campus des métiers de la petite enfance",
        "team_name": "Équipe Auvergne-Rhône-Alpes",
        "caf": CAF_EXAMPLE,
        "region": {"code": "84", "name": "Auvergne-Rhône-Alpes", "overseas": False},
        "status": "deposee",
        "status_label": "Déposée",
    },
    "criteria": [{"criterion": 4, "name": "Caractère innovant", "mean": "4.33"}],
}
TRAINING_SUMMARY_EXAMPLE = {
    "year": 2025,
    "sessions": 10,
    "people_trained": 106,
    "trainings": [
        {
            "id": 1,
            "title": "Design thinking",
            "kind": "design_thinking",
            "kind_label": "Design thinking",
            "duration_hours": "14.0",
            "sessions": 4,
            "people_trained": 45,
        }
    ],
}
CREATIVITY_EXAMPLE = {
    "id": 64,
    "held_on": "2025-03-12",
    "caf": CAF_EXAMPLE,
    "topic": "Mieux accueillir les parents séparés au guichet",
    "method": "design_thinking",
    "method_label": "Design thinking",
    "audience": "agents",
    "audience_label": "Agents de Caf",
    "participants": 12,
    "project": {"slug": "creche-horaires-atypiques", "title": "Crèche à horaires atypiques"},
    "consultation_id": None,
    "outcome": "Trois pistes retenues pour l'accueil sur rendez-vous.",
}


def _label(source: str) -> serializers.CharField:
    return serializers.CharField(source=source, read_only=True)


# Programmes ------------------------------------------------------------------------------------
class ProgrammeSummarySerializer(serializers.ModelSerializer):
    class Meta:
        model = Programme
        fields = ["slug", "name"]
        read_only_fields = fields


class ProgrammeSerializer(serializers.ModelSerializer):
    partners = OrganisationSummarySerializer(many=True, read_only=True)
    project_count = serializers.IntegerField(
        read_only=True, help_text=_("Projets du programme que l'appelant peut voir.")
    )
    running_project_count = serializers.IntegerField(
        read_only=True, help_text=_("Dont les projets en cours (ni pérennisés ni arrêtés).")
    )

    class Meta:
        model = Programme
        fields = [
            "slug",
            "name",
            "summary",
            "pilot",
            "partners",
            "started_on",
            "is_active",
            "project_count",
            "running_project_count",
        ]
        read_only_fields = fields


# Projects --------------------------------------------------------------------------------------
class ProjectSerializer(serializers.ModelSerializer):
    """A project in the portfolio: what `selectors.project_list` joins and prefetches."""

    url = serializers.HyperlinkedIdentityField(
        view_name="projects-project-detail", lookup_field="slug", read_only=True
    )
    programme = ProgrammeSummarySerializer(read_only=True, allow_null=True)
    kind = CodeField(choices=Project.Kind.choices, read_only=True)
    kind_label = _label("get_kind_display")
    theme = CodeField(choices=Theme.choices, read_only=True)
    theme_label = _label("get_theme_display")
    stage = CodeField(choices=Project.Stage.choices, read_only=True)
    stage_label = _label("get_stage_display")
    cafs = CafSummarySerializer(many=True, read_only=True, help_text=_("Caf porteuses."))
    region = RegionSerializer(
        read_only=True, allow_null=True, help_text=_("Pour un projet porté par une région.")
    )

    class Meta:
        model = Project
        fields = [
            "url",
            "slug",
            "title",
            "summary",
            "programme",
            "kind",
            "kind_label",
            "theme",
            "theme_label",
            "stage",
            "stage_label",
            "stage_changed_on",
            "cafs",
            "region",
            "territories",
            "started_on",
            "ended_on",
            "is_published",
        ]
        read_only_fields = fields


class ProjectStageChangeSerializer(serializers.ModelSerializer):
    from_stage = serializers.CharField(
        read_only=True, help_text=_("Vide pour la première étape du projet.")
    )
    from_stage_label = _label("get_from_stage_display")
    to_stage = CodeField(choices=Project.Stage.choices, read_only=True)
    to_stage_label = _label("get_to_stage_display")

    class Meta:
        model = StageChange
        fields = [
            "from_stage",
            "from_stage_label",
            "to_stage",
            "to_stage_label",
            "changed_on",
            "note",
        ]
        read_only_fields = fields


class ProjectFundingSerializer(serializers.ModelSerializer):
    source = CodeField(choices=Funding.Source.choices, read_only=True)
    source_label = _label("get_source_display")

    class Meta:
        model = Funding
        fields = ["source", "source_label", "funder", "amount", "year"]
        read_only_fields = fields


class ProjectTeamMemberSerializer(serializers.ModelSerializer):
    """A member of the project's team: a name and a role, never a contact."""

    name = serializers.SerializerMethodField(help_text=_("Prénom et nom."))
    role = CodeField(choices=ProjectMember.Role.choices, read_only=True)
    role_label = _label("get_role_display")
    caf = CafSummarySerializer(source="user.caf", read_only=True, allow_null=True)

    class Meta:
        model = ProjectMember
        fields = ["name", "role", "role_label", "caf"]
        read_only_fields = fields

    def get_name(self, obj) -> str:
        # Never the email that User.__str__ falls back on.
        return obj.user.get_full_name() or str(_("Membre de l'équipe"))


class ChangeStepSummarySerializer(serializers.Serializer):
    id = serializers.IntegerField(read_only=True)
    text = serializers.CharField(read_only=True)


class TheoryColumnSerializer(serializers.Serializer):
    """One column of the theory of change: objectives, actions, stakeholders, impacts."""

    level = serializers.CharField(
        read_only=True, help_text=_("objectif, action, partie_prenante ou impact.")
    )
    label = serializers.CharField(read_only=True)
    steps = ChangeStepSummarySerializer(many=True, read_only=True)


class IndicatorPeriodSerializer(serializers.ModelSerializer):
    indicator = serializers.IntegerField(source="indicator_id", read_only=True)
    status = CodeField(choices=Period.Status.choices, read_only=True)
    status_label = _label("get_status_display")
    evidence_count = serializers.SerializerMethodField(help_text=_("Pièces justificatives."))

    class Meta:
        model = Period
        fields = [
            "id",
            "indicator",
            "starts_on",
            "ends_on",
            "value",
            "comment",
            "status",
            "status_label",
            "review_note",
            "submitted_at",
            "reviewed_at",
            "evidence_count",
        ]
        read_only_fields = fields

    def get_evidence_count(self, obj) -> int:
        # Prefetched by selectors.project_indicators; a period just written has none loaded.
        cache = getattr(obj, "_prefetched_objects_cache", {})
        return len(cache["evidence"]) if "evidence" in cache else obj.evidence.count()


class ProjectIndicatorSerializer(serializers.ModelSerializer):
    """An indicator with the periods the caller may see (approved ones only, outside the team
    and the CafLab) and the progress of its latest approved value — set by the view from
    `selectors.project_indicators`."""

    direction = CodeField(choices=Indicator.Direction.choices, read_only=True)
    direction_label = _label("get_direction_display")
    impact = ChangeStepSummarySerializer(read_only=True, allow_null=True)
    latest_value = serializers.DecimalField(
        source="latest.value",
        max_digits=14,
        decimal_places=2,
        default=None,
        read_only=True,
        allow_null=True,
        help_text=_("Dernière valeur validée par le CafLab."),
    )
    progress = serializers.IntegerField(
        source="percent",
        read_only=True,
        allow_null=True,
        help_text=_(
            "Chemin parcouru de la valeur de départ vers la cible, en % (plus de 100 au-delà, "
            "négatif dans le mauvais sens) ; vide sans valeur validée."
        ),
    )
    periods = IndicatorPeriodSerializer(source="visible_periods", many=True, read_only=True)

    class Meta:
        model = Indicator
        fields = [
            "id",
            "name",
            "unit",
            "description",
            "direction",
            "direction_label",
            "baseline",
            "baseline_on",
            "target",
            "target_on",
            "impact",
            "latest_value",
            "progress",
            "periods",
        ]
        read_only_fields = fields


class CohortSummarySerializer(serializers.Serializer):
    slug = serializers.CharField(read_only=True)
    name = serializers.CharField(read_only=True)


class CallSummarySerializer(serializers.Serializer):
    slug = serializers.CharField(read_only=True)
    title = serializers.CharField(read_only=True)


class ProjectPermissionsSerializer(serializers.Serializer):
    """What the caller may do with this project (the same rules as the pages)."""

    change_project = serializers.BooleanField()
    change_stage = serializers.BooleanField()
    report_indicator = serializers.BooleanField()
    review_indicator = serializers.BooleanField()


class ProjectDetailSerializer(ProjectSerializer):
    """A project with everything its page shows, as `selectors.project_get` prefetched it."""

    partners = OrganisationSummarySerializer(many=True, read_only=True)
    cohort = CohortSummarySerializer(read_only=True, allow_null=True)
    call = CallSummarySerializer(
        source="application.call",
        read_only=True,
        allow_null=True,
        default=None,
        help_text=_("L'appel ou le défi dont le projet est lauréat."),
    )
    stage_history = ProjectStageChangeSerializer(source="stage_changes", many=True, read_only=True)
    fundings = ProjectFundingSerializer(many=True, read_only=True)
    funding_total = serializers.DecimalField(
        max_digits=14, decimal_places=2, read_only=True, help_text=_("En euros.")
    )
    team = ProjectTeamMemberSerializer(source="memberships", many=True, read_only=True)
    theory_of_change = TheoryColumnSerializer(many=True, read_only=True)
    indicators = ProjectIndicatorSerializer(source="indicator_list", many=True, read_only=True)
    permissions = ProjectPermissionsSerializer(source="caller_permissions", read_only=True)

    class Meta(ProjectSerializer.Meta):
        fields = [
            *ProjectSerializer.Meta.fields,
            "sponsor",
            "partners",
            "cohort",
            "call",
            "stage_history",
            "fundings",
            "funding_total",
            "team",
            "theory_of_change",
            "indicators",
            "permissions",
        ]
        read_only_fields = fields


# Calls -----------------------------------------------------------------------------------------
class CallSerializer(serializers.ModelSerializer):
    url = serializers.HyperlinkedIdentityField(
        view_name="projects-call-detail", lookup_field="slug", read_only=True
    )
    kind = CodeField(choices=Call.Kind.choices, read_only=True)
    kind_label = _label("get_kind_display")
    status = CodeField(choices=Call.Status.choices, read_only=True)
    status_label = _label("get_status_display")
    programme = ProgrammeSummarySerializer(read_only=True, allow_null=True)
    application_count = serializers.IntegerField(read_only=True, help_text=_("Candidatures."))
    winner_count = serializers.IntegerField(read_only=True, help_text=_("Lauréats désignés."))

    class Meta:
        model = Call
        fields = [
            "url",
            "slug",
            "title",
            "kind",
            "kind_label",
            "status",
            "status_label",
            "programme",
            "opens_on",
            "closes_on",
            "winners_count",
            "decided_on",
            "application_count",
            "winner_count",
        ]
        read_only_fields = fields


class CallCriterionSerializer(serializers.ModelSerializer):
    class Meta:
        model = Criterion
        fields = ["id", "name", "description", "weight", "max_score"]
        read_only_fields = fields


class CallWinnerSerializer(serializers.ModelSerializer):
    """A selected application, with the address of the project it became (when the caller
    may see that project)."""

    caf = CafSummarySerializer(read_only=True, allow_null=True)
    region = RegionSerializer(read_only=True, allow_null=True)
    project = serializers.CharField(
        source="project_slug",
        read_only=True,
        allow_null=True,
        help_text=_("Adresse (slug) du projet issu de la candidature."),
    )

    class Meta:
        model = Application
        fields = ["id", "title", "team_name", "caf", "region", "project"]
        read_only_fields = fields


class CallDetailSerializer(CallSerializer):
    partners = OrganisationSummarySerializer(many=True, read_only=True)
    project_kind = CodeField(choices=Project.Kind.choices, read_only=True)
    project_kind_label = _label("get_project_kind_display")
    project_theme = CodeField(choices=Theme.choices, read_only=True)
    project_theme_label = _label("get_project_theme_display")
    criteria = CallCriterionSerializer(many=True, read_only=True)
    winners = CallWinnerSerializer(
        many=True,
        read_only=True,
        help_text=_("Les lauréats, une fois l'appel décidé ; vide avant."),
    )

    class Meta(CallSerializer.Meta):
        fields = [
            *CallSerializer.Meta.fields,
            "summary",
            "partners",
            "project_kind",
            "project_kind_label",
            "project_theme",
            "project_theme_label",
            "criteria",
            "winners",
        ]
        read_only_fields = fields


class RankedApplicationSerializer(serializers.ModelSerializer):
    caf = CafSummarySerializer(read_only=True, allow_null=True)
    region = RegionSerializer(read_only=True, allow_null=True)
    status = CodeField(choices=Application.Status.choices, read_only=True)
    status_label = _label("get_status_display")

    class Meta:
        model = Application
        fields = ["id", "title", "team_name", "caf", "region", "status", "status_label"]
        read_only_fields = fields


class CriterionMeanSerializer(serializers.Serializer):
    criterion = serializers.IntegerField(read_only=True)
    name = serializers.CharField(read_only=True)
    mean = serializers.DecimalField(
        max_digits=6, decimal_places=2, read_only=True, help_text=_("Moyenne des notes du jury.")
    )


class CallRankingSerializer(serializers.Serializer):
    """One line of the jury's ranking (selectors.ranking)."""

    rank = serializers.IntegerField(
        read_only=True, allow_null=True, help_text=_("Vide tant que personne n'a noté.")
    )
    score = serializers.DecimalField(
        max_digits=6,
        decimal_places=2,
        read_only=True,
        allow_null=True,
        help_text=_("Note pondérée sur 100."),
    )
    jurors = serializers.IntegerField(
        read_only=True, help_text=_("Membres du jury ayant terminé leur évaluation.")
    )
    application = RankedApplicationSerializer(read_only=True)
    criteria = CriterionMeanSerializer(many=True, read_only=True)


# Trainings and creativity ----------------------------------------------------------------------
class TrainingFiguresSerializer(serializers.ModelSerializer):
    kind = CodeField(choices=Training.Kind.choices, read_only=True)
    kind_label = _label("get_kind_display")
    sessions = serializers.IntegerField(
        source="year_sessions", read_only=True, help_text=_("Sessions commencées dans l'année.")
    )
    people_trained = serializers.IntegerField(
        source="year_people",
        read_only=True,
        help_text=_("Personnes distinctes ayant suivi une de ces sessions."),
    )

    class Meta:
        model = Training
        fields = [
            "id",
            "title",
            "kind",
            "kind_label",
            "duration_hours",
            "sessions",
            "people_trained",
        ]
        read_only_fields = fields


class TrainingSummarySerializer(serializers.Serializer):
    """The year's trainings in figures: sessions and people trained, never a name."""

    year = serializers.IntegerField()
    sessions = serializers.IntegerField(help_text=_("Sessions de formation de l'année."))
    people_trained = serializers.IntegerField(
        help_text=_(
            "Personnes distinctes formées dans l'année : une personne qui suit deux formations "
            "compte une fois."
        )
    )
    trainings = TrainingFiguresSerializer(many=True)


class ProjectRefSerializer(serializers.Serializer):
    slug = serializers.CharField(read_only=True)
    title = serializers.CharField(read_only=True)


class CreativitySessionSerializer(serializers.ModelSerializer):
    caf = CafSummarySerializer(
        read_only=True, allow_null=True, help_text=_("Vide : séance organisée au CafLab.")
    )
    method = CodeField(choices=CreativitySession.Method.choices, read_only=True)
    method_label = _label("get_method_display")
    audience = CodeField(choices=CreativitySession.Audience.choices, read_only=True)
    audience_label = _label("get_audience_display")
    project = serializers.SerializerMethodField(
        help_text=_("Le projet lié, s'il est visible de l'appelant.")
    )

    class Meta:
        model = CreativitySession
        fields = [
            "id",
            "held_on",
            "caf",
            "topic",
            "method",
            "method_label",
            "audience",
            "audience_label",
            "participants",
            "project",
            "consultation_id",
            "outcome",
        ]
        read_only_fields = fields

    @extend_schema_field(ProjectRefSerializer(allow_null=True))
    def get_project(self, obj):
        # `can_see` reads the caller's team once (projects.rules.team_project_ids): no query.
        project = obj.project
        if project is None or not self.context["can_see"](project):
            return None
        return {"slug": project.slug, "title": project.title}


class ProjectsErrorSerializer(serializers.Serializer):
    """The API's one error body (see caflab.api.exceptions)."""

    status = serializers.IntegerField()
    code = serializers.CharField()
    detail = serializers.CharField()
    errors = serializers.DictField(
        child=serializers.ListField(child=serializers.CharField()), required=False
    )


# Query serializers -----------------------------------------------------------------------------
class ProjectQuerySerializer(serializers.Serializer):
    """The filters of the portfolio, validated: a wrong value is a 400, never a 500."""

    programme = serializers.SlugField(
        required=False, max_length=80, help_text=_("Adresse (slug) d'un programme.")
    )
    kind = serializers.ChoiceField(
        choices=Project.Kind.choices,
        required=False,
        help_text=_("porte, accompagne, fipe, defi ou experimentation."),
    )
    stage = serializers.ChoiceField(
        choices=Project.Stage.choices,
        required=False,
        help_text=_(
            "ideation, selection, incubation, experimentation, essaimage, perennise ou arrete."
        ),
    )
    theme = serializers.ChoiceField(
        choices=Theme.choices, required=False, help_text=_("Un thème du portefeuille.")
    )
    region = serializers.RegexField(
        REGION_CODE,
        required=False,
        help_text=_("Code INSEE de la région du projet ou de ses Caf (84, 53…)."),
        error_messages={"invalid": _("Code de région invalide.")},
    )
    year = serializers.IntegerField(
        required=False,
        min_value=2000,
        max_value=2100,
        help_text=_("Les projets en cours à un moment de cette année."),
    )
    search = serializers.CharField(
        required=False,
        max_length=100,
        help_text=_("Un mot du titre ou de la présentation."),
    )

    def selector_filters(self) -> dict:
        return {
            name: self.validated_data.get(name)
            for name in ("programme", "kind", "stage", "theme", "region", "year")
        }


class YearQuerySerializer(serializers.Serializer):
    year = serializers.IntegerField(
        required=False,
        min_value=2000,
        max_value=2100,
        help_text=_("L'année (par défaut, l'année en cours)."),
    )


class CreativityQuerySerializer(serializers.Serializer):
    year = serializers.IntegerField(
        required=False, min_value=2000, max_value=2100, help_text=_("Séances tenues cette année.")
    )
    caf = serializers.RegexField(
        CAF_NUMBER,
        required=False,
        help_text=_("Numéro de la Caf qui a accueilli la séance (38, 2A, 974…)."),
        error_messages={"invalid": _("Numéro de Caf invalide.")},
    )
    method = serializers.ChoiceField(
        choices=CreativitySession.Method.choices,
        required=False,
        help_text=_(
            "design_thinking, lego_serious_play, world_cafe, focus_group, hackathon, "
            "cocreation ou autre."
        ),
    )


# Input serializers -----------------------------------------------------------------------------
@extend_schema_serializer(
    examples=[
        OpenApiExample(
            "Passer en expérimentation",
            value={"stage": "experimentation", "on": "2025-06-02", "note": "12 places ouvertes."},
            request_only=True,
        ),
        OpenApiExample(
            "Arrêter un projet (le motif est obligatoire)",
            value={"stage": "arrete", "note": "Le gestionnaire de la crèche s'est retiré."},
            request_only=True,
        ),
    ]
)
class StageMoveSerializer(serializers.Serializer):
    stage = CodeField(choices=Project.Stage.choices)
    on = DateField(
        required=False,
        allow_null=True,
        default=None,
        help_text=_("Date du changement, AAAA-MM-JJ (par défaut, aujourd'hui)."),
    )
    note = serializers.CharField(
        required=False,
        allow_blank=True,
        default="",
        max_length=2000,
        help_text=_("Commentaire ; obligatoire pour arrêter un projet."),
    )


@extend_schema_field(OpenApiTypes.INT)
class ProjectObjectField(serializers.PrimaryKeyRelatedField):
    """An object of the project in the context, by id: one of another project does not exist
    here."""

    default_error_messages = {
        "does_not_exist": _("Aucun objet d'identifiant {pk_value} dans ce projet."),
        "incorrect_type": _("Un identifiant numérique est attendu."),
    }

    def __init__(self, *, scope, **kwargs):
        self.scope = scope
        super().__init__(**kwargs)

    def get_queryset(self):
        return self.scope(self.context["project"])

    def to_internal_value(self, data):
        if isinstance(data, bool):  # JSON true is not the id 1
            self.fail("incorrect_type", data_type="bool")
        return super().to_internal_value(data)


def _indicators(project):
    return Indicator.objects.filter(project=project)


def _periods(project):
    return Period.objects.filter(indicator__project=project)


@extend_schema_serializer(
    examples=[
        OpenApiExample(
            "Une valeur semestrielle",
            value={
                "indicator": 57,
                "starts_on": "2025-01-01",
                "ends_on": "2025-06-30",
                "value": "12",
                "comment": "Ouverture de la première section en mars.",
            },
            request_only=True,
        ),
        OpenApiExample(
            "Corriger une période renvoyée",
            value={
                "indicator": 57,
                "period": 311,
                "starts_on": "2025-01-01",
                "ends_on": "2025-06-30",
                "value": "14",
            },
            request_only=True,
        ),
    ]
)
class PeriodSaveSerializer(serializers.Serializer):
    indicator = ProjectObjectField(
        scope=_indicators, help_text=_("Identifiant d'un indicateur du projet.")
    )
    period = ProjectObjectField(
        scope=_periods,
        required=False,
        allow_null=True,
        default=None,
        help_text=_("Pour corriger une période en brouillon ou renvoyée : son identifiant."),
    )
    starts_on = DateField(help_text=_("Début de la période, AAAA-MM-JJ."))
    ends_on = DateField(help_text=_("Fin de la période, AAAA-MM-JJ."))
    value = serializers.DecimalField(
        max_digits=14,
        decimal_places=2,
        allow_null=True,
        help_text=_("Valeur mesurée ; vide pour un brouillon."),
    )
    comment = serializers.CharField(required=False, allow_blank=True, default="", max_length=2000)


@extend_schema_serializer(
    examples=[
        OpenApiExample("Valider", value={"approve": True}, request_only=True),
        OpenApiExample(
            "Renvoyer pour correction",
            value={"approve": False, "note": "La valeur compte les places prévues, pas ouvertes."},
            request_only=True,
        ),
    ]
)
class PeriodReviewSerializer(serializers.Serializer):
    approve = serializers.BooleanField(
        help_text=_("true : la valeur est validée (et verrouillée) ; false : renvoyée.")
    )
    note = serializers.CharField(
        required=False,
        allow_blank=True,
        default="",
        max_length=2000,
        help_text=_("Ce que le porteur doit corriger ; obligatoire pour renvoyer."),
    )
