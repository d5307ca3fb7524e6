from drf_spectacular.utils import OpenApiExample, extend_schema_serializer
from rest_framework import serializers

from consultations.models import Choice, Consultation, Question, Section


class ConsultationSerializer(serializers.ModelSerializer):
    theme = serializers.CharField(source="theme.name")
    phase = serializers.CharField(
        help_text="brouillon, programmee, ouverte, close ou resultats, selon les dates."
    )
    caf = serializers.CharField(source="caf.number", default=None, allow_null=True)
    url = serializers.SerializerMethodField()

    class Meta:
        model = Consultation
        fields = [
            "slug",
            "title",
            "summary",
            "theme",
            "audience",
            "phase",
            "opens_at",
            "closes_at",
            "respondent_count",
            "is_anonymous",
            "requires_access_code",
            "commissioned_by",
            "caf",
            "url",
        ]

    def get_url(self, obj) -> str:
        request = self.context.get("request")
        return (
            request.build_absolute_uri(obj.get_absolute_url())
            if request
            else obj.get_absolute_url()
        )


class ChoiceSerializer(serializers.ModelSerializer):
    class Meta:
        model = Choice
        fields = ["id", "label", "is_other"]


class QuestionSerializer(serializers.ModelSerializer):
    choices = ChoiceSerializer(many=True)
    field = serializers.SerializerMethodField(help_text="La clé de la réponse dans `answers`.")
    condition = serializers.SerializerMethodField()

    class Meta:
        model = Question
        fields = [
            "id",
            "field",
            "kind",
            "label",
            "help_text",
            "required",
            "min_choices",
            "max_choices",
            "scale_min",
            "scale_max",
            "scale_min_label",
            "scale_max_label",
            "number_min",
            "number_max",
            "choices",
            "condition",
        ]

    def get_field(self, obj) -> str:
        return f"q{obj.pk}"

    def get_condition(self, obj) -> dict | None:
        if obj.condition_question_id is None:
            return None
        return {
            "question": obj.condition_question_id,
            "choices": [c.pk for c in obj.condition_choices.all()],
        }


class SectionSerializer(serializers.ModelSerializer):
    questions = QuestionSerializer(many=True)

    class Meta:
        model = Section
        fields = ["id", "title", "description", "questions"]


@extend_schema_serializer(
    examples=[
        OpenApiExample(
            "Réponse à trois questions",
            value={
                "answers": {
                    "q12": "34",
                    "q12_autre": "",
                    "q13": ["35", "36"],
                    "q14": "4",
                    "q15": "Plus d'information en ligne.",
                },
                "access_code": "",
            },
            request_only=True,
        )
    ]
)
class ResponseSubmitSerializer(serializers.Serializer):
    answers = serializers.DictField(
        child=serializers.JSONField(),
        help_text=(
            "Les réponses, au format des formulaires : `q<id>` → identifiant de choix "
            "(texte), liste d'identifiants (choix multiple), valeur (échelle, nombre, date "
            "AAAA-MM-JJ, département, texte) ; `q<id>_autre` → précision du choix « autre » ; "
            "`q<id>_c<choix>` → rang (classement)."
        ),
    )
    access_code = serializers.CharField(required=False, allow_blank=True, max_length=32)

    def validate_answers(self, value):
        for key, item in value.items():
            if not isinstance(key, str) or not key.startswith("q") or len(key) > 40:
                raise serializers.ValidationError(f"Clé inconnue : {key!r}.")
            if isinstance(item, list):
                if not all(isinstance(v, (str, int)) for v in item):
                    raise serializers.ValidationError(
                        f"{key} : une liste de valeurs simples est attendue."
                    )
            elif not isinstance(item, (str, int, float)) and item is not None:
                raise serializers.ValidationError(f"{key} : une valeur simple est attendue.")
        return {
            key: [str(v) for v in item]
            if isinstance(item, list)
            else ("" if item is None else str(item))
            for key, item in value.items()
        }


class ResultRowSerializer(serializers.Serializer):
    label = serializers.CharField()
    count = serializers.IntegerField(
        allow_null=True, help_text="null : effectif sous le seuil de confidentialité."
    )
    percent = serializers.FloatField(allow_null=True)


class QuestionResultSerializer(serializers.Serializer):
    id = serializers.IntegerField(source="question.pk")
    number = serializers.IntegerField()
    label = serializers.CharField(source="question.label")
    kind = serializers.CharField(source="question.kind")
    answered = serializers.IntegerField()
    hidden = serializers.BooleanField()
    mean = serializers.DecimalField(max_digits=12, decimal_places=2, allow_null=True)
    median = serializers.DecimalField(max_digits=12, decimal_places=2, allow_null=True)
    rows = ResultRowSerializer(many=True)


class ResultsSerializer(serializers.Serializer):
    respondents = serializers.IntegerField()
    computed_at = serializers.DateTimeField(
        help_text=(
            "Heure du décompte. Consultation ouverte : les réponses arrivées depuis sont "
            "comptées au plus une minute plus tard ; sinon, résultats à jour."
        )
    )
    questions = QuestionResultSerializer(many=True)


class ResponseReceiptSerializer(serializers.Serializer):
    """The receipt of an answer: no copy of the answers, which may be anonymous."""

    status = serializers.IntegerField()
    detail = serializers.CharField()
