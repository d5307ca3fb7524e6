from django_filters import rest_framework as filters
from drf_spectacular.utils import OpenApiExample, extend_schema, extend_schema_view
from rest_framework import generics, viewsets

from caflab import selectors
from caflab.api.permissions import RulesPermission
from caflab.api.serializers import CafSerializer, MeSerializer
from caflab.models import Caf

CAF_EXAMPLE = {
    "number": "38",
    "name": "Caf de l'Isère",
    "department_name": "Isère",
    "city": "Grenoble",
    "region": {"code": "84", "name": "Auvergne-Rhône-Alpes", "overseas": False},
}


class CafFilter(filters.FilterSet):
    region = filters.CharFilter(
        field_name="region__code", help_text="Code INSEE de la région (84, 53, 04…)."
    )
    overseas = filters.TypedChoiceFilter(
        field_name="region__overseas",
        choices=[("true", "oui"), ("false", "non")],
        coerce=lambda value: value == "true",
        help_text="Caf d'outre-mer (true) ou de métropole (false).",
    )

    class Meta:
        model = Caf
        fields = ["region", "overseas"]


@extend_schema_view(
    list=extend_schema(
        summary="Lister les Caf",
        description="Les 101 Caf de France, filtrables par région, cherchables par nom ou numéro.",
        examples=[OpenApiExample("Caf de l'Isère", value=CAF_EXAMPLE, response_only=True)],
    ),
    retrieve=extend_schema(
        summary="Détail d'une Caf",
        description="Une Caf, par son numéro de département (38, 2A, 974…).",
        examples=[OpenApiExample("Caf de l'Isère", value=CAF_EXAMPLE, response_only=True)],
    ),
)
class CafViewSet(viewsets.ReadOnlyModelViewSet):
    serializer_class = CafSerializer
    permission_classes = [RulesPermission]
    permission_required = "caflab.view_caf"
    lookup_field = "number"
    lookup_value_regex = "[0-9AB]{2,3}"
    filterset_class = CafFilter
    search_fields = ["name", "number", "department_name", "city"]
    ordering_fields = ["number", "name"]

    def get_queryset(self):
        return selectors.caf_list()


@extend_schema_view(
    get=extend_schema(summary="Mon profil", description="L'utilisateur authentifié."),
    patch=extend_schema(summary="Modifier mon profil", description="Nom, prénom et fonction."),
)
class MeView(generics.RetrieveUpdateAPIView):
    serializer_class = MeSerializer
    http_method_names = ["get", "patch", "head", "options"]

    def get_object(self):
        return selectors.user_get_profile(user_id=self.request.user.pk)
