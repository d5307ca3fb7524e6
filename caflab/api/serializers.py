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
    caf = CafSummarySerializer(read_only=True)
    organisation = OrganisationSummarySerializer(read_only=True)
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
