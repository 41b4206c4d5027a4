"""The access rules in templates: ``{% load access %}{% if user|prepares:form.department %}``."""

from django import template

register = template.Library()


@register.filter
def prepares(user, department) -> bool:
    """``user.prepares(department)``: whether the user fills in that department's forms."""
    return bool(getattr(user, "is_authenticated", False) and user.prepares(department))
