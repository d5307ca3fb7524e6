"""The users of the permission matrix, found in the demo data (see matrix.py for the roles)."""

from __future__ import annotations

from caflab.models import User
from tests.security.matrix import Role, World

CAF_A = "38"  # Caf de l'Isère
CAF_B = "29"  # Caf du Finistère


def build_world() -> World:
    from cooperation.models import PlanMember
    from livinglabs.models import Lab

    agent_a = User.objects.get(email="agent.isere@caflab.demo")
    partner_in = User.objects.get(email="partenaire.grenoble@caflab.demo")
    isere_plan_users = PlanMember.objects.filter(plan__caf__number=CAF_A).values("user")
    partner_out = (
        User.objects.filter(role=User.Role.PARTNER, is_active=True)
        .exclude(pk__in=isere_plan_users)
        .exclude(organisation__caf__number=CAF_A)
        .order_by("pk")
        .first()
    )
    facilitator = (
        User.objects.filter(facilitated_labs__in=Lab.objects.all(), is_active=True)
        .exclude(pk=agent_a.pk)
        .exclude(is_staff=True)
        .order_by("pk")
        .first()
    )
    agent_b = (
        User.objects.filter(role=User.Role.AGENT, caf__number=CAF_B, is_active=True)
        .exclude(facilitated_labs__isnull=False)
        .order_by("pk")
        .first()
    )
    users = {
        Role.ANONYMOUS: None,
        Role.AGENT_A: agent_a,
        Role.AGENT_B: agent_b,
        Role.PARTNER_IN: partner_in,
        Role.PARTNER_OUT: partner_out,
        Role.FACILITATOR: facilitator,
        Role.REFERENT: User.objects.get(email="referent.bretagne@caflab.demo"),
        Role.STAFF: User.objects.get(email="equipe@caflab.demo"),
    }
    missing = [role for role, user in users.items() if role is not Role.ANONYMOUS and not user]
    assert not missing, f"Aucun utilisateur de démonstration pour : {missing}"
    return World(users=users)
