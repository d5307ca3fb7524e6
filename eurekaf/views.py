"""Pages of Eurekaf, the idea box: thin views over selectors and services.

Every page needs a login (anonymous visitors go to the login page) and is for Caf agents and
the CafLab team: partners are refused (403). An idea the user may not see is a 404, the same
answer as one that does not exist; an action the user may not take on it is a 403.
"""

from __future__ import annotations

import hashlib
from datetime import date

import rules
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.cache import cache
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import Http404, HttpRequest, HttpResponse
from django.middleware.csrf import get_token
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format, localize, number_format
from django.utils.html import format_html
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.safestring import mark_safe
from django.utils.translation import get_language, gettext as _, ngettext
from django.views import View

from caflab import charts, exports, files, fragments, ratelimit
from caflab.models import User
from caflab.rules import is_agent, is_caflab_staff
from eurekaf import selectors, services
from eurekaf.forms import (
    SORT_LABELS,
    AssignForm,
    BulkStatusForm,
    CampaignForm,
    CommentForm,
    EscalateForm,
    HideForm,
    IdeaEditForm,
    IdeaFilterForm,
    IdeaForm,
    MergeForm,
    NoteForm,
    ReportForm,
    StatisticsFilterForm,
    StatusForm,
)
from eurekaf.models import Attachment, Comment, Idea, IdeaBox, Report, Support
from eurekaf.rules import managed_box_ids

PAGE_SIZE = 20


# Helpers --------------------------------------------------------------------------------------
class EurekafMixin(LoginRequiredMixin):
    """Eurekaf is for Caf agents and the CafLab team."""

    def dispatch(self, request: HttpRequest, *args, **kwargs) -> HttpResponse:
        if not request.user.is_authenticated:
            return self.handle_no_permission()
        if not (is_agent(request.user) or is_caflab_staff(request.user)):
            raise PermissionDenied
        refusal = self.refuse(request, *args, **kwargs)
        if refusal is not None:
            return refusal
        return super().dispatch(request, *args, **kwargs)

    def refuse(self, request: HttpRequest, *args, **kwargs) -> HttpResponse | None:
        """A page that explains why this user may not go further, or None."""
        return None


def _is_manager(user) -> bool:
    """Manages at least one box (CafLab staff manage them all)."""
    return is_caflab_staff(user) or bool(managed_box_ids(user))


def _visible_idea(user, pk: int) -> Idea:
    """The idea for an action: 404 when it does not exist or the user may not see it."""
    idea = Idea.objects.select_related("box", "author").filter(pk=pk).first()
    if idea is None or not user.has_perm("eurekaf.view_idea", idea):
        raise Http404
    return idea


def _error_text(exc: ValidationError) -> str:
    return " ".join(exc.messages)


def _next_url(request: HttpRequest, default: str) -> str:
    """Back where the button was (the list with its filters), never to another site."""
    target = request.POST.get("next") or ""
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return default


def _query_without_page(request: HttpRequest) -> str:
    query = request.GET.copy()
    query.pop("page", None)
    return query.urlencode()


def _refused(request: HttpRequest, *, title: str, message: str, back=None) -> HttpResponse:
    """A 403 that explains, in French, why this action is not open to the user."""
    return render(
        request,
        "eurekaf/refused.html",
        {"title": title, "message": message, "back": back},
        status=403,
    )


def over_post_rate(request: HttpRequest, action: str, rate: str) -> int:
    """Counts one post of this agent (pages and API share the count): 0 within `rate`, else
    the seconds before the next one is accepted."""
    allowed, wait = ratelimit.hit_user(request.user, action, rate)
    return 0 if allowed else wait


def too_many_posts(response: HttpResponse, wait: int) -> HttpResponse:
    response["Retry-After"] = str(wait)
    return response


def _minutes(wait: int) -> int:
    return max(1, -(-wait // 60))


CARD_PARTS = {
    "status": "eurekaf/includes/status.html",
    "body": "eurekaf/includes/idea_card_body.html",
    "comments": "eurekaf/includes/idea_card_comments.html",
}


# What a card needs of its idea besides its shared parts: the reader's support button and
# its rights, the selection box.
CARD_ROW = ("title", "status", "is_hidden", "author_id", "support_count", "box_id")


def card_page(user, keys: list[int], *, version: str, also: dict) -> list[Idea]:
    """A page of the list, in the page's order: each idea with the parts of its card that are
    the same for every reader (status, title, box, Caf, date, campaign, themes, comments
    count) and the few fields its reader's part needs, from the cache in one read, rendered
    and read for the missing ones; then whether the reader supports each, in one query.
    Nothing of the reader is cached: the support button, its CSRF token and the selection
    box stay in the card template.

    `also` ({key: render}) are other shared fragments of the page, read in the same round
    trip: each render is replaced by its HTML."""
    language = get_language()
    cache_keys = {pk: f"c:eurekaf-card:{version}:{language}:{pk}" for pk in keys}
    pending = [key for key, value in also.items() if callable(value)]
    found = cache.get_many([*cache_keys.values(), *pending])
    rendered = {key: also[key]() for key in pending if key not in found}
    missing = [pk for pk, key in cache_keys.items() if key not in found]
    if missing:
        full = (
            Idea.objects.filter(pk__in=missing)
            .select_related("box", "origin_caf", "campaign")
            .prefetch_related("themes")
        )
        for idea in full:
            rendered[cache_keys[idea.pk]] = {
                "row": {name: getattr(idea, name) for name in CARD_ROW},
                "box": (idea.box.caf_id, idea.box.is_active),
                "parts": {
                    name: render_to_string(template, {"idea": idea})
                    for name, template in CARD_PARTS.items()
                },
            }
    if rendered:
        cache.set_many(rendered, timeout=fragments.TIMEOUT)
        found |= rendered
    for key in pending:
        also[key] = found[key]
    if not keys:
        return []
    supported = set(
        Support.objects.filter(agent=user, idea_id__in=keys).values_list("idea_id", flat=True)
    )
    ideas = []
    for pk, key in cache_keys.items():
        if key not in found:  # gone since the page's keys were read
            continue
        card = found[key]
        caf_id, is_active = card["box"]
        idea = Idea(pk=pk, **card["row"])
        idea.box = IdeaBox(pk=idea.box_id, caf_id=caf_id, is_active=is_active)
        if not user.has_perm("eurekaf.view_idea", idea):  # the rights, never the cache alone
            continue
        idea.card_parts = {
            name: mark_safe(html)  # noqa: S308
            for name, html in card["parts"].items()
        }
        idea.supported = pk in supported
        ideas.append(idea)
    return ideas


def support_html(idea: Idea, *, next_url: str, csrf_token: str) -> str:
    """eurekaf/includes/support.html for a card of the list, written here: the same markup
    (a test holds them equal), without the template engine's cost twenty times a page. The
    reader's own: never cached."""
    count = format_html(
        '<span class="compteur" id="compte-soutiens-{}">{}</span>',
        idea.pk,
        ngettext("%(n)s soutien", "%(n)s soutiens", idea.support_count)
        % {"n": localize(idea.support_count)},
    )
    form = ""
    if idea.can_support:
        url = reverse("eurekaf:idea-support", kwargs={"pk": idea.pk})
        form = format_html(
            '<form method="post" action="{url}" hx-post="{url}" hx-target="#soutien-{pk}" '
            'hx-swap="innerHTML">'
            '<input type="hidden" name="csrfmiddlewaretoken" value="{token}">'
            '<input type="hidden" name="soutien" value="{value}">{next}'
            '<button type="submit" id="bouton-soutien-{pk}" class="bouton-reaction" '
            'aria-pressed="{pressed}" aria-describedby="compte-soutiens-{pk}">{label}</button>'
            "</form>",
            url=url,
            pk=idea.pk,
            token=csrf_token,
            value="0" if idea.supported else "1",
            next=format_html('<input type="hidden" name="next" value="{}">', next_url)
            if next_url
            else "",
            pressed="true" if idea.supported else "false",
            label=_("Ne plus soutenir") if idea.supported else _("Soutenir"),
        )
    return format_html(
        '<div class="reaction" id="soutien-{pk}">{form}{count}</div>'
        '<span class="visuellement-cache" id="annonce-soutien-{pk}" aria-live="polite"></span>',
        pk=idea.pk,
        form=form,
        count=count,
    )


def _with_support_rights(user, ideas) -> list[Idea]:
    ideas = list(ideas)
    for idea in ideas:
        idea.can_support = user.has_perm("eurekaf.support_idea", idea)
    return ideas


# Ideas: list, bulk change, similar ------------------------------------------------------------
class IdeaListView(EurekafMixin, View):
    """Filters, search and sorts over the ideas this user may see; managers change the
    status of several ideas at once."""

    def get(self, request: HttpRequest) -> HttpResponse:
        return self.render_list(request)

    def post(self, request: HttpRequest) -> HttpResponse:
        user = request.user
        if not _is_manager(user):
            raise PermissionDenied
        form = BulkStatusForm(request.POST, user=user)
        if not form.is_valid():
            return self.render_list(request, bulk_form=form, status=400)
        done, errors = services.ideas_change_status(
            ideas=form.cleaned_data["ideas"],
            by=user,
            to_status=form.cleaned_data["to_status"],
            answer=form.cleaned_data["answer"],
        )
        if done:
            messages.success(
                request,
                ngettext(
                    "%(n)d idée a changé de statut.", "%(n)d idées ont changé de statut.", done
                )
                % {"n": done},
            )
        if errors:
            messages.error(
                request,
                ngettext(
                    "%(n)d idée n'a pas pu changer de statut :",
                    "%(n)d idées n'ont pas pu changer de statut :",
                    len(errors),
                )
                % {"n": len(errors)}
                + " "
                + " ; ".join(errors),
            )
        return redirect(request.get_full_path())

    def render_list(self, request: HttpRequest, *, bulk_form=None, status: int = 200):
        user = request.user
        # What the list shows of an idea or a Caf (names) also moves with CafLab's data.
        version, shown_version = selectors.start_reading(user)
        manager = _is_manager(user)
        choices = selectors.list_filters(
            user=user, version=version, shown_version=shown_version, manager=manager
        )
        form = IdeaFilterForm(
            request.GET or None,
            boxes=choices["boxes"],
            campaigns=choices["campaigns"],
            themes=choices["themes"],
            cafs=choices["cafs"],
            manager=manager,
        )
        filters = form.filters()
        query = _query_without_page(request)
        # The filters' form is the same for everyone with these boxes and this query (a GET
        # form: no CSRF token in it); it is read with the cards, in the same round trip.
        form_key = "c:eurekaf-filters:{}:{}".format(
            shown_version,
            hashlib.blake2b(
                repr((get_language(), manager, [b.pk for b in choices["boxes"]], query)).encode(),
                digest_size=12,
            ).hexdigest(),
        )
        shared = {
            form_key: lambda: render_to_string(
                "eurekaf/includes/idea_filters.html", {"form": form, "query": query}
            )
        }
        results = selectors.IdeaResults(
            user=user,
            filters=filters,
            version=version,
            boxes=choices["boxes"],
            loader=lambda keys: card_page(user, keys, version=shown_version, also=shared),
            page_hint=(PAGE_SIZE * (_page_number(request) - 1), PAGE_SIZE),
        )
        page = Paginator(results, PAGE_SIZE).get_page(request.GET.get("page"))
        ideas = _with_support_rights(user, page.object_list)
        token, here = get_token(request), request.get_full_path()
        for idea in ideas:
            idea.support_html = support_html(idea, next_url=here, csrf_token=token)
        if callable(shared[form_key]):  # an empty page: no cards were read
            card_page(user, [], version=shown_version, also=shared)
        if manager and bulk_form is None:
            bulk_form = BulkStatusForm(user=user)
        elif bulk_form is not None:  # refused: the ideas stay checked
            checked = set(request.POST.getlist("ideas"))
            for idea in ideas:
                idea.checked = str(idea.pk) in checked
        return render(
            request,
            "eurekaf/idea_list.html",
            {
                "filters_form": mark_safe(shared[form_key]),  # noqa: S308
                "filters": filters,
                "page_obj": page,
                "ideas": ideas,
                "query": query,
                "manager": manager,
                "bulk_form": bulk_form,
                "can_post": is_agent(user),
                "sort_labels": SORT_LABELS,
            },
            status=status,
        )


def _page_number(request: HttpRequest) -> int:
    try:
        return max(int(request.GET.get("page") or 1), 1)
    except ValueError:
        return 1


class IdeaSimilarView(EurekafMixin, View):
    """Ideas close to a title being typed: a fragment for htmx, a page without JavaScript."""

    def get(self, request: HttpRequest) -> HttpResponse:
        title = (request.GET.get("titre") or request.GET.get("title") or "").strip()[:160]
        ideas = selectors.similar_ideas(user=request.user, title=title)
        template = (
            "eurekaf/includes/similar_ideas.html" if request.htmx else "eurekaf/idea_similar.html"
        )
        return render(request, template, {"similar": ideas, "similar_title": title})


# Ideas: posting and editing -------------------------------------------------------------------
class IdeaCreateView(EurekafMixin, View):
    def refuse(self, request: HttpRequest, *args, **kwargs) -> HttpResponse | None:
        if not is_agent(request.user):
            return _refused(
                request,
                title=_("Déposer une idée"),
                message=_(
                    "Les idées sont déposées par les agents des Caf. L'équipe CafLab les étudie "
                    "et y répond depuis leur page."
                ),
            )
        return None

    def get(self, request: HttpRequest) -> HttpResponse:
        user = request.user
        form = IdeaForm(user=user)
        boxes = list(form.fields["box"].queryset)
        if not boxes:
            return _refused(
                request,
                title=_("Déposer une idée"),
                message=_("Aucune boîte à idées n'est ouverte pour vous en ce moment."),
            )
        initial = {"box": next((b.pk for b in boxes if b.caf_id == user.caf_id), boxes[0].pk)}
        if slug := request.GET.get("campagne"):
            campaign = form.fields["campaign"].queryset.filter(slug=slug).first()
            if campaign is not None:
                initial = {"box": campaign.box_id, "campaign": campaign.pk}
        if title := request.GET.get("titre"):
            initial["title"] = title[:160]
        form = IdeaForm(user=user, initial=initial)
        return self.render_form(request, form)

    def post(self, request: HttpRequest) -> HttpResponse:
        user = request.user
        form = IdeaForm(request.POST, request.FILES, user=user)
        if form.is_valid() and (
            wait := over_post_rate(request, "eurekaf-idea", settings.CAFLAB_IDEA_POST_RATE)
        ):
            # What was typed stays on the page, to be sent again later.
            form.add_error(
                None,
                _(
                    "Trop d'idées déposées en peu de temps : celle-ci n'est pas enregistrée. "
                    "Réessayez dans %(minutes)s min ; votre texte est conservé ci-dessous."
                )
                % {"minutes": _minutes(wait)},
            )
            return too_many_posts(self.render_form(request, form, status=429), wait)
        if form.is_valid():
            data = form.cleaned_data
            try:
                idea = services.idea_create(
                    box=data["box"],
                    author=user,
                    title=data["title"],
                    description=data["description"],
                    campaign=data["campaign"],
                    themes=data["themes"],
                    uploads=data["attachments"],
                )
            except services.IdeaError as exc:
                form.add_error(None, _error_text(exc))
            except ValidationError as exc:  # a file refused by caflab.files
                form.add_error("attachments", exc)
            else:
                messages.success(
                    request,
                    _(
                        "Votre idée est déposée. Vous la suivez : vous serez prévenu(e) par "
                        "courriel de chaque étape de son étude."
                    ),
                )
                return redirect(idea)
        return self.render_form(request, form, status=400)

    def render_form(self, request: HttpRequest, form: IdeaForm, status: int = 200):
        title = (form.data.get("title") if form.is_bound else form.initial.get("title")) or ""
        # What was typed, refused or not, searches the similar ideas: PostgreSQL refuses NUL.
        title = title.replace("\x00", "")[:160]
        similar = selectors.similar_ideas(user=request.user, title=title) if title else []
        return render(
            request,
            "eurekaf/idea_form.html",
            {
                "form": form,
                "similar": similar,
                "similar_title": title,
                "files_lost": form.is_bound and bool(request.FILES) and bool(form.errors),
            },
            status=status,
        )


class IdeaEditView(EurekafMixin, View):
    """The author edits the idea as long as nobody has reacted and its study has not begun."""

    def refuse(self, request: HttpRequest, *args, **kwargs) -> HttpResponse | None:
        self.idea = _visible_idea(request.user, kwargs["pk"])
        if not request.user.has_perm("eurekaf.edit_idea", self.idea):
            if self.idea.author_id == request.user.pk:
                message = _(
                    "Cette idée ne peut plus être modifiée : elle a déjà reçu des soutiens ou "
                    "des commentaires, ou son étude a commencé. Pour la préciser, ajoutez un "
                    "commentaire."
                )
            else:
                message = _("Seul l'auteur d'une idée peut la modifier.")
            return _refused(request, title=_("Modifier l'idée"), message=message, back=self.idea)
        return None

    def get(self, request: HttpRequest, pk: int) -> HttpResponse:
        idea = self.idea
        form = IdeaEditForm(
            initial={
                "title": idea.title,
                "description": idea.description,
                "themes": list(idea.themes.all()),
            }
        )
        return self.render_form(request, form)

    def post(self, request: HttpRequest, pk: int) -> HttpResponse:
        form = IdeaEditForm(request.POST)
        if form.is_valid():
            try:
                services.idea_update(
                    idea=self.idea,
                    by=request.user,
                    title=form.cleaned_data["title"],
                    description=form.cleaned_data["description"],
                    themes=form.cleaned_data["themes"],
                )
            except services.IdeaError as exc:
                form.add_error(None, _error_text(exc))
            else:
                messages.success(request, _("Votre idée est modifiée."))
                return redirect(self.idea)
        return self.render_form(request, form, status=400)

    def render_form(self, request, form, status=200):
        return render(
            request, "eurekaf/idea_edit.html", {"idea": self.idea, "form": form}, status=status
        )


# Ideas: the page and its actions --------------------------------------------------------------
DETAIL_PERMS = (
    "support_idea",
    "follow_idea",
    "comment_idea",
    "report_idea",
    "edit_idea",
    "answer_idea",
    "escalate_idea",
)


def render_detail(request: HttpRequest, pk: int, *, status: int = 200, **forms) -> HttpResponse:
    """The idea's page; an action whose form was refused passes it back, bound, with its
    errors."""
    user = request.user
    idea = selectors.idea_get(user=user, pk=pk)
    can = {name: user.has_perm(f"eurekaf.{name}", idea) for name in DETAIL_PERMS}
    idea.can_support = can["support_idea"]
    context = {
        "idea": idea,
        "can": can,
        "comments": idea.visible_comments,
        "changes": list(idea.status_changes.all()),
        "comment_form": forms.get("comment_form") or CommentForm(),
        "report_form": ReportForm(),
        "failed": next(iter(forms), ""),
        # The idea's card and public follow-up are the same for every reader: cached under
        # the versions they are computed from (the idea, the names of people and Cafs).
        "idea_version": fragments.version_key("eurekaf", "caflab"),
    }
    if can["answer_idea"]:
        box_managers = fragments.cached(
            "eurekaf-box-managers",
            fragments.version_key("eurekaf"),
            vary=(idea.box_id,),
            compute=lambda: list(
                IdeaBox.managers.through.objects.filter(ideabox_id=idea.box_id).values_list(
                    "user_id", flat=True
                )
            ),
        )
        assignees = User.objects.filter(pk__in=[*box_managers, user.pk]).order_by(
            "last_name", "first_name"
        )
        context |= {
            "notes": list(idea.notes.select_related("author").order_by("-created_at", "-id")),
            "reports": list(
                idea.reports.filter(resolved_at=None).select_related("reporter", "comment")
            ),
            "status_form": forms.get("status_form") or StatusForm(idea=idea),
            "assign_form": forms.get("assign_form")
            or AssignForm(
                assignees=assignees,
                initial={
                    "assignee": idea.assignee_id,
                    "service": idea.assigned_service,
                    "due_on": idea.answer_due_on,
                },
            ),
            "note_form": forms.get("note_form") or NoteForm(),
            "merge_form": forms.get("merge_form") or MergeForm(),
            "escalate_form": forms.get("escalate_form") or EscalateForm(),
            "hide_form": forms.get("hide_form") or HideForm(),
            "comment_hide_form": HideForm(),
            "transitions": idea.allowed_transitions(),
        }
    return render(request, "eurekaf/idea_detail.html", context, status=status)


class IdeaDetailView(EurekafMixin, View):
    def get(self, request: HttpRequest, pk: int) -> HttpResponse:
        return render_detail(request, pk)


class IdeaActionView(EurekafMixin, View):
    """A small POST on an idea: 404 if the user may not see it, 403 without `perm`; each
    subclass says what it does in `act(request, idea)`."""

    http_method_names = ["post"]
    perm = "eurekaf.view_idea"

    def post(self, request: HttpRequest, pk: int) -> HttpResponse:
        idea = _visible_idea(request.user, pk)
        if not request.user.has_perm(self.perm, idea):
            raise PermissionDenied
        return self.act(request, idea)

    def back(self, request: HttpRequest, idea: Idea, anchor: str = "") -> HttpResponse:
        return redirect(_next_url(request, idea.get_absolute_url() + anchor))


class IdeaSupportView(IdeaActionView):
    """The button says what it will do (soutien=1 or 0): a double click never counts twice."""

    def act(self, request: HttpRequest, idea: Idea) -> HttpResponse:
        if request.POST.get("soutien") == "0":
            services.idea_unsupport(idea=idea, agent=request.user)
            idea.supported, message = False, _("Vous ne soutenez plus cette idée.")
        else:
            services.idea_support(idea=idea, agent=request.user)
            idea.supported, message = True, _("Votre soutien est enregistré. Merci !")
        idea.refresh_from_db(fields=["support_count"])
        if request.htmx:
            idea.can_support = request.user.has_perm("eurekaf.support_idea", idea)
            return render(
                request,
                "eurekaf/includes/support_button.html",
                {"idea": idea, "next": _next_url(request, ""), "announce": True},
            )
        messages.success(request, message)
        return self.back(request, idea)


class IdeaFollowView(IdeaActionView):
    perm = "eurekaf.follow_idea"

    def act(self, request: HttpRequest, idea: Idea) -> HttpResponse:
        if request.POST.get("suivi") == "0":
            services.idea_unfollow(idea=idea, user=request.user)
            idea.followed, message = False, _("Vous ne suivez plus cette idée.")
        else:
            services.idea_follow(idea=idea, user=request.user)
            idea.followed = True
            message = _("Vous suivez cette idée : chaque changement vous sera envoyé par courriel.")
        idea.refresh_from_db(fields=["follower_count"])
        if request.htmx:
            return render(
                request,
                "eurekaf/includes/follow_button.html",
                {"idea": idea, "next": _next_url(request, ""), "announce": True},
            )
        messages.success(request, message)
        return self.back(request, idea)


class IdeaCommentView(IdeaActionView):
    perm = "eurekaf.comment_idea"

    def act(self, request: HttpRequest, idea: Idea) -> HttpResponse:
        form = CommentForm(request.POST)
        if form.is_valid() and (
            wait := over_post_rate(request, "eurekaf-comment", settings.CAFLAB_COMMENT_POST_RATE)
        ):
            form.add_error(
                "text",
                _(
                    "Trop de commentaires publiés en peu de temps : celui-ci n'est pas "
                    "enregistré. Réessayez dans %(minutes)s min ; votre texte est conservé."
                )
                % {"minutes": _minutes(wait)},
            )
            return too_many_posts(
                render_detail(request, idea.pk, status=429, comment_form=form), wait
            )
        if form.is_valid():
            try:
                comment = services.comment_create(
                    idea=idea, author=request.user, text=form.cleaned_data["text"]
                )
            except services.IdeaError as exc:
                form.add_error("text", _error_text(exc))
            else:
                messages.success(request, _("Votre commentaire est publié."))
                return redirect(f"{idea.get_absolute_url()}#commentaire-{comment.pk}")
        return render_detail(request, idea.pk, status=400, comment_form=form)


class IdeaStatusView(IdeaActionView):
    perm = "eurekaf.answer_idea"

    def act(self, request: HttpRequest, idea: Idea) -> HttpResponse:
        form = StatusForm(request.POST, idea=idea)
        if form.is_valid():
            to_status, answer = form.cleaned_data["to_status"], form.cleaned_data["answer"]
            try:
                services.idea_change_status(
                    idea=idea, by=request.user, to_status=to_status, answer=answer
                )
            except services.IdeaError as exc:
                field = (
                    "answer"
                    if to_status == Idea.Status.REJECTED
                    and not answer.strip()
                    and to_status in idea.allowed_transitions()
                    else "to_status"
                )
                form.add_error(field, _error_text(exc))
            else:
                messages.success(
                    request,
                    _("Nouveau statut : « %(status)s ». L'auteur et les abonnés sont prévenus.")
                    % {"status": Idea.Status(to_status).label},
                )
                return redirect(f"{idea.get_absolute_url()}#suivi-public")
        return render_detail(request, idea.pk, status=400, status_form=form)


class IdeaAssignView(IdeaActionView):
    perm = "eurekaf.answer_idea"

    def act(self, request: HttpRequest, idea: Idea) -> HttpResponse:
        assignees = User.objects.filter(
            Q(managed_idea_boxes=idea.box_id) | Q(pk=request.user.pk)
        ).distinct()
        form = AssignForm(request.POST, assignees=assignees)
        if form.is_valid():
            try:
                services.idea_assign(
                    idea=idea,
                    by=request.user,
                    assignee=form.cleaned_data["assignee"],
                    service=form.cleaned_data["service"],
                    due_on=form.cleaned_data["due_on"],
                )
            except services.IdeaError as exc:
                form.add_error("assignee", _error_text(exc))
            else:
                messages.success(request, _("L'attribution de l'idée est enregistrée."))
                return redirect(f"{idea.get_absolute_url()}#suivi-gestion")
        return render_detail(request, idea.pk, status=400, assign_form=form)


class IdeaNoteView(IdeaActionView):
    perm = "eurekaf.answer_idea"

    def act(self, request: HttpRequest, idea: Idea) -> HttpResponse:
        form = NoteForm(request.POST)
        if form.is_valid():
            try:
                services.note_add(idea=idea, by=request.user, text=form.cleaned_data["text"])
            except services.IdeaError as exc:
                form.add_error("text", _error_text(exc))
            else:
                messages.success(request, _("Note interne ajoutée."))
                return redirect(f"{idea.get_absolute_url()}#notes-internes")
        return render_detail(request, idea.pk, status=400, note_form=form)


class IdeaMergeView(IdeaActionView):
    perm = "eurekaf.answer_idea"

    def act(self, request: HttpRequest, idea: Idea) -> HttpResponse:
        form = MergeForm(request.POST)
        if form.is_valid():
            into = Idea.objects.select_related("box").filter(pk=form.cleaned_data["into"]).first()
            if into is None or not request.user.has_perm("eurekaf.answer_idea", into):
                form.add_error(
                    "into",
                    _("Aucune idée n°%(n)s parmi celles que vous gérez.")
                    % {"n": form.cleaned_data["into"]},
                )
            else:
                try:
                    services.idea_merge(
                        duplicate=idea,
                        into=into,
                        by=request.user,
                        answer=form.cleaned_data["answer"],
                    )
                except services.IdeaError as exc:
                    form.add_error("into", _error_text(exc))
                else:
                    messages.success(
                        request,
                        _(
                            "L'idée « %(duplicate)s » est fusionnée dans celle-ci : ses soutiens "
                            "et ses abonnés l'ont rejointe."
                        )
                        % {"duplicate": idea.title},
                    )
                    return redirect(into)
        return render_detail(request, idea.pk, status=400, merge_form=form)


class IdeaEscalateView(IdeaActionView):
    perm = "eurekaf.escalate_idea"

    def act(self, request: HttpRequest, idea: Idea) -> HttpResponse:
        form = EscalateForm(request.POST)
        if not form.is_valid():
            return render_detail(request, idea.pk, status=400, escalate_form=form)
        try:
            services.idea_escalate(idea=idea, by=request.user, answer=form.cleaned_data["answer"])
        except services.IdeaError as exc:
            messages.error(request, _error_text(exc))
        else:
            messages.success(
                request,
                _(
                    "L'idée est mise à contribution nationale : elle rejoint la boîte nationale, "
                    "avec son historique et sa Caf d'origine."
                ),
            )
        return redirect(idea)


class IdeaHideView(IdeaActionView):
    perm = "eurekaf.answer_idea"

    def act(self, request: HttpRequest, idea: Idea) -> HttpResponse:
        form = HideForm(request.POST)
        if form.is_valid():
            try:
                services.idea_hide(idea=idea, by=request.user, reason=form.cleaned_data["reason"])
            except services.IdeaError as exc:
                form.add_error("reason", _error_text(exc))
            else:
                messages.success(
                    request, _("L'idée est masquée ; son auteur est prévenu avec le motif.")
                )
                return redirect(idea)
        return render_detail(request, idea.pk, status=400, hide_form=form)


class IdeaReportView(IdeaActionView):
    perm = "eurekaf.report_idea"

    def act(self, request: HttpRequest, idea: Idea) -> HttpResponse:
        form = ReportForm(request.POST)
        anchor = "#commentaires"
        if not form.is_valid():
            messages.error(request, _("Dites en quelques mots pourquoi vous signalez ce contenu."))
            return self.back(request, idea, anchor)
        comment = None
        if comment_id := form.cleaned_data["comment"]:
            comment = Comment.objects.filter(pk=comment_id, idea=idea).first()
            if comment is None:
                raise Http404
            anchor = f"#commentaire-{comment.pk}"
        try:
            services.report_create(
                idea=idea, by=request.user, reason=form.cleaned_data["reason"], comment=comment
            )
        except services.IdeaError as exc:
            messages.error(request, _error_text(exc))
        else:
            messages.success(
                request,
                _("Merci : votre signalement est transmis aux gestionnaires de la boîte."),
            )
        return self.back(request, idea, anchor)


class CommentHideView(EurekafMixin, View):
    http_method_names = ["post"]

    def post(self, request: HttpRequest, pk: int) -> HttpResponse:
        comment = Comment.objects.select_related("idea__box", "author").filter(pk=pk).first()
        if comment is None or not request.user.has_perm("eurekaf.view_idea", comment.idea):
            raise Http404
        if not request.user.has_perm("eurekaf.answer_idea", comment.idea):
            raise PermissionDenied
        form = HideForm(request.POST)
        url = f"{comment.idea.get_absolute_url()}#commentaire-{comment.pk}"
        if not form.is_valid():
            messages.error(
                request, _("Indiquez le motif du masquage : il est communiqué à l'auteur.")
            )
            return redirect(url)
        try:
            services.comment_hide(
                comment=comment, by=request.user, reason=form.cleaned_data["reason"]
            )
        except services.IdeaError as exc:
            messages.error(request, _error_text(exc))
        else:
            messages.success(
                request, _("Le commentaire est masqué ; son auteur est prévenu avec le motif.")
            )
        return redirect(url)


class ReportResolveView(EurekafMixin, View):
    """A manager closes a report without hiding anything (nothing wrong found)."""

    http_method_names = ["post"]

    def post(self, request: HttpRequest, pk: int) -> HttpResponse:
        report = Report.objects.select_related("idea__box").filter(pk=pk).first()
        if report is None or not request.user.has_perm("eurekaf.view_idea", report.idea):
            raise Http404
        if not request.user.has_perm("eurekaf.answer_idea", report.idea):
            raise PermissionDenied
        services.report_resolve(report=report, by=request.user)
        messages.success(request, _("Le signalement est classé sans suite."))
        return redirect(f"{report.idea.get_absolute_url()}#signalements")


class AttachmentDownloadView(EurekafMixin, View):
    def get(self, request: HttpRequest, pk: int) -> HttpResponse:
        attachment = Attachment.objects.select_related("idea__box").filter(pk=pk).first()
        if attachment is None or not request.user.has_perm("eurekaf.view_idea", attachment.idea):
            raise Http404
        return files.protected_file_response(
            attachment.file, filename=attachment.name, content_type=attachment.content_type
        )


# Campaigns ------------------------------------------------------------------------------------
class CampaignListView(EurekafMixin, View):
    def get(self, request: HttpRequest) -> HttpResponse:
        today = timezone.localdate()
        groups = {"running": [], "upcoming": [], "past": []}
        for campaign in selectors.campaign_list(user=request.user):
            if campaign.starts_on > today:
                groups["upcoming"].append(campaign)
            elif campaign.ends_on < today:
                groups["past"].append(campaign)
            else:
                groups["running"].append(campaign)
        groups["upcoming"].reverse()  # the next one first
        return render(
            request,
            "eurekaf/campaign_list.html",
            {**groups, "can_create": _is_manager(request.user)},
        )


class CampaignDetailView(EurekafMixin, View):
    def get(self, request: HttpRequest, slug: str) -> HttpResponse:
        user = request.user
        campaign = selectors.campaign_list(user=user).filter(slug=slug).first()
        if campaign is None:
            raise Http404
        ideas = selectors.idea_list(user=user, filters={"campaign": campaign.slug})
        page = Paginator(ideas, PAGE_SIZE).get_page(request.GET.get("page"))
        return render(
            request,
            "eurekaf/campaign_detail.html",
            {
                "campaign": campaign,
                "themes": list(campaign.themes.all()),
                "running": campaign.is_running(),
                "can_post": campaign.is_running() and user.has_perm("eurekaf.post_idea", campaign),
                "page_obj": page,
                "ideas": _with_support_rights(user, page.object_list),
                "query": "",
            },
        )


class CampaignCreateView(EurekafMixin, View):
    def refuse(self, request: HttpRequest, *args, **kwargs) -> HttpResponse | None:
        user = request.user
        self.boxes = (
            IdeaBox.objects.all()
            if is_caflab_staff(user)
            else IdeaBox.objects.filter(pk__in=managed_box_ids(user))
        )
        if not self.boxes.exists():
            return _refused(
                request,
                title=_("Lancer une campagne"),
                message=_(
                    "Les campagnes sont lancées par les gestionnaires d'une boîte à idées et par "
                    "l'équipe CafLab. Adressez votre proposition de campagne à votre référent "
                    "innovation."
                ),
            )
        return None

    def get(self, request: HttpRequest) -> HttpResponse:
        return self.render_form(request, CampaignForm(boxes=self.boxes))

    def post(self, request: HttpRequest) -> HttpResponse:
        form = CampaignForm(request.POST, boxes=self.boxes)
        if form.is_valid():
            data = form.cleaned_data
            try:
                campaign = services.campaign_create(
                    box=data["box"],
                    by=request.user,
                    title=data["title"],
                    slug=data["slug"],
                    brief=data["brief"],
                    starts_on=data["starts_on"],
                    ends_on=data["ends_on"],
                    kind=data["kind"],
                    themes=data["themes"],
                    pitch_on=data["pitch_on"],
                )
            except services.IdeaError as exc:
                form.add_error(None, _error_text(exc))
            else:
                messages.success(request, _("La campagne « %(title)s » est lancée.") % data)
                return redirect("eurekaf:campaign-detail", slug=campaign.slug)
        return self.render_form(request, form, status=400)

    def render_form(self, request, form, status=200):
        return render(request, "eurekaf/campaign_form.html", {"form": form}, status=status)


# Statistics -----------------------------------------------------------------------------------
class StatisticsScopeMixin(EurekafMixin):
    """Which ideas the figures cover: one box the user can see, or (CafLab staff) the whole
    network when no box is chosen."""

    def scope(self, request: HttpRequest) -> dict:
        user = request.user
        boxes = list(selectors.visible_boxes(user=user))
        # The rule alone: a permission without object would also read the user's groups.
        national = rules.has_perm("eurekaf.view_national_statistics", user)
        form = StatisticsFilterForm(request.GET or None, boxes=boxes, national=national)
        form.is_valid()
        if "boite" in form.errors:
            raise Http404  # a box this user may not see, or that does not exist
        data = getattr(form, "cleaned_data", {})
        slug = data.get("boite") or ""
        box = next((b for b in boxes if b.slug == slug), None)
        if box is None and not national:
            box = next((b for b in boxes if b.caf_id and b.caf_id == user.caf_id), None) or next(
                (b for b in boxes if b.is_national), None
            )
            if box is None:
                raise Http404
            form = StatisticsFilterForm(
                {**request.GET.dict(), "boite": box.slug}, boxes=boxes, national=national
            )
            form.is_valid()
        if box is not None and not user.has_perm("eurekaf.view_statistics", box):
            raise PermissionDenied
        selected = IdeaBox.objects.filter(pk=box.pk) if box else IdeaBox.objects.all()
        since, until = data.get("du"), data.get("au")
        return {
            "form": form,
            "box": box,
            "stats": selectors.statistics_for(boxes=selected, since=since, until=until),
            "since": since,
            "until": until,
            "can_export": user.has_perm("eurekaf.manage_box", box) if box else national,
        }


def _month_series(per_month: list[tuple]) -> tuple[list[str], list[int]]:
    """Every month from the first idea to the last, the empty ones at 0."""
    counts = {}
    for month, n in per_month:
        day = timezone.localtime(month).date() if hasattr(month, "hour") else month
        counts[(day.year, day.month)] = n
    if not counts:
        return [], []
    (year, month), last = min(counts), max(counts)
    labels, values = [], []
    while (year, month) <= last:
        labels.append(date_format(date(year, month, 1), "YEAR_MONTH_FORMAT"))
        values.append(counts.get((year, month), 0))
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return labels, values


def _days(value: float | None) -> str:
    """« 0,5 jour », « 12 jours »: French takes the singular below 2."""
    if value is None:
        return "—"
    shown = number_format(value, 0 if float(value).is_integer() else 1, use_l10n=True)
    return ngettext("%(n)s jour", "%(n)s jours", 1 if value < 2 else 2) % {"n": shown}


def statistics_charts(stats: selectors.Statistics) -> list[charts.Chart]:
    labels, values = _month_series(stats.per_month)
    return [
        charts.line_chart(
            title=_("Idées déposées par mois"), labels=labels, series={_("Idées"): values}
        ),
        charts.bar_chart(
            title=_("Idées par statut"),
            labels=[label for _status, label, _n in stats.by_status],
            values=[n for _status, _label, n in stats.by_status],
        ),
        charts.bar_chart(
            title=_("Idées par Caf d'origine"),
            labels=[name for name, _n in stats.by_caf],
            values=[n for _name, n in stats.by_caf],
        ),
        charts.bar_chart(
            title=_("Idées par campagne"),
            labels=[title for title, _n in stats.by_campaign],
            values=[n for _title, n in stats.by_campaign],
        ),
    ]


class StatisticsView(StatisticsScopeMixin, View):
    def get(self, request: HttpRequest) -> HttpResponse:
        scope = self.scope(request)
        query = request.GET.copy()
        if scope["box"] is not None:
            query["boite"] = scope["box"].slug
        return render(
            request,
            "eurekaf/statistics.html",
            {
                **scope,
                "charts": statistics_charts(scope["stats"]),
                "median": _days(scope["stats"].median_days_to_answer),
                "query": query.urlencode(),
            },
        )


class StatisticsExportView(StatisticsScopeMixin, View):
    def get(self, request: HttpRequest, fmt: str) -> HttpResponse:
        if fmt not in exports.FORMATS:
            raise Http404
        scope = self.scope(request)
        if not scope["can_export"]:
            raise PermissionDenied
        stats, box = scope["stats"], scope["box"]
        columns = exports.columns_from(
            [(_("Rubrique"), "section"), (_("Libellé"), "label"), (_("Valeur"), "value")]
        )
        return exports.export_response(
            fmt=fmt,
            filename_stem=f"eurekaf-statistiques-{box.slug if box else 'reseau'}",
            rows=statistics_rows(stats),
            columns=columns,
            sheet_title=_("Statistiques"),
        )


def statistics_rows(stats: selectors.Statistics) -> list[dict]:
    figures = _("Chiffres clés")
    rows = [
        {"section": figures, "label": _("Idées déposées"), "value": stats.total},
        {"section": figures, "label": _("Auteurs distincts"), "value": stats.authors},
        {"section": figures, "label": _("Soutiens distincts"), "value": stats.supporters},
        {"section": figures, "label": _("Idées ayant reçu une réponse"), "value": stats.answered},
        {
            "section": figures,
            "label": _("Part des idées ayant reçu une réponse (%)"),
            "value": stats.answered_share,
        },
        {
            "section": figures,
            "label": _("Délai médian avant la première réponse (jours)"),
            "value": stats.median_days_to_answer,
        },
        {"section": figures, "label": _("Idées mises en œuvre"), "value": stats.implemented},
        {
            "section": figures,
            "label": _("Taux de mise en œuvre (%)"),
            "value": stats.implementation_rate,
        },
    ]
    labels, values = _month_series(stats.per_month)
    rows += [
        {"section": _("Par mois"), "label": label, "value": value}
        for label, value in zip(labels, values, strict=True)
    ]
    rows += [
        {"section": _("Par statut"), "label": label, "value": n} for _s, label, n in stats.by_status
    ]
    rows += [{"section": _("Par Caf"), "label": name, "value": n} for name, n in stats.by_caf]
    rows += [
        {"section": _("Par campagne"), "label": title, "value": n} for title, n in stats.by_campaign
    ]
    return rows
