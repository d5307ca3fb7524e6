"""Forms of the calendar and the booking flow of the Caf'IA exhibition: the booking request, the
actions on a booking (cancel, ship, receive, feedback) and on a set (damage, repair). They check
what was typed and say what is wrong, in French; the booking rules (notice, durations, quota,
overlaps) stay in the services, whose refusals the views show on the same form."""

from __future__ import annotations

import re

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from caflab import files
from caflab.models import Caf
from expo_booking.models import Booking, ExpoSet, HandOver

# The fields of a booking request, in this order; the waitlist page takes the same names as
# GET parameters (the « S'inscrire sur la liste d'attente » link carries them).
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
PHONE = re.compile(r"^\+?[0-9 .()-]{6,20}$")
MAX_PHOTOS = 5
PHOTO_KINDS = (files.PNG, files.JPEG)


class DateInput(forms.DateInput):
    """A native date picker; its value must be ISO whatever the language."""

    input_type = "date"

    def __init__(self, attrs=None):
        super().__init__(attrs=attrs, format="%Y-%m-%d")


class PrefixedIds:
    """Several forms share a page: each names its fields' ids after itself (« annuler_reason »,
    « reception_notes »), so that every label points at its own field."""

    id_prefix = ""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("auto_id", f"{self.id_prefix}_%s")
        super().__init__(*args, **kwargs)


class MultipleFileInput(forms.FileInput):
    allow_multiple_selected = True


class PhotosField(forms.FileField):
    """Up to five photos (PNG or JPEG, checked by their content), or none."""

    widget = MultipleFileInput

    def __init__(self, **kwargs):
        kwargs.setdefault("required", False)
        kwargs.setdefault(
            "help_text",
            _("Facultatif : jusqu'à 5 photos, au format JPEG ou PNG, de 10 Mo chacune au plus."),
        )
        super().__init__(**kwargs)
        self.widget.attrs.setdefault("accept", "image/jpeg,image/png")

    def clean(self, data, initial=None):
        uploads = data if isinstance(data, list | tuple) else [data]
        cleaned = [super(PhotosField, self).clean(upload, initial) for upload in uploads if upload]
        if len(cleaned) > MAX_PHOTOS:
            raise ValidationError(
                _("Joignez %(n)s photos au plus.") % {"n": MAX_PHOTOS}, code="too_many"
            )
        for upload in cleaned:
            files.validate_upload(upload, allowed=PHOTO_KINDS)
        return cleaned


class CafChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Caf) -> str:
        return f"{obj.number} – {obj.name}"


# The booking request ----------------------------------------------------------------------------
class SetChoiceField(forms.ChoiceField):
    """The list shows the sets free on the typed dates; any set may be submitted (it was free
    when the page was shown): the form checks it exists, the service that it is free."""

    def valid_value(self, value) -> bool:
        return True


class BookingForm(forms.Form):
    """Dates, use, venue, contact and delivery; « n'importe quel jeu » or a chosen set; the
    CafLab also chooses the Caf it books for."""

    caf = CafChoiceField(
        label=_("Caf d'accueil"),
        queryset=Caf.objects.order_by("number"),
        empty_label=_("Choisissez la Caf"),
        error_messages={"required": _("Choisissez la Caf qui accueille l'exposition.")},
    )
    starts_on = forms.DateField(
        label=_("Premier jour d'exposition"),
        widget=DateInput(),
        input_formats=["%Y-%m-%d", "%d/%m/%Y"],
        error_messages={
            "required": _("Indiquez le premier jour d'exposition."),
            "invalid": _("Indiquez une date valide, par exemple 02/03/2026."),
        },
    )
    ends_on = forms.DateField(
        label=_("Dernier jour d'exposition"),
        widget=DateInput(),
        input_formats=["%Y-%m-%d", "%d/%m/%Y"],
        error_messages={
            "required": _("Indiquez le dernier jour d'exposition."),
            "invalid": _("Indiquez une date valide, par exemple 15/03/2026."),
        },
    )
    use = forms.ChoiceField(
        label=_("Usage prévu"),
        choices=Booking.Use.choices,
        widget=forms.RadioSelect,
        initial=Booking.Use.FREE,
        error_messages={"required": _("Choisissez l'usage prévu de l'exposition.")},
    )
    expected_visitors = forms.IntegerField(
        label=_("Nombre de visiteurs attendus"),
        min_value=1,
        max_value=100_000,
        error_messages={
            "required": _("Indiquez le nombre de visiteurs attendus."),
            "invalid": _("Indiquez un nombre entier de visiteurs."),
            "min_value": _("Indiquez au moins un visiteur."),
        },
    )
    venue = forms.CharField(
        label=_("Lieu d'exposition"),
        max_length=200,
        help_text=_("Par exemple : hall d'accueil du siège, salle du conseil."),
        error_messages={"required": _("Indiquez où l'exposition sera installée.")},
    )
    contact_name = forms.CharField(
        label=_("Nom du contact sur place"),
        max_length=120,
        error_messages={"required": _("Indiquez qui reçoit le jeu sur place.")},
    )
    contact_phone = forms.CharField(
        label=_("Téléphone du contact"),
        max_length=20,
        widget=forms.TextInput(attrs={"type": "tel", "autocomplete": "tel"}),
        help_text=_("Par exemple : 04 76 20 60 00."),
        error_messages={"required": _("Indiquez le téléphone du contact sur place.")},
    )
    contact_email = forms.EmailField(
        label=_("Courriel du contact"),
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
        error_messages={
            "required": _("Indiquez le courriel du contact sur place."),
            "invalid": _("Indiquez une adresse électronique valide, par exemple nom@caf.fr."),
        },
    )
    delivery_address = forms.CharField(
        label=_("Adresse de livraison"),
        widget=forms.Textarea(attrs={"rows": 3, "autocomplete": "street-address"}),
        help_text=_("L'adresse où le transporteur livre et reprend les caisses."),
        error_messages={"required": _("Indiquez l'adresse de livraison.")},
    )
    expo_set = SetChoiceField(
        label=_("Jeu d'exposition"),
        required=False,
        help_text=_(
            "Laissez « N'importe quel jeu libre » : le portail choisit le jeu le plus proche de "
            "votre Caf, ce qui raccourcit le transport."
        ),
    )

    def __init__(self, *args, choose_caf: bool, sets: list[ExpoSet], **kwargs):
        super().__init__(*args, **kwargs)
        if not choose_caf:
            del self.fields["caf"]
        choices = [("", _("N'importe quel jeu libre (recommandé)"))]
        choices += [
            (
                expo_set.code,
                _("%(code)s (actuellement à la %(caf)s)")
                % {"code": expo_set.code, "caf": expo_set.location.name},
            )
            for expo_set in sets
        ]
        self.fields["expo_set"].choices = choices

    def clean_contact_phone(self) -> str:
        phone = self.cleaned_data["contact_phone"].strip()
        if not PHONE.match(phone) or sum(c.isdigit() for c in phone) < 6:
            raise ValidationError(_("Indiquez un numéro de téléphone, par exemple 04 76 20 60 00."))
        return phone

    def clean_expo_set(self) -> ExpoSet | None:
        code = self.cleaned_data.get("expo_set") or ""
        if not code:
            return None
        expo_set = ExpoSet.objects.select_related("location").filter(code=code).first()
        if expo_set is None:
            raise ValidationError(_("Ce jeu n'existe pas : choisissez-en un dans la liste."))
        return expo_set

    def clean(self):
        data = super().clean()
        starts_on, ends_on = data.get("starts_on"), data.get("ends_on")
        if starts_on and ends_on and ends_on < starts_on:
            self.add_error("ends_on", _("Le dernier jour précède le premier."))
        return data


def request_dates(data) -> tuple:
    """The dates typed in a booking form (GET or POST), or (None, None) when either is not a
    date or the period is upside down: the list of free sets needs both."""
    field = BookingForm.base_fields["starts_on"]
    try:
        starts_on = field.clean(data.get("starts_on") or "")
        ends_on = field.clean(data.get("ends_on") or "")
    except ValidationError:
        return None, None
    if ends_on < starts_on:
        return None, None
    return starts_on, ends_on


# Actions on a booking ---------------------------------------------------------------------------
class CancelForm(PrefixedIds, forms.Form):
    id_prefix = "annuler"

    reason = forms.CharField(
        label=_("Motif de l'annulation"),
        max_length=300,
        help_text=_("Il aide l'équipe du CafLab à proposer le jeu à une autre Caf."),
        error_messages={"required": _("Dites en quelques mots pourquoi vous annulez.")},
    )


class ShipForm(PrefixedIds, forms.Form):
    """The sender's check at departure and the transport."""

    id_prefix = "envoi"
    LEGS = (("arrivee", _("vers cette réservation")), ("depart", _("vers la réservation suivante")))

    leg = forms.ChoiceField(choices=LEGS, widget=forms.HiddenInput)
    carrier = forms.CharField(
        label=_("Transporteur"),
        max_length=120,
        help_text=_("Par exemple : La Poste Colissimo, Geodis, navette interne."),
        error_messages={"required": _("Indiquez le transporteur.")},
    )
    tracking = forms.CharField(label=_("Numéro de suivi"), max_length=80, required=False)
    condition = forms.ChoiceField(
        label=_("État du jeu au départ"),
        choices=[
            (value, label)
            for value, label in ExpoSet.Condition.choices
            if value != ExpoSet.Condition.RETIRED
        ],
        initial=ExpoSet.Condition.GOOD,
        widget=forms.RadioSelect,
    )
    missing_items = forms.CharField(label=_("Éléments manquants"), max_length=300, required=False)
    notes = forms.CharField(
        label=_("Observations"), widget=forms.Textarea(attrs={"rows": 3}), required=False
    )

    def clean(self):
        data = super().clean()
        if data.get("condition", ExpoSet.Condition.GOOD) != ExpoSet.Condition.GOOD and not (
            data.get("notes", "").strip() or data.get("missing_items", "").strip()
        ):
            self.add_error("notes", _("Décrivez le dommage ou les éléments manquants."))
        return data


class ReceiveForm(PrefixedIds, forms.Form):
    """The host's check on arrival."""

    id_prefix = "reception"

    arrival = forms.ChoiceField(
        label=_("État du jeu à l'arrivée"),
        choices=HandOver.Arrival.choices,
        widget=forms.RadioSelect,
        error_messages={"required": _("Indiquez l'état du jeu à son arrivée.")},
    )
    missing_items = forms.CharField(label=_("Éléments manquants"), max_length=300, required=False)
    notes = forms.CharField(
        label=_("Observations"), widget=forms.Textarea(attrs={"rows": 3}), required=False
    )
    photos = PhotosField(label=_("Photos"))

    def clean(self):
        data = super().clean()
        if data.get("arrival") not in (None, HandOver.Arrival.GOOD) and not (
            data.get("notes", "").strip() or data.get("missing_items", "").strip()
        ):
            self.add_error("notes", _("Décrivez le dommage ou les éléments manquants."))
        return data


class FeedbackForm(PrefixedIds, forms.Form):
    """What the host Caf says after the exhibition."""

    id_prefix = "retour"
    SATISFACTION = [
        (1, _("1 — pas du tout satisfaits")),
        (2, _("2 — peu satisfaits")),
        (3, _("3 — moyennement satisfaits")),
        (4, _("4 — satisfaits")),
        (5, _("5 — très satisfaits")),
    ]

    visitors = forms.IntegerField(
        label=_("Nombre de visiteurs"),
        min_value=0,
        error_messages={"required": _("Indiquez le nombre de visiteurs, même approximatif.")},
    )
    agents_reached = forms.IntegerField(
        label=_("Agents sensibilisés"),
        min_value=0,
        error_messages={"required": _("Indiquez le nombre d'agents sensibilisés.")},
    )
    sessions_run = forms.IntegerField(
        label=_("Séances animées"),
        min_value=0,
        max_value=1000,
        error_messages={"required": _("Indiquez le nombre de séances animées (0 si aucune).")},
    )
    satisfaction = forms.TypedChoiceField(
        label=_("Satisfaction"),
        choices=SATISFACTION,
        coerce=int,
        widget=forms.RadioSelect,
        error_messages={"required": _("Notez votre satisfaction de 1 à 5.")},
    )
    comments = forms.CharField(
        label=_("Commentaires"),
        widget=forms.Textarea(attrs={"rows": 4}),
        required=False,
        help_text=_("Ce qui a marché, ce qui manquait, ce que vous conseilleriez aux autres Caf."),
    )


# Actions on a set -------------------------------------------------------------------------------
class DamageForm(PrefixedIds, forms.Form):
    id_prefix = "signalement"

    condition = forms.ChoiceField(
        label=_("Nature du problème"),
        choices=[
            (ExpoSet.Condition.DAMAGED, _("Un élément est endommagé")),
            (ExpoSet.Condition.INCOMPLETE, _("Des éléments manquent")),
        ],
        widget=forms.RadioSelect,
        error_messages={"required": _("Précisez s'il s'agit d'un dommage ou d'un manque.")},
    )
    missing_items = forms.CharField(label=_("Éléments manquants"), max_length=300, required=False)
    notes = forms.CharField(
        label=_("Description"),
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
        help_text=_("Quel panneau, quel jeu, dans quel état."),
    )
    photos = PhotosField(label=_("Photos"))

    def clean(self):
        data = super().clean()
        if not (data.get("notes", "").strip() or data.get("missing_items", "").strip()):
            self.add_error("notes", _("Décrivez le dommage ou les éléments manquants."))
        return data


class RepairForm(PrefixedIds, forms.Form):
    id_prefix = "reparation"

    notes = forms.CharField(
        label=_("Ce qui a été remis en état"),
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": _("Dites ce qui a été remis en état.")},
    )


class CafFilterForm(forms.Form):
    """The CafLab chooses whose bookings to read, among the Cafs the view read once."""

    caf = forms.ChoiceField(label=_("Caf"), required=False)

    def __init__(self, *args, cafs: list[Caf], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["caf"].choices = [("", _("Choisissez une Caf"))] + [
            (caf.number, f"{caf.number} – {caf.name}") for caf in cafs
        ]
