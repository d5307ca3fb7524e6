"""Pages of « La Caf à votre écoute »: thin, over selectors and services."""

from __future__ import annotations

import secrets

import rules
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Count
from django.forms import MultipleChoiceField
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.safestring import mark_safe
from django.utils.translation import get_language, gettext as _
from django.views import View
from django.views.generic import ListView

from caflab import exports, ratelimit
from consultations import charts, selectors, services
from consultations.forms import (
    AccessCodeBatchForm,
    AccessCodeForm,
    SectionForm,
    data_from_answers,
    field_name,
)
from consultations.models import Answer, Consultation, Question, ResponseDraft, Tag

BROWSER_COOKIE = "caflab_repondant"
HONEYPOT = "site_internet"


def _draft_session_key(consultation: Consultation) -> str:
    return f"consultation-{consultation.pk}-brouillon"


def _code_session_key(consultation: Consultation) -> str:
    return f"consultation-{consultation.pk}-code"


def _answered_session_key(consultation: Consultation) -> str:
    return f"consultation-{consultation.pk}-repondu"


class ConsultationListView(ListView):
    template_name = "consultations/consultation_list.html"
    context_object_name = "consultations"
    paginate_by = 12
    PHASES = {
        "ouvertes": _("Ouvertes"),
        "a-venir": _("À venir"),
        "resultats": _("Résultats"),
        "closes": _("Closes"),
    }

    def can_manage(self) -> bool:
        """The permission, without the two queries of the model backend's permissions (no
        model permission grants it: the rules do, and a superuser has them all)."""
        user = self.request.user
        return bool(user.is_active and user.is_superuser) or rules.has_perm(
            "consultations.manage_consultation", user
        )

    def get_phase(self) -> str:
        phase = self.request.GET.get("phase", "ouvertes")
        if phase == "toutes" and self.can_manage():
            return phase
        return phase if phase in self.PHASES else "ouvertes"

    def get_queryset(self):
        filters = {"phase": self.get_phase(), "theme": self.request.GET.get("theme", "")}
        return selectors.consultation_list(user=self.request.user, filters=filters)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["phase"] = self.get_phase()
        context["can_manage"] = self.can_manage()
        context["phases"] = self.PHASES
        context["themes"] = selectors.theme_list()
        context["current_theme"] = self.request.GET.get("theme", "")
        context["restitutions"] = selectors.restitution_list(user=self.request.user)[:6]
        return context


class ConsultationDetailView(View):
    def get(self, request: HttpRequest, slug: str) -> HttpResponse:
        consultation = selectors.consultation_get(user=request.user, slug=slug)
        answered = request.session.get(_answered_session_key(consultation), False)
        own_response = None
        if request.user.is_authenticated:
            answered = answered or consultation.participations.filter(user=request.user).exists()
            if answered and not consultation.is_anonymous:
                own_response = True
        return render(
            request,
            "consultations/consultation_detail.html",
            {
                "consultation": consultation,
                "phase": consultation.phase(),
                "answered": answered,
                "can_edit": bool(own_response) and consultation.is_open,
                "can_answer": request.user.has_perm(
                    "consultations.answer_consultation", consultation
                ),
                "can_see_results": request.user.has_perm(
                    "consultations.view_results", consultation
                ),
                "can_manage": request.user.has_perm(
                    "consultations.manage_consultation", consultation
                ),
                "question_count": len(consultation.ordered_questions),
                "restitution": getattr(consultation, "restitution", None)
                if consultation.status == Consultation.Status.RESULTS
                else None,
            },
        )


class AnswerView(View):
    """Answering, one section per page, with a resume link and a final check."""

    def dispatch(self, request: HttpRequest, *args, **kwargs) -> HttpResponse:
        consultation = selectors.consultation_get(user=request.user, slug=kwargs["slug"])
        self.consultation = consultation
        if (
            consultation.audience != Consultation.Audience.PUBLIC
            and not consultation.requires_access_code
        ) and not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        if not request.user.has_perm("consultations.answer_consultation", consultation):
            raise PermissionDenied
        if not consultation.is_open:
            return render(
                request,
                "consultations/answer_closed.html",
                {"consultation": consultation, "phase": consultation.phase()},
                status=403,
            )
        if consultation.requires_access_code and not request.session.get(
            _code_session_key(consultation)
        ):
            return self.access_code(request)
        return super().dispatch(request, *args, **kwargs)

    # Access codes ---------------------------------------------------------------------------
    def access_code(self, request: HttpRequest) -> HttpResponse:
        consultation = self.consultation
        form = AccessCodeForm(request.POST or None)
        status = 200
        if request.method == "POST":
            allowed, wait = ratelimit.hit(self._rate_key("code"), limit=10, window=600)
            if not allowed:
                return _too_many(request, wait)
            if form.is_valid():
                if services.access_code_find(
                    consultation=consultation, code=form.cleaned_data["code"]
                ):
                    request.session[_code_session_key(consultation)] = form.cleaned_data["code"]
                    return redirect("consultations:consultation-answer", slug=consultation.slug)
                form.add_error("code", _("Ce code n'est pas valable ou a déjà servi."))
            status = 400
        return render(
            request,
            "consultations/answer_code.html",
            {"consultation": consultation, "form": form},
            status=status,
        )

    # Drafts ---------------------------------------------------------------------------------
    def get_draft(self, request: HttpRequest) -> ResponseDraft | None:
        token = request.session.get(_draft_session_key(self.consultation))
        if not token:
            return None
        return ResponseDraft.objects.filter(token=token, consultation=self.consultation).first()

    def new_draft(self, request: HttpRequest, *, editing: bool = False) -> ResponseDraft:
        data = {}
        if editing:
            answers = Answer.objects.filter(
                response__consultation=self.consultation, response__participation__user=request.user
            ).select_related("question")
            data = data_from_answers(answers)
        draft = services.draft_start(consultation=self.consultation, data=data, editing=editing)
        request.session[_draft_session_key(self.consultation)] = draft.token
        return draft

    def sections(self):
        return list(self.consultation.sections.all())

    def form_for(self, draft: ResponseDraft, step: int, data=None) -> SectionForm:
        section = self.sections()[step]
        return SectionForm(
            data,
            questions=list(section.questions.all()),
            context=draft.data,
            initial=None if data is not None else draft.data,
        )

    # GET ------------------------------------------------------------------------------------
    def get(self, request: HttpRequest, slug: str) -> HttpResponse:
        consultation = self.consultation
        if token := request.GET.get("reprise"):
            draft = ResponseDraft.objects.filter(
                token=token, consultation=consultation, submitted_at=None
            ).first()
            if draft is None:
                messages.error(
                    request,
                    _(
                        "Ce lien de reprise n'est plus valable : vos réponses ont déjà été "
                        "envoyées ou ont expiré."
                    ),
                )
                return redirect(consultation)
            request.session[_draft_session_key(consultation)] = draft.token
            return redirect("consultations:consultation-answer", slug=slug)
        editing = request.GET.get("modifier") == "1" and not consultation.is_anonymous
        if self._already_answered(request) and not editing:
            return render(request, "consultations/answer_done.html", {"consultation": consultation})
        draft = self.get_draft(request)
        if draft is None or draft.submitted_at is not None or (editing and not draft.editing):
            draft = self.new_draft(request, editing=editing)
        step = min(
            _int(request.GET.get("etape", draft.step)) or 0, draft.step, len(self.sections()) - 1
        )
        return self.render_step(request, draft, max(step, 0), self.form_for(draft, max(step, 0)))

    def render_step(self, request, draft, step, form, status=200) -> HttpResponse:
        sections = self.sections()
        response = render(
            request,
            "consultations/answer_step.html",
            {
                "consultation": self.consultation,
                "draft": draft,
                "section": sections[step],
                "step": step,
                "step_number": step + 1,
                "step_count": len(sections),
                "is_last": step == len(sections) - 1,
                "form": form,
                "blocks": form.question_blocks(),
                "honeypot": HONEYPOT,
                "resume_url": request.build_absolute_uri(
                    reverse(
                        "consultations:consultation-answer", kwargs={"slug": self.consultation.slug}
                    )
                    + f"?reprise={draft.token}"
                ),
            },
            status=status,
        )
        if BROWSER_COOKIE not in request.COOKIES and not request.user.is_authenticated:
            response.set_cookie(
                BROWSER_COOKIE,
                secrets.token_urlsafe(24),
                max_age=365 * 24 * 3600,
                httponly=True,
                samesite="Lax",
                secure=request.is_secure(),
            )
        return response

    # POST -----------------------------------------------------------------------------------
    def post(self, request: HttpRequest, slug: str) -> HttpResponse:
        consultation = self.consultation
        draft = self.get_draft(request)
        if draft is None or draft.submitted_at is not None:
            if draft is not None and draft.submitted_at is not None:
                return redirect("consultations:consultation-thanks", slug=slug)
            messages.warning(
                request,
                _(
                    "Votre session a expiré : reprenez le questionnaire. Les réponses que vous "
                    "aviez enregistrées sont conservées."
                ),
            )
            return redirect("consultations:consultation-answer", slug=slug)
        try:
            step = int(request.POST.get("etape", draft.step))
        except ValueError:
            step = draft.step
        step = max(0, min(step, len(self.sections()) - 1))
        form = self.form_for(draft, step, data=request.POST)
        raw = _raw_values(request.POST, form)
        action = request.POST.get("action", "suivant")

        if action == "precedent":
            services.draft_save(
                draft=draft, data=raw, step=max(step - 1, 0), section_fields=form.fields
            )
            return redirect(_step_url(slug, max(step - 1, 0)))
        if action == "enregistrer":
            services.draft_save(draft=draft, data=raw, step=step, section_fields=form.fields)
            return render(
                request,
                "consultations/answer_saved.html",
                {
                    "consultation": consultation,
                    "resume_url": request.build_absolute_uri(
                        reverse("consultations:consultation-answer", kwargs={"slug": slug})
                        + f"?reprise={draft.token}"
                    ),
                },
            )
        if not form.is_valid():
            return self.render_step(request, draft, step, form, status=400)
        if step < len(self.sections()) - 1:
            services.draft_save(
                draft=draft, data=form.to_data(), step=step + 1, section_fields=form.fields
            )
            return redirect(_step_url(slug, step + 1))
        # The last page goes with the response: written to the draft only if it is not stored.
        services.draft_merge(
            draft=draft, data=form.to_data(), step=step, section_fields=form.fields
        )
        try:
            return self.submit(request, draft)
        except Exception:
            services.draft_keep(draft=draft)  # nothing typed is lost
            raise

    def submit(self, request: HttpRequest, draft: ResponseDraft) -> HttpResponse:
        consultation = self.consultation
        slug = consultation.slug
        if request.POST.get(HONEYPOT):
            # A robot filled the hidden field: thank it, keep nothing.
            request.session.pop(_draft_session_key(consultation), None)
            return redirect("consultations:consultation-thanks", slug=slug)
        address = ratelimit.client_ip(request)
        allowed, wait = ratelimit.hit(
            self._rate_key("envoi"), limit=settings.CAFLAB_CONSULTATION_SUBMIT_RATE, window=600
        )
        if not allowed:
            services.draft_keep(draft=draft)
            return _too_many(request, wait)
        try:
            if draft.editing:
                services.response_update(
                    consultation=consultation, user=request.user, data=draft.data
                )
                ResponseDraft.objects.filter(pk=draft.pk).update(
                    submitted_at=timezone.now(), data={}
                )
            else:
                services.response_submit(
                    consultation=consultation,
                    data=draft.data,
                    user=request.user,
                    access_code=request.session.get(_code_session_key(consultation), ""),
                    browser_key=request.COOKIES.get(BROWSER_COOKIE, ""),
                    ip_address=address,
                    draft=draft,
                )
        except services.QuestionnaireInvalid as exc:
            first = self._first_step_with_errors(exc.field_errors)
            messages.error(request, str(exc.message))
            draft.step = first
            services.draft_keep(draft=draft)
            form = self.form_for(draft, first, data=_as_post(draft.data))
            form.is_valid()
            return self.render_step(request, draft, first, form, status=400)
        except services.AlreadyAnswered as exc:
            request.session[_answered_session_key(consultation)] = True
            return render(
                request,
                "consultations/answer_done.html",
                {"consultation": consultation, "message": exc.message},
                status=409,
            )
        except services.ConsultationError as exc:
            services.draft_keep(draft=draft)
            request.session.pop(_code_session_key(consultation), None)
            messages.error(request, exc.message)
            return redirect(consultation)
        request.session.pop(_draft_session_key(consultation), None)
        request.session.pop(_code_session_key(consultation), None)
        request.session[_answered_session_key(consultation)] = True
        return redirect("consultations:consultation-thanks", slug=slug)

    # Helpers --------------------------------------------------------------------------------
    def _already_answered(self, request: HttpRequest) -> bool:
        if request.session.get(_answered_session_key(self.consultation)):
            return True
        if request.user.is_authenticated:
            return self.consultation.participations.filter(user=request.user).exists()
        return False

    def _first_step_with_errors(self, errors: dict) -> int:
        for index, section in enumerate(self.sections()):
            for question in section.questions.all():
                if any(
                    name == field_name(question) or name.startswith(f"{field_name(question)}_")
                    for name in errors
                ):
                    return index
        return 0

    def _rate_key(self, what: str) -> str:
        address = ratelimit.client_ip(self.request)
        digest = services.ip_hash(self.consultation, address, timezone.localdate())
        return f"consultation:{what}:{digest}"


def _step_url(slug: str, step: int) -> str:
    url = reverse("consultations:consultation-answer", kwargs={"slug": slug})
    return f"{url}?etape={step}"


def _raw_values(post, form: SectionForm) -> dict:
    """What was typed in this section, valid or not, to keep it in the draft."""
    raw = {}
    for name, form_field in form.fields.items():
        # The draft is JSON in PostgreSQL, which refuses NUL: the form says it on sending.
        if isinstance(form_field, MultipleChoiceField):
            raw[name] = [value.replace("\x00", "") for value in post.getlist(name)]
        else:
            raw[name] = post.get(name, "").replace("\x00", "")
    return raw


def _as_post(data: dict):
    from consultations.forms import as_form_data

    return as_form_data(data)


def _too_many(request: HttpRequest, wait: int) -> HttpResponse:
    response = render(
        request, "consultations/too_many.html", {"wait_minutes": max(1, wait // 60)}, status=429
    )
    response["Retry-After"] = str(wait)
    return response


def thanks(request: HttpRequest, slug: str) -> HttpResponse:
    consultation = selectors.consultation_get(user=request.user, slug=slug)
    return render(request, "consultations/answer_thanks.html", {"consultation": consultation})


class ResultsView(View):
    def get(self, request: HttpRequest, slug: str) -> HttpResponse:
        consultation = selectors.consultation_get(
            user=request.user, slug=slug, perm="consultations.view_results", versions_for_page=True
        )
        staff = request.user.has_perm("consultations.manage_consultation", consultation)
        breakdowns = [
            q
            for q in consultation.ordered_questions
            if q.kind in Question.BREAKDOWN_KINDS
            and not q.is_confidential
            and (staff or q.publish_results)
        ]
        breakdown_id = _int(request.GET.get("ventilation"))
        if breakdown_id not in {q.pk for q in breakdowns}:
            breakdown_id = None  # and one cached page for every unknown value

        def compute() -> dict:
            results = selectors.consultation_results(
                consultation=consultation, public=not staff, breakdown_id=breakdown_id
            )
            charts.attach(results)
            body = render_to_string(
                "consultations/includes/results_body.html",
                {
                    "consultation": consultation,
                    "results": results,
                    "timeline_chart": charts.timeline(results),
                    "staff": staff,
                },
            )
            return {
                "computed_at": results.computed_at,
                "respondents": results.respondents,
                "breakdown": results.breakdown.pk if results.breakdown else None,
                "body": body,
            }

        # Counts, charts and tables, computed once for every reader of a kind (staff or
        # not): nothing per user in them. Cached like the counts (selectors' docstring).
        page = selectors.cached_counts(
            consultation,
            "consultations-results-page",
            (staff, breakdown_id, consultation.slug, consultation.min_cell_size, get_language()),
            compute,
            scopes=(selectors.CAFS_SCOPE,),
        )
        results = {
            "respondents": page["respondents"],
            "computed_at": page["computed_at"],
            "threshold": consultation.min_cell_size,
            "breakdown": next(
                (q for q in consultation.ordered_questions if q.pk == page["breakdown"]), None
            ),
        }
        return render(
            request,
            "consultations/results.html",
            {
                "consultation": consultation,
                "results": results,
                "results_body": mark_safe(page["body"]),  # noqa: S308 - rendered by our template
                "breakdowns": breakdowns,
                "staff": staff,
                "tags": selectors.tag_counts(consultation=consultation) if staff else [],
            },
        )


class StaffMixin(LoginRequiredMixin):
    def dispatch(self, request, *args, **kwargs):
        if not request.user.is_authenticated:
            return self.handle_no_permission()
        self.consultation = selectors.consultation_get(user=request.user, slug=kwargs["slug"])
        if not request.user.has_perm("consultations.manage_consultation", self.consultation):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)


class VerbatimsView(StaffMixin, View):
    """Free-text answers, searchable, coded with tags (irritants, besoins, idées)."""

    def get(self, request: HttpRequest, slug: str) -> HttpResponse:
        consultation = self.consultation
        question_id = _int(request.GET.get("question"))
        tag_id = _int(request.GET.get("etiquette"))
        search = request.GET.get("q", "").strip()[:200]
        answers = selectors.free_text_answers(
            consultation=consultation, question_id=question_id, search=search, tag_id=tag_id
        )
        page = Paginator(answers, 50).get_page(request.GET.get("page"))
        return render(
            request,
            "consultations/verbatims.html",
            {
                "consultation": consultation,
                "page_obj": page,
                "answers": page.object_list,
                "questions": [
                    q
                    for q in consultation.ordered_questions
                    if q.is_text or (q.choices.all() and any(c.is_other for c in q.choices.all()))
                ],
                "tags": selectors.tag_counts(consultation=consultation),
                "tag_kinds": Tag.Kind.choices,
                "search": search,
                "question_id": question_id,
                "tag_id": tag_id,
            },
        )

    def post(self, request: HttpRequest, slug: str) -> HttpResponse:
        consultation = self.consultation
        if request.POST.get("action") == "creer-etiquette":
            name = request.POST.get("name", "").strip()
            kind = request.POST.get("kind", Tag.Kind.OTHER)
            if not name or len(name) > 80 or kind not in Tag.Kind.values:
                messages.error(
                    request, _("Donnez un nom d'étiquette (80 caractères au plus) et sa nature.")
                )
                return redirect(request.get_full_path())
            services.tag_create(consultation=consultation, name=name, kind=kind, by=request.user)
            messages.success(request, _("Étiquette « %(name)s » créée.") % {"name": name})
            return redirect(request.get_full_path())
        answer = get_object_or_404(
            Answer, pk=_int(request.POST.get("answer")), response__consultation=consultation
        )
        tag = get_object_or_404(Tag, pk=_int(request.POST.get("tag")), consultation=consultation)
        services.answer_toggle_tag(answer=answer, tag=tag, by=request.user)
        if request.htmx:
            answer = Answer.objects.prefetch_related("tags").get(pk=answer.pk)
            return render(
                request,
                "consultations/includes/verbatim_tags.html",
                {"answer": answer, "tags": consultation.tags.all(), "consultation": consultation},
            )
        return redirect(request.get_full_path())


class ExportView(StaffMixin, View):
    def get(self, request: HttpRequest, slug: str, kind: str, fmt: str) -> HttpResponse:
        consultation = self.consultation
        if kind == "resultats":
            results = selectors.consultation_results(
                consultation=consultation, public=False, fresh=True
            )
            rows, columns = selectors.results_rows(results)
        elif kind == "reponses":
            rows, columns = selectors.raw_answer_rows(consultation)
        else:
            raise Http404
        return exports.export_response(
            fmt=fmt,
            filename_stem=f"{consultation.slug}-{kind}",
            rows=rows,
            columns=columns,
            sheet_title=kind.capitalize(),
        )


class AccessCodesView(StaffMixin, View):
    def get(self, request: HttpRequest, slug: str) -> HttpResponse:
        return self.render_form(request, AccessCodeBatchForm())

    def post(self, request: HttpRequest, slug: str) -> HttpResponse:
        form = AccessCodeBatchForm(request.POST)
        if not form.is_valid():
            return self.render_form(request, form, status=400)
        codes = services.access_codes_generate(
            consultation=self.consultation,
            count=form.cleaned_data["count"],
            batch=form.cleaned_data["batch"],
            by=request.user,
        )
        columns = exports.columns_from(
            [(_("Code d'accès"), "code"), (_("Lot"), "batch"), (_("Adresse"), "url")]
        )
        url = request.build_absolute_uri(
            reverse("consultations:consultation-answer", kwargs={"slug": self.consultation.slug})
        )
        rows = [{"code": code, "batch": form.cleaned_data["batch"], "url": url} for code in codes]
        return exports.csv_response(
            filename=f"codes-{self.consultation.slug}.csv", rows=rows, columns=columns
        )

    def render_form(self, request, form, status=200):
        counts = (
            self.consultation.access_codes.values("batch")
            .annotate(total=Count("id"), used=Count("used_on"))
            .order_by("batch")
        )
        return render(
            request,
            "consultations/access_codes.html",
            {"consultation": self.consultation, "form": form, "batches": counts},
            status=status,
        )


def restitution(request: HttpRequest, slug: str) -> HttpResponse:
    consultation = selectors.consultation_get(
        user=request.user, slug=slug, perm="consultations.view_results"
    )
    item = getattr(consultation, "restitution", None)
    staff = request.user.has_perm("consultations.manage_consultation", consultation)
    if item is None or (item.published_at is None and not staff):
        raise Http404
    featured = {q.pk for q in item.featured_questions.all()}
    results = selectors.consultation_results(consultation=consultation, public=True)
    results.questions = [r for r in results.questions if r.question.pk in featured and not r.hidden]
    charts.attach(results)
    return render(
        request,
        "consultations/restitution.html",
        {"consultation": consultation, "restitution": item, "results": results},
    )


def _int(value) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return None
