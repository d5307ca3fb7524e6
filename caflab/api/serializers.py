import datetime

from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from caflab.models import Caf, Organisation, Region, User


@extend_schema_field(OpenApiTypes.STR)
class CodeField(serializers.ChoiceField):
    """A code among the model's choices, documented as text with its values: enums named
    `kind` or `status` exist in several apps, and schema generators would rename them."""

    def __init__(self, *, choices, **kwargs):
        values = ", ".join(str(value) for value, _label in choices)
        kwargs.setdefault("help_text", _("Un code parmi : %(values)s.") % {"values": values})
        super().__init__(choices=choices, **kwargs)


class SlugRelatedField(serializers.SlugRelatedField):
    """DRF's field, with text PostgreSQL accepts: a NUL character is a 400 with a French
    sentence before any query, never a database error (500)."""

    default_error_messages = {"null_characters": _("Les caractères nuls ne sont pas autorisés.")}

    def to_internal_value(self, data):
        if isinstance(data, str) and "\x00" in data:
            self.fail("null_characters")
        return super().to_internal_value(data)


class DateField(serializers.DateField):
    """An input date from 1900 on and before the year 9000: further ones are typing errors,
    and date arithmetic (transport days, periods) would overflow near the years 1 and 9999
    (a 500). Later rules (« pas dans le futur »…) keep their own messages."""

    MIN, MAX = datetime.date(1900, 1, 1), datetime.date(8999, 12, 31)
    default_error_messages = {
        "too_early": _("Choisissez une date à partir du 1er janvier 1900."),
        "too_late": _("Choisissez une date avant l'an 9000."),
    }

    def to_internal_value(self, value):
        parsed = super().to_internal_value(value)
        if parsed < self.MIN:
            self.fail("too_early")
        if parsed > self.MAX:
            self.fail("too_late")
        return parsed


class RegionSerializer(serializers.ModelSerializer):
    class Meta:
        model = Region
        fields = ["code", "name", "overseas"]


class CafSerializer(serializers.ModelSerializer):
    region = RegionSerializer(read_only=True)

    class Meta:
        model = Caf
        fields = ["number", "name", "department_name", "city", "region"]


class OrganisationSummarySerializer(serializers.ModelSerializer):
    class Meta:
        model = Organisation
        fields = ["id", "name", "kind"]


class CafSummarySerializer(serializers.ModelSerializer):
    class Meta:
        model = Caf
        fields = ["number", "name"]


class MeSerializer(serializers.ModelSerializer):
    caf = CafSummarySerializer(read_only=True, allow_null=True)
    organisation = OrganisationSummarySerializer(read_only=True, allow_null=True)
    regions = RegionSerializer(many=True, read_only=True)
    role_label = serializers.CharField(source="get_role_display", read_only=True)

    class Meta:
        model = User
        fields = [
            "id",
            "email",
            "first_name",
            "last_name",
            "job_title",
            "role",
            "role_label",
            "caf",
            "organisation",
            "regions",
            "is_innovator",
            "innovator_since",
        ]
        read_only_fields = [
            "id",
            "email",
            "role",
            "caf",
            "organisation",
            "regions",
            "is_innovator",
            "innovator_since",
        ]
        extra_kwargs = {
            "first_name": {"max_length": 150, "help_text": _("Prénom")},
            "last_name": {"max_length": 150, "help_text": _("Nom")},
        }


class ApiErrorSerializer(serializers.Serializer):
    """The API's one error body (caflab.api.exceptions), component `ApiError` of the schema."""

    status = serializers.IntegerField(help_text=_("Le code HTTP de la réponse."))
    code = serializers.CharField(help_text=_("Un code stable : invalid, not_found…"))
    detail = serializers.CharField(help_text=_("Une phrase en français."))
    errors = serializers.DictField(
        child=serializers.JSONField(),
        required=False,
        help_text=_("Sur une erreur de validation : les messages, par champ."),
    )
