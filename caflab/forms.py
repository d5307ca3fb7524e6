from django.contrib.auth import forms as auth_forms
from django.utils.translation import gettext_lazy as _

from caflab.models import User


class RoleAttachmentMixin:
    """An agent belongs to a Caf, a partner to an organisation: said in French on the field
    (the database constraints would only give an error page)."""

    def clean(self):
        cleaned = super().clean()
        role = cleaned.get("role")
        if role == User.Role.AGENT and not cleaned.get("caf"):
            self.add_error("caf", _("Un agent doit être rattaché à sa Caf."))
        if role == User.Role.PARTNER and not cleaned.get("organisation"):
            self.add_error(
                "organisation", _("Un partenaire doit être rattaché à son organisation.")
            )
        return cleaned


class UserCreationForm(RoleAttachmentMixin, auth_forms.AdminUserCreationForm):
    class Meta:
        model = User
        fields = ("email", "first_name", "last_name", "role", "caf", "organisation")


class UserChangeForm(RoleAttachmentMixin, auth_forms.UserChangeForm):
    class Meta:
        model = User
        fields = "__all__"
