"""Import an existing action plan from a spreadsheet: axes, objectives and actions, one line an
action, into a plan the user pilots.

Every line is checked first and every error reported with its line number, in French; if any
line is wrong nothing is imported. Otherwise the whole roadmap is written in one transaction
(axes and objectives with the same title as existing ones are reused) and the plan's activity
feed gets one « plan.imported » event.

Columns are found by their header, whatever their order; other columns are ignored, so a plan
exported by cooperation.exports can start another plan.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from io import BytesIO

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Count
from django.http import HttpResponse
from django.utils import timezone
from django.utils.translation import gettext as _, gettext_lazy
from openpyxl import Workbook, load_workbook
from openpyxl.comments import Comment
from openpyxl.styles import Font, PatternFill
from openpyxl.worksheet.datavalidation import DataValidation

from caflab import activity
from caflab.exports import XLSX_CONTENT_TYPE, content_disposition
from cooperation import scopes
from cooperation.forms import plan_organisations
from cooperation.models import Action, Axis, AxisTheme, Objective, Plan

MAX_LINES = 2000
MAX_COLUMNS = 40
SHEET_TITLE = "Feuille de route"
TEMPLATE_ROWS = 500  # lines prepared with formats and drop-down lists in the template
MAX_BUDGET = Decimal("9999999999.99")  # Action.budget: 12 digits, 2 decimals


@dataclass(frozen=True)
class Spec:
    key: str
    header: str  # the file's format: the same whatever the language of the page
    required: bool
    help: str
    width: int


COLUMNS = (
    Spec(
        "axe", "Axe", True, gettext_lazy("Axe stratégique (ex. Petite enfance). Obligatoire."), 28
    ),
    Spec("objectif", "Objectif", True, gettext_lazy("Objectif de l'axe. Obligatoire."), 40),
    Spec("action", "Action", True, gettext_lazy("Intitulé de l'action. Obligatoire."), 48),
    Spec(
        "pilote",
        "Pilote",
        False,
        gettext_lazy(
            "Nom de l'organisation pilote, tel qu'il figure dans le portail (facultatif)."
        ),
        30,
    ),
    Spec("debut", "Début", True, gettext_lazy("Date de début, JJ/MM/AAAA. Obligatoire."), 13),
    Spec(
        "echeance", "Échéance", True, gettext_lazy("Date d'échéance, JJ/MM/AAAA. Obligatoire."), 13
    ),
    Spec(
        "statut",
        "Statut",
        False,
        gettext_lazy(
            "À lancer, En cours, Réalisée ou Abandonnée (« À lancer » si vide). « En retard » se "
            "déduit des dates : ne le saisissez pas."
        ),
        14,
    ),
    Spec(
        "avancement", "Avancement", False, gettext_lazy("Pourcentage de 0 à 100 (0 si vide)."), 13
    ),
    Spec(
        "budget", "Budget", False, gettext_lazy("Montant en euros, sans symbole (facultatif)."), 13
    ),
    Spec(
        "priorite",
        "Priorité",
        False,
        gettext_lazy("Haute, Moyenne ou Basse (« Moyenne » si vide)."),
        11,
    ),
)
STATUSES = {
    "a lancer": Action.Status.TO_START,
    "en cours": Action.Status.IN_PROGRESS,
    "realisee": Action.Status.DONE,
    "realise": Action.Status.DONE,
    "abandonnee": Action.Status.ABANDONED,
    "abandonne": Action.Status.ABANDONED,
}
PRIORITIES = {
    "haute": Action.Priority.HIGH,
    "moyenne": Action.Priority.MEDIUM,
    "basse": Action.Priority.LOW,
}
DATE = re.compile(r"^(\d{1,2})/(\d{1,2})/(\d{4})$")
ISO_DATE = re.compile(r"^(\d{4})-(\d{2})-(\d{2})$")


class ImportRejected(Exception):
    """The file cannot be imported: every reason, one sentence each, in French."""

    def __init__(self, errors: list[str]):
        super().__init__(errors)
        self.errors = errors


@dataclass
class Line:
    number: int
    axis: str
    objective: str
    title: str
    pilot: object | None
    starts_on: dt.date
    due_on: dt.date
    status: str
    progress: int
    budget: Decimal | None
    priority: str


@dataclass
class ImportResult:
    axes: int = 0
    objectives: int = 0
    actions: int = 0


def normalise(text: object) -> str:
    """« Échéance (JJ/MM/AAAA) » → « echeance »: headers and choices match however typed."""
    text = re.sub(r"\(.*?\)", " ", str(text or ""))
    text = unicodedata.normalize("NFKD", text)
    text = "".join(c for c in text if not unicodedata.combining(c))
    return " ".join(text.casefold().replace("’", "'").split())


def _shown(value: object) -> str:
    """A cell as the user typed it, for the error messages."""
    if isinstance(value, dt.datetime | dt.date):
        return value.strftime("%d/%m/%Y")
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()[:60]


def _text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return " ".join(str(value).split())


# Template --------------------------------------------------------------------------------------
def template_workbook() -> bytes:
    """The empty template: the headers the import reads, date formats and drop-down lists on
    the first lines, and a « Mode d'emploi » sheet."""
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = SHEET_TITLE
    bold, fill = Font(bold=True, color="FFFFFF"), PatternFill("solid", fgColor="123F7A")
    for index, spec in enumerate(COLUMNS, start=1):
        cell = sheet.cell(row=1, column=index, value=spec.header)
        cell.font, cell.fill = bold, fill
        cell.comment = Comment(str(spec.help), "CafLab")
        sheet.column_dimensions[cell.column_letter].width = spec.width
    sheet.freeze_panes = "A2"
    last = TEMPLATE_ROWS + 1
    letters = {
        spec.key: sheet.cell(row=1, column=i).column_letter for i, spec in enumerate(COLUMNS, 1)
    }
    for key in ("debut", "echeance"):
        for row in range(2, last + 1):
            sheet[f"{letters[key]}{row}"].number_format = "DD/MM/YYYY"
    validations = [
        DataValidation(
            type="list",
            formula1='"À lancer,En cours,Réalisée,Abandonnée"',
            allow_blank=True,
            error=_("Choisissez À lancer, En cours, Réalisée ou Abandonnée."),
            errorTitle=_("Statut"),
            showErrorMessage=True,
        ),
        DataValidation(
            type="list",
            formula1='"Haute,Moyenne,Basse"',
            allow_blank=True,
            error=_("Choisissez Haute, Moyenne ou Basse."),
            errorTitle=_("Priorité"),
            showErrorMessage=True,
        ),
        DataValidation(
            type="whole",
            operator="between",
            formula1="0",
            formula2="100",
            allow_blank=True,
            error=_("Un nombre entier de 0 à 100."),
            errorTitle=_("Avancement"),
            showErrorMessage=True,
        ),
    ]
    for validation, key in zip(validations, ("statut", "priorite", "avancement"), strict=True):
        validation.add(f"{letters[key]}2:{letters[key]}{last}")
        sheet.add_data_validation(validation)
    guide = workbook.create_sheet(_("Mode d'emploi"))
    guide.column_dimensions["A"].width = 16
    guide.column_dimensions["B"].width = 100
    guide.append([_("Importer une feuille de route dans COOPération")])
    guide["A1"].font = Font(bold=True, size=13)
    guide.append([])
    guide.append(
        [
            _(
                "Une ligne par action, dans la feuille « Feuille de route ». Les axes et "
                "objectifs sont créés à partir de leur intitulé ; ceux qui existent déjà dans le "
                "plan sont réutilisés. Si une ligne comporte une erreur, rien n'est importé : le "
                "portail indique chaque erreur avec son numéro de ligne."
            )
        ]
    )
    guide.append([])
    for spec in COLUMNS:
        guide.append([spec.header, str(spec.help)])
        guide.cell(row=guide.max_row, column=1).font = Font(bold=True)
    buffer = BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def template_response() -> HttpResponse:
    response = HttpResponse(template_workbook(), content_type=XLSX_CONTENT_TYPE)
    response["Content-Disposition"] = content_disposition("modele-feuille-de-route.xlsx")
    return response


# Reading ---------------------------------------------------------------------------------------
UNREADABLE = gettext_lazy("Le fichier n'a pas pu être lu comme un classeur Excel (XLSX).")


def _open(upload):
    upload.seek(0)
    try:
        workbook = load_workbook(upload, read_only=True, data_only=True)
    # A damaged or forged workbook fails in openpyxl or the XML parser in many ways: each is
    # the same answer for the user, never a server error.
    except Exception as exc:
        raise ImportRejected([str(UNREADABLE)]) from exc
    if not workbook.sheetnames:
        raise ImportRejected([str(UNREADABLE)])
    names = {normalise(name): name for name in workbook.sheetnames}
    return workbook, workbook[names.get(normalise(SHEET_TITLE), workbook.sheetnames[0])]


def _columns(header: tuple) -> dict[str, int]:
    known = {normalise(spec.header): spec.key for spec in COLUMNS}
    found: dict[str, int] = {}
    for index, cell in enumerate(header):
        key = known.get(normalise(cell.value))
        if key and key not in found:
            found[key] = index
    missing = [spec.header for spec in COLUMNS if spec.required and spec.key not in found]
    if missing:
        raise ImportRejected(
            [
                _(
                    "Ligne 1 : les colonnes %(missing)s manquent. La première ligne doit nommer "
                    "les colonnes du modèle : %(all)s."
                )
                % {
                    "missing": ", ".join(f"« {name} »" for name in missing),
                    "all": ", ".join(spec.header for spec in COLUMNS),
                }
            ]
        )
    return found


def _date(value, *, label: str, errors: list[str]) -> dt.date | None:
    if value is None or (isinstance(value, str) and not value.strip()):
        errors.append(_("%(label)s est obligatoire") % {"label": label.capitalize()})
        return None
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    text = str(value).strip()
    match = DATE.match(text)
    parts = (match[3], match[2], match[1]) if match else None
    if parts is None and (iso := ISO_DATE.match(text)):
        parts = (iso[1], iso[2], iso[3])
    if parts is None:
        errors.append(
            _("%(label)s « %(value)s » n'est pas au format JJ/MM/AAAA")
            % {"label": label, "value": _shown(value)}
        )
        return None
    try:
        return dt.date(*map(int, parts))
    except ValueError:
        errors.append(
            _("%(label)s « %(value)s » n'existe pas") % {"label": label, "value": _shown(value)}
        )
        return None


def _progress(cell, errors: list[str]) -> int | None:
    value = cell.value
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    if isinstance(value, bool):
        number = None
    elif isinstance(value, int | float):
        # A cell formatted as a percentage holds 0.45 for « 45 % ».
        number = value * 100 if "%" in (cell.number_format or "") else value
    else:
        try:
            number = float(str(value).replace("%", "").replace(",", ".").strip())
        except ValueError:
            number = None
    if number is None or not 0 <= number <= 100:
        errors.append(
            _("l'avancement « %(value)s » doit être un pourcentage de 0 à 100")
            % {"value": _shown(value)}
        )
        return None
    return round(number)


def _budget(value, errors: list[str]) -> Decimal | None:
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    text = str(value)
    for noise in (" ", "\xa0", "\u202f", "€"):
        text = text.replace(noise, "")
    try:
        amount = Decimal(text.replace(",", ".")) if not isinstance(value, bool) else None
    except InvalidOperation:
        amount = None
    if amount is None or not amount.is_finite() or not 0 <= amount <= MAX_BUDGET:
        errors.append(
            _("le budget « %(value)s » n'est pas un montant en euros") % {"value": _shown(value)}
        )
        return None
    return amount.quantize(Decimal("0.01"))


def _choice(value, choices: dict, *, empty, error: str, errors: list[str]):
    key = normalise(value)
    if not key:
        return empty
    if key in choices:
        return choices[key]
    errors.append(error % {"value": _shown(value)})
    return None


def _pilots(plan: Plan) -> dict[str, list]:
    by_name: dict[str, list] = {}
    for organisation in plan_organisations(plan).order_by("name"):
        by_name.setdefault(normalise(organisation.name), []).append(organisation)
    return by_name


def _rows(sheet):
    """The sheet's rows, read lazily: a broken sheet is refused like a broken file."""
    rows = sheet.iter_rows(max_col=MAX_COLUMNS)
    while True:
        try:
            row = next(rows)
        except StopIteration:
            return
        except Exception as exc:  # see _open
            raise ImportRejected([str(UNREADABLE)]) from exc
        yield row


def read_lines(upload, *, plan: Plan) -> list[Line]:
    """Every line of the file, checked; ImportRejected with every error otherwise."""
    workbook, sheet = _open(upload)
    try:
        rows = _rows(sheet)
        header = next(rows, None)
        if header is None:
            raise ImportRejected([_("Le fichier est vide.")])
        columns = _columns(header)
        pilots = _pilots(plan)
        lines: list[Line] = []
        errors: list[str] = []
        seen = 0
        for number, row in enumerate(rows, start=2):
            cells = {
                key: row[index] if index < len(row) else None for key, index in columns.items()
            }
            values = {key: getattr(cell, "value", None) for key, cell in cells.items()}
            if all(_text(value) == "" for value in values.values()):
                continue  # an empty line
            seen += 1
            if seen > MAX_LINES:
                raise ImportRejected(
                    [
                        _("Le fichier dépasse %(max)s lignes : importez-le en plusieurs fois.")
                        % {"max": MAX_LINES}
                    ]
                )
            line_errors: list[str] = []
            line = _read_line(number, cells, values, pilots, line_errors)
            if line_errors:
                errors.extend(
                    _("Ligne %(n)s : %(error)s.") % {"n": number, "error": error}
                    for error in line_errors
                )
            else:
                lines.append(line)
    finally:
        workbook.close()
    if errors:
        raise ImportRejected(errors)
    if not lines:
        raise ImportRejected([_("Le fichier ne contient aucune action à importer.")])
    return lines


def _read_line(number, cells, values, pilots, errors) -> Line | None:
    texts = {}
    for key, label, limit in (
        ("axe", _("l'axe"), 200),
        ("objectif", _("l'objectif"), 300),
        ("action", _("l'intitulé de l'action"), 300),
    ):
        text = _text(values.get(key))
        if not text:
            errors.append(_("%(label)s est obligatoire") % {"label": label})
        elif len(text) > limit:
            errors.append(
                _("%(label)s dépasse %(limit)s caractères") % {"label": label, "limit": limit}
            )
        texts[key] = text
    pilot = None
    if name := _text(values.get("pilote")):
        found = pilots.get(normalise(name), [])
        if not found:
            errors.append(
                _("le pilote « %(name)s » n'est pas une organisation connue du territoire du plan")
                % {"name": name[:80]}
            )
        elif len(found) > 1:
            errors.append(
                _("plusieurs organisations s'appellent « %(name)s » : précisez-la dans le plan")
                % {"name": name[:80]}
            )
        else:
            pilot = found[0]
    starts_on = _date(values.get("debut"), label=_("la date de début"), errors=errors)
    due_on = _date(values.get("echeance"), label=_("la date d'échéance"), errors=errors)
    if starts_on and due_on and due_on < starts_on:
        errors.append(
            _("l'échéance « %(due)s » précède le début « %(start)s »")
            % {"due": due_on.strftime("%d/%m/%Y"), "start": starts_on.strftime("%d/%m/%Y")}
        )
    status = values.get("statut")
    if normalise(status) == "en retard":
        errors.append(
            _("le statut « En retard » se déduit des dates : indiquez « À lancer » ou « En cours »")
        )
        status = None
    else:
        status = _choice(
            status,
            STATUSES,
            empty=Action.Status.TO_START,
            error=_(
                "le statut « %(value)s » est inconnu (À lancer, En cours, Réalisée ou Abandonnée)"
            ),
            errors=errors,
        )
    progress = _progress(cells["avancement"], errors) if cells.get("avancement") else None
    budget = _budget(values.get("budget"), errors)
    priority = _choice(
        values.get("priorite"),
        PRIORITIES,
        empty=Action.Priority.MEDIUM,
        error=_("la priorité « %(value)s » est inconnue (Haute, Moyenne ou Basse)"),
        errors=errors,
    )
    if errors:
        return None
    if status == Action.Status.DONE:
        progress = 100
    return Line(
        number=number,
        axis=texts["axe"],
        objective=texts["objectif"],
        title=texts["action"],
        pilot=pilot,
        starts_on=starts_on,
        due_on=due_on,
        status=status,
        progress=progress or 0,
        budget=budget,
        priority=priority,
    )


# Writing ---------------------------------------------------------------------------------------
@transaction.atomic
def plan_import(*, plan: Plan, by, upload) -> ImportResult:
    """Check every line, then create the roadmap in one transaction; nothing on any error."""
    if not by.has_perm("cooperation.manage_plan", plan):
        raise PermissionDenied
    lines = read_lines(upload, plan=plan)
    return _create(plan=plan, by=by, lines=lines)


def _create(*, plan: Plan, by, lines: list[Line]) -> ImportResult:
    result = ImportResult()
    themes = {normalise(theme.name): theme for theme in AxisTheme.objects.all()}
    axes = {normalise(axis.title): axis for axis in Axis.objects.filter(plan=plan)}
    new_axes = []
    for line in lines:
        key = normalise(line.axis)
        if key not in axes:
            axes[key] = Axis(
                plan=plan,
                title=line.axis,
                theme=themes.get(key),
                position=len(axes),
            )
            new_axes.append(axes[key])
    Axis.objects.bulk_create(new_axes)
    objectives = {
        (objective.axis_id, normalise(objective.title)): objective
        for objective in Objective.objects.filter(axis__plan=plan)
    }
    counts: dict[int, int] = {}
    for axis_id, _title in objectives:
        counts[axis_id] = counts.get(axis_id, 0) + 1
    new_objectives = []
    for line in lines:
        axis = axes[normalise(line.axis)]
        key = (axis.pk, normalise(line.objective))
        if key not in objectives:
            objectives[key] = Objective(
                axis=axis, title=line.objective, position=counts.get(axis.pk, 0)
            )
            counts[axis.pk] = counts.get(axis.pk, 0) + 1
            new_objectives.append(objectives[key])
    Objective.objects.bulk_create(new_objectives)
    positions = dict(
        Action.objects.filter(plan=plan)
        .order_by()
        .values("objective_id")
        .annotate(n=Count("pk"))
        .values_list("objective_id", "n")
    )
    today = timezone.localdate()
    actions = []
    for line in lines:
        objective = objectives[(axes[normalise(line.axis)].pk, normalise(line.objective))]
        position = positions.get(objective.pk, 0)
        positions[objective.pk] = position + 1
        actions.append(
            Action(
                plan=plan,
                objective=objective,
                title=line.title,
                pilot_organisation=line.pilot,
                starts_on=line.starts_on,
                due_on=line.due_on,
                status=line.status,
                progress=line.progress,
                budget=line.budget,
                priority=line.priority,
                position=position,
                completed_on=min(line.due_on, today) if line.status == Action.Status.DONE else None,
                updated_by=by,
            )
        )
    Action.objects.bulk_create(actions)
    scopes.bump_plan(plan.pk)  # bulk_create sends no signal
    result.axes, result.objectives, result.actions = (
        len(new_axes),
        len(new_objectives),
        len(actions),
    )
    activity.record(
        actor=by,
        verb="plan.imported",
        obj=plan,
        scope=f"cooperation.plan:{plan.pk}",
        changes={
            "axes": [None, result.axes],
            "objectifs": [None, result.objectives],
            "actions": [None, result.actions],
        },
    )
    return result
