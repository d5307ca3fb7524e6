"""A DRF permission backed by the apps' `rules` predicates: the API checks what the pages check."""

from rest_framework import permissions


class RulesPermission(permissions.BasePermission):
    """Reads `permission_required` on the view: a perm name, or a dict action → perm name.

    Object permissions are checked with the object; list permissions without one.
    """

    def _perm(self, view) -> str | None:
        required = getattr(view, "permission_required", None)
        if isinstance(required, dict):
            return required.get(getattr(view, "action", None) or "", required.get("default"))
        return required

    def has_permission(self, request, view) -> bool:
        if not (request.user and request.user.is_authenticated):
            return False
        if getattr(view, "detail", False):
            return True  # decided with the object in has_object_permission
        perm = self._perm(view)
        return perm is None or request.user.has_perm(perm)

    def has_object_permission(self, request, view, obj) -> bool:
        perm = self._perm(view)
        return perm is None or request.user.has_perm(perm, obj)
