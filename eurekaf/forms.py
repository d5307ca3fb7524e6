"""Forms of the Eurekaf pages: they check what was typed and say what is wrong, in French;
the rules of the idea box (transitions, rights) stay in the services."""

from __future__ import annotations

from django import forms
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils.text import slugify
from django.utils.translation import gettext_lazy as _

from caflab import files
from eurekaf import selectors
from eurekaf.models import Campaign, Idea, IdeaBox, Theme
from eurekaf.services import MAX_ATTACHMENTS


class DateInput(forms.DateInput):
    """A native date picker; its value must be ISO whatever the language."""

    input_type = "date"

    def __init__(self, attrs=None):
        super().__init__(attrs=attrs, format="%Y-%m-%d")


class MultipleFileInput(forms.FileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several files in one input; each is checked by its content and size."""

    widget = MultipleFileInput

    def clean(self, data, initial=None):
        single = super().clean
        if isinstance(data, list | tuple):
            return [single(item, initial) for item in data if item]
        return [single(data, initial)] if data else []


class BoxChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: IdeaBox) -> str:
        return obj.name


class CampaignChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Campaign) -> str:
        return f"{obj.title} — {obj.box.name}"


class ThemesField(forms.ModelMultipleChoiceField):
    widget = forms.CheckboxSelectMultiple


def _themes_field() -> ThemesField:
    return ThemesField(
        label=_("Thèmes"),
        queryset=Theme.objects.all(),
        required=False,
        help_text=_("Facultatif : ils aident à retrouver l'idée."),
    )


def _title_field() -> forms.CharField:
    return forms.CharField(
        label=_("Titre de l'idée"),
        max_length=160,
        help_text=_("Une phrase qui dit ce que vous proposez (160 caractères au plus)."),
    )


def _description_field() -> forms.CharField:
    return forms.CharField(
        label=_("Description"),
        max_length=8000,
        widget=forms.Textarea(attrs={"rows": 8}),
        help_text=_(
            "Le constat, votre proposition, ce qu'elle changerait pour les allocataires ou les "
            "agents."
        ),
    )


def _answer_field() -> forms.CharField:
    return forms.CharField(
        label=_("Réponse publique"),
        required=False,
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_(
            "Publiée dans le suivi de l'idée et envoyée à ses abonnés ; obligatoire pour une "
            "idée non retenue."
        ),
    )


# Ideas ----------------------------------------------------------------------------------------
class IdeaForm(forms.Form):
    """Posting an idea: the box and campaign among those this agent may post to."""

    box = BoxChoiceField(
        label=_("Boîte à idées"),
        queryset=IdeaBox.objects.none(),
        empty_label=None,
        help_text=_(
            "La boîte de votre Caf, ou la boîte nationale pour une idée qui concerne tout le "
            "réseau."
        ),
    )
    campaign = CampaignChoiceField(
        label=_("Campagne"),
        queryset=Campaign.objects.none(),
        required=False,
        empty_label=_("Aucune campagne : idée libre"),
        help_text=_("Facultatif : une campagne en cours de la boîte choisie."),
    )
    title = _title_field()
    description = _description_field()
    themes = _themes_field()
    attachments = MultipleFileField(
        label=_("Pièces jointes"),
        required=False,
        help_text=_(
            "Facultatif : %(n)d fichiers au plus, de %(size)d Mo chacun au plus (PDF, images, "
            "documents bureautiques ou texte)."
        )
        % {"n": MAX_ATTACHMENTS, "size": files.MAX_UPLOAD_SIZE // (1024 * 1024)},
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        boxes = selectors.visible_boxes(user=user).filter(is_active=True)
        self.fields["box"].queryset = boxes
        # While the title is typed, the ideas close to it show up (htmx, debounced).
        self.fields["title"].widget.attrs.update(
            {
                "hx-get": reverse("eurekaf:idea-similar"),
                "hx-trigger": "keyup changed delay:400ms",
                "hx-target": "#idees-proches",
                "aria-controls": "idees-proches",
                "autocomplete": "off",
            }
        )
        self.fields["campaign"].queryset = selectors.running_campaigns(user=user).filter(
            box__in=boxes
        )

    def clean_attachments(self) -> list:
        uploads = self.cleaned_data.get("attachments") or []
        if len(uploads) > MAX_ATTACHMENTS:
            raise ValidationError(
                _("Joignez %(n)d fichiers au plus.") % {"n": MAX_ATTACHMENTS}, code="too_many"
            )
        errors = []
        for upload in uploads:
            try:
                files.validate_upload(upload)
            except ValidationError as exc:
                errors.extend(f"« {upload.name} » : {message}" for message in exc.messages)
        if errors:
            raise ValidationError(errors)
        return uploads

    def clean(self):
        cleaned = super().clean()
        box, campaign = cleaned.get("box"), cleaned.get("campaign")
        if box is not None and campaign is not None and campaign.box_id != box.pk:
            self.add_error(
                "campaign",
                _("Cette campagne appartient à la boîte « %(box)s » : choisissez cette boîte.")
                % {"box": campaign.box.name},
            )
        return cleaned


class PanelForm(forms.Form):
    """One of several small forms on the idea's page: ids prefixed so that none collide."""

    id_prefix = ""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("auto_id", f"{self.id_prefix}-%s")
        super().__init__(*args, **kwargs)


class IdeaEditForm(forms.Form):
    title = _title_field()
    description = _description_field()
    themes = _themes_field()


class CommentForm(PanelForm):
    id_prefix = "nouveau-commentaire"
    text = forms.CharField(
        label=_("Votre commentaire"),
        max_length=3000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("Restez courtois : les commentaires sont lus par les agents du réseau."),
    )


class ReportForm(forms.Form):
    reason = forms.CharField(
        label=_("Motif du signalement"),
        max_length=300,
        help_text=_("En quelques mots : propos déplacé, données personnelles, doublon…"),
    )
    comment = forms.IntegerField(required=False, widget=forms.HiddenInput)


# Follow-up (managers) -------------------------------------------------------------------------
class StatusForm(PanelForm):
    """Every status is accepted here so that the service, which knows the workflow, explains
    a forbidden transition; the page offers only the allowed ones."""

    id_prefix = "statut"

    to_status = forms.ChoiceField(
        label=_("Nouveau statut"), choices=Idea.Status.choices, widget=forms.RadioSelect
    )
    answer = _answer_field()

    def __init__(self, *args, idea: Idea, **kwargs):
        super().__init__(*args, **kwargs)
        allowed = idea.allowed_transitions()
        self.fields["to_status"].widget.choices = [
            (value, label) for value, label in Idea.Status.choices if value in allowed
        ]


class BulkStatusForm(PanelForm):
    id_prefix = "groupe"
    ideas = forms.ModelMultipleChoiceField(
        label=_("Idées"),
        queryset=Idea.objects.none(),
        error_messages={"required": _("Cochez au moins une idée.")},
    )
    to_status = forms.ChoiceField(
        label=_("Nouveau statut"),
        choices=[("", _("Choisir…"))]
        + [
            (value, label)
            for value, label in Idea.Status.choices
            if value not in (Idea.Status.SUBMITTED, Idea.Status.MERGED)
        ],
    )
    answer = _answer_field()

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["ideas"].queryset = selectors.idea_list(
            user=user, filters={"include_merged": True}
        ).order_by()


class AssignForm(PanelForm):
    id_prefix = "attribution"
    assignee = forms.ModelChoiceField(
        label=_("Confiée à"),
        queryset=None,
        required=False,
        empty_label=_("Personne"),
        help_text=_("Parmi les gestionnaires de la boîte."),
    )
    service = forms.CharField(label=_("Service chargé de l'étude"), max_length=120, required=False)
    due_on = forms.DateField(label=_("Réponse attendue le"), required=False, widget=DateInput)

    def __init__(self, *args, assignees, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["assignee"].queryset = assignees


class NoteForm(PanelForm):
    id_prefix = "note"
    text = forms.CharField(
        label=_("Nouvelle note interne"),
        max_length=3000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Visible des seuls gestionnaires de la boîte et de l'équipe CafLab."),
    )


class MergeForm(PanelForm):
    id_prefix = "fusion"
    into = forms.IntegerField(
        label=_("Numéro de l'idée d'origine"),
        min_value=1,
        help_text=_(
            "Le numéro figure dans l'adresse de l'idée (/idees/123/). Ses soutiens et ses "
            "abonnés rejoignent l'idée d'origine."
        ),
    )
    answer = forms.CharField(
        label=_("Message publié (facultatif)"),
        required=False,
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class EscalateForm(PanelForm):
    id_prefix = "contribution"
    answer = forms.CharField(
        label=_("Message publié (facultatif)"),
        required=False,
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Par défaut : « Idée mise à contribution nationale par … »."),
    )


class HideForm(PanelForm):
    id_prefix = "masquage"
    reason = forms.CharField(
        label=_("Motif du masquage"),
        max_length=300,
        help_text=_("Communiqué à l'auteur et affiché à la place du contenu."),
    )


# Campaigns ------------------------------------------------------------------------------------
class CampaignForm(forms.Form):
    box = BoxChoiceField(
        label=_("Boîte à idées"), queryset=IdeaBox.objects.none(), empty_label=None
    )
    kind = forms.ChoiceField(
        label=_("Type"),
        choices=Campaign.Kind.choices,
        initial=Campaign.Kind.THEMATIC,
        widget=forms.RadioSelect,
    )
    title = forms.CharField(label=_("Titre"), max_length=200)
    slug = forms.SlugField(
        label=_("Adresse"),
        max_length=80,
        required=False,
        help_text=_("Facultatif : lettres, chiffres et tirets ; déduite du titre si vide."),
    )
    brief = forms.CharField(
        label=_("Appel"),
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_("Ce qui est attendu des agents. Paragraphes, gras, italique et listes."),
    )
    themes = _themes_field()
    starts_on = forms.DateField(label=_("Début"), widget=DateInput)
    ends_on = forms.DateField(label=_("Fin"), widget=DateInput)
    pitch_on = forms.DateField(
        label=_("Date de la criée"),
        required=False,
        widget=DateInput,
        help_text=_("Pour un appel à initiatives : le jour où les initiatives sont présentées."),
    )

    def __init__(self, *args, boxes, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["box"].queryset = boxes

    def clean(self):
        cleaned = super().clean()
        starts, ends = cleaned.get("starts_on"), cleaned.get("ends_on")
        if starts and ends and ends < starts:
            self.add_error("ends_on", _("La campagne doit se terminer après avoir commencé."))
        if cleaned.get("kind") == Campaign.Kind.INITIATIVES and not cleaned.get("pitch_on"):
            self.add_error(
                "pitch_on", _("Indiquez la date de la criée de cet appel à initiatives.")
            )
        title = cleaned.get("title")
        slug = cleaned.get("slug")
        if slug:
            if Campaign.objects.filter(slug=slug).exists():
                self.add_error("slug", _("Cette adresse est déjà prise par une autre campagne."))
        elif title:
            cleaned["slug"] = _free_slug(slugify(title)[:70] or "campagne")
        return cleaned


def _free_slug(base: str) -> str:
    taken = set(Campaign.objects.filter(slug__startswith=base).values_list("slug", flat=True))
    slug, n = base, 2
    while slug in taken:
        slug, n = f"{base}-{n}", n + 1
    return slug


# Filters --------------------------------------------------------------------------------------
SORT_LABELS = {
    "recentes": _("Les plus récentes"),
    "soutenues": _("Les plus soutenues"),
    "discutees": _("Les plus discutées"),
    "tendance": _("Tendance"),
    "en-attente": _("En attente de réponse depuis le plus longtemps"),
}


def _pair(choice, key: str, label: str) -> tuple:
    """A choice given as an object (campaign, theme, Caf) or already as a (key, label) pair."""
    return (
        tuple(choice)
        if isinstance(choice, tuple | list)
        else (
            getattr(choice, key),
            getattr(choice, label),
        )
    )


class IdeaFilterForm(forms.Form):
    """The list's filters, in the address (GET): French names, as the URLs people share."""

    q = forms.CharField(label=_("Rechercher"), required=False, max_length=200)
    boite = forms.ChoiceField(label=_("Boîte"), required=False)
    statut = forms.MultipleChoiceField(
        label=_("Statut"),
        required=False,
        choices=Idea.Status.choices,
        widget=forms.CheckboxSelectMultiple,
    )
    campagne = forms.ChoiceField(label=_("Campagne"), required=False)
    theme = forms.ChoiceField(label=_("Thème"), required=False)
    caf = forms.ChoiceField(label=_("Caf d'origine"), required=False)
    du = forms.DateField(label=_("Déposées depuis le"), required=False, widget=DateInput)
    au = forms.DateField(label=_("Jusqu'au"), required=False, widget=DateInput)
    mes_idees = forms.BooleanField(label=_("Mes idées"), required=False)
    suivies = forms.BooleanField(label=_("Idées suivies"), required=False)
    confiees = forms.BooleanField(label=_("Qui me sont confiées"), required=False)
    tri = forms.ChoiceField(label=_("Trier par"), required=False, choices=list(SORT_LABELS.items()))

    def __init__(self, *args, boxes, campaigns, themes, cafs=None, manager=False, **kwargs):
        super().__init__(*args, **kwargs)
        everything = [("", _("Toutes"))]
        self.fields["boite"].choices = [("", _("Toutes les boîtes"))] + [
            (box.slug, box.name) for box in boxes
        ]
        self.fields["campagne"].choices = everything + [
            _pair(c, "slug", "title") for c in campaigns
        ]
        self.fields["theme"].choices = [("", _("Tous"))] + [
            _pair(t, "slug", "name") for t in themes
        ]
        if manager:
            self.fields["caf"].choices = everything + [
                (number, f"{name} ({number})")
                for number, name in (_pair(caf, "number", "name") for caf in cafs or ())
            ]
        else:
            del self.fields["caf"]
            del self.fields["confiees"]

    def filters(self) -> dict:
        """The selector's filters; an invalid value is left out (Django drops it from
        cleaned_data), never an error page."""
        self.is_valid()
        data = getattr(self, "cleaned_data", {})
        return {
            "q": data.get("q") or "",
            "box": data.get("boite") or "",
            "status": data.get("statut") or [],
            "campaign": data.get("campagne") or "",
            "theme": data.get("theme") or "",
            "caf": data.get("caf") or "",
            "since": data.get("du"),
            "until": data.get("au"),
            "mine": data.get("mes_idees", False),
            "followed": data.get("suivies", False),
            "assigned": data.get("confiees", False),
            "sort": data.get("tri") or "recentes",
        }


class StatisticsFilterForm(forms.Form):
    boite = forms.ChoiceField(label=_("Boîte"), required=False)
    du = forms.DateField(label=_("Idées déposées depuis le"), required=False, widget=DateInput)
    au = forms.DateField(label=_("Jusqu'au"), required=False, widget=DateInput)

    def __init__(self, *args, boxes, national: bool, **kwargs):
        super().__init__(*args, **kwargs)
        choices = [(box.slug, box.name) for box in boxes]
        if national:
            choices.insert(0, ("", _("Toutes les boîtes (réseau)")))
        self.fields["boite"].choices = choices
