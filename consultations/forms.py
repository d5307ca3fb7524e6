"""The questionnaire as Django forms: one form per section, built from the questions.

Answers travel in one flat format everywhere (the draft, the API, the final submission):
`{"q12": "34", "q12_autre": "…", "q13": ["35", "36"], "q14_c40": "2", …}`, strings or
lists of strings, exactly what a browser posts. `validate_questionnaire` checks a whole
questionnaire at once, so the form, the API and the resume link share one set of rules.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django import forms
from django.utils.datastructures import MultiValueDict
from django.utils.translation import gettext_lazy as _, ngettext

from consultations.models import Consultation, Question

REQUIRED = _("Cette question est obligatoire.")


def field_name(question: Question) -> str:
    return f"q{question.pk}"


def other_name(question: Question) -> str:
    return f"q{question.pk}_autre"


def rank_name(question: Question, choice_id: int) -> str:
    return f"q{question.pk}_c{choice_id}"


@dataclass(frozen=True)
class AnswerValue:
    question: Question
    choice_id: int | None = None
    text: str = ""
    number: Decimal | None = None
    date: date | None = None


def department_choices() -> list[tuple[str, str]]:
    from consultations.selectors import department_names

    return [(number, f"{number} – {name}") for number, name in department_names().items()]


class SectionForm(forms.Form):
    """The questions of one section. `context` holds the answers of the other sections, so
    that a question conditioned by an earlier answer shows, or not, accordingly."""

    required_css_class = "requis"

    def __init__(
        self,
        *args,
        questions: list[Question],
        context: Mapping | None = None,
        departments: list[tuple[str, str]] | None = None,
        **kwargs,
    ):
        super().__init__(*args, **kwargs)
        self.questions = questions
        self.context = context or {}
        self._departments = departments
        for number, question in enumerate(questions, start=1):
            self._add_fields(question, number)

    # Building -------------------------------------------------------------------------------
    def _add_fields(self, question: Question, number: int) -> None:
        name = field_name(question)
        common = {
            "label": question.label,
            "help_text": question.help_text,
            # Checked in clean(): a hidden conditional question is never required.
            "required": False,
        }
        kind = question.kind
        choices = [(str(choice.pk), choice.label) for choice in question.choices.all()]
        if kind in (Question.Kind.SINGLE, Question.Kind.PROFILE, Question.Kind.YES_NO):
            self.fields[name] = forms.ChoiceField(
                choices=choices, widget=forms.RadioSelect, **common
            )
        elif kind == Question.Kind.MULTIPLE:
            self.fields[name] = forms.MultipleChoiceField(
                choices=choices, widget=forms.CheckboxSelectMultiple, **common
            )
        elif kind == Question.Kind.SHORT_TEXT:
            self.fields[name] = forms.CharField(max_length=300, **common)
        elif kind == Question.Kind.LONG_TEXT:
            self.fields[name] = forms.CharField(
                max_length=5000, widget=forms.Textarea(attrs={"rows": 5}), **common
            )
        elif kind == Question.Kind.SCALE:
            values = range(question.scale_min, question.scale_max + 1)
            labels = []
            for value in values:
                label = str(value)
                if value == question.scale_min and question.scale_min_label:
                    label = f"{value} – {question.scale_min_label}"
                elif value == question.scale_max and question.scale_max_label:
                    label = f"{value} – {question.scale_max_label}"
                labels.append((str(value), label))
            self.fields[name] = forms.ChoiceField(
                choices=labels, widget=forms.RadioSelect(attrs={"class": "echelle"}), **common
            )
        elif kind == Question.Kind.DATE:
            self.fields[name] = forms.DateField(
                widget=forms.DateInput(attrs={"type": "date"}), **common
            )
        elif kind == Question.Kind.NUMBER:
            self.fields[name] = forms.DecimalField(
                max_digits=12,
                decimal_places=2,
                min_value=question.number_min,
                max_value=question.number_max,
                localize=True,  # « 12,5 » as a French person types it
                widget=forms.TextInput(attrs={"inputmode": "decimal"}),
                **common,
            )
        elif kind == Question.Kind.DEPARTMENT:
            if self._departments is None:
                self._departments = department_choices()
            self.fields[name] = forms.ChoiceField(
                choices=[("", _("Choisissez votre département")), *self._departments], **common
            )
        elif kind == Question.Kind.RANKING:
            ranks = [("", "—")] + [(str(i), str(i)) for i in range(1, len(choices) + 1)]
            for choice_id, label in choices:
                self.fields[rank_name(question, int(choice_id))] = forms.ChoiceField(
                    label=label, choices=ranks, required=False
                )
        if (
            any(choice.is_other for choice in question.choices.all())
            and kind != Question.Kind.RANKING
        ):
            self.fields[other_name(question)] = forms.CharField(
                label=_("Précisez"), max_length=300, required=False
            )

    # Conditions -----------------------------------------------------------------------------
    def _raw(self, question: Question) -> list[str]:
        """The answer given to a question, from this form's data or from the other sections."""
        name = field_name(question)
        source = self.data if self.is_bound and name in self.fields else self.context
        if isinstance(source, MultiValueDict):
            return [value for value in source.getlist(name) if value]
        value = source.get(name)
        if value in (None, ""):
            return []
        return [str(v) for v in value] if isinstance(value, list) else [str(value)]

    def is_shown(self, question: Question) -> bool:
        condition = question.condition_question
        if condition is None:
            return True
        expected = {str(choice.pk) for choice in question.condition_choices.all()}
        return bool(expected.intersection(self._raw(condition)))

    # Validation -----------------------------------------------------------------------------
    def clean(self):
        cleaned = super().clean()
        for question in self.questions:
            if not self.is_shown(question):
                self._drop(question, cleaned)
                continue
            if question.kind == Question.Kind.RANKING:
                self._clean_ranking(question, cleaned)
                continue
            name = field_name(question)
            value = cleaned.get(name)
            if name in self.errors:
                continue
            if question.required and value in (None, "", []):
                self.add_error(name, REQUIRED)
                continue
            if question.kind == Question.Kind.MULTIPLE and value:
                self._check_bounds(question, len(value))
            self._clean_other(question, cleaned)
        return cleaned

    def _drop(self, question: Question, cleaned: dict) -> None:
        for name in list(cleaned):
            if name == field_name(question) or name.startswith(f"{field_name(question)}_"):
                cleaned.pop(name)
                self.errors.pop(name, None)

    def _check_bounds(self, question: Question, count: int) -> None:
        name = field_name(question)
        if question.min_choices and count < question.min_choices:
            self.add_error(
                name,
                ngettext(
                    "Choisissez au moins %(n)d réponse.",
                    "Choisissez au moins %(n)d réponses.",
                    question.min_choices,
                )
                % {"n": question.min_choices},
            )
        if question.max_choices and count > question.max_choices:
            self.add_error(
                name,
                ngettext(
                    "Choisissez au plus %(n)d réponse.",
                    "Choisissez au plus %(n)d réponses.",
                    question.max_choices,
                )
                % {"n": question.max_choices},
            )

    def _clean_other(self, question: Question, cleaned: dict) -> None:
        if other_name(question) not in self.fields:
            return
        others = {str(choice.pk) for choice in question.choices.all() if choice.is_other}
        value = cleaned.get(field_name(question))
        chosen = set(value if isinstance(value, list) else [value])
        if others & chosen:
            if not cleaned.get(other_name(question), "").strip():
                self.add_error(other_name(question), _("Précisez votre réponse « autre »."))
        else:
            cleaned[other_name(question)] = ""

    def _clean_ranking(self, question: Question, cleaned: dict) -> None:
        names = [rank_name(question, choice.pk) for choice in question.choices.all()]
        ranks = [cleaned.get(name) for name in names if cleaned.get(name)]
        if question.required and not ranks:
            self.add_error(names[0], REQUIRED)
        elif len(ranks) != len(set(ranks)):
            self.add_error(names[0], _("Chaque rang ne peut être donné qu'une fois."))
        elif ranks and sorted(int(r) for r in ranks) != list(range(1, len(ranks) + 1)):
            self.add_error(names[0], _("Classez à partir de 1, sans sauter de rang."))

    # Rendering helpers ----------------------------------------------------------------------
    def question_blocks(self) -> list[dict]:
        """What the template shows, question by question, with its fields and visibility."""
        blocks = []
        for question in self.questions:
            if question.kind == Question.Kind.RANKING:
                fields = [self[rank_name(question, c.pk)] for c in question.choices.all()]
            else:
                fields = [self[field_name(question)]]
            other = self[other_name(question)] if other_name(question) in self.fields else None
            blocks.append(
                {
                    "question": question,
                    "fields": fields,
                    "other": other,
                    "shown": self.is_shown(question),
                }
            )
        return blocks

    # Serialising ----------------------------------------------------------------------------
    def to_data(self) -> dict:
        """The cleaned answers in the flat format (JSON-able), hidden questions left out."""
        data = {}
        for name, value in self.cleaned_data.items():
            if value in (None, "", []):
                continue
            if isinstance(value, list):
                data[name] = [str(v) for v in value]
            elif isinstance(value, date):
                data[name] = value.isoformat()
            else:
                data[name] = str(value)
        return data


def as_form_data(data: Mapping) -> MultiValueDict:
    """The flat format as a browser would post it."""
    result = MultiValueDict()
    for name, value in data.items():
        if isinstance(value, list):
            result.setlist(name, [str(v) for v in value])
        elif value is not None:
            result[name] = str(value)
    return result


def section_forms(consultation: Consultation, data: Mapping | None = None) -> list[SectionForm]:
    """One bound form per section (the questions prefetched by the selector)."""
    departments = None
    if any(
        q.kind == Question.Kind.DEPARTMENT
        for s in consultation.sections.all()
        for q in s.questions.all()
    ):
        departments = department_choices()
    context = dict(data or {})
    return [
        SectionForm(
            as_form_data(data) if data is not None else None,
            questions=list(section.questions.all()),
            context=context,
            departments=departments,
        )
        for section in consultation.sections.all()
    ]


def validate_questionnaire(consultation: Consultation, data: Mapping) -> tuple[dict, dict]:
    """Check every section. Returns (clean data, errors by field name)."""
    clean, errors = {}, {}
    for form in section_forms(consultation, data):
        if form.is_valid():
            clean.update(form.to_data())
        else:
            errors.update({name: [str(e) for e in errs] for name, errs in form.errors.items()})
    return clean, errors


def answer_values(questions: Iterable[Question], data: Mapping) -> list[AnswerValue]:
    """The rows to store for valid, clean data."""
    values = []
    for question in questions:
        name = field_name(question)
        kind = question.kind
        if kind == Question.Kind.RANKING:
            for choice in question.choices.all():
                rank = data.get(rank_name(question, choice.pk))
                if rank:
                    values.append(AnswerValue(question, choice_id=choice.pk, number=Decimal(rank)))
            continue
        raw = data.get(name)
        if raw in (None, "", []):
            continue
        other_text = data.get(other_name(question), "")
        if kind in Question.CHOICE_KINDS:
            others = {c.pk for c in question.choices.all() if c.is_other}
            for choice_id in raw if isinstance(raw, list) else [raw]:
                choice_id = int(choice_id)
                text = other_text if choice_id in others else ""
                values.append(AnswerValue(question, choice_id=choice_id, text=text))
        elif kind == Question.Kind.SCALE or kind == Question.Kind.NUMBER:
            values.append(AnswerValue(question, number=Decimal(raw)))
        elif kind == Question.Kind.DATE:
            values.append(AnswerValue(question, date=date.fromisoformat(raw)))
        else:  # free text, département
            values.append(AnswerValue(question, text=str(raw).strip()))
    return values


def data_from_answers(answers: Iterable) -> dict:
    """Back from stored answers to the flat format, to edit a sent response."""
    data: dict = {}
    for answer in answers:
        question = answer.question
        name = field_name(question)
        if question.kind == Question.Kind.RANKING:
            data[rank_name(question, answer.choice_id)] = str(int(answer.number))
        elif question.kind == Question.Kind.MULTIPLE:
            data.setdefault(name, []).append(str(answer.choice_id))
            if answer.text:
                data[other_name(question)] = answer.text
        elif question.kind in Question.CHOICE_KINDS:
            data[name] = str(answer.choice_id)
            if answer.text:
                data[other_name(question)] = answer.text
        elif question.kind == Question.Kind.SCALE:
            data[name] = str(int(answer.number))
        elif question.kind == Question.Kind.NUMBER:
            data[name] = str(answer.number.normalize())
        elif question.kind == Question.Kind.DATE:
            data[name] = answer.date.isoformat()
        else:
            data[name] = answer.text
    return data


class AccessCodeForm(forms.Form):
    code = forms.CharField(
        label=_("Votre code d'accès"),
        max_length=32,
        help_text=_("Il figure dans l'invitation que vous avez reçue, par exemple K7QF-2M9X."),
    )


class AccessCodeBatchForm(forms.Form):
    batch = forms.CharField(
        label=_("Destinataires"),
        max_length=120,
        help_text=_("Par exemple : « Living lab parentalité de l'Isère »."),
    )
    count = forms.IntegerField(label=_("Nombre de codes"), min_value=1, max_value=5000, initial=50)
