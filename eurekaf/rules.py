"""Who may see, post, react to and answer ideas.

Agents see their Caf's box and the national box; a box's managers answer that box's ideas;
CafLab staff manage every box. Partners and anonymous visitors see nothing of Eurekaf.
"""

from __future__ import annotations

import rules
from django.db.models import Value

from caflab import fragments
from caflab.rules import is_agent, is_caflab_staff


def _reader(user) -> dict:
    """What Eurekaf needs to know of a reader, read once per user object, from the cache while
    Eurekaf's data has not changed: the boxes they manage, and whether they wrote hidden ideas
    (still shown to their author). One query when it is computed."""
    cached = getattr(user, "_eurekaf_reader", None)
    if cached is None:
        from eurekaf.models import Idea, IdeaBox

        def compute() -> dict:
            # No ORDER BY in the parts of a UNION (SQLite refuses it; the models have orderings).
            managed = (
                IdeaBox.managers.through.objects.filter(user=user)
                .order_by()
                .values_list("ideabox_id")
            )
            hidden = (
                Idea.objects.filter(author=user, is_hidden=True).order_by().values_list(Value(0))
            )
            found = {pk for (pk,) in managed.union(hidden)}  # 0: a box pk never is
            return {"managed": found - {0}, "wrote_hidden": 0 in found}

        cached = fragments.cached(
            "eurekaf-reader",
            # The version a page read once for all its parts (eurekaf.selectors.start_reading)
            getattr(user, "_eurekaf_version", None) or fragments.version_key("eurekaf"),
            vary=(user.pk,),
            compute=compute,
        )
        user._eurekaf_reader = cached
    return cached


def managed_box_ids(user) -> set[int]:
    """The boxes this user manages."""
    if not user.is_authenticated:
        return set()
    return _reader(user)["managed"]


def wrote_hidden_ideas(user) -> bool:
    """Whether this user wrote ideas now hidden by the moderation."""
    return user.is_authenticated and _reader(user)["wrote_hidden"]


def _box(obj):
    """Predicates accept an IdeaBox or anything attached to one (idea, campaign)."""
    if obj is None:
        return None
    return obj if hasattr(obj, "is_national") else obj.box


@rules.predicate
def can_see_box(user, obj) -> bool:
    box = _box(obj)
    if box is None:
        return False
    if is_caflab_staff(user):
        return True
    if not is_agent(user):
        return False
    return box.caf_id is None or box.caf_id == user.caf_id or box.pk in managed_box_ids(user)


@rules.predicate
def manages_box(user, obj) -> bool:
    box = _box(obj)
    if box is None or not user.is_authenticated:
        return False
    return is_caflab_staff(user) or box.pk in managed_box_ids(user)


@rules.predicate
def is_author(user, idea) -> bool:
    return idea is not None and user.is_authenticated and idea.author_id == user.pk


@rules.predicate
def is_visible(user, idea) -> bool:
    return idea is not None and not idea.is_hidden


@rules.predicate
def box_is_open(user, obj) -> bool:
    box = _box(obj)
    return box is not None and box.is_active


@rules.predicate
def has_no_reaction(user, idea) -> bool:
    return idea is not None and idea.support_count == 0 and idea.comment_count == 0


@rules.predicate
def is_submitted(user, idea) -> bool:
    return idea is not None and idea.status == "deposee"


@rules.predicate
def is_not_merged(user, idea) -> bool:
    return idea is not None and idea.status != "fusionnee"


@rules.predicate
def is_local(user, idea) -> bool:
    return idea is not None and not idea.box.is_national


can_view_idea = can_see_box & (is_visible | manages_box | is_author)

rules.add_perm("eurekaf.view_box", can_see_box)
rules.add_perm("eurekaf.post_idea", can_see_box & box_is_open & is_agent)
rules.add_perm("eurekaf.view_idea", can_view_idea)
rules.add_perm("eurekaf.edit_idea", is_author & is_submitted & has_no_reaction)
rules.add_perm("eurekaf.support_idea", can_view_idea & is_agent & ~is_author & is_not_merged)
rules.add_perm("eurekaf.follow_idea", can_view_idea)
# Managers and CafLab staff take part in the discussion too (questions, clarifications).
rules.add_perm("eurekaf.comment_idea", can_view_idea & (is_agent | manages_box) & is_not_merged)
rules.add_perm("eurekaf.report_idea", can_view_idea & is_agent)
rules.add_perm("eurekaf.answer_idea", manages_box)
rules.add_perm("eurekaf.escalate_idea", manages_box & is_local & is_not_merged)
rules.add_perm("eurekaf.manage_box", manages_box)
rules.add_perm("eurekaf.view_statistics", can_see_box)
rules.add_perm("eurekaf.view_national_statistics", is_caflab_staff)
