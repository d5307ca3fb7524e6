"""Forms of the living labs pages: they check what was typed and say what is wrong, in French;
the rules of a lab (rights, consent, dates, statuses) stay in the services."""

from __future__ import annotations

import datetime

from django import forms
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _

from livinglabs.models import Contribution, Lab, Member, Solicitation, Workshop


class PrefixedIds:
    """Several forms share a page: each names its fields' ids after itself (« inviter_members »,
    « presences_present »), so that every label points at its own field."""

    id_prefix = ""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("auto_id", f"{self.id_prefix}_%s")
        super().__init__(*args, **kwargs)


class DateInput(forms.DateInput):
    """A native date picker; its value must be ISO whatever the language."""

    input_type = "date"

    def __init__(self, attrs=None):
        super().__init__(attrs=attrs, format="%Y-%m-%d")


class TimeInput(forms.TimeInput):
    input_type = "time"

    def __init__(self, attrs=None):
        super().__init__(attrs=attrs, format="%H:%M")


class FilterForm(forms.Form):
    """A GET filter: an unknown value is an invalid form, which filters nothing."""

    def filters(self) -> dict:
        if not self.is_bound or not self.is_valid():
            return {}
        return {key: value for key, value in self.cleaned_data.items() if value}


# Public pages ---------------------------------------------------------------------------------
class LabFilterForm(FilterForm):
    theme = forms.ChoiceField(
        label=_("Thème"), required=False, choices=[("", _("Tous les thèmes")), *Lab.Theme.choices]
    )


class ContributionFilterForm(FilterForm):
    kind = forms.ChoiceField(
        label=_("Nature"),
        required=False,
        choices=[("", _("Toutes les natures")), *Contribution.Kind.choices],
    )
    status = forms.ChoiceField(
        label=_("Suite donnée"),
        required=False,
        choices=[("", _("Toutes les suites")), *Contribution.Status.choices],
    )


# Members --------------------------------------------------------------------------------------
class MemberJoinForm(PrefixedIds, forms.Form):
    id_prefix = "membre"

    pseudonym = forms.CharField(
        label=_("Pseudonyme"),
        max_length=60,
        help_text=_("C'est lui qui apparaît dans les ateliers et les comptes rendus."),
    )
    first_name = forms.CharField(label=_("Prénom"), max_length=80, required=False)
    last_name = forms.CharField(label=_("Nom"), max_length=80, required=False)
    email = forms.EmailField(
        label=_("Adresse électronique"),
        required=False,
        help_text=_("Facultatif : elle sert à envoyer les invitations aux ateliers."),
        error_messages={"invalid": _("Saisissez une adresse électronique valide.")},
    )
    phone = forms.CharField(label=_("Téléphone"), max_length=20, required=False)
    profile = forms.ChoiceField(label=_("Profil"), choices=Member.Profile.choices)
    joined_on = forms.DateField(
        label=_("Arrivée dans le living lab"),
        required=False,
        widget=DateInput(),
        help_text=_("Aujourd'hui si vous laissez vide."),
    )
    consent_version = forms.CharField(
        label=_("Version du texte de consentement"),
        max_length=20,
        help_text=_("La version du texte que la personne a lu et signé, par exemple v2024-03."),
        error_messages={"required": _("Indiquez la version du texte de consentement signé.")},
    )
    consent = forms.BooleanField(
        label=_(
            "La personne a donné son consentement écrit à l'utilisation de ses données pour "
            "la vie du living lab."
        ),
        error_messages={
            "required": _(
                "Le consentement de la personne est obligatoire pour l'inscrire : cochez la case "
                "une fois le texte signé."
            )
        },
    )

    def clean_joined_on(self):
        joined_on = self.cleaned_data.get("joined_on")
        if joined_on and joined_on > timezone.localdate():
            raise forms.ValidationError(_("La date d'arrivée ne peut pas être dans le futur."))
        return joined_on


# Workshops ------------------------------------------------------------------------------------
class SolicitationChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Solicitation) -> str:
        return _("%(title)s (échéance le %(deadline)s)") % {
            "title": obj.title,
            "deadline": date_format(obj.deadline, "SHORT_DATE_FORMAT"),
        }


class WorkshopForm(forms.Form):
    topic = forms.CharField(
        label=_("Sujet de l'atelier"),
        max_length=200,
        help_text=_("Par exemple : « Comprendre le relevé de dettes Aripa »."),
    )
    day = forms.DateField(label=_("Date"), widget=DateInput())
    starts = forms.TimeField(label=_("Heure de début"), widget=TimeInput())
    ends = forms.TimeField(label=_("Heure de fin"), widget=TimeInput())
    mode = forms.ChoiceField(
        label=_("Modalité"), choices=Workshop.Mode.choices, widget=forms.RadioSelect
    )
    place = forms.CharField(
        label=_("Lieu ou lien de la visioconférence"),
        max_length=300,
        help_text=_("L'adresse de la salle, ou le lien de connexion pour une visioconférence."),
    )
    solicitation = SolicitationChoiceField(
        label=_("Sollicitation à laquelle l'atelier répond"),
        queryset=Solicitation.objects.none(),
        required=False,
        empty_label=_("Aucune"),
        help_text=_("Facultatif : les sollicitations adressées à ce living lab."),
    )

    def __init__(self, *args, lab: Lab, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["solicitation"].queryset = lab.solicitations.exclude(
            status=Solicitation.Status.CLOSED
        ).order_by("deadline")

    def clean(self):
        cleaned = super().clean()
        day, starts, ends = cleaned.get("day"), cleaned.get("starts"), cleaned.get("ends")
        if day and starts and ends:
            if ends <= starts:
                self.add_error("ends", _("L'atelier doit finir après avoir commencé."))
            else:
                cleaned["starts_at"] = _aware(day, starts)
                cleaned["ends_at"] = _aware(day, ends)
        return cleaned


def _aware(day: datetime.date, time: datetime.time) -> datetime.datetime:
    """The moment in the portal's time zone (Europe/Paris), as the facilitator typed it."""
    return timezone.make_aware(datetime.datetime.combine(day, time))


class MemberChoicesForm(PrefixedIds, forms.Form):
    """A checkbox list of members, from a list already read: no query to build or check it."""

    members = forms.TypedMultipleChoiceField(
        coerce=int, widget=forms.CheckboxSelectMultiple, required=False
    )

    def __init__(self, *args, members: list[Member], label: str = "", **kwargs):
        super().__init__(*args, **kwargs)
        self.by_pk = {member.pk: member for member in members}
        field = self.fields["members"]
        field.choices = [(member.pk, member_label(member)) for member in members]
        if label:
            field.label = label

    def chosen(self) -> list[Member]:
        return [self.by_pk[pk] for pk in self.cleaned_data["members"]]


def member_label(member: Member) -> str:
    """The pseudonym, then the name when the facilitators know it."""
    name = f"{member.first_name} {member.last_name}".strip()
    return f"{member.pseudonym} ({name})" if name else member.pseudonym


class InviteForm(MemberChoicesForm):
    id_prefix = "inviter"

    def clean_members(self):
        members = self.cleaned_data["members"]
        if not members:
            raise forms.ValidationError(_("Cochez au moins un membre à inviter."))
        return members


class AttendanceForm(MemberChoicesForm):
    id_prefix = "presences"


class MinutesForm(PrefixedIds, forms.Form):
    id_prefix = "compte_rendu"

    minutes = forms.CharField(
        label=_("Compte rendu de l'atelier"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 8}),
        help_text=_("Ce qui s'est dit, sans nommer les participants : ils restent anonymes."),
    )


class ContributionForm(PrefixedIds, forms.Form):
    id_prefix = "contribution"

    kind = forms.ChoiceField(
        label=_("Nature"), choices=Contribution.Kind.choices, widget=forms.RadioSelect
    )
    text = forms.CharField(
        label=_("Contribution"),
        max_length=3000,
        widget=forms.Textarea(attrs={"rows": 4}),
        error_messages={"required": _("Écrivez la contribution.")},
    )
    tags = forms.CharField(
        label=_("Mots-clés"),
        max_length=200,
        required=False,
        help_text=_("Séparés par des virgules, par exemple : courrier, Aripa."),
    )


class ContributionStatusForm(forms.Form):
    status = forms.ChoiceField(label=_("Suite donnée"), choices=Contribution.Status.choices)
    reason = forms.CharField(
        label=_("Motif"),
        max_length=300,
        required=False,
        help_text=_("Obligatoire pour une contribution non retenue : le living lab le lira."),
    )

    def __init__(self, *args, contribution: Contribution, **kwargs):
        kwargs.setdefault("auto_id", f"suite_{contribution.pk}_%s")
        kwargs.setdefault(
            "initial", {"status": contribution.status, "reason": contribution.status_reason}
        )
        super().__init__(*args, **kwargs)
        self.contribution = contribution

    def clean(self):
        cleaned = super().clean()
        if (
            cleaned.get("status") == Contribution.Status.REJECTED
            and not (cleaned.get("reason") or "").strip()
        ):
            self.add_error(
                "reason",
                _("Dites pourquoi la contribution n'est pas retenue : le living lab le lira."),
            )
        return cleaned


# Solicitations --------------------------------------------------------------------------------
class LabChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj: Lab) -> str:
        return f"{obj.name} ({obj.caf.name})"


class SolicitationForm(forms.Form):
    title = forms.CharField(
        label=_("Sujet"),
        max_length=200,
        help_text=_("Par exemple : « Relevé de dettes Aripa »."),
    )
    requester = forms.CharField(
        label=_("Direction demandeuse"),
        max_length=200,
        help_text=_("Par exemple : Direction des politiques familiales et sociales (Cnaf)."),
    )
    brief = forms.CharField(
        label=_("Demande"),
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_("Ce que la direction demande aux living labs, et pourquoi."),
    )
    deliverable = forms.CharField(label=_("Livrable attendu"), max_length=300)
    deadline = forms.DateField(label=_("Échéance"), widget=DateInput())
    labs = LabChoiceField(
        label=_("Living labs sollicités"),
        queryset=Lab.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": _("Choisissez au moins un living lab à solliciter.")},
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["labs"].queryset = (
            Lab.objects.exclude(status=Lab.Status.CLOSED)
            .select_related("caf")
            .order_by("caf__number", "name")
        )

    def clean_deadline(self):
        deadline = self.cleaned_data["deadline"]
        if deadline < timezone.localdate():
            raise forms.ValidationError(_("L'échéance est déjà passée."))
        return deadline


class SynthesisForm(forms.Form):
    synthesis = forms.CharField(
        label=_("Réponse consolidée"),
        widget=forms.Textarea(attrs={"rows": 10}),
        help_text=_(
            "La synthèse des contributions des living labs, telle que la direction demandeuse "
            "la recevra."
        ),
        error_messages={"required": _("Rédigez la réponse consolidée avant de la transmettre.")},
    )
