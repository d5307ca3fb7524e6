"""Forms of the second half of the Caf'IA pages: the malette numérique, the waitlist, the
CafLab's follow-up (repairs, maintenance periods) and the statistics. They check what was
typed and say what is wrong, in French; the booking rules (dates, notice, quota, free sets)
stay in the services."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from caflab.models import Caf
from expo_booking.models import Booking, ExpoSet, KitResource
from expo_booking.services import Request

UPLOAD_HELP = _("PDF, image, Word, Excel, PowerPoint, OpenDocument ou texte ; 10 Mo au plus.")


class PrefixedIds:
    """Several forms share a page: each names its fields' ids after itself (« ressource_title »,
    « version-3_file »), so that every label points at its own field."""

    id_prefix = ""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("auto_id", f"{self.id_prefix}_%s")
        super().__init__(*args, **kwargs)


class DateInput(forms.DateInput):
    """A native date picker; its value must be ISO whatever the language."""

    input_type = "date"

    def __init__(self, attrs=None):
        super().__init__(attrs=attrs, format="%Y-%m-%d")


def date_field(label: str) -> forms.DateField:
    return forms.DateField(
        label=label,
        widget=DateInput(),
        error_messages={
            "required": _("« %(label)s » : indiquez une date.") % {"label": label},
            "invalid": _("« %(label)s » : saisissez une date valide, par exemple 14/05/2026.")
            % {"label": label},
        },
    )


class CafChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Caf) -> str:
        return f"{obj.number} — {obj.name}"


# The malette numérique ------------------------------------------------------------------------
class KitVersionForm(PrefixedIds, forms.Form):
    """A new version of a resource: its number, what changed, the file."""

    version = forms.CharField(
        label=_("Numéro de version"),
        max_length=20,
        help_text=_("Par exemple : 2.1. Chaque version d'une ressource a son propre numéro."),
        error_messages={"required": _("Indiquez le numéro de la version.")},
    )
    notes = forms.CharField(
        label=_("Nouveautés"),
        max_length=300,
        required=False,
        help_text=_("Facultatif : ce qui change par rapport à la version précédente."),
    )
    file = forms.FileField(
        label=_("Fichier"),
        help_text=UPLOAD_HELP,
        error_messages={"required": _("Choisissez le fichier à déposer.")},
    )

    def __init__(self, *args, resource: KitResource | None = None, **kwargs):
        if resource is not None:
            kwargs.setdefault("auto_id", f"version-{resource.pk}_%s")
        super().__init__(*args, **kwargs)
        self.resource = resource


class KitResourceForm(KitVersionForm):
    """A new resource of the malette, with its first version."""

    id_prefix = "ressource"

    title = forms.CharField(
        label=_("Titre"),
        max_length=200,
        error_messages={"required": _("Donnez un titre à la ressource.")},
    )
    kind = forms.ChoiceField(
        label=_("Type de ressource"),
        choices=KitResource.Kind.choices,
        error_messages={"required": _("Choisissez le type de ressource.")},
    )
    description = forms.CharField(
        label=_("Description"),
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("À quoi sert la ressource, pour quel public, en combien de temps."),
        error_messages={"required": _("Décrivez la ressource en une ou deux phrases.")},
    )
    position = forms.IntegerField(
        label=_("Ordre d'affichage"),
        min_value=0,
        max_value=1000,
        initial=0,
        required=False,
        help_text=_("Les ressources d'un même type s'affichent par ordre croissant."),
    )

    field_order = ["title", "kind", "description", "position", "version", "notes", "file"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["version"].initial = "1.0"


# The waitlist ---------------------------------------------------------------------------------
# The names of the GET parameters the booking form sends here, and of the form's fields.
REQUEST_FIELDS = (
    "starts_on",
    "ends_on",
    "use",
    "expected_visitors",
    "venue",
    "contact_name",
    "contact_phone",
    "contact_email",
    "delivery_address",
)


class WaitlistForm(forms.Form):
    """What a Caf asks for when no set is free: the same fields as a booking."""

    caf = CafChoiceField(
        label=_("Caf d'accueil"),
        queryset=Caf.objects.none(),
        help_text=_("L'équipe du CafLab inscrit une Caf à sa demande."),
        error_messages={"required": _("Choisissez la Caf qui accueillera l'exposition.")},
    )
    starts_on = date_field(_("Premier jour d'exposition"))
    ends_on = date_field(_("Dernier jour d'exposition"))
    use = forms.ChoiceField(
        label=_("Usage prévu"),
        choices=Booking.Use.choices,
        widget=forms.RadioSelect,
        error_messages={"required": _("Choisissez l'usage prévu de l'exposition.")},
    )
    expected_visitors = forms.IntegerField(
        label=_("Visiteurs attendus"),
        min_value=1,
        max_value=100_000,
        error_messages={
            "required": _("Indiquez le nombre de visiteurs attendus."),
            "invalid": _("Le nombre de visiteurs attendus est un nombre entier."),
            "min_value": _("Indiquez au moins un visiteur attendu."),
            "max_value": _("Indiquez un nombre de visiteurs plus réaliste."),
        },
    )
    venue = forms.CharField(
        label=_("Lieu d'exposition"),
        max_length=200,
        help_text=_("Par exemple : le hall d'accueil du siège."),
        error_messages={"required": _("Indiquez où l'exposition sera installée.")},
    )
    contact_name = forms.CharField(
        label=_("Contact sur place"),
        max_length=120,
        error_messages={"required": _("Indiquez le nom du contact sur place.")},
    )
    contact_phone = forms.CharField(
        label=_("Téléphone du contact"),
        max_length=20,
        error_messages={"required": _("Indiquez le téléphone du contact.")},
    )
    contact_email = forms.EmailField(
        label=_("Courriel du contact"),
        error_messages={
            "required": _("Indiquez le courriel du contact."),
            "invalid": _("Saisissez une adresse électronique valide, par exemple nom@caf.fr."),
        },
    )
    delivery_address = forms.CharField(
        label=_("Adresse de livraison"),
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Là où le transporteur livre les caisses, avec le code postal."),
        error_messages={"required": _("Indiquez l'adresse de livraison.")},
    )

    def __init__(self, *args, choose_caf: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        if choose_caf:
            self.fields["caf"].queryset = Caf.objects.only("pk", "number", "name").order_by(
                "number"
            )
        else:
            del self.fields["caf"]
        self.fields["expected_visitors"].widget.attrs.update(min=1, step=1)
        self.fields["contact_phone"].widget.attrs.update(autocomplete="tel", inputmode="tel")
        self.fields["contact_email"].widget.attrs.update(autocomplete="email")

    def clean(self):
        data = super().clean()
        starts_on, ends_on = data.get("starts_on"), data.get("ends_on")
        if starts_on and ends_on and ends_on < starts_on:
            self.add_error("ends_on", _("Le dernier jour précède le premier."))
        return data

    def request(self) -> Request:
        return Request(**{name: self.cleaned_data[name] for name in REQUEST_FIELDS})


# The CafLab's follow-up -----------------------------------------------------------------------
class RepairForm(forms.Form):
    notes = forms.CharField(
        label=_("Ce qui a été remis en état"),
        widget=forms.Textarea(attrs={"rows": 2}),
        max_length=2000,
        error_messages={"required": _("Dites ce qui a été remis en état.")},
    )

    def __init__(self, *args, expo_set: ExpoSet, **kwargs):
        kwargs.setdefault("auto_id", f"reparation-{expo_set.pk}_%s")
        super().__init__(*args, **kwargs)
        self.expo_set = expo_set


class BlackoutForm(PrefixedIds, forms.Form):
    """A maintenance period on a set (reprinting panels, updating the games…)."""

    id_prefix = "indisponibilite"

    expo_set = forms.ModelChoiceField(
        label=_("Jeu d'exposition"),
        queryset=ExpoSet.objects.none(),
        error_messages={"required": _("Choisissez le jeu concerné.")},
    )
    starts_on = date_field(_("Du"))
    ends_on = date_field(_("Au (inclus)"))
    reason = forms.CharField(
        label=_("Motif"),
        max_length=200,
        help_text=_("Par exemple : réimpression des panneaux, mise à jour des jeux."),
        error_messages={"required": _("Indiquez le motif de l'indisponibilité.")},
    )

    def __init__(self, *args, sets, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["expo_set"].queryset = sets

    def clean(self):
        data = super().clean()
        starts_on, ends_on = data.get("starts_on"), data.get("ends_on")
        if starts_on and ends_on and ends_on < starts_on:
            self.add_error("ends_on", _("La fin de l'indisponibilité précède son début."))
        return data
