"""The living labs' API serializers.

Read serializers cover what the selectors shaped (counts are annotations: no query per row).
No serializer here names a member: the API knows labs, workshops and contributions, never the
people of the community — not even for the lab's facilitators, who see them on the pages.
"""

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import OpenApiExample, extend_schema_serializer
from rest_framework import serializers

from caflab.api.serializers import CafSummarySerializer, CodeField, DateField
from livinglabs.models import Contribution, Lab, Workshop

CAF_NUMBER = r"^(?:[0-9]{2,3}|2[AB])$"

# Examples --------------------------------------------------------------------------------------
LAB_EXAMPLE = {
    "slug": "acces-aux-droits-finistere",
    "name": "Living lab Accès aux droits du Finistère",
    "caf": {"number": "29", "name": "Caf du Finistère"},
    "theme": "acces_aux_droits",
    "theme_label": "Accès aux droits",
    "venue": "Maison Solidaire de Kermarron",
    "city": "Douarnenez",
    "created_on": "2023-10-02",
    "description": (
        "Chaque mois, une douzaine d'habitants réfléchissent avec la Caf aux sujets portés par "
        "la branche Famille."
    ),
    "status": "actif",
    "status_label": "Actif",
    "member_count": 13,
    "workshop_count": 27,
    "url": "https://caflab.example/living-labs/acces-aux-droits-finistere/",
}
WORKSHOP_EXAMPLE = {
    "id": 214,
    "topic": "Le Montant Net Social sur le bulletin de paie",
    "starts_at": "2025-03-11T14:00:00+01:00",
    "ends_at": "2025-03-11T16:30:00+01:00",
    "mode": "presentiel",
    "mode_label": "Sur place",
    "place": "Maison Solidaire de Kermarron, Douarnenez",
    "solicitation": {"id": 3, "title": "Déclaration trimestrielle de ressources"},
    "minutes": "Douze habitants présents. Le MNS est connu de la moitié du groupe…",
    "invited": 14,
    "present": 12,
    "contribution_count": 5,
}
CONTRIBUTION_EXAMPLE = {
    "id": 1032,
    "lab": "acces-aux-droits-finistere",
    "workshop": {
        "id": 214,
        "topic": "Le Montant Net Social sur le bulletin de paie",
        "starts_at": "2025-03-11T14:00:00+01:00",
    },
    "kind": "irritant",
    "kind_label": "Irritant",
    "text": "Le montant net social n'apparaît qu'en bas du bulletin : personne ne le trouve.",
    "tags": ["MNS", "déclaration trimestrielle"],
    "status": "prise_en_compte",
    "status_label": "Prise en compte",
    "status_reason": "",
    "eurekaf_idea_id": None,
    "consultation_id": None,
    "project_id": None,
    "created_at": "2025-03-11T16:40:00+01:00",
}


# Read serializers ------------------------------------------------------------------------------
class LabSerializer(serializers.ModelSerializer):
    """A lab's public information, as on its public page, with its counts."""

    caf = CafSummarySerializer(read_only=True)
    theme = CodeField(choices=Lab.Theme.choices, read_only=True)
    status = CodeField(choices=Lab.Status.choices, read_only=True)
    theme_label = serializers.CharField(source="get_theme_display", read_only=True)
    status_label = serializers.CharField(source="get_status_display", read_only=True)
    member_count = serializers.IntegerField(
        read_only=True, help_text=_("Membres actifs de la communauté (un nombre, jamais un nom).")
    )
    workshop_count = serializers.IntegerField(
        read_only=True, help_text=_("Ateliers tenus ou programmés.")
    )
    url = serializers.SerializerMethodField(help_text=_("La page publique du living lab."))

    class Meta:
        model = Lab
        fields = [
            "slug",
            "name",
            "caf",
            "theme",
            "theme_label",
            "venue",
            "city",
            "created_on",
            "description",
            "status",
            "status_label",
            "member_count",
            "workshop_count",
            "url",
        ]
        read_only_fields = fields

    def get_url(self, obj) -> str:
        request = self.context.get("request")
        path = obj.get_absolute_url()
        return request.build_absolute_uri(path) if request else path


class SolicitationSummarySerializer(serializers.Serializer):
    id = serializers.IntegerField(read_only=True)
    title = serializers.CharField(read_only=True)


class WorkshopSerializer(serializers.ModelSerializer):
    """A workshop with its attendance in figures; who came is never listed."""

    mode = CodeField(choices=Workshop.Mode.choices, read_only=True)
    mode_label = serializers.CharField(source="get_mode_display", read_only=True)
    solicitation = SolicitationSummarySerializer(
        read_only=True,
        allow_null=True,
        help_text=_("La sollicitation nationale à laquelle l'atelier répond, le cas échéant."),
    )
    invited = serializers.IntegerField(read_only=True, help_text=_("Membres invités."))
    present = serializers.IntegerField(read_only=True, help_text=_("Membres présents."))
    contribution_count = serializers.IntegerField(read_only=True)

    class Meta:
        model = Workshop
        fields = [
            "id",
            "topic",
            "starts_at",
            "ends_at",
            "mode",
            "mode_label",
            "place",
            "solicitation",
            "minutes",
            "invited",
            "present",
            "contribution_count",
        ]
        read_only_fields = fields


class WorkshopSummarySerializer(serializers.ModelSerializer):
    class Meta:
        model = Workshop
        fields = ["id", "topic", "starts_at"]


class ContributionSerializer(serializers.ModelSerializer):
    lab = serializers.SlugRelatedField(
        source="workshop.lab", slug_field="slug", read_only=True, help_text=_("Le living lab.")
    )
    workshop = WorkshopSummarySerializer(read_only=True)
    kind = CodeField(choices=Contribution.Kind.choices, read_only=True)
    status = CodeField(choices=Contribution.Status.choices, read_only=True)
    kind_label = serializers.CharField(source="get_kind_display", read_only=True)
    status_label = serializers.CharField(source="get_status_display", read_only=True)
    tags = serializers.ListField(source="tag_list", child=serializers.CharField(), read_only=True)

    class Meta:
        model = Contribution
        fields = [
            "id",
            "lab",
            "workshop",
            "kind",
            "kind_label",
            "text",
            "tags",
            "status",
            "status_label",
            "status_reason",
            "eurekaf_idea_id",
            "consultation_id",
            "project_id",
            "created_at",
        ]
        read_only_fields = fields


class LivingLabErrorSerializer(serializers.Serializer):
    """The API's one error body (see caflab.api.exceptions)."""

    status = serializers.IntegerField()
    code = serializers.CharField()
    detail = serializers.CharField()
    errors = serializers.DictField(
        child=serializers.ListField(child=serializers.CharField()), required=False
    )


# Query and input serializers -------------------------------------------------------------------
class LabQuerySerializer(serializers.Serializer):
    """The filters of the labs list, validated: a wrong value is a 400, never a 500."""

    theme = serializers.ChoiceField(
        choices=Lab.Theme.choices,
        required=False,
        help_text=_("parentalite, handicap, jeunesse, acces_aux_droits, separation, logement…"),
    )
    status = serializers.ChoiceField(
        choices=Lab.Status.choices,
        required=False,
        help_text=_("preparation, actif, en_pause ou ferme."),
    )
    caf = serializers.RegexField(
        CAF_NUMBER,
        required=False,
        help_text=_("Numéro de la Caf qui anime le living lab (38, 2A, 974…)."),
        error_messages={"invalid": _("Numéro de Caf invalide.")},
    )


class WorkshopQuerySerializer(serializers.Serializer):
    since = DateField(required=False, help_text=_("Les ateliers de ce jour ou après (AAAA-MM-JJ)."))
    until = DateField(required=False, help_text=_("Les ateliers de ce jour ou avant (AAAA-MM-JJ)."))


class ContributionQuerySerializer(serializers.Serializer):
    kind = serializers.ChoiceField(
        choices=Contribution.Kind.choices,
        required=False,
        help_text=_("irritant, besoin, idee ou proposition."),
    )
    status = serializers.ChoiceField(
        choices=Contribution.Status.choices,
        required=False,
        help_text=_("transmise, prise_en_compte, mise_en_oeuvre ou non_retenue."),
    )
    workshop = serializers.IntegerField(
        required=False,
        min_value=1,
        max_value=2**31 - 1,
        help_text=_("Identifiant d'un atelier du living lab."),
    )


@extend_schema_serializer(
    examples=[
        OpenApiExample(
            "Un irritant sur le relevé de dettes Aripa",
            value={
                "workshop": 214,
                "kind": "irritant",
                "text": (
                    "Le relevé de dettes mélange les pensions dues et les frais de gestion : "
                    "on ne sait pas ce qu'on doit vraiment."
                ),
                "tags": "Aripa, relevé de dettes",
            },
            request_only=True,
        )
    ]
)
class ContributionCreateSerializer(serializers.Serializer):
    """What a facilitator records after a workshop of the lab."""

    workshop = serializers.PrimaryKeyRelatedField(
        queryset=Workshop.objects.none(),
        help_text=_("Identifiant d'un atelier de ce living lab."),
        error_messages={
            "does_not_exist": _("Cet atelier n'appartient pas à ce living lab."),
            "incorrect_type": _("Identifiant d'atelier invalide."),
        },
    )
    kind = CodeField(choices=Contribution.Kind.choices)
    text = serializers.CharField(max_length=3000)
    tags = serializers.CharField(
        max_length=200,
        allow_blank=True,
        default="",
        help_text=_("Mots-clés séparés par des virgules."),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        lab = self.context.get("lab")
        if lab is not None:
            self.fields["workshop"].queryset = Workshop.objects.filter(lab=lab)
