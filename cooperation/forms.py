"""Forms of the COOPération pages: they check what was typed and say what is wrong, in French;
the rules of a plan (rights, dates, roles) stay in the services."""

from __future__ import annotations

from django import forms
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from caflab.models import Caf, Organisation, User
from cooperation.models import (
    Action,
    Axis,
    AxisTheme,
    Indicator,
    Objective,
    Plan,
    PlanMember,
    PlanTemplate,
    Resource,
)

LATE = "en_retard"
ROADMAP_STATUSES = [
    (Action.Status.TO_START.value, Action.Status.TO_START.label),
    (Action.Status.IN_PROGRESS.value, Action.Status.IN_PROGRESS.label),
    (LATE, _("En retard")),
    (Action.Status.DONE.value, Action.Status.DONE.label),
    (Action.Status.ABANDONED.value, Action.Status.ABANDONED.label),
]


class PrefixedIds:
    """Several forms share a page: each names its fields' ids after itself (« axe_title »,
    « objectif_title »), so that every label points at its own field."""

    id_prefix = ""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("auto_id", f"{self.id_prefix}_%s")
        super().__init__(*args, **kwargs)


class DateInput(forms.DateInput):
    """A native date picker; its value must be ISO whatever the language."""

    input_type = "date"

    def __init__(self, attrs=None):
        super().__init__(attrs=attrs, format="%Y-%m-%d")


class CafChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Caf) -> str:
        return f"{obj.number} – {obj.name}"


class MemberChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: User) -> str:
        name = obj.get_full_name() or obj.email
        where = obj.organisation.name if obj.organisation_id else ""
        return f"{name} ({where})" if where else name


def plan_organisations(plan: Plan, *, keep=()):
    """The organisations an action of this plan may name: those of the plan's territory, the
    national ones, the signatories, and any already chosen (never lose a saved value)."""
    keep_ids = [org.pk for org in keep if org is not None]
    return Organisation.objects.filter(
        Q(caf_id=plan.caf_id)
        | Q(caf__isnull=True)
        | Q(signed_plans=plan)
        | Q(pk__in=keep_ids)
        | Q(users__plan_memberships__plan=plan)
    ).distinct()


def plan_objectives(plan: Plan):
    return Objective.objects.filter(axis__plan=plan).select_related("axis")


def member_users(plan: Plan):
    return (
        User.objects.filter(plan_memberships__plan=plan)
        .select_related("organisation")
        .order_by("last_name", "first_name", "email")
    )


# Plans ----------------------------------------------------------------------------------------
class PlanFilterForm(forms.Form):
    kind = forms.ChoiceField(label=_("Type"), required=False)
    status = forms.ChoiceField(label=_("Statut"), required=False)
    caf = forms.ChoiceField(label=_("Caf"), required=False)

    def __init__(self, *args, cafs=None, **kwargs):
        """`cafs`: (number, name) pairs, for CafLab staff; None hides the Caf filter."""
        super().__init__(*args, **kwargs)
        self.fields["kind"].choices = [("", _("Tous les types")), *Plan.Kind.choices]
        self.fields["status"].choices = [("", _("Tous les statuts")), *Plan.Status.choices]
        if cafs is None:
            del self.fields["caf"]
        else:
            self.fields["caf"].choices = [
                ("", _("Toutes les Caf")),
                *((number, f"{number} – {name}") for number, name in cafs),
            ]

    def filters(self) -> dict:
        if not self.is_bound or not self.is_valid():
            return {}
        return {key: value for key, value in self.cleaned_data.items() if value}


class PlanCreateForm(forms.Form):
    kind = forms.ChoiceField(label=_("Type de plan"), choices=Plan.Kind.choices)
    title = forms.CharField(
        label=_("Titre"),
        max_length=200,
        help_text=_("Par exemple : « CTG Grenoble-Alpes Métropole 2025-2029 »."),
    )
    territory = forms.CharField(
        label=_("Territoire"),
        max_length=200,
        help_text=_("Communes, EPCI ou département couverts."),
    )
    starts_on = forms.DateField(label=_("Début"), widget=DateInput())
    ends_on = forms.DateField(label=_("Fin"), widget=DateInput())
    caf = CafChoiceField(label=_("Caf pilote"), queryset=Caf.objects.none(), empty_label=None)
    template = forms.ModelChoiceField(
        label=_("Partir d'un modèle de feuille de route"),
        queryset=PlanTemplate.objects.all(),
        required=False,
        empty_label=_("Aucun : une feuille de route vide"),
        help_text=_("Facultatif : les axes, objectifs et actions types du modèle sont recopiés."),
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        if user.is_caflab_staff:
            self.fields["caf"].queryset = Caf.objects.order_by("number")
            self.fields["caf"].empty_label = _("Choisir une Caf")
        else:
            # An agent opens plans for their own Caf only.
            self.fields["caf"].queryset = Caf.objects.filter(pk=user.caf_id)
            self.fields["caf"].initial = user.caf_id

    def clean(self):
        cleaned = super().clean()
        starts_on, ends_on = cleaned.get("starts_on"), cleaned.get("ends_on")
        if starts_on and ends_on and ends_on <= starts_on:
            self.add_error("ends_on", _("La fin du plan doit suivre son début."))
        return cleaned


class RoadmapFilterForm(forms.Form):
    """The filters of the roadmap and of the retro-planning (selectors.plan_get filters)."""

    axis = forms.TypedChoiceField(label=_("Axe"), required=False, coerce=int, empty_value=None)
    pilot = forms.TypedChoiceField(
        label=_("Pilote de l'action"), required=False, coerce=int, empty_value=None
    )
    status = forms.ChoiceField(label=_("Statut"), required=False)

    def __init__(self, *args, axes, pilots, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["axis"].choices = [("", _("Tous les axes"))] + [
            (axis.pk, axis.title) for axis in axes
        ]
        self.fields["pilot"].choices = [("", _("Tous les pilotes"))] + [
            (org.pk, org.name) for org in pilots
        ]
        self.fields["status"].choices = [("", _("Tous les statuts")), *ROADMAP_STATUSES]

    def filters(self) -> dict:
        if not self.is_bound or not self.is_valid():
            return {}
        return {key: value for key, value in self.cleaned_data.items() if value}


# Roadmap structure ----------------------------------------------------------------------------
class AxisForm(PrefixedIds, forms.Form):
    id_prefix = "axe"

    title = forms.CharField(label=_("Intitulé de l'axe"), max_length=200)
    theme = forms.ModelChoiceField(
        label=_("Thème"),
        queryset=AxisTheme.objects.all(),
        required=False,
        empty_label=_("Sans thème"),
    )
    weight = forms.IntegerField(
        label=_("Poids"),
        min_value=1,
        max_value=100,
        initial=1,
        help_text=_("Son poids dans l'avancement du plan (1 par défaut)."),
    )


class ObjectiveForm(PrefixedIds, forms.Form):
    id_prefix = "objectif"

    axis = forms.ModelChoiceField(
        label=_("Axe"), queryset=Axis.objects.none(), empty_label=_("Choisir un axe")
    )
    title = forms.CharField(label=_("Intitulé de l'objectif"), max_length=300)
    weight = forms.IntegerField(
        label=_("Poids"),
        min_value=1,
        max_value=100,
        initial=1,
        help_text=_("Son poids dans l'avancement de l'axe (1 par défaut)."),
    )

    def __init__(self, *args, plan: Plan, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["axis"].queryset = Axis.objects.filter(plan=plan)


class ObjectiveChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Objective) -> str:
        return f"{obj.axis.title} › {obj.title}"


class ActionCreateForm(PrefixedIds, forms.Form):
    id_prefix = "nouvelle_action"

    objective = ObjectiveChoiceField(
        label=_("Objectif"), queryset=Objective.objects.none(), empty_label=_("Choisir un objectif")
    )
    title = forms.CharField(label=_("Intitulé de l'action"), max_length=300)
    starts_on = forms.DateField(label=_("Début"), widget=DateInput())
    due_on = forms.DateField(label=_("Échéance"), widget=DateInput())
    pilot_organisation = forms.ModelChoiceField(
        label=_("Organisation pilote"),
        queryset=Organisation.objects.none(),
        required=False,
        empty_label=_("Non renseignée"),
    )
    owner = MemberChoiceField(
        label=_("Référent"),
        queryset=User.objects.none(),
        required=False,
        empty_label=_("Personne pour l'instant"),
        help_text=_("Un membre du plan ; il est prévenu par courriel."),
    )
    priority = forms.ChoiceField(
        label=_("Priorité"), choices=Action.Priority.choices, initial=Action.Priority.MEDIUM
    )
    weight = forms.IntegerField(label=_("Poids"), min_value=1, max_value=100, initial=1)

    def __init__(self, *args, plan: Plan, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["objective"].queryset = plan_objectives(plan)
        self.fields["pilot_organisation"].queryset = plan_organisations(plan)
        self.fields["owner"].queryset = member_users(plan)

    def clean(self):
        cleaned = super().clean()
        starts_on, due_on = cleaned.get("starts_on"), cleaned.get("due_on")
        if starts_on and due_on and due_on < starts_on:
            self.add_error("due_on", _("L'échéance doit suivre le début de l'action."))
        return cleaned


# Actions --------------------------------------------------------------------------------------
class ActionForm(forms.Form):
    """What members change on an action; `version` is the one the person opened, so that a
    save made meanwhile by someone else is detected (services.ActionConflict)."""

    FIELDS = (
        "status",
        "progress",
        "progress_mode",
        "starts_on",
        "due_on",
        "owner",
        "pilot_organisation",
        "partners",
        "budget",
        "priority",
        "description",
    )

    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)
    status = forms.ChoiceField(label=_("Statut"), choices=Action.Status.choices)
    progress = forms.IntegerField(
        label=_("Avancement (%)"),
        min_value=0,
        max_value=100,
        help_text=_("Entre 0 et 100. Ignoré quand l'avancement est calculé à partir des jalons."),
    )
    progress_mode = forms.ChoiceField(
        label=_("Calcul de l'avancement"), choices=Action.ProgressMode.choices
    )
    starts_on = forms.DateField(label=_("Début"), widget=DateInput())
    due_on = forms.DateField(label=_("Échéance"), widget=DateInput())
    owner = MemberChoiceField(
        label=_("Référent"),
        queryset=User.objects.none(),
        required=False,
        empty_label=_("Personne"),
        help_text=_("Un membre du plan ; il est prévenu par courriel."),
    )
    pilot_organisation = forms.ModelChoiceField(
        label=_("Organisation pilote"),
        queryset=Organisation.objects.none(),
        required=False,
        empty_label=_("Non renseignée"),
    )
    partners = forms.ModelMultipleChoiceField(
        label=_("Partenaires associés"),
        queryset=Organisation.objects.none(),
        required=False,
        widget=forms.SelectMultiple(attrs={"size": 6}),
        help_text=_("Maintenez Ctrl (ou Cmd) pour en choisir plusieurs."),
    )
    budget = forms.DecimalField(
        label=_("Budget (€)"), max_digits=12, decimal_places=2, min_value=0, required=False
    )
    priority = forms.ChoiceField(label=_("Priorité"), choices=Action.Priority.choices)
    description = forms.CharField(
        label=_("Description"),
        required=False,
        max_length=8000,
        widget=forms.Textarea(attrs={"rows": 5}),
    )

    def __init__(self, *args, plan: Plan, action: Action, **kwargs):
        kwargs.setdefault("initial", self.initial_for(action))
        super().__init__(*args, **kwargs)
        self.fields["owner"].queryset = member_users(plan)
        keep = [action.pilot_organisation, *action.partners.all()]
        organisations = plan_organisations(plan, keep=keep)
        self.fields["pilot_organisation"].queryset = organisations
        self.fields["partners"].queryset = organisations

    @classmethod
    def initial_for(cls, action: Action) -> dict:
        initial = {name: getattr(action, name) for name in cls.FIELDS if name != "partners"}
        initial["owner"] = action.owner_id
        initial["pilot_organisation"] = action.pilot_organisation_id
        initial["partners"] = [org.pk for org in action.partners.all()]
        initial["version"] = action.version
        return initial

    def clean(self):
        cleaned = super().clean()
        starts_on, due_on = cleaned.get("starts_on"), cleaned.get("due_on")
        if starts_on and due_on and due_on < starts_on:
            self.add_error("due_on", _("L'échéance doit suivre le début de l'action."))
        return cleaned

    def changes(self) -> dict:
        """The fields the person changed, as action_update expects them."""
        return {name: self.cleaned_data[name] for name in self.changed_data if name in self.FIELDS}


class StepForm(PrefixedIds, forms.Form):
    id_prefix = "jalon"

    title = forms.CharField(label=_("Intitulé du jalon"), max_length=200)
    due_on = forms.DateField(label=_("Échéance du jalon"), widget=DateInput())


# Indicators -----------------------------------------------------------------------------------
class IndicatorForm(PrefixedIds, forms.Form):
    id_prefix = "indicateur"

    name = forms.CharField(label=_("Nom de l'indicateur"), max_length=200)
    unit = forms.CharField(
        label=_("Unité"),
        max_length=40,
        required=False,
        help_text=_("Par exemple : places, familles, %."),
    )
    baseline = forms.DecimalField(label=_("Valeur de départ"), max_digits=14, decimal_places=2)
    target = forms.DecimalField(label=_("Cible"), max_digits=14, decimal_places=2)
    direction = forms.ChoiceField(
        label=_("Sens attendu"),
        choices=Indicator.Direction.choices,
        widget=forms.RadioSelect,
        initial=Indicator.Direction.UP,
    )
    objective = ObjectiveChoiceField(
        label=_("Objectif mesuré"),
        queryset=Objective.objects.none(),
        required=False,
        empty_label=_("Aucun en particulier"),
    )
    action = forms.ModelChoiceField(
        label=_("Action mesurée"),
        queryset=Action.objects.none(),
        required=False,
        empty_label=_("Aucune en particulier"),
    )

    def __init__(self, *args, plan: Plan, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["objective"].queryset = plan_objectives(plan)
        self.fields["action"].queryset = Action.objects.filter(plan=plan).only("pk", "title")

    def clean(self):
        cleaned = super().clean()
        baseline, target = cleaned.get("baseline"), cleaned.get("target")
        if baseline is not None and target is not None and baseline == target:
            self.add_error("target", _("La cible doit différer de la valeur de départ."))
        return cleaned


class IndicatorValueForm(PrefixedIds, forms.Form):
    id_prefix = "mesure"

    indicator = forms.ModelChoiceField(
        label=_("Indicateur"), queryset=Indicator.objects.none(), empty_label=_("Choisir")
    )
    period = forms.DateField(
        label=_("Date de la mesure"),
        widget=DateInput(),
        help_text=_("La fin de la période mesurée. Une nouvelle saisie corrige la précédente."),
    )
    value = forms.DecimalField(label=_("Valeur"), max_digits=14, decimal_places=2)
    source = forms.CharField(label=_("Source"), max_length=200, required=False)
    comment = forms.CharField(label=_("Commentaire"), max_length=500, required=False)

    def __init__(self, *args, plan: Plan, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["indicator"].queryset = Indicator.objects.filter(plan=plan)


# Collaboration --------------------------------------------------------------------------------
class MessageForm(PrefixedIds, forms.Form):
    id_prefix = "message"

    text = forms.CharField(
        label=_("Votre message"),
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("Mentionnez un membre avec @ suivi de son identifiant : il sera prévenu."),
    )
    action = forms.IntegerField(widget=forms.HiddenInput, required=False)


class DocumentForm(PrefixedIds, forms.Form):
    id_prefix = "document"

    file = forms.FileField(
        label=_("Document"),
        help_text=_(
            "PDF, image, Word, Excel, PowerPoint, OpenDocument ou texte ; 10 Mo au plus. "
            "Chaque document est analysé par l'antivirus."
        ),
    )
    action = forms.IntegerField(widget=forms.HiddenInput, required=False)


class MemberAddForm(forms.Form):
    email = forms.EmailField(
        label=_("Adresse électronique"),
        help_text=_("La personne doit déjà avoir un compte sur le portail."),
    )
    role = forms.ChoiceField(
        label=_("Rôle"), choices=PlanMember.Role.choices, initial=PlanMember.Role.CONTRIBUTOR
    )

    def clean_email(self) -> User:
        email = self.cleaned_data["email"].strip().lower()
        user = User.objects.filter(email__iexact=email, is_active=True).first()
        if user is None:
            raise ValidationError(
                _("Aucun compte n'utilise cette adresse. Demandez à la personne de s'inscrire.")
            )
        return user


class MemberRoleForm(forms.Form):
    role = forms.ChoiceField(label=_("Rôle"), choices=PlanMember.Role.choices)


class ResourceFilterForm(forms.Form):
    kind = forms.ChoiceField(label=_("Type de ressource"), required=False)
    theme = forms.ChoiceField(label=_("Thème"), required=False)

    def __init__(self, *args, themes, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["kind"].choices = [("", _("Tous les types")), *Resource.Kind.choices]
        self.fields["theme"].choices = [("", _("Tous les thèmes"))] + [
            (theme.slug, theme.name) for theme in themes
        ]

    def filters(self) -> dict:
        if not self.is_bound or not self.is_valid():
            return {}
        return {key: value for key, value in self.cleaned_data.items() if value}
