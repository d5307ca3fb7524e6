from django import template

from caflab import richtext as richtext_module

register = template.Library()


@register.filter
def richtext(value: str):
    """Render staff-typed rich text, sanitised."""
    return richtext_module.render(value or "")


@register.filter
def percent(value, total):
    """`{{ count|percent:total }}` → 42 (an int); 0 when there is no total."""
    try:
        return round(100 * value / total) if total else 0
    except (TypeError, ZeroDivisionError):
        return 0
