"""The forms of the annual report's pages: asking for a build, and what the CafLab team writes
for a year (édito, temps forts, team, external indicators).

The content forms save themselves (`save()`), called by the views inside a transaction once the
`reporting.write_report` permission is checked: reporting.services has no content writes yet."""

from __future__ import annotations

from django import forms
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.dates import MONTHS
from django.utils.translation import gettext_lazy as _

from caflab import files
from reporting.models import Edito, ExternalIndicator, Highlight, ReportRun, TeamMember
from reporting.services import FIRST_YEAR

IMAGE_KINDS = (files.PNG, files.JPEG)
MAX_IMAGE_SIZE = 5 * 1024 * 1024


def report_years() -> list[int]:
    """The years a report can be built for, the most recent first."""
    return list(range(timezone.localdate().year, FIRST_YEAR - 1, -1))


class ReportRequestForm(forms.Form):
    year = forms.TypedChoiceField(label=_("Année"), coerce=int, choices=())
    kind = forms.ChoiceField(
        label=_("Document"),
        choices=ReportRun.Kind.choices,
        initial=ReportRun.Kind.FULL,
        widget=forms.RadioSelect,
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        years = report_years()
        self.fields["year"].choices = [(year, str(year)) for year in years]
        # The report of a year is written at the start of the next one.
        self.fields["year"].initial = years[1] if len(years) > 1 else years[0]


def check_image(upload) -> None:
    """A picture of the report: PNG or JPEG by its content, 5 Mo at most."""
    files.validate_upload(upload, allowed=IMAGE_KINDS, max_size=MAX_IMAGE_SIZE)


def _forget_replaced(field_file, previous_name: str) -> None:
    """A picture replaced or cleared: its old file goes, once the new row is committed."""
    if previous_name and field_file.name != previous_name:
        storage = field_file.storage
        transaction.on_commit(lambda: storage.delete(previous_name))


class EditoForm(forms.ModelForm):
    class Meta:
        model = Edito
        fields = ["author", "author_title", "title", "text"]
        widgets = {"text": forms.Textarea(attrs={"rows": 12})}
        help_texts = {
            "title": _("Facultatif : une phrase d'accroche au-dessus du texte."),
            "text": _("Un paragraphe par ligne vide."),
        }

    def __init__(self, *args, year: int, **kwargs):
        if "instance" not in kwargs:
            kwargs["instance"] = Edito.objects.filter(year=year).first() or Edito(year=year)
        super().__init__(*args, **kwargs)
        self.fields["author"].widget.attrs["autocomplete"] = "name"
        self.fields["author_title"].widget.attrs["autocomplete"] = "organization-title"

    @transaction.atomic
    def save(self, commit: bool = True) -> Edito:
        return super().save(commit=commit)


class HighlightForm(forms.ModelForm):
    month = forms.TypedChoiceField(
        label=_("Mois"), coerce=int, choices=[(n, name.capitalize()) for n, name in MONTHS.items()]
    )

    class Meta:
        model = Highlight
        fields = ["month", "title", "text", "image", "image_alt", "position"]
        widgets = {
            "text": forms.Textarea(attrs={"rows": 4}),
            "image": forms.ClearableFileInput(attrs={"accept": "image/png,image/jpeg"}),
        }
        help_texts = {
            "image": _("Facultative. PNG ou JPEG, 5 Mo au plus."),
            "image_alt": _(
                "Obligatoire avec une image : ce qu'elle montre, pour les personnes qui ne la "
                "voient pas."
            ),
            "position": _("Pour ordonner les temps forts d'un même mois (0 en premier)."),
        }

    def __init__(self, *args, year: int, **kwargs):
        self.year = year
        super().__init__(*args, **kwargs)
        self.previous_image = self.instance.image.name or ""
        if self.instance.pk is None and not self.is_bound:
            self.initial.setdefault("month", 1)

    def clean_image(self):
        image = self.cleaned_data.get("image")
        if image and hasattr(image, "content_type"):  # a new upload, not the stored file
            check_image(image)
        return image

    def clean(self):
        cleaned = super().clean()
        image = cleaned.get("image")
        if image and not (cleaned.get("image_alt") or "").strip() and "image" not in self.errors:
            self.add_error(
                "image_alt",
                _("Décrivez l'image : ce texte la remplace pour qui ne la voit pas."),
            )
        if not image:
            cleaned["image_alt"] = ""  # no picture, nothing to describe
        return cleaned

    @transaction.atomic
    def save(self, commit: bool = True) -> Highlight:
        self.instance.year = self.year
        highlight = super().save(commit=commit)
        _forget_replaced(highlight.image, self.previous_image)
        return highlight


class TeamMemberForm(forms.ModelForm):
    class Meta:
        model = TeamMember
        fields = ["name", "role", "pole", "photo", "position"]
        widgets = {"photo": forms.ClearableFileInput(attrs={"accept": "image/png,image/jpeg"})}
        help_texts = {
            "photo": _("Facultative. PNG ou JPEG, 5 Mo au plus."),
            "position": _("L'ordre dans l'équipe (0 en premier)."),
        }

    def __init__(self, *args, year: int, **kwargs):
        self.year = year
        super().__init__(*args, **kwargs)
        self.previous_photo = self.instance.photo.name or ""
        self.fields["name"].widget.attrs["autocomplete"] = "off"

    def clean_photo(self):
        photo = self.cleaned_data.get("photo")
        if photo and hasattr(photo, "content_type"):
            check_image(photo)
        return photo

    @transaction.atomic
    def save(self, commit: bool = True) -> TeamMember:
        self.instance.year = self.year
        member = super().save(commit=commit)
        _forget_replaced(member.photo, self.previous_photo)
        return member


class IndicatorsForm(forms.Form):
    """One value and one source per external indicator of the year; an empty value removes
    the indicator (the report then says « non renseigné »)."""

    def __init__(self, *args, year: int, **kwargs):
        self.year = year
        self.existing = {
            indicator.key: indicator for indicator in ExternalIndicator.objects.filter(year=year)
        }
        super().__init__(*args, **kwargs)
        for key in ExternalIndicator.Key.values:
            current = self.existing.get(key)
            self.fields[f"{key}_value"] = forms.IntegerField(
                label=_("Valeur"),
                min_value=0,
                max_value=2_000_000_000,
                required=False,
                initial=current.value if current else None,
            )
            self.fields[f"{key}_source"] = forms.CharField(
                label=_("Source"),
                max_length=200,
                required=False,
                initial=current.source if current else "",
                help_text=_("D'où vient le chiffre, et à quelle date."),
            )

    def groups(self) -> list[dict]:
        """For the template: each indicator with its two fields, in a fieldset."""
        return [
            {
                "key": key,
                "label": label,
                "value": self[f"{key}_value"],
                "source": self[f"{key}_source"],
            }
            for key, label in ExternalIndicator.Key.choices
        ]

    def error_rows(self) -> list[dict]:
        """The errors for the summary above the form, each named by its indicator (every
        indicator has a « Valeur » and a « Source »)."""
        rows = []
        for key, label in ExternalIndicator.Key.choices:
            for part in ("value", "source"):
                field = self[f"{key}_{part}"]
                if field.errors:
                    rows.append(
                        {
                            "id": field.id_for_label,
                            "label": f"{label} — {field.label}",
                            "errors": field.errors,
                        }
                    )
        return rows

    def clean(self):
        cleaned = super().clean()
        for key, _label in ExternalIndicator.Key.choices:
            if cleaned.get(f"{key}_value") is None and (cleaned.get(f"{key}_source") or "").strip():
                self.add_error(f"{key}_value", _("Indiquez la valeur, ou effacez aussi la source."))
        return cleaned

    @transaction.atomic
    def save(self) -> int:
        """Writes the year's indicators; returns how many are set."""
        kept = 0
        for key, _label in ExternalIndicator.Key.choices:
            value = self.cleaned_data.get(f"{key}_value")
            source = (self.cleaned_data.get(f"{key}_source") or "").strip()
            if value is None:
                ExternalIndicator.objects.filter(year=self.year, key=key).delete()
                continue
            ExternalIndicator.objects.update_or_create(
                year=self.year, key=key, defaults={"value": value, "source": source}
            )
            kept += 1
        return kept


def validation_text(exc: ValidationError) -> str:
    return " ".join(exc.messages)
