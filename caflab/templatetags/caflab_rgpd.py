"""The register of personal data (caflab.rgpd), for the pages that present it."""

from django import template

from caflab import rgpd

register = template.Library()


@register.simple_tag
def rgpd_register() -> list[dict]:
    return rgpd.retention_summary()
