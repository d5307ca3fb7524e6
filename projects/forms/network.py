"""Forms of the network pages of the projects' space (programmes, calls and jury, incubation,
partner search, creativity sessions, trainings). They check what was typed and say what is
wrong, in French; the rules (rights, statuses, dates, quotas) stay in the services."""

from __future__ import annotations

import re

from django import forms
from django.core.validators import validate_email
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from caflab.models import Caf, Region, User
from projects.models import (
    Application,
    CreativitySession,
    Criterion,
    Deliverable,
    Helper,
    Match,
    Module,
    ModuleSession,
    Need,
    Project,
)


class DateInput(forms.DateInput):
    """A native date picker; its value must be ISO whatever the language."""

    input_type = "date"

    def __init__(self, attrs=None):
        super().__init__(attrs=attrs, format="%Y-%m-%d")


class FilterForm(forms.Form):
    """A GET filter: an unknown value is an invalid form, which filters nothing."""

    def filters(self) -> dict:
        if not self.is_bound or not self.is_valid():
            return {}
        return {key: value for key, value in self.cleaned_data.items() if value}


class CafChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Caf) -> str:
        return f"{obj.number} — {obj.name}"


def caf_queryset():
    return Caf.objects.only("pk", "number", "name").order_by("number")


def number_field(*, label: str, maximum: int, minimum: int = 0, **kwargs) -> forms.IntegerField:
    """An integer field whose out-of-range message names the field and the bounds."""
    message = _("« %(label)s » : saisissez un nombre entier entre %(min)s et %(max)s.") % {
        "label": label,
        "min": minimum,
        "max": maximum,
    }
    return forms.IntegerField(
        label=label,
        min_value=minimum,
        max_value=maximum,
        error_messages={
            "min_value": message,
            "max_value": message,
            "invalid": message,
            "required": _("« %(label)s » : ce champ est obligatoire.") % {"label": label},
        },
        widget=forms.NumberInput(attrs={"min": minimum, "max": maximum, "step": 1}),
        **kwargs,
    )


# Calls and jury -------------------------------------------------------------------------------
class ApplicationForm(forms.Form):
    title = forms.CharField(
        label=_("Titre du projet"),
        max_length=200,
        error_messages={"required": _("Donnez un titre à votre projet.")},
    )
    team_name = forms.CharField(
        label=_("Nom de l'équipe"),
        max_length=160,
        help_text=_("Par exemple : « Équipe régionale Bretagne ». Une équipe candidate une fois."),
        error_messages={"required": _("Indiquez le nom de votre équipe.")},
    )
    summary = forms.CharField(
        label=_("Le projet en quelques lignes"),
        widget=forms.Textarea(attrs={"rows": 8}),
        help_text=_("Le constat, la solution imaginée, le public visé et les partenaires."),
        error_messages={"required": _("Présentez votre projet en quelques lignes.")},
    )
    caf = CafChoiceField(
        label=_("Caf porteuse"),
        queryset=Caf.objects.none(),
        required=False,
        empty_label=_("Aucune (équipe sans Caf porteuse)"),
    )
    region = forms.ModelChoiceField(
        label=_("Région"),
        queryset=Region.objects.none(),
        required=False,
        empty_label=_("Non précisée"),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["caf"].queryset = caf_queryset()
        self.fields["region"].queryset = Region.objects.order_by("name")


EMAIL_SEPARATORS = re.compile(r"[\s,;]+")


class JurorsForm(forms.Form):
    """Jury members by their email address: each must have an active account of the portal."""

    emails = forms.CharField(
        label=_("Adresses électroniques des membres du jury"),
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Une adresse par ligne, ou séparées par des virgules."),
        error_messages={"required": _("Saisissez au moins une adresse électronique.")},
    )

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("auto_id", "jury_%s")
        super().__init__(*args, **kwargs)

    def clean_emails(self) -> list[User]:
        addresses = [a for a in EMAIL_SEPARATORS.split(self.cleaned_data["emails"]) if a]
        invalid = []
        for address in addresses:
            try:
                validate_email(address)
            except forms.ValidationError:
                invalid.append(address)
        if invalid:
            raise forms.ValidationError(
                _("Adresse électronique invalide : %(list)s.") % {"list": ", ".join(invalid)}
            )
        wanted = {address.lower() for address in addresses}
        users = list(User.objects.filter(email__in=wanted, is_active=True).order_by("email"))
        unknown = sorted(wanted - {user.email.lower() for user in users})
        if unknown:
            raise forms.ValidationError(
                _("Aucun compte actif du portail pour : %(list)s.") % {"list": ", ".join(unknown)}
            )
        return users


class ScoreForm(forms.Form):
    """One field per criterion of the call's grid (0…its maximum), and the juror's opinion."""

    comment = forms.CharField(
        label=_("Votre avis sur la candidature"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_("Facultatif : ses points forts, ses fragilités, vos questions."),
    )

    def __init__(self, *args, criteria: list[Criterion], **kwargs):
        super().__init__(*args, **kwargs)
        self.criteria = criteria
        fields = {}
        for criterion in criteria:
            help_text = _("Note de 0 à %(max)s, coefficient %(weight)s.") % {
                "max": criterion.max_score,
                "weight": criterion.weight,
            }
            if criterion.description:
                help_text = f"{criterion.description} {help_text}"
            fields[self.field_name(criterion)] = number_field(
                label=criterion.name, maximum=criterion.max_score, help_text=help_text
            )
        # The criteria first, the opinion last.
        fields["comment"] = self.fields.pop("comment")
        self.fields = fields

    @staticmethod
    def field_name(criterion: Criterion) -> str:
        return f"critere_{criterion.pk}"

    def criterion_fields(self):
        return [self[self.field_name(criterion)] for criterion in self.criteria]

    def scores(self) -> dict[int, int]:
        return {c.pk: self.cleaned_data[self.field_name(c)] for c in self.criteria}


class DecisionForm(forms.Form):
    """The winners chosen on the ranking page; the call's quota is checked by the service."""

    selected = forms.TypedMultipleChoiceField(
        label=_("Candidatures retenues"),
        coerce=int,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": _("Cochez au moins une candidature lauréate.")},
    )
    note = forms.CharField(
        label=_("Motif de la décision"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Facultatif : il est joint au courriel envoyé à chaque équipe."),
    )

    def __init__(self, *args, applications: list[Application], **kwargs):
        kwargs.setdefault("auto_id", "decision_%s")
        super().__init__(*args, **kwargs)
        self.by_pk = {application.pk: application for application in applications}
        self.fields["selected"].choices = [(a.pk, a.team_name) for a in applications]

    def chosen(self) -> list[Application]:
        return [self.by_pk[pk] for pk in self.cleaned_data["selected"]]

    def checked(self) -> set[int]:
        """The boxes to show checked again after a refusal."""
        values = self.data.getlist("selected") if self.is_bound else []
        return {int(value) for value in values if str(value).isdigit()}


# Incubation -----------------------------------------------------------------------------------
class AttendanceForm(forms.Form):
    """The attendance sheet of one session: how many people came for each project (0: absent)."""

    def __init__(self, *args, session: ModuleSession, projects: list[Project], **kwargs):
        kwargs.setdefault("auto_id", f"presences_{session.pk}_%s")
        super().__init__(*args, **kwargs)
        self.session, self.projects = session, projects
        for project in projects:
            self.fields[f"projet_{project.pk}"] = number_field(
                label=project.title, maximum=50, required=False
            )

    def attendees(self) -> dict[int, int]:
        return {p.pk: self.cleaned_data.get(f"projet_{p.pk}") or 0 for p in self.projects}


class DeliverableForm(forms.Form):
    """A team hands in the deliverable of a module for one of its projects."""

    module = forms.TypedChoiceField(
        label=_("Module"),
        coerce=int,
        error_messages={"required": _("Choisissez le module du livrable.")},
    )
    project = forms.TypedChoiceField(
        label=_("Projet"),
        coerce=int,
        error_messages={"required": _("Choisissez le projet.")},
    )
    file = forms.FileField(
        label=_("Fichier du livrable"),
        help_text=_("PDF, Word, Excel, PowerPoint, OpenDocument, image ou texte ; 10 Mo au plus."),
        error_messages={
            "required": _("Choisissez le fichier à remettre."),
            "empty": _("Le fichier choisi est vide."),
        },
    )

    def __init__(self, *args, modules: list[Module], projects: list[Project], **kwargs):
        kwargs.setdefault("auto_id", "livrable_%s")
        super().__init__(*args, **kwargs)
        self.modules = {m.pk: m for m in modules}
        self.projects = {p.pk: p for p in projects}
        self.fields["module"].choices = [(m.pk, f"{m.title} — {m.deliverable}") for m in modules]
        self.fields["project"].choices = [(p.pk, p.title) for p in projects]

    def chosen_module(self) -> Module:
        return self.modules[self.cleaned_data["module"]]

    def chosen_project(self) -> Project:
        return self.projects[self.cleaned_data["project"]]


class DeliverableReviewForm(forms.Form):
    decision = forms.ChoiceField(
        label=_("Décision"),
        choices=[
            ("valider", _("Valider le livrable")),
            ("reprendre", _("Demander à le reprendre")),
        ],
        widget=forms.RadioSelect,
        error_messages={"required": _("Choisissez de valider le livrable ou de le renvoyer.")},
    )
    feedback = forms.CharField(
        label=_("Retour à l'équipe"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Obligatoire pour demander une reprise : l'équipe le lira."),
    )

    def __init__(self, *args, deliverable: Deliverable, **kwargs):
        kwargs.setdefault("auto_id", f"avis_{deliverable.pk}_%s")
        super().__init__(*args, **kwargs)
        self.deliverable = deliverable

    @property
    def accepted(self) -> bool:
        return self.cleaned_data["decision"] == "valider"


# Partner search -------------------------------------------------------------------------------
class NeedFilterForm(FilterForm):
    kind = forms.ChoiceField(
        label=_("Type de besoin"),
        required=False,
        choices=[("", _("Tous les besoins")), *Need.Kind.choices],
    )


class MatchForm(forms.Form):
    """Put a need in touch with an organisation: the suggested ones first, then the others."""

    helper = forms.TypedChoiceField(
        label=_("Organisation ressource"),
        coerce=int,
        error_messages={"required": _("Choisissez l'organisation à mettre en relation.")},
    )
    note = forms.CharField(label=_("Commentaire"), max_length=1000, required=False)

    def __init__(self, *args, need: Need, suggested: list[Helper], others: list[Helper], **kwargs):
        kwargs.setdefault("auto_id", f"relation_{need.pk}_%s")
        super().__init__(*args, **kwargs)
        self.need = need
        self.by_pk = {h.pk: h for h in [*suggested, *others]}
        choices: list = [("", _("Choisir une organisation"))]
        if suggested:
            choices.append((_("Suggérées pour ce besoin"), [(h.pk, str(h)) for h in suggested]))
        if others:
            choices.append((_("Autres organisations"), [(h.pk, str(h)) for h in others]))
        self.fields["helper"].choices = choices

    def chosen(self) -> Helper:
        return self.by_pk[self.cleaned_data["helper"]]


class MatchStatusForm(forms.Form):
    status = forms.ChoiceField(
        label=_("Où en est la mise en relation ?"), choices=Match.Status.choices
    )
    note = forms.CharField(label=_("Commentaire"), max_length=1000, required=False)

    def __init__(self, *args, match: Match, **kwargs):
        kwargs.setdefault("auto_id", f"suivi_{match.pk}_%s")
        kwargs.setdefault("initial", {"status": match.status})
        super().__init__(*args, **kwargs)
        self.match = match


# Creativity sessions --------------------------------------------------------------------------
class CreativityFilterForm(forms.Form):
    """The year (this year unless chosen), a Caf and a method."""

    annee = forms.TypedChoiceField(label=_("Année"), coerce=int, required=False)
    caf = forms.ChoiceField(label=_("Caf"), required=False)
    methode = forms.ChoiceField(
        label=_("Méthode"),
        required=False,
        choices=[("", _("Toutes les méthodes")), *CreativitySession.Method.choices],
    )

    def __init__(self, *args, years: list[int], cafs: list[Caf], **kwargs):
        super().__init__(*args, **kwargs)
        self.cafs = {caf.number: caf for caf in cafs}
        self.fields["annee"].choices = [(year, str(year)) for year in years]
        self.fields["caf"].choices = [
            ("", _("Toutes les Caf")),
            *((caf.number, f"{caf.number} — {caf.name}") for caf in cafs),
        ]

    def values(self, *, default_year: int) -> dict:
        data = self.cleaned_data if self.is_bound and self.is_valid() else {}
        return {
            "year": data.get("annee") or default_year,
            "caf": self.cafs.get(data.get("caf") or ""),
            "method": data.get("methode") or "",
        }


class CreativityForm(forms.Form):
    held_on = forms.DateField(
        label=_("Date de la séance"),
        widget=DateInput(),
        error_messages={"required": _("Indiquez la date de la séance.")},
    )
    caf = CafChoiceField(label=_("Caf"), queryset=Caf.objects.none(), required=False)
    topic = forms.CharField(
        label=_("Sujet"),
        max_length=200,
        help_text=_("Par exemple : « Mieux accueillir les parents séparés au guichet »."),
        error_messages={"required": _("Indiquez le sujet de la séance.")},
    )
    method = forms.ChoiceField(label=_("Méthode"), choices=CreativitySession.Method.choices)
    audience = forms.ChoiceField(label=_("Public"), choices=CreativitySession.Audience.choices)
    participants = number_field(label=_("Nombre de participants"), minimum=1, maximum=2000)
    project = forms.ModelChoiceField(
        label=_("Projet lié"),
        queryset=Project.objects.none(),
        required=False,
        empty_label=_("Aucun"),
    )
    outcome = forms.CharField(
        label=_("Ce qui en est sorti"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("Les idées retenues, les irritants relevés, la suite prévue."),
    )

    def __init__(self, *args, cafs, projects, caf_required: bool, **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields["caf"]
        field.queryset = cafs
        field.required = caf_required
        field.empty_label = None if caf_required else _("Aucune : séance organisée au CafLab")
        field.error_messages["required"] = _("Choisissez la Caf où la séance a eu lieu.")
        self.fields["project"].queryset = projects

    def clean_held_on(self):
        held_on = self.cleaned_data["held_on"]
        if held_on > timezone.localdate():
            raise forms.ValidationError(_("On enregistre une séance une fois qu'elle a eu lieu."))
        return held_on


# Trainings ------------------------------------------------------------------------------------
class EnrolForm(forms.Form):
    first_name = forms.CharField(
        label=_("Prénom"),
        max_length=80,
        error_messages={"required": _("Indiquez le prénom de la personne.")},
    )
    last_name = forms.CharField(
        label=_("Nom"),
        max_length=80,
        error_messages={"required": _("Indiquez le nom de la personne.")},
    )
    email = forms.EmailField(
        label=_("Adresse électronique"),
        required=False,
        help_text=_("Facultatif : elle évite de compter deux fois la même personne."),
        error_messages={"invalid": _("Saisissez une adresse électronique valide.")},
    )
    caf = CafChoiceField(
        label=_("Caf"), queryset=Caf.objects.none(), required=False, empty_label=_("Aucune")
    )
    organisation = forms.CharField(
        label=_("Organisme"),
        max_length=160,
        required=False,
        help_text=_("Cnaf, EN3S, partenaire…"),
    )
    job_title = forms.CharField(label=_("Fonction"), max_length=120, required=False)
    attended = forms.BooleanField(
        label=_("La personne a suivi la session"), required=False, initial=True
    )

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("auto_id", "inscription_%s")
        super().__init__(*args, **kwargs)
        self.fields["caf"].queryset = caf_queryset()
