"""Forms of a project's pages: the portfolio's filters, the project itself, its team, fundings,
documents, theory of change, indicators and their periods, the bilan, the kit, essaimage and
needs. They check what was typed and say what is wrong, in French; the rules of the projects'
space (rights, locked periods, stages) stay in the services."""

from __future__ import annotations

import re
from decimal import Decimal

from django import forms
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from caflab.models import Caf, Organisation, Region, User
from projects.models import (
    RESERVED_SLUGS,
    ChangeStep,
    Funding,
    Indicator,
    Need,
    Period,
    Programme,
    Project,
    ProjectMember,
    Replication,
    Theme,
)
from projects.selectors import PORTFOLIO_FILTERS

YEAR = re.compile(r"^[12][0-9]{3}$")
CODE = re.compile(r"^[A-Za-z0-9-]{1,90}$")


class PrefixedIds:
    """Several forms share a page: each names its fields' ids after itself (« etape_stage »,
    « equipe_email »), so that every label points at its own field."""

    id_prefix = ""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("auto_id", f"{self.id_prefix}_%s")
        super().__init__(*args, **kwargs)


class DateInput(forms.DateInput):
    """A native date picker; its value must be ISO whatever the language."""

    input_type = "date"

    def __init__(self, attrs=None):
        super().__init__(attrs=attrs, format="%Y-%m-%d")


class FrenchDecimalField(forms.DecimalField):
    """A number as the French type it: « 12 500,50 », spaces between the thousands."""

    def to_python(self, value):
        if isinstance(value, str):
            value = re.sub(r"[\s\u00a0\u202f]", "", value)
        return super().to_python(value)


def portfolio_filters(query) -> dict:
    """The portfolio's filters from the address, each checked on its own: an unknown kind,
    stage or theme, or a year that is not one, is dropped (the others stay); an unknown
    programme or région simply matches nothing."""
    choices = {
        "kind": set(Project.Kind.values),
        "stage": set(Project.Stage.values),
        "theme": set(Theme.values),
    }
    filters = {}
    for name in PORTFOLIO_FILTERS:
        value = (query.get(name) or "").strip()
        if not value:
            continue
        if name in choices:
            ok = value in choices[name]
        elif name == "year":
            ok = bool(YEAR.match(value))
        else:
            ok = bool(CODE.match(value))
        if ok:
            filters[name] = value
    return filters


# The project ------------------------------------------------------------------------------------
class CafMultipleChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj: Caf) -> str:
        return f"{obj.number} – {obj.name}"


class ProjectForm(forms.Form):
    """What describes a project; the stage has its own form (and its history)."""

    title = forms.CharField(
        label=_("Titre"),
        max_length=200,
        error_messages={"required": _("Donnez un titre au projet.")},
    )
    summary = forms.CharField(
        label=_("Présentation"),
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_("Le constat, la solution imaginée et le public visé, en quelques lignes."),
        error_messages={"required": _("Présentez le projet en quelques lignes.")},
    )
    programme = forms.ModelChoiceField(
        label=_("Programme"),
        queryset=Programme.objects.order_by("position", "name"),
        required=False,
        empty_label=_("Hors programme"),
    )
    kind = forms.ChoiceField(
        label=_("Type de projet"),
        choices=Project.Kind.choices,
        help_text=_("Seule l'équipe du CafLab peut changer le type d'un projet."),
    )
    theme = forms.ChoiceField(label=_("Thème"), choices=Theme.choices)
    cafs = CafMultipleChoiceField(
        label=_("Caf porteuses"),
        queryset=Caf.objects.order_by("number"),
        required=False,
        widget=forms.SelectMultiple(attrs={"size": 8}),
        help_text=_("Maintenez Ctrl (ou Cmd) pour en choisir plusieurs."),
    )
    region = forms.ModelChoiceField(
        label=_("Région"),
        queryset=Region.objects.order_by("name"),
        required=False,
        empty_label=_("Aucune"),
        help_text=_("Pour un projet porté à l'échelle d'une région."),
    )
    territories = forms.CharField(
        label=_("Territoires"),
        max_length=300,
        required=False,
        help_text=_("Communes, quartiers ou départements où le projet se déroule."),
    )
    sponsor = forms.CharField(
        label=_("Direction commanditaire"),
        max_length=160,
        required=False,
        help_text=_("Pour un projet accompagné : la direction métier qui le porte."),
    )
    started_on = forms.DateField(
        label=_("Début"),
        widget=DateInput(),
        error_messages={
            "required": _("Indiquez la date de début du projet."),
            "invalid": _("Saisissez une date valide."),
        },
    )
    ended_on = forms.DateField(
        label=_("Fin"),
        widget=DateInput(),
        required=False,
        error_messages={"invalid": _("Saisissez une date valide.")},
    )
    is_published = forms.BooleanField(
        label=_("Publier le projet dans le portefeuille"),
        required=False,
        initial=True,
        help_text=_("Un projet publié est visible de tout le réseau ; sinon de son équipe."),
    )

    def clean(self):
        cleaned = super().clean()
        started, ended = cleaned.get("started_on"), cleaned.get("ended_on")
        if started and ended and ended < started:
            self.add_error("ended_on", _("La fin du projet ne peut pas précéder son début."))
        return cleaned


class ProjectCreateForm(ProjectForm):
    slug = forms.SlugField(
        label=_("Adresse de la page"),
        max_length=90,
        required=False,
        help_text=_(
            "Lettres minuscules, chiffres et tirets. Laissez vide : elle est tirée du titre."
        ),
        error_messages={
            "invalid": _("Utilisez seulement des lettres minuscules, des chiffres et des tirets.")
        },
    )
    stage = forms.ChoiceField(
        label=_("Étape de départ"), choices=Project.Stage.choices, initial=Project.Stage.IDEATION
    )
    carriers = forms.CharField(
        label=_("Porteurs du projet"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_(
            "Les adresses électroniques des porteurs, séparées par des virgules ou des retours "
            "à la ligne. Chacun doit avoir un compte sur le portail."
        ),
    )

    field_order = [
        "title",
        "slug",
        "summary",
        "programme",
        "kind",
        "theme",
        "stage",
        "cafs",
        "region",
        "territories",
        "sponsor",
        "started_on",
        "ended_on",
        "carriers",
        "is_published",
    ]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["kind"].help_text = ""

    def clean_slug(self) -> str:
        slug = self.cleaned_data["slug"].strip().lower()
        if not slug:
            return ""
        if slug in RESERVED_SLUGS:
            raise ValidationError(
                _("Cette adresse est réservée par le portail : choisissez-en une autre.")
            )
        if Project.objects.filter(slug=slug).exists():
            raise ValidationError(_("Un autre projet utilise déjà cette adresse."))
        return slug

    def clean_carriers(self) -> list[User]:
        emails = [e.strip().lower() for e in re.split(r"[,;\s]+", self.cleaned_data["carriers"])]
        emails = list(dict.fromkeys(e for e in emails if e))
        if not emails:
            return []
        users = {u.email.lower(): u for u in User.objects.filter(email__in=emails, is_active=True)}
        unknown = [email for email in emails if email not in users]
        if unknown:
            raise ValidationError(
                _("Aucun compte actif n'utilise ces adresses : %(list)s.")
                % {"list": ", ".join(unknown)}
            )
        return [users[email] for email in emails]


class ProjectEditForm(ProjectForm):
    partners = forms.ModelMultipleChoiceField(
        label=_("Partenaires"),
        queryset=Organisation.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_(
            "Les organisations du territoire des Caf porteuses et les partenaires nationaux."
        ),
    )

    def __init__(self, *args, project: Project, can_change_kind: bool, **kwargs):
        super().__init__(*args, **kwargs)
        cafs = [caf.pk for caf in project.cafs.all()]
        kept = [org.pk for org in project.partners.all()]
        self.fields["partners"].queryset = Organisation.objects.filter(
            Q(caf__isnull=True) | Q(caf__in=cafs) | Q(pk__in=kept)
        ).order_by("name")
        if not can_change_kind:
            self.fields["kind"].disabled = True

    @classmethod
    def initial_for(cls, project: Project) -> dict:
        return {
            "title": project.title,
            "summary": project.summary,
            "programme": project.programme_id,
            "kind": project.kind,
            "theme": project.theme,
            "cafs": [caf.pk for caf in project.cafs.all()],
            "region": project.region_id,
            "territories": project.territories,
            "sponsor": project.sponsor,
            "started_on": project.started_on,
            "ended_on": project.ended_on,
            "is_published": project.is_published,
            "partners": [org.pk for org in project.partners.all()],
        }


class StageForm(PrefixedIds, forms.Form):
    id_prefix = "etape"

    stage = forms.ChoiceField(label=_("Nouvelle étape"), choices=Project.Stage.choices)
    on = forms.DateField(
        label=_("Atteinte le"),
        widget=DateInput(),
        error_messages={
            "required": _("Indiquez la date du changement d'étape."),
            "invalid": _("Saisissez une date valide."),
        },
    )
    note = forms.CharField(
        label=_("Commentaire"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Obligatoire pour un projet arrêté : dites pourquoi."),
    )

    def __init__(self, *args, project: Project, **kwargs):
        kwargs.setdefault("initial", {"on": timezone.localdate()})
        super().__init__(*args, **kwargs)
        self.fields["stage"].choices = [
            (value, label) for value, label in Project.Stage.choices if value != project.stage
        ]


# The team, fundings and documents -----------------------------------------------------------------
class MemberAddForm(PrefixedIds, forms.Form):
    id_prefix = "equipe"

    email = forms.EmailField(
        label=_("Adresse électronique"),
        help_text=_("La personne doit déjà avoir un compte sur le portail."),
        error_messages={
            "required": _("Indiquez l'adresse électronique de la personne."),
            "invalid": _("Saisissez une adresse électronique valide."),
        },
    )
    role = forms.ChoiceField(
        label=_("Rôle"), choices=ProjectMember.Role.choices, initial=ProjectMember.Role.MEMBER
    )

    def clean_email(self) -> User:
        email = self.cleaned_data["email"].strip().lower()
        user = User.objects.filter(email__iexact=email, is_active=True).first()
        if user is None:
            raise ValidationError(
                _(
                    "Aucun compte actif n'utilise cette adresse : la personne doit d'abord "
                    "avoir un compte sur le portail."
                )
            )
        return user


class FundingForm(PrefixedIds, forms.Form):
    id_prefix = "financement"

    source = forms.ChoiceField(label=_("Source"), choices=Funding.Source.choices)
    funder = forms.CharField(
        label=_("Financeur"),
        max_length=160,
        required=False,
        help_text=_("Par exemple : Conseil départemental de l'Isère."),
    )
    amount = FrenchDecimalField(
        label=_("Montant (€)"),
        max_digits=12,
        decimal_places=2,
        min_value=Decimal("0.01"),
        localize=True,
        error_messages={
            "required": _("Indiquez le montant."),
            "invalid": _("Saisissez un montant en euros, par exemple 12 500,50."),
            "min_value": _("Le montant d'un financement doit être positif."),
        },
    )
    year = forms.IntegerField(
        label=_("Année"),
        min_value=2000,
        max_value=2100,
        error_messages={
            "required": _("Indiquez l'année du financement."),
            "invalid": _("Saisissez une année, par exemple 2025."),
            "min_value": _("Saisissez une année entre 2000 et 2100."),
            "max_value": _("Saisissez une année entre 2000 et 2100."),
        },
    )

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("initial", {"year": timezone.localdate().year})
        super().__init__(*args, **kwargs)


UPLOAD_HELP = _("PDF, image, Word, Excel, PowerPoint, OpenDocument ou texte ; 10 Mo au plus.")


class DocumentForm(PrefixedIds, forms.Form):
    id_prefix = "document"

    file = forms.FileField(
        label=_("Document"),
        help_text=UPLOAD_HELP,
        error_messages={"required": _("Choisissez le fichier à déposer.")},
    )
    title = forms.CharField(label=_("Titre"), max_length=200, required=False)


class UploadForm(PrefixedIds, forms.Form):
    """One file: a piece of evidence, a kit document."""

    id_prefix = "fichier"

    file = forms.FileField(
        label=_("Fichier"),
        help_text=UPLOAD_HELP,
        error_messages={"required": _("Choisissez le fichier à déposer.")},
    )


# Theory of change, indicators and periods --------------------------------------------------------
class ChangeStepForm(PrefixedIds, forms.Form):
    id_prefix = "changement"

    level = forms.ChoiceField(label=_("Niveau"), choices=ChangeStep.Level.choices)
    text = forms.CharField(
        label=_("Énoncé"),
        max_length=300,
        error_messages={"required": _("L'énoncé est obligatoire.")},
    )


class ImpactChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: ChangeStep) -> str:
        return obj.text


class IndicatorForm(PrefixedIds, forms.Form):
    id_prefix = "indicateur"

    name = forms.CharField(
        label=_("Indicateur"),
        max_length=200,
        help_text=_("Par exemple : places ouvertes en horaires atypiques."),
        error_messages={"required": _("Nommez l'indicateur.")},
    )
    unit = forms.CharField(
        label=_("Unité"),
        max_length=40,
        required=False,
        help_text=_("Par exemple : places, familles, %."),
    )
    description = forms.CharField(
        label=_("Définition et mode de calcul"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    direction = forms.ChoiceField(
        label=_("Sens"),
        choices=Indicator.Direction.choices,
        initial=Indicator.Direction.INCREASE,
        widget=forms.RadioSelect,
    )
    baseline = FrenchDecimalField(
        label=_("Valeur de départ"),
        max_digits=14,
        decimal_places=2,
        localize=True,
        error_messages={
            "required": _("Indiquez la valeur de départ."),
            "invalid": _("Saisissez un nombre, par exemple 12 ou 12,5."),
        },
    )
    baseline_on = forms.DateField(
        label=_("Mesurée le"),
        widget=DateInput(),
        required=False,
        error_messages={"invalid": _("Saisissez une date valide.")},
    )
    target = FrenchDecimalField(
        label=_("Cible"),
        max_digits=14,
        decimal_places=2,
        localize=True,
        error_messages={
            "required": _("Indiquez la cible."),
            "invalid": _("Saisissez un nombre, par exemple 40 ou 40,5."),
        },
    )
    target_on = forms.DateField(
        label=_("Échéance de la cible"),
        widget=DateInput(),
        required=False,
        error_messages={"invalid": _("Saisissez une date valide.")},
    )
    impact = ImpactChoiceField(
        label=_("Impact mesuré"),
        queryset=ChangeStep.objects.none(),
        required=False,
        empty_label=_("Aucun en particulier"),
        help_text=_("L'impact attendu de la théorie du changement que l'indicateur mesure."),
    )

    def __init__(self, *args, project: Project, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["impact"].queryset = ChangeStep.objects.filter(
            project=project, level=ChangeStep.Level.IMPACT
        ).order_by("position", "pk")

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("baseline_on"), cleaned.get("target_on")
        if start and end and end < start:
            self.add_error(
                "target_on", _("L'échéance de la cible ne peut pas précéder la mesure de départ.")
            )
        return cleaned


class PeriodForm(PrefixedIds, forms.Form):
    id_prefix = "periode"

    starts_on = forms.DateField(
        label=_("Début de la période"),
        widget=DateInput(),
        error_messages={
            "required": _("Indiquez le début de la période."),
            "invalid": _("Saisissez une date valide."),
        },
    )
    ends_on = forms.DateField(
        label=_("Fin de la période"),
        widget=DateInput(),
        error_messages={
            "required": _("Indiquez la fin de la période."),
            "invalid": _("Saisissez une date valide."),
        },
    )
    value = FrenchDecimalField(
        label=_("Valeur mesurée"),
        max_digits=14,
        decimal_places=2,
        localize=True,
        required=False,
        help_text=_("Vous pouvez l'enregistrer vide en brouillon et la compléter plus tard."),
        error_messages={"invalid": _("Saisissez un nombre, par exemple 12 ou 12,5.")},
    )
    comment = forms.CharField(
        label=_("Commentaire"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Comment la valeur a été mesurée, ce qui l'explique."),
    )

    def __init__(self, *args, period: Period | None = None, **kwargs):
        if period is not None:
            kwargs.setdefault(
                "initial",
                {
                    "starts_on": period.starts_on,
                    "ends_on": period.ends_on,
                    "value": period.value,
                    "comment": period.comment,
                },
            )
        super().__init__(*args, **kwargs)
        self.period = period
        if period is not None and period.status == Period.Status.RETURNED:
            # A returned period was reported once: the database keeps its value.
            self.fields["value"].required = True
            self.fields["value"].help_text = ""
            self.fields["value"].error_messages["required"] = _(
                "Saisissez la valeur corrigée : une période renvoyée garde une valeur."
            )

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("starts_on"), cleaned.get("ends_on")
        if start and end and end < start:
            self.add_error("ends_on", _("La fin de la période ne peut pas précéder son début."))
        return cleaned


class ReviewForm(PrefixedIds, forms.Form):
    id_prefix = "examen"

    decision = forms.ChoiceField(
        label=_("Décision"),
        choices=[("valider", _("Valider la valeur")), ("renvoyer", _("Renvoyer au porteur"))],
        widget=forms.RadioSelect,
        error_messages={"required": _("Choisissez de valider ou de renvoyer la valeur.")},
    )
    note = forms.CharField(
        label=_("Retour au porteur"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Obligatoire pour renvoyer la valeur : dites ce qu'il faut corriger."),
    )

    def __init__(self, *args, period: Period | None = None, **kwargs):
        if period is not None:
            kwargs.setdefault("auto_id", f"examen_{period.pk}_%s")
        super().__init__(*args, **kwargs)

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("decision") == "renvoyer" and not (cleaned.get("note") or "").strip():
            self.add_error("note", _("Dites au porteur ce qu'il doit corriger."))
        return cleaned

    @property
    def approve(self) -> bool:
        return self.cleaned_data["decision"] == "valider"


# The bilan, the kit, essaimage and needs --------------------------------------------------------
class AssessmentForm(PrefixedIds, forms.Form):
    id_prefix = "bilan"

    summary = forms.CharField(
        label=_("Synthèse"),
        widget=forms.Textarea(attrs={"rows": 6}),
        error_messages={"required": _("Rédigez la synthèse : c'est le cœur du bilan.")},
    )
    results = forms.CharField(
        label=_("Résultats obtenus"),
        widget=forms.Textarea(attrs={"rows": 6}),
        error_messages={"required": _("Décrivez les résultats obtenus : c'est le cœur du bilan.")},
    )
    lessons = forms.CharField(
        label=_("Enseignements"), required=False, widget=forms.Textarea(attrs={"rows": 4})
    )
    recommendations = forms.CharField(
        label=_("Recommandations pour essaimer"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
    )


class KitForm(PrefixedIds, forms.Form):
    id_prefix = "kit"

    version = forms.CharField(label=_("Version"), max_length=20, initial="1.0")
    summary = forms.CharField(
        label=_("Présentation"),
        widget=forms.Textarea(attrs={"rows": 5}),
        error_messages={"required": _("Présentez le projet à la Caf qui voudrait le reproduire.")},
    )
    steps = forms.CharField(
        label=_("Étapes"),
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_("Une étape par ligne."),
        error_messages={"required": _("Décrivez au moins une étape.")},
    )
    attention_points = forms.CharField(
        label=_("Points d'attention"), required=False, widget=forms.Textarea(attrs={"rows": 4})
    )
    good_practices = forms.CharField(
        label=_("Bonnes pratiques"), required=False, widget=forms.Textarea(attrs={"rows": 4})
    )
    is_published = forms.BooleanField(
        label=_("Publier le kit"),
        required=False,
        help_text=_("Un kit publié est visible de tous ceux qui voient le projet."),
    )


class CafChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Caf) -> str:
        return f"{obj.number} – {obj.name}"


class ReplicationForm(PrefixedIds, forms.Form):
    """An agent declares for their own Caf; the CafLab chooses the Caf."""

    id_prefix = "essaimage"

    caf = CafChoiceField(
        label=_("Caf qui reproduit le projet"),
        queryset=Caf.objects.none(),
        empty_label=_("Choisissez une Caf"),
        error_messages={"required": _("Choisissez la Caf qui reproduit le projet.")},
    )
    note = forms.CharField(
        label=_("Commentaire"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Où en est la Caf, qui contacter."),
    )

    def __init__(self, *args, choose_caf: bool, **kwargs):
        super().__init__(*args, **kwargs)
        self.choose_caf = choose_caf
        if choose_caf:
            self.fields["caf"].queryset = Caf.objects.order_by("number").only("number", "name")
        else:
            del self.fields["caf"]


class ReplicationStatusForm(forms.Form):
    status = forms.ChoiceField(label=_("Statut"), choices=Replication.Status.choices)
    note = forms.CharField(label=_("Commentaire"), required=False, max_length=1000)

    def __init__(self, *args, replication: Replication, **kwargs):
        kwargs.setdefault("auto_id", f"essaimage_{replication.pk}_%s")
        kwargs.setdefault("initial", {"status": replication.status})
        super().__init__(*args, **kwargs)
        self.replication = replication


class NeedForm(PrefixedIds, forms.Form):
    id_prefix = "besoin"

    kind = forms.ChoiceField(label=_("Type de besoin"), choices=Need.Kind.choices)
    title = forms.CharField(
        label=_("Besoin"),
        max_length=200,
        help_text=_("En une phrase, par exemple : trouver un cofinancement pour la 2e année."),
        error_messages={"required": _("Décrivez le besoin en une phrase.")},
    )
    description = forms.CharField(
        label=_("Précisions"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )


class NeedCloseForm(forms.Form):
    status = forms.ChoiceField(
        choices=[
            (Need.Status.MATCHED, Need.Status.MATCHED.label),
            (Need.Status.CLOSED, Need.Status.CLOSED.label),
        ]
    )
