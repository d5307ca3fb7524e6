"""Reads on the core models, shaped for the pages and the API."""

from django.db.models import Count, QuerySet

from caflab.models import Caf, Region, User


def caf_list(*, filters: dict | None = None) -> QuerySet[Caf]:
    filters = filters or {}
    qs = Caf.objects.select_related("region")
    if region := filters.get("region"):
        qs = qs.filter(region__code=region)
    return qs


def region_list() -> QuerySet[Region]:
    return Region.objects.annotate(caf_count=Count("cafs"))


def user_get_profile(*, user_id: int) -> User:
    return (
        User.objects.select_related("caf__region", "organisation")
        .prefetch_related("regions")
        .get(pk=user_id)
    )


def innovator_count(*, at_date) -> int:
    """Members of the community of innovators on a given date."""
    from caflab import rgpd

    return User.objects.filter(
        rgpd.counted_accounts(), is_innovator=True, innovator_since__lte=at_date
    ).count()
