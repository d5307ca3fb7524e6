"""The link from an audited object's admin page to its entries in the journal."""

from django import template
from django.contrib.contenttypes.models import ContentType
from django.urls import reverse

from caflab import audit

register = template.Library()


@register.simple_tag
def audit_journal_url(obj) -> str:
    """The journal filtered on this object, or "" for an object the trail does not follow."""
    if obj is None or obj.pk is None or not audit.is_audited(obj):
        return ""
    content_type = ContentType.objects.get_for_model(obj)
    return (
        f"{reverse('admin:caflab_activityevent_changelist')}"
        f"?content_type__id__exact={content_type.pk}&object_id={obj.pk}"
    )
