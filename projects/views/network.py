"""The programmes, the partner search (needs and the organisations that can help), the
creativity sessions and the training catalogue of the projects' space."""

from __future__ import annotations

from collections import Counter, defaultdict

from django.contrib import messages
from django.core.paginator import Paginator
from django.db.models import Count, Q, QuerySet, Sum
from django.db.models.functions import ExtractMonth
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import SimpleLazyObject
from django.utils.translation import gettext as _

from caflab import charts, exports, fragments
from caflab.rules import referent_region_ids
from projects import selectors, services
from projects.forms.network import (
    CreativityFilterForm,
    CreativityForm,
    EnrolForm,
    MatchForm,
    MatchStatusForm,
    NeedFilterForm,
    caf_queryset,
)
from projects.models import (
    CreativitySession,
    Helper,
    Match,
    Need,
    Programme,
    Project,
    Theme,
    Trainee,
    TrainingSession,
)
from projects.rules import team_project_ids
from projects.views.network_common import (
    NetworkView,
    error_text,
    paginate,
    query_without,
    require,
    suggestions,
)

PROGRAMME_PAGE_SIZE = 20
NEED_PAGE_SIZE = 20
CREATIVITY_PAGE_SIZE = 25
TRAINING_PAGE_SIZE = 20
SESSION_PAGE_SIZE = 20
ENROLMENT_PAGE_SIZE = 50


# Programmes ----------------------------------------------------------------------------------
class ProgrammeListView(NetworkView):
    """The programmes, each with the number of its projects the user may see."""

    permission = "projects.view_portfolio"

    def get(self, request: HttpRequest) -> HttpResponse:
        counts = dict(
            selectors.visible_projects(user=request.user)
            .filter(programme__isnull=False)
            .order_by()
            .values("programme")
            .annotate(n=Count("pk"))
            .values_list("programme", "n")
        )
        page = paginate(
            request, Programme.objects.order_by("position", "name"), PROGRAMME_PAGE_SIZE
        )
        programmes = list(page.object_list)
        for programme in programmes:
            programme.project_count = counts.get(programme.pk, 0)
        return render(
            request,
            "projects/programme/programme_list.html",
            {"page_obj": page, "programmes": programmes, "section": "programmes"},
        )


def grouped_by_kind_and_theme(projects: list[Project]) -> list[tuple]:
    """[(kind label, count, [(theme label, projects)])], kinds and themes in their order."""
    groups: dict[str, dict[str, list[Project]]] = defaultdict(lambda: defaultdict(list))
    for project in projects:
        groups[project.kind][project.theme].append(project)
    themes = dict(Theme.choices)
    return [
        (
            label,
            sum(len(items) for items in groups[kind].values()),
            [
                (themes[theme], groups[kind][theme])
                for theme in Theme.values
                if theme in groups[kind]
            ],
        )
        for kind, label in Project.Kind.choices
        if kind in groups
    ]


class ProgrammeDetailView(NetworkView):
    permission = "projects.view_portfolio"

    def get(self, request: HttpRequest, slug: str) -> HttpResponse:
        programme = Programme.objects.filter(slug=slug).first()
        if programme is None:
            raise Http404
        user = request.user
        # The page's body depends only on what the user may see: cached per version of the
        # data and visibility (the template), computed only when it is not in the cache.
        body = SimpleLazyObject(lambda: programme_body(user, programme))
        return render(
            request,
            "projects/programme/programme_detail.html",
            {
                "programme": programme,
                "cache_version": fragments.version_key("projects", "caflab"),
                "cache_vary": repr((programme.pk, selectors.visibility_key(user))),
                "body": body,
                "section": "programmes",
            },
        )


def programme_body(user, programme: Programme) -> dict:
    projects = list(selectors.project_list(user=user, filters={"programme": programme.slug}))
    by_theme = Counter(project.theme for project in projects)
    themes = [(label, by_theme[value]) for value, label in Theme.choices if by_theme[value]]
    return {
        "partners": list(programme.partners.all()),
        "project_count": len(projects),
        "groups": grouped_by_kind_and_theme(projects),
        "theme_chart": charts.bar_chart(
            title=_("Projets du programme par thème"),
            labels=[label for label, _n in themes],
            values=[n for _label, n in themes],
        )
        if themes
        else None,
        "calls": list(selectors.call_list(user=user).filter(programme=programme)),
        "cohorts": list(
            programme.cohorts.annotate(project_count=Count("projects")).order_by("-starts_on", "pk")
        ),
    }


# Partner search ------------------------------------------------------------------------------
def need_or_404(pk: int) -> Need:
    """A need of the board: of a published project (selectors.needs_board shows no other)."""
    need = Need.objects.select_related("project").filter(pk=pk, project__is_published=True).first()
    if need is None:
        raise Http404
    return need


class NeedListView(NetworkView):
    """The open needs of the projects, each with the organisations that can help and the
    matches recorded; the CafLab records a match and follows it up."""

    permission = "projects.view_needs"

    def get(self, request: HttpRequest) -> HttpResponse:
        return render_board(request)


def render_board(
    request: HttpRequest,
    *,
    status: int = 200,
    match_form: MatchForm | None = None,
    status_form: MatchStatusForm | None = None,
) -> HttpResponse:
    user = request.user
    form = NeedFilterForm(request.GET or None)
    filters = form.filters()
    page = paginate(request, selectors.needs_board(kind=filters.get("kind", "")), NEED_PAGE_SIZE)
    needs = list(page.object_list)
    can_record = user.has_perm("projects.record_match")
    helpers = list(Helper.objects.select_related("organisation", "region")) if needs else []
    suggestions(needs, helpers)
    shown = False
    for need in needs:
        need.match_list = list(need.matches.all())
        if not can_record:
            continue
        if match_form is not None and match_form.need.pk == need.pk:
            need.match_form, shown = match_form, True
        else:
            need.match_form = MatchForm(need=need, suggested=need.suggested, others=need.others)
        for match in need.match_list:
            if status_form is not None and status_form.match.pk == match.pk:
                match.status_form, shown = status_form, True
            else:
                match.status_form = MatchStatusForm(match=match)
    bound = match_form or status_form
    if bound is not None and not shown:
        # The need is no longer on this page of the board: say what went wrong all the same.
        for errors in bound.errors.values():
            messages.error(request, " ".join(errors))
    return render(
        request,
        "projects/needs/need_list.html",
        {
            "form": form,
            "filtered": bool(filters),
            "page_obj": page,
            "needs": needs,
            "query": query_without(request, "page"),
            "board_query": request.GET.urlencode(),
            "can_record": can_record,
            "has_errors": status == 400,
            "section": "needs",
        },
        status=status,
    )


def board_url(request: HttpRequest, anchor: str) -> str:
    query = request.GET.urlencode()
    return f"{reverse('projects:need-list')}{'?' + query if query else ''}#{anchor}"


class MatchCreateView(NetworkView):
    def post(self, request: HttpRequest, pk: int) -> HttpResponse:
        need = need_or_404(pk)
        require(request.user, "projects.record_match", need)
        helpers = list(Helper.objects.select_related("organisation", "region"))
        suggestions([need], helpers)
        form = MatchForm(request.POST, need=need, suggested=need.suggested, others=need.others)
        if form.is_valid():
            helper = form.chosen()
            try:
                services.match_record(
                    need=need, helper=helper, by=request.user, note=form.cleaned_data["note"]
                )
            except services.ProjectError as exc:
                form.add_error(None, error_text(exc))
            else:
                messages.success(
                    request,
                    _(
                        "Mise en relation enregistrée entre « %(need)s » et %(helper)s : "
                        "l'équipe du projet est prévenue."
                    )
                    % {"need": need.title, "helper": helper},
                )
                return redirect(board_url(request, f"besoin-{need.pk}"))
        return render_board(request, status=400, match_form=form)


class MatchStatusView(NetworkView):
    def post(self, request: HttpRequest, pk: int) -> HttpResponse:
        match = (
            Match.objects.select_related("need__project", "helper__organisation")
            .filter(pk=pk, need__project__is_published=True)
            .first()
        )
        if match is None:
            raise Http404
        require(request.user, "projects.record_match", match.need)
        form = MatchStatusForm(request.POST, match=match)
        if form.is_valid():
            try:
                services.match_set_status(
                    match=match,
                    by=request.user,
                    status=form.cleaned_data["status"],
                    note=form.cleaned_data["note"],
                )
            except services.ProjectError as exc:
                form.add_error(None, error_text(exc))
            else:
                messages.success(
                    request,
                    _("Mise en relation avec %(helper)s : %(status)s.")
                    % {"helper": match.helper, "status": match.get_status_display().lower()},
                )
                return redirect(board_url(request, f"besoin-{match.need_id}"))
        return render_board(request, status=400, status_form=form)


# Creativity sessions -------------------------------------------------------------------------
CREATIVITY_COLUMNS = exports.columns_from(
    [
        (_("Date"), "held_on"),
        (_("Caf"), lambda s: s.caf.name if s.caf else "CafLab"),
        (_("Sujet"), "topic"),
        (_("Méthode"), "get_method_display"),
        (_("Public"), "get_audience_display"),
        (_("Participants"), "participants"),
        (_("Animation"), lambda s: str(s.facilitator) if s.facilitator else ""),
        (_("Projet lié"), lambda s: s.project.title if s.project else ""),
        (_("Ce qui en est sorti"), "outcome"),
    ]
)


def with_visible_projects(user, sessions):
    """The sessions, each naming its project only if the user may see it (an unpublished
    project stays its team's and the CafLab's)."""
    staff = user.is_caflab_staff
    if isinstance(sessions, QuerySet):
        sessions = sessions.iterator(chunk_size=2000)  # an export streams its rows

    def rows():
        for session in sessions:
            project = session.project
            # As selectors.visible_projects: published, or the user's team's (read only when
            # a session names an unpublished project).
            if (
                project is not None
                and not staff
                and not project.is_published
                and project.pk not in team_project_ids(user)
            ):
                session.project = None  # for this page or file only: never saved
            yield session

    return rows()


def creativity_filters(request: HttpRequest) -> tuple[CreativityFilterForm, dict]:
    """The filter form (years with sessions, and this year) and the values it gives."""
    this_year = timezone.localdate().year
    years = set(
        fragments.cached(
            "projects-creativity-years",
            fragments.version_key("projects"),
            lambda: [d.year for d in CreativitySession.objects.dates("held_on", "year")],
        )
    ) | {this_year}
    form = CreativityFilterForm(
        request.GET or None,
        years=sorted(years, reverse=True),
        cafs=list(caf_queryset()),
        initial={"annee": this_year},
    )
    return form, form.values(default_year=this_year)


def creativity_figures(sessions) -> tuple[dict, dict]:
    """The number of sessions and of participants, and the sessions per month."""
    totals = sessions.aggregate(count=Count("pk"), people=Sum("participants"))
    per_month = dict(
        sessions.order_by()
        .annotate(month=ExtractMonth("held_on"))
        .values("month")
        .annotate(n=Count("pk"))
        .values_list("month", "n")
    )
    return totals, per_month


class CreativityListView(NetworkView):
    permission = "projects.view_creativity"

    def get(self, request: HttpRequest) -> HttpResponse:
        form, values = creativity_filters(request)
        sessions = selectors.creativity_list(**values)
        totals, per_month = fragments.cached(
            "projects-creativity-figures",
            fragments.version_key("projects"),
            lambda: creativity_figures(sessions),
            vary=(values["year"], getattr(values["caf"], "pk", None), values["method"]),
        )
        # The number of sessions is in the figures: no count query of its own.
        paginator = Paginator(sessions, CREATIVITY_PAGE_SIZE)
        paginator.count = totals["count"] or 0
        page = paginator.get_page(request.GET.get("page"))
        return render(
            request,
            "projects/creativity/creativity_list.html",
            {
                "form": form,
                "form_version": fragments.version_key("projects", "caflab"),
                "form_vary": repr((sorted(request.GET.lists()), values["year"])),
                "year": values["year"],
                "filtered": bool(values["caf"] or values["method"]),
                "totals": {"count": totals["count"] or 0, "people": totals["people"] or 0},
                "month_chart": charts.bar_chart(
                    title=_("Séances de créativité par mois en %(year)s")
                    % {"year": values["year"]},
                    labels=str(charts.MONTHS).split(),
                    values=[per_month.get(month, 0) for month in range(1, 13)],
                    horizontal=False,
                ),
                "page_obj": page,
                "sessions": list(with_visible_projects(request.user, list(page.object_list))),
                "query": query_without(request, "page"),
                "export_query": query_without(request, "page"),
                "can_record": request.user.has_perm("projects.record_creativity"),
                "section": "creativity",
            },
        )


class CreativityExportView(NetworkView):
    permission = "projects.view_creativity"

    def get(self, request: HttpRequest, fmt: str) -> HttpResponse:
        _form, values = creativity_filters(request)
        stem = f"seances-creativite-{values['year']}"
        if values["caf"]:
            stem += f"-caf-{values['caf'].number}"
        return exports.export_response(
            fmt=fmt,
            filename_stem=stem,
            rows=with_visible_projects(request.user, selectors.creativity_list(**values)),
            columns=CREATIVITY_COLUMNS,
            sheet_title=_("Séances de créativité"),
        )


class CreativityCreateView(NetworkView):
    """Record a session held: the CafLab for any Caf (or at the CafLab), a referent for the
    Cafs of their régions."""

    permission = "projects.record_creativity"

    def get(self, request: HttpRequest) -> HttpResponse:
        return self.render_form(request, self.make_form(request))

    def post(self, request: HttpRequest) -> HttpResponse:
        form = self.make_form(request, request.POST)
        if form.is_valid():
            data = form.cleaned_data
            try:
                session = services.creativity_record(
                    by=request.user,
                    held_on=data["held_on"],
                    topic=data["topic"],
                    method=data["method"],
                    audience=data["audience"],
                    participants=data["participants"],
                    caf=data["caf"],
                    project=data["project"],
                    outcome=data["outcome"],
                )
            except services.ProjectError as exc:
                form.add_error(None, error_text(exc))
            else:
                messages.success(
                    request,
                    _("La séance « %(topic)s » est enregistrée.") % {"topic": session.topic},
                )
                url = reverse("projects:creativity-list")
                return redirect(f"{url}?annee={session.held_on.year}")
        return self.render_form(request, form, status=400)

    def make_form(self, request: HttpRequest, data=None) -> CreativityForm:
        user = request.user
        staff = user.is_caflab_staff
        cafs = (
            caf_queryset()
            if staff
            else caf_queryset().filter(region_id__in=referent_region_ids(user))
        )
        projects = selectors.visible_projects(user=user).only("pk", "title").order_by("title")
        initial = {"held_on": timezone.localdate()}
        return CreativityForm(
            data, cafs=cafs, projects=projects, caf_required=not staff, initial=initial
        )

    def render_form(self, request: HttpRequest, form, status: int = 200) -> HttpResponse:
        return render(
            request,
            "projects/creativity/creativity_form.html",
            {"form": form, "section": "creativity"},
            status=status,
        )


# Trainings -----------------------------------------------------------------------------------
def asked_year(request: HttpRequest) -> int:
    value = request.GET.get("annee", "")
    if value.isdigit() and 2000 <= int(value) <= 2100:
        return int(value)
    return timezone.localdate().year


class TrainingListView(NetworkView):
    """The catalogue, each training with its sessions and the distinct people it trained,
    and the people trained in the year (each person once, whatever the sessions)."""

    permission = "projects.view_trainings"

    def get(self, request: HttpRequest) -> HttpResponse:
        year = asked_year(request)
        page = paginate(request, selectors.training_list(), TRAINING_PAGE_SIZE)
        return render(
            request,
            "projects/training/training_list.html",
            {
                "year": year,
                "years": range(timezone.localdate().year, 2019, -1),
                "people_trained": selectors.people_trained(year=year),
                "session_count": TrainingSession.objects.filter(starts_on__year=year).count(),
                "page_obj": page,
                "trainings": page.object_list,
                "query": query_without(request, "page"),
                "section": "trainings",
            },
        )


class TrainingDetailView(NetworkView):
    permission = "projects.view_trainings"

    def get(self, request: HttpRequest, pk: int) -> HttpResponse:
        training = selectors.training_get(pk=pk)
        sessions = list(training.sessions.all())
        page = Paginator(sessions, SESSION_PAGE_SIZE).get_page(request.GET.get("page"))
        return render(
            request,
            "projects/training/training_detail.html",
            {
                "training": training,
                "page_obj": page,
                "sessions": page.object_list,
                "seats": sum(session.trainee_count for session in sessions),
                "section": "trainings",
            },
        )


def training_session_or_404(pk: int) -> TrainingSession:
    session = (
        TrainingSession.objects.select_related("training", "caf")
        .annotate(
            trainee_count=Count("enrolments", filter=Q(enrolments__attended=True)),
            enrolment_count=Count("enrolments"),
        )
        .filter(pk=pk)
        .first()
    )
    if session is None:
        raise Http404
    return session


class TrainingSessionView(NetworkView):
    """A session and its participants: their names for the CafLab only, the count for the
    others; the CafLab enrols a participant here."""

    permission = "projects.view_trainings"

    def get(self, request: HttpRequest, pk: int) -> HttpResponse:
        return self.render_page(request, training_session_or_404(pk))

    def post(self, request: HttpRequest, pk: int) -> HttpResponse:
        require(request.user, "projects.manage_trainings")
        session = training_session_or_404(pk)
        form = EnrolForm(request.POST)
        if form.is_valid():
            data = form.cleaned_data
            try:
                enrolment = services.enrol(
                    session=session,
                    by=request.user,
                    first_name=data["first_name"],
                    last_name=data["last_name"],
                    email=data["email"],
                    caf=data["caf"],
                    organisation=data["organisation"],
                    job_title=data["job_title"],
                    attended=data["attended"],
                )
            except services.ProjectError as exc:
                form.add_error(None, error_text(exc))
            else:
                messages.success(
                    request,
                    _("%(name)s est inscrit·e à la session.") % {"name": enrolment.trainee},
                )
                url = reverse("projects:training-session", kwargs={"pk": session.pk})
                return redirect(f"{url}#participants")
        return self.render_page(request, session, form, status=400)

    def render_page(self, request, session, form=None, status: int = 200) -> HttpResponse:
        user = request.user
        context = {
            "session": session,
            "training": session.training,
            "can_see_names": user.has_perm("projects.view_trainees"),
            "can_manage": user.has_perm("projects.manage_trainings"),
            "section": "trainings",
        }
        if context["can_see_names"]:
            page = paginate(
                request, selectors.session_enrolments(session=session), ENROLMENT_PAGE_SIZE
            )
            context.update(page_obj=page, enrolments=page.object_list)
        if context["can_manage"]:
            context["form"] = form or EnrolForm()
        return render(request, "projects/training/session_detail.html", context, status=status)


class TraineeAnonymiseView(NetworkView):
    """Erase a trainee's personal data, after a confirmation page: it cannot be undone."""

    permission = "projects.manage_trainings"

    def dispatch(self, request: HttpRequest, *args, **kwargs) -> HttpResponse:
        if request.user.is_authenticated:
            require(request.user, self.permission)  # before saying whether the person exists
            self.trainee = Trainee.objects.select_related("caf").filter(pk=kwargs["pk"]).first()
            if self.trainee is None:
                raise Http404
            self.session = (
                TrainingSession.objects.select_related("training")
                .filter(pk=_int(request.GET.get("session")), enrolments__trainee=self.trainee)
                .first()
            )
        return super().dispatch(request, *args, **kwargs)

    def back(self) -> str:
        if self.session is not None:
            url = reverse("projects:training-session", kwargs={"pk": self.session.pk})
            return f"{url}#participants"
        return reverse("projects:training-list")

    def get(self, request: HttpRequest, pk: int) -> HttpResponse:
        if self.trainee.anonymised_at:
            messages.info(request, _("Cette personne est déjà anonymisée."))
            return redirect(self.back())
        return render(
            request,
            "projects/training/trainee_anonymise.html",
            {
                "trainee": self.trainee,
                "session": self.session,
                "back": self.back(),
                "sessions": list(
                    TrainingSession.objects.filter(enrolments__trainee=self.trainee)
                    .select_related("training")
                    .order_by("-starts_on")
                ),
                "section": "trainings",
            },
        )

    def post(self, request: HttpRequest, pk: int) -> HttpResponse:
        name = str(self.trainee)
        services.trainee_anonymise(trainee=self.trainee, by=request.user)
        messages.success(
            request,
            _(
                "Les données personnelles de %(name)s sont effacées. La personne reste comptée "
                "une fois dans les sessions qu'elle a suivies."
            )
            % {"name": name},
        )
        return redirect(self.back())


def _int(value) -> int | None:
    return int(value) if value and str(value).isdigit() else None
