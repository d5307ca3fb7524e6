"""The pages of Eurekaf under /idees/: posting, reacting, the follow-up by the box's managers,
moderation, campaigns, statistics; permissions per role and query counts that do not grow."""

import html
from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from eurekaf.models import (
    Attachment,
    Campaign,
    Comment,
    Follow,
    Idea,
    IdeaStatusChange,
    InternalNote,
    Report,
    Support,
)
from tests.caflab.factories import AgentFactory, caf
from tests.eurekaf.factories import CampaignFactory, IdeaFactory, ThemeFactory, box

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"
EXECUTABLE = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00" + b"\x00" * 200


def text(response) -> str:
    """The page as a reader sees it: entities decoded."""
    return html.unescape(response.content.decode())


def detail(idea) -> str:
    return reverse("eurekaf:idea-detail", kwargs={"pk": idea.pk})


def action(name: str, idea) -> str:
    return reverse(f"eurekaf:idea-{name}", kwargs={"pk": idea.pk})


@pytest.fixture(autouse=True)
def boxes(db):
    """The boxes of the Caf de l'Isère and of the Finistère, and the national box."""
    return box("38"), box("29"), box(None)


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path)
    return tmp_path


@pytest.fixture
def manager(db):
    """An agent of the Caf de l'Isère who manages its idea box."""
    user = AgentFactory(caf=caf("38"), first_name="Inès", last_name="Gestionnaire")
    box("38").managers.add(user)
    return user


@pytest.fixture
def idea(agent):
    """An idea of the Caf 38 box, posted by `agent`."""
    return IdeaFactory(box=box("38"), author=agent, title="Des rappels téléphoniques à heure fixe")


@pytest.fixture
def colleague(db):
    """Another agent of the Caf de l'Isère."""
    return AgentFactory(caf=caf("38"))


def react(idea, agents, *, supports=0, comments=0):
    """Supports and comments written as the services leave them (rows and counters)."""
    Support.objects.bulk_create([Support(idea=idea, agent=a) for a in agents[:supports]])
    Comment.objects.bulk_create(
        [
            Comment(idea=idea, author=agents[i % len(agents)], text=f"Avis n°{i}")
            for i in range(comments)
        ]
    )
    Idea.objects.filter(pk=idea.pk).update(support_count=supports, comment_count=comments)


# Permissions per role -------------------------------------------------------------------------
@pytest.mark.parametrize(
    "name",
    ["idea-list", "idea-create", "idea-similar", "campaign-list", "campaign-create", "statistics"],
)
def test_anonymous_visitors_are_sent_to_the_login_page(client, name):
    url = reverse(f"eurekaf:{name}")
    response = client.get(url)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))
    assert "next=" in response["Location"]


def test_anonymous_visitors_see_no_idea_and_cannot_act(client, idea):
    for url in (detail(idea), action("edit", idea)):
        assert client.get(url).status_code == 302
    response = client.post(action("support", idea), {"soutien": "1"})
    assert response.status_code == 302
    assert Support.objects.count() == 0


def test_partners_are_refused(client, partner, idea):
    client.force_login(partner)
    for url in (
        reverse("eurekaf:idea-list"),
        reverse("eurekaf:idea-create"),
        reverse("eurekaf:campaign-list"),
        reverse("eurekaf:statistics"),
        detail(idea),
    ):
        assert client.get(url).status_code == 403, url
    assert client.post(action("support", idea), {"soutien": "1"}).status_code == 403


@pytest.mark.parametrize("who", ["other_caf_agent", "referent"])
def test_another_cafs_agent_sees_national_ideas_but_not_those_of_caf_38(client, request, who, idea):
    national = IdeaFactory(box=box(None), title="Un simulateur unique pour toutes les aides")
    client.force_login(request.getfixturevalue(who))
    listing = text(client.get(reverse("eurekaf:idea-list")))
    assert national.title in listing
    assert idea.title not in listing
    assert client.get(detail(idea)).status_code == 404
    assert client.get(detail(national)).status_code == 200
    assert client.post(action("support", idea), {"soutien": "1"}).status_code == 404
    assert client.get(reverse("eurekaf:idea-list"), {"boite": "caf-38"}).status_code == 200


# Posting --------------------------------------------------------------------------------------
def test_agent_posts_an_idea_with_a_pdf_attachment(client, agent, media):
    theme = ThemeFactory(name="Accueil", slug="accueil")
    client.force_login(agent)
    page = text(client.get(reverse("eurekaf:idea-create")))
    assert "<h1>Déposer une idée</h1>" in page
    assert 'hx-trigger="keyup changed delay:400ms"' in page
    assert 'aria-live="polite"' in page
    response = client.post(
        reverse("eurekaf:idea-create"),
        {
            "box": box("38").pk,
            "title": "Un espace d'attente pour les enfants à l'accueil",
            "description": "Les parents viennent souvent avec leurs enfants.\n"
            "Un coin jeux aiderait.",
            "themes": [theme.pk],
            "attachments": [SimpleUploadedFile("plan.pdf", PDF, content_type="application/pdf")],
        },
    )
    idea = Idea.objects.get()
    assert response.status_code == 302
    assert response["Location"] == detail(idea)
    assert idea.author == agent
    assert idea.origin_caf == caf("38")
    assert list(idea.themes.all()) == [theme]
    attachment = Attachment.objects.get()
    assert attachment.content_type == "application/pdf"
    assert attachment.name == "plan.pdf"
    assert Follow.objects.filter(idea=idea, user=agent).exists()
    page = text(client.get(response["Location"]))
    assert "Votre idée est déposée." in page
    assert "plan.pdf" in page
    assert (
        "<p>Les parents viennent souvent avec leurs enfants.<br>Un coin jeux aiderait.</p>" in page
    )


def test_a_disguised_executable_is_refused_and_what_was_typed_is_kept(client, agent, media):
    client.force_login(agent)
    response = client.post(
        reverse("eurekaf:idea-create"),
        {
            "box": box("38").pk,
            "title": "Un tableau de bord des délais",
            "description": "Pour piloter les délais de traitement.",
            "attachments": [SimpleUploadedFile("delais.pdf", EXECUTABLE)],
        },
    )
    assert response.status_code == 400
    page = text(response)
    assert "« delais.pdf » : Ce type de fichier n'est pas accepté." in page
    assert 'value="Un tableau de bord des délais"' in page
    assert "Pour piloter les délais de traitement." in page
    assert "sélectionnez-les à nouveau" in page
    assert 'aria-invalid="true"' in page
    assert "<title>Erreur — " in page
    assert not Idea.objects.exists()
    assert not Attachment.objects.exists()


def test_more_than_five_attachments_are_refused(client, agent, media):
    client.force_login(agent)
    uploads = [SimpleUploadedFile(f"piece-{i}.pdf", PDF) for i in range(6)]
    response = client.post(
        reverse("eurekaf:idea-create"),
        {
            "box": box("38").pk,
            "title": "Six pièces",
            "description": "Trop.",
            "attachments": uploads,
        },
    )
    assert response.status_code == 400
    assert "Joignez 5 fichiers au plus." in text(response)


def test_missing_fields_are_explained_in_french(client, agent):
    client.force_login(agent)
    response = client.post(reverse("eurekaf:idea-create"), {"box": box("38").pk, "title": ""})
    assert response.status_code == 400
    page = text(response)
    assert "Le formulaire contient des erreurs" in page
    assert "Ce champ est obligatoire." in page


def test_a_campaign_is_preselected_from_the_address(client, agent):
    campaign = CampaignFactory(box=box("38"), slug="accueil-2025", title="Accueil 2025")
    client.force_login(agent)
    page = text(client.get(reverse("eurekaf:idea-create"), {"campagne": "accueil-2025"}))
    assert f'<option value="{campaign.pk}" selected>Accueil 2025 — Caf de l\'Isère</option>' in page


def test_an_idea_goes_to_its_campaign_and_not_to_another_boxs(client, agent):
    campaign = CampaignFactory(box=box(None), title="Appel national")
    client.force_login(agent)
    refused = client.post(
        reverse("eurekaf:idea-create"),
        {"box": box("38").pk, "campaign": campaign.pk, "title": "Idée", "description": "Texte"},
    )
    assert refused.status_code == 400
    assert "Cette campagne appartient à la boîte « Boîte nationale »" in text(refused)
    accepted = client.post(
        reverse("eurekaf:idea-create"),
        {"box": box(None).pk, "campaign": campaign.pk, "title": "Idée", "description": "Texte"},
    )
    assert accepted.status_code == 302
    assert Idea.objects.get().campaign == campaign


def test_campaign_staff_cannot_post_and_are_told_why(client, staff):
    client.force_login(staff)
    response = client.get(reverse("eurekaf:idea-create"))
    assert response.status_code == 403
    assert "Les idées sont déposées par les agents des Caf" in text(response)


def test_similar_ideas_fragment_while_typing(client, agent, other_caf_agent):
    IdeaFactory(box=box("38"), title="Élargir les horaires d'accueil le samedi matin")
    IdeaFactory(box=box("29"), title="Des horaires d'accueil plus larges dans le Finistère")
    client.force_login(agent)
    url = reverse("eurekaf:idea-similar")
    fragment = client.get(url, {"titre": "horaires accueil"}, HTTP_HX_REQUEST="true")
    body = text(fragment)
    assert fragment.status_code == 200
    assert "<html" not in body
    assert "Élargir les horaires d'accueil le samedi matin" in body
    assert "Finistère" not in body  # another Caf's box is not visible
    assert "1 idée proche existe déjà" in body
    nothing = text(client.get(url, {"titre": "parentalité numérique"}, HTTP_HX_REQUEST="true"))
    assert "Aucune idée proche" in nothing
    page = text(client.get(url, {"titre": "horaires accueil"}))  # without JavaScript
    assert "<h1>Idées proches de « horaires accueil »</h1>" in page
    assert "Élargir les horaires d'accueil le samedi matin" in page


# Editing --------------------------------------------------------------------------------------
def test_the_author_edits_an_idea_nobody_reacted_to(client, agent, idea):
    client.force_login(agent)
    assert client.get(action("edit", idea)).status_code == 200
    response = client.post(
        action("edit", idea), {"title": "Des rappels à heure fixe", "description": "Précisée."}
    )
    assert response.status_code == 302
    idea.refresh_from_db()
    assert idea.title == "Des rappels à heure fixe"
    assert "Modifier mon idée" in text(client.get(detail(idea)))


def test_an_idea_with_a_support_can_no_longer_be_edited(client, agent, colleague, idea):
    react(idea, [colleague], supports=1)
    client.force_login(agent)
    response = client.get(action("edit", idea))
    assert response.status_code == 403
    assert "Cette idée ne peut plus être modifiée" in text(response)
    assert client.post(action("edit", idea), {"title": "x", "description": "y"}).status_code == 403
    assert "Modifier mon idée" not in text(client.get(detail(idea)))


def test_only_the_author_edits(client, colleague, idea):
    client.force_login(colleague)
    response = client.get(action("edit", idea))
    assert response.status_code == 403
    assert "Seul l'auteur d'une idée peut la modifier." in text(response)


# Support and follow ---------------------------------------------------------------------------
def test_support_toggle_without_javascript_counts_once(client, colleague, idea):
    client.force_login(colleague)
    listing = reverse("eurekaf:idea-list") + "?tri=soutenues"
    first = client.post(action("support", idea), {"soutien": "1", "next": listing})
    assert first.status_code == 302
    assert first["Location"] == listing  # back to the list with its filters
    client.post(action("support", idea), {"soutien": "1", "next": listing})  # double click
    idea.refresh_from_db()
    assert idea.support_count == 1
    assert Support.objects.filter(idea=idea).count() == 1
    page = text(client.get(detail(idea)))
    assert 'aria-pressed="true"' in page
    assert "Ne plus soutenir" in page
    assert "1 soutien" in page
    client.post(action("support", idea), {"soutien": "0"})
    client.post(action("support", idea), {"soutien": "0"})
    idea.refresh_from_db()
    assert idea.support_count == 0


def test_support_toggle_with_htmx_swaps_the_button(client, colleague, idea):
    client.force_login(colleague)
    response = client.post(action("support", idea), {"soutien": "1"}, HTTP_HX_REQUEST="true")
    body = text(response)
    assert response.status_code == 200
    assert "<html" not in body
    assert f'id="bouton-soutien-{idea.pk}"' in body  # same id: htmx keeps the focus on it
    assert 'aria-pressed="true"' in body
    assert "Ne plus soutenir" in body
    assert 'name="soutien" value="0"' in body
    assert 'hx-swap-oob="innerHTML"' in body
    assert "Votre soutien est enregistré. 1 soutien." in body
    again = text(client.post(action("support", idea), {"soutien": "1"}, HTTP_HX_REQUEST="true"))
    assert "1 soutien" in again
    idea.refresh_from_db()
    assert idea.support_count == 1
    off = text(client.post(action("support", idea), {"soutien": "0"}, HTTP_HX_REQUEST="true"))
    assert 'aria-pressed="false"' in off
    assert ">Soutenir</button>" in off
    assert "0 soutien" in off


def test_a_redirect_never_leaves_the_portal(client, colleague, idea):
    client.force_login(colleague)
    response = client.post(action("support", idea), {"soutien": "1", "next": "https://evil.test/"})
    assert response["Location"] == detail(idea)


def test_the_author_cannot_support_their_own_idea(client, agent, idea):
    client.force_login(agent)
    assert client.post(action("support", idea), {"soutien": "1"}).status_code == 403
    assert "Soutenir</button>" not in text(client.get(detail(idea)))


def test_follow_and_unfollow(client, colleague, idea):
    client.force_login(colleague)
    client.post(action("follow", idea), {"suivi": "1"})
    client.post(action("follow", idea), {"suivi": "1"})
    idea.refresh_from_db()
    assert idea.follower_count == 2  # the author and the colleague
    fragment = text(client.post(action("follow", idea), {"suivi": "0"}, HTTP_HX_REQUEST="true"))
    assert ">Suivre</button>" in fragment
    assert "1 abonné" in fragment
    assert not Follow.objects.filter(idea=idea, user=colleague).exists()


# Comments -------------------------------------------------------------------------------------
def test_an_agent_comments_and_then_follows_the_idea(client, colleague, idea):
    client.force_login(colleague)
    response = client.post(action("comment", idea), {"text": "Très bonne idée, testée à Vienne."})
    comment = Comment.objects.get()
    assert response["Location"] == f"{detail(idea)}#commentaire-{comment.pk}"
    idea.refresh_from_db()
    assert idea.comment_count == 1
    assert Follow.objects.filter(idea=idea, user=colleague).exists()
    page = text(client.get(detail(idea)))
    assert "Très bonne idée, testée à Vienne." in page
    assert "1 commentaire" in page


def test_an_empty_comment_is_refused_on_its_field(client, colleague, idea):
    client.force_login(colleague)
    response = client.post(action("comment", idea), {"text": "   "})
    assert response.status_code == 400
    page = text(response)
    assert "Ce champ est obligatoire." in page
    assert not Comment.objects.exists()


def test_comment_text_is_escaped(client, colleague, idea):
    client.force_login(colleague)
    client.post(action("comment", idea), {"text": "<script>alert(1)</script>"})
    body = client.get(detail(idea)).content.decode()
    assert "<script>alert(1)</script>" not in body
    assert "&lt;script&gt;" in body


# Follow-up by the box's managers --------------------------------------------------------------
def test_a_manager_answers_and_the_author_reads_the_timeline(client, manager, agent, idea):
    client.force_login(manager)
    page = text(client.get(detail(idea)))
    assert "Suivi par les gestionnaires" in page
    response = client.post(
        action("status", idea),
        {"to_status": "retenue", "answer": "Expérimentation à l'accueil de Grenoble en mars."},
    )
    assert response.status_code == 302
    idea.refresh_from_db()
    assert idea.status == Idea.Status.SELECTED
    client.force_login(agent)
    page = text(client.get(detail(idea)))
    assert "Suivi par les gestionnaires" not in page
    assert "Retenue" in page
    assert "Expérimentation à l'accueil de Grenoble en mars." in page


def test_a_forbidden_transition_is_explained(client, manager, idea):
    client.force_login(manager)
    response = client.post(action("status", idea), {"to_status": "mise_en_oeuvre"})
    assert response.status_code == 400
    assert "Une idée « Déposée » ne peut pas passer à « Mise en œuvre »." in text(response)
    idea.refresh_from_db()
    assert idea.status == Idea.Status.SUBMITTED


def test_only_allowed_transitions_are_offered(client, manager, idea):
    client.force_login(manager)
    page = text(client.get(detail(idea)))
    assert 'value="en_etude"' in page
    assert 'value="non_retenue"' in page
    assert 'name="to_status" value="mise_en_oeuvre"' not in page


def test_a_rejection_needs_a_public_answer(client, manager, idea):
    client.force_login(manager)
    response = client.post(action("status", idea), {"to_status": "non_retenue", "answer": ""})
    assert response.status_code == 400
    assert "Une idée non retenue doit recevoir une réponse publique" in text(response)
    assert IdeaStatusChange.objects.filter(idea=idea).count() == 1


def test_merging_via_the_page(client, manager, colleague, idea):
    original = IdeaFactory(box=box("38"), title="Rappeler les allocataires à l'heure convenue")
    react(idea, [colleague], supports=1)
    client.force_login(manager)
    response = client.post(action("merge", idea), {"into": original.pk, "answer": ""})
    assert response["Location"] == detail(original)
    original.refresh_from_db()
    idea.refresh_from_db()
    assert idea.status == Idea.Status.MERGED
    assert original.support_count == 1
    page = text(client.get(detail(idea)))
    assert "Fusionnée dans" in page
    assert f'href="{detail(original)}"' in page
    assert idea.title in text(client.get(detail(original)))  # the merged duplicates
    unknown = client.post(action("merge", original), {"into": 999999})
    assert unknown.status_code == 400
    assert "Aucune idée n°999999 parmi celles que vous gérez." in text(unknown)


def test_escalation_via_the_page(client, manager, other_caf_agent, idea):
    client.force_login(manager)
    response = client.post(action("escalate", idea), {"answer": ""})
    assert response.status_code == 302
    idea.refresh_from_db()
    assert idea.box == box(None)
    assert idea.escalated_from == box("38")
    client.force_login(other_caf_agent)
    page = text(client.get(detail(idea)))
    assert "mise à contribution nationale depuis Caf de l'Isère" in page
    assert "Caf d'origine" in page


def test_a_national_idea_cannot_be_escalated(client, staff):
    national = IdeaFactory(box=box(None))
    client.force_login(staff)
    assert client.post(action("escalate", national)).status_code == 403


def test_assignment_and_internal_notes(client, manager, agent, idea):
    other_manager = AgentFactory(caf=caf("38"), first_name="Paul", last_name="Étude")
    box("38").managers.add(other_manager)
    client.force_login(manager)
    due = timezone.localdate() + timedelta(days=30)
    response = client.post(
        action("assign", idea),
        {"assignee": other_manager.pk, "service": "Accueil", "due_on": due.isoformat()},
    )
    assert response.status_code == 302
    idea.refresh_from_db()
    assert (idea.assignee, idea.assigned_service, idea.answer_due_on) == (
        other_manager,
        "Accueil",
        due,
    )
    refused = client.post(action("assign", idea), {"assignee": agent.pk})
    assert refused.status_code == 400  # not a manager of the box
    client.post(action("note", idea), {"text": "Voir avec la plateforme téléphonique."})
    assert InternalNote.objects.filter(idea=idea).count() == 1
    assert "Voir avec la plateforme téléphonique." in text(client.get(detail(idea)))
    client.force_login(agent)
    assert "Voir avec la plateforme téléphonique." not in text(client.get(detail(idea)))


def test_agents_cannot_take_manager_actions(client, colleague, idea):
    client.force_login(colleague)
    for name, data in [
        ("status", {"to_status": "en_etude"}),
        ("assign", {}),
        ("note", {"text": "x"}),
        ("merge", {"into": idea.pk}),
        ("escalate", {}),
        ("hide", {"reason": "x"}),
    ]:
        assert client.post(action(name, idea), data).status_code == 403, name


def test_bulk_status_change_reports_what_was_done_and_what_was_not(client, staff):
    first = IdeaFactory(box=box("38"), title="Première idée")
    second = IdeaFactory(box=box("38"), title="Deuxième idée")
    done = IdeaFactory(box=box("38"), title="Idée déjà mise en œuvre", status="mise_en_oeuvre")
    client.force_login(staff)
    url = reverse("eurekaf:idea-list") + "?tri=recentes"
    page = text(client.get(url))
    assert 'form="changement-groupe"' in page
    response = client.post(
        url, {"ideas": [first.pk, second.pk, done.pk], "to_status": "en_etude", "answer": ""}
    )
    assert response.status_code == 302
    assert response["Location"] == url
    page = text(client.get(url))
    assert "2 idées ont changé de statut." in page
    assert "« Idée déjà mise en œuvre » : Une idée « Mise en œuvre » ne peut pas passer" in page
    assert Idea.objects.filter(status="en_etude").count() == 2


def test_bulk_change_is_for_managers(client, agent, idea):
    client.force_login(agent)
    response = client.post(
        reverse("eurekaf:idea-list"), {"ideas": [idea.pk], "to_status": "retenue"}
    )
    assert response.status_code == 403
    assert 'form="changement-groupe"' not in text(client.get(reverse("eurekaf:idea-list")))


# Moderation and reports -----------------------------------------------------------------------
def test_a_hidden_comment_is_shown_as_hidden_to_agents_and_visible_to_managers(
    client, manager, colleague, other_caf_agent, agent, idea
):
    comment = Comment.objects.create(idea=idea, author=colleague, text="Propos désobligeant")
    Idea.objects.filter(pk=idea.pk).update(comment_count=1)
    client.force_login(manager)
    response = client.post(
        reverse("eurekaf:comment-hide", kwargs={"pk": comment.pk}),
        {"reason": "propos irrespectueux"},
    )
    assert response["Location"] == f"{detail(idea)}#commentaire-{comment.pk}"
    comment.refresh_from_db()
    assert comment.is_hidden
    manager_page = text(client.get(detail(idea)))
    assert "Propos désobligeant" in manager_page
    assert "Masqué par la modération : propos irrespectueux" in manager_page
    client.force_login(colleague)  # its author
    author_page = text(client.get(detail(idea)))
    assert "Commentaire masqué par la modération : propos irrespectueux" in author_page
    assert "Propos désobligeant" not in author_page
    client.force_login(agent)
    assert "Propos désobligeant" not in text(client.get(detail(idea)))


def test_hiding_needs_a_reason_and_a_manager(client, manager, colleague, idea):
    comment = Comment.objects.create(idea=idea, author=colleague, text="Texte")
    url = reverse("eurekaf:comment-hide", kwargs={"pk": comment.pk})
    client.force_login(colleague)
    assert client.post(url, {"reason": "x"}).status_code == 403
    client.force_login(manager)
    response = client.post(url, {"reason": ""}, follow=True)
    assert "Indiquez le motif du masquage" in text(response)
    comment.refresh_from_db()
    assert not comment.is_hidden


def test_a_hidden_idea_is_seen_only_by_its_author_and_managers(
    client, manager, agent, colleague, idea
):
    client.force_login(manager)
    refused = client.post(action("hide", idea), {"reason": ""})
    assert refused.status_code == 400
    assert "Ce champ est obligatoire." in text(refused)
    response = client.post(action("hide", idea), {"reason": "données personnelles"})
    assert response.status_code == 302
    client.force_login(colleague)
    assert client.get(detail(idea)).status_code == 404
    client.force_login(agent)
    page = text(client.get(detail(idea)))
    assert "Cette idée est masquée par la modération : données personnelles." in page


def test_reports_reach_the_managers(client, manager, colleague, agent, idea):
    comment = Comment.objects.create(idea=idea, author=agent, text="Un commentaire")
    client.force_login(colleague)
    page = text(client.get(detail(idea)))
    assert "Signaler cette idée" in page
    response = client.post(
        action("report", idea), {"reason": "Doublon d'une idée de 2024", "comment": ""}
    )
    assert response.status_code == 302
    again = client.post(action("report", idea), {"reason": "Encore"}, follow=True)
    assert "Vous avez déjà signalé ce contenu" in text(again)
    client.post(action("report", idea), {"reason": "Hors sujet", "comment": comment.pk})
    empty = client.post(action("report", idea), {"reason": ""}, follow=True)
    assert "Dites en quelques mots pourquoi vous signalez ce contenu." in text(empty)
    assert Report.objects.count() == 2
    assert Report.objects.filter(comment=comment).exists()
    client.force_login(manager)
    page = text(client.get(detail(idea)))
    assert "« Doublon d'une idée de 2024 »" in page
    assert "« Hors sujet »" in page
    report = Report.objects.get(comment=None)
    url = reverse("eurekaf:report-resolve", kwargs={"pk": report.pk})
    client.force_login(colleague)
    assert client.post(url).status_code == 403
    client.force_login(manager)
    response = client.post(url, follow=True)
    assert "Le signalement est classé sans suite." in text(response)
    assert "« Doublon d'une idée de 2024 »" not in text(response)
    report.refresh_from_db()
    assert report.resolved_at is not None


# Attachments ----------------------------------------------------------------------------------
def test_attachment_download_checks_the_idea(client, agent, colleague, other_caf_agent, media):
    client.force_login(agent)
    client.post(
        reverse("eurekaf:idea-create"),
        {
            "box": box("38").pk,
            "title": "Avec un plan",
            "description": "Voir le plan joint.",
            "attachments": [SimpleUploadedFile("plan.pdf", PDF)],
        },
    )
    attachment = Attachment.objects.get()
    url = reverse("eurekaf:attachment-download", kwargs={"pk": attachment.pk})
    client.force_login(colleague)
    response = client.get(url)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith("attachment;")
    assert b"".join(response.streaming_content) == PDF
    client.force_login(other_caf_agent)
    assert client.get(url).status_code == 404
    client.logout()
    assert client.get(url).status_code == 302


# Campaigns ------------------------------------------------------------------------------------
def test_campaign_pages(client, agent):
    theme = ThemeFactory(name="Aidance", slug="aidance")
    today = timezone.localdate()
    criee = CampaignFactory(
        box=box("38"),
        kind=Campaign.Kind.INITIATIVES,
        title="Criée des partenaires d'action sociale",
        slug="criee-partenaires",
        brief="<p>Vos <strong>initiatives</strong></p><script>alert(1)</script>",
        starts_on=today - timedelta(days=10),
        ends_on=today + timedelta(days=10),
        pitch_on=today + timedelta(days=20),
    )
    criee.themes.add(theme)
    IdeaFactory(box=box("38"), campaign=criee, title="Un relais des aidants")
    CampaignFactory(
        box=box("38"),
        title="Campagne passée",
        starts_on=today - timedelta(days=100),
        ends_on=today - timedelta(days=50),
    )
    client.force_login(agent)
    listing = text(client.get(reverse("eurekaf:campaign-list")))
    assert "Criée des partenaires d'action sociale" in listing
    assert "Appel à initiatives (criée)" in listing
    assert "Terminées" in listing
    response = client.get(reverse("eurekaf:campaign-detail", kwargs={"slug": criee.slug}))
    body = response.content.decode()
    page = text(response)
    assert "<strong>initiatives</strong>" in body
    assert "<script>alert(1)" not in body
    assert "Date de la criée" in page
    assert "Un relais des aidants" in page
    assert "Déposer une idée pour cette campagne" in page
    assert f"{reverse('eurekaf:idea-create')}?campagne=criee-partenaires" in page


def test_another_cafs_campaign_is_not_found(client, other_caf_agent):
    campaign = CampaignFactory(box=box("38"))
    client.force_login(other_caf_agent)
    url = reverse("eurekaf:campaign-detail", kwargs={"slug": campaign.slug})
    assert client.get(url).status_code == 404


def test_a_manager_launches_a_campaign(client, manager):
    client.force_login(manager)
    today = timezone.localdate()
    data = {
        "box": box("38").pk,
        "kind": "thematique",
        "title": "Simplifier les courriers",
        "slug": "",
        "brief": "Vos idées pour des courriers plus clairs.",
        "starts_on": today.isoformat(),
        "ends_on": (today + timedelta(days=30)).isoformat(),
    }
    response = client.post(reverse("eurekaf:campaign-create"), data)
    campaign = Campaign.objects.get()
    assert campaign.slug == "simplifier-les-courriers"
    assert campaign.created_by == manager
    assert response["Location"] == reverse(
        "eurekaf:campaign-detail", kwargs={"slug": campaign.slug}
    )
    again = client.post(reverse("eurekaf:campaign-create"), data)
    assert again.status_code == 302
    assert Campaign.objects.filter(slug="simplifier-les-courriers-2").exists()
    criee = client.post(reverse("eurekaf:campaign-create"), {**data, "kind": "initiatives"})
    assert criee.status_code == 400
    assert "Indiquez la date de la criée" in text(criee)
    backwards = client.post(
        reverse("eurekaf:campaign-create"),
        {**data, "ends_on": (today - timedelta(days=1)).isoformat()},
    )
    assert "La campagne doit se terminer après avoir commencé." in text(backwards)


def test_agents_cannot_launch_campaigns(client, agent):
    client.force_login(agent)
    response = client.get(reverse("eurekaf:campaign-create"))
    assert response.status_code == 403
    assert "Les campagnes sont lancées par les gestionnaires" in text(response)


# Statistics -----------------------------------------------------------------------------------
@pytest.fixture
def figures(colleague, other_caf_agent):
    """Caf 38: four ideas by three authors (plus a merged duplicate, left out), answered after
    2, 4 and 10 days, one implemented; two distinct supporters. One idea in the Caf 29."""
    authors = AgentFactory.create_batch(3, caf=caf("38"))
    start = timezone.now() - timedelta(days=60)
    specs = [
        (authors[0], "deposee", None),
        (authors[0], "retenue", 2),
        (authors[1], "mise_en_oeuvre", 4),
        (authors[2], "non_retenue", 10),
    ]
    ideas = []
    for author, status, delay in specs:
        idea = IdeaFactory(box=box("38"), author=author, status=status)
        Idea.objects.filter(pk=idea.pk).update(
            created_at=start,
            first_answer_at=start + timedelta(days=delay) if delay else None,
        )
        ideas.append(idea)
    duplicate = IdeaFactory(box=box("38"), author=authors[1])
    Idea.objects.filter(pk=duplicate.pk).update(status="fusionnee", merged_into=ideas[0])
    supporter = AgentFactory(caf=caf("38"))
    Support.objects.bulk_create(
        [
            Support(idea=ideas[0], agent=colleague),
            Support(idea=ideas[1], agent=colleague),
            Support(idea=ideas[1], agent=supporter),
        ]
    )
    IdeaFactory(box=box("29"), author=other_caf_agent)
    return ideas


def test_statistics_match_hand_computed_figures(client, agent, figures):
    client.force_login(agent)
    response = client.get(reverse("eurekaf:statistics"))
    assert response.status_code == 200
    stats = response.context["stats"]
    assert (stats.total, stats.authors, stats.supporters) == (4, 3, 2)
    assert stats.answered == 3
    assert stats.answered_share == 75.0
    assert stats.median_days_to_answer == 4.0
    assert stats.implementation_rate == 25.0
    page = text(response)
    assert "<h1>Statistiques : Caf de l'Isère</h1>" in page
    assert "75\xa0%" in page
    assert "25\xa0%" in page
    assert "4 jours" in page
    assert page.count('<svg xmlns="http://www.w3.org/2000/svg" role="img"') == 4
    assert "Exporter" not in page  # agents read, managers export


def test_statistics_are_per_visible_box(client, agent, other_caf_agent, staff, figures):
    client.force_login(other_caf_agent)
    assert client.get(reverse("eurekaf:statistics"), {"boite": "caf-38"}).status_code == 404
    own = client.get(reverse("eurekaf:statistics"))
    assert own.context["stats"].total == 1
    client.force_login(staff)
    network = client.get(reverse("eurekaf:statistics"))
    assert network.context["box"] is None
    assert network.context["stats"].total == 5
    assert "Statistiques du réseau" in text(network)
    period = client.get(
        reverse("eurekaf:statistics"),
        {"boite": "caf-38", "du": timezone.localdate().isoformat()},
    )
    assert period.context["stats"].total == 0


def test_statistics_export(client, agent, manager, staff, figures):
    client.force_login(agent)
    url = reverse("eurekaf:statistics-export", kwargs={"fmt": "csv"})
    assert client.get(url).status_code == 403
    client.force_login(manager)
    response = client.get(url, {"boite": "caf-38"})
    assert response.status_code == 200
    content = b"".join(response.streaming_content).decode("utf-8-sig")
    assert "Rubrique;Libellé;Valeur" in content
    assert "Chiffres clés;Idées déposées;4" in content
    assert "Chiffres clés;Part des idées ayant reçu une réponse (%);75,0" in content
    assert "Par statut;Mise en œuvre;1" in content
    xlsx = client.get(reverse("eurekaf:statistics-export", kwargs={"fmt": "xlsx"}))
    assert xlsx.status_code == 200
    assert xlsx["Content-Type"].startswith("application/vnd.openxmlformats")
    client.force_login(staff)
    assert client.get(url).status_code == 200  # the whole network
    assert (
        client.get(reverse("eurekaf:statistics-export", kwargs={"fmt": "pdf"})).status_code == 404
    )


# Home page panel ------------------------------------------------------------------------------
def test_home_panel_shows_running_campaigns_and_followed_ideas(client, agent, colleague, idea):
    CampaignFactory(box=box("38"), title="Campagne en cours à l'Isère")
    Follow.objects.create(idea=idea, user=colleague)
    Idea.objects.filter(pk=idea.pk).update(status="retenue", status_changed_at=timezone.now())
    client.force_login(colleague)
    page = text(client.get("/"))
    assert "Idées à suivre" in page
    assert "Campagne en cours à l'Isère" in page
    assert idea.title in page


def test_home_panel_is_absent_when_nothing_concerns_the_user(client, other_caf_agent, partner):
    client.force_login(other_caf_agent)
    assert "Idées à suivre" not in text(client.get("/"))
    client.force_login(partner)
    assert "Idées à suivre" not in text(client.get("/"))


# Query counts ---------------------------------------------------------------------------------
@pytest.fixture
def crowd(db):
    """Three agents of the Caf 38 who support and comment."""
    return AgentFactory.create_batch(3, caf=caf("38"))


@pytest.mark.parametrize("n", [1, 25])
def test_idea_list_queries_do_not_grow(client, agent, crowd, n, django_assert_num_queries):
    theme = ThemeFactory()
    campaign = CampaignFactory(box=box("38"))
    for _i in range(n):
        idea = IdeaFactory(box=box("38"), campaign=campaign)
        idea.themes.add(theme)
        react(idea, crowd, supports=3, comments=2)
    client.force_login(agent)
    # First reader: session, user, the reader (managed boxes, hidden ideas), boxes, filter
    # choices (campaigns, themes), count, the page's keys, its rows (with supported by me),
    # then the cards' shared parts (ideas with box, Caf, campaign; their themes)
    with django_assert_num_queries(12):
        assert client.get(reverse("eurekaf:idea-list")).status_code == 200
    # Then, until Eurekaf's data changes: session, user, the page's rows
    with django_assert_num_queries(3):
        page = client.get(reverse("eurekaf:idea-list"))
    assert page.content.decode().count('class="carte idee"') == min(n, 20)
    assert theme.name in page.content.decode()


@pytest.mark.parametrize("n", [1, 25])
def test_idea_list_queries_do_not_grow_for_staff(
    client, staff, crowd, n, django_assert_num_queries
):
    for _i in range(n):
        react(IdeaFactory(box=box("38")), crowd, supports=3, comments=2)
    client.force_login(staff)
    # session, user, boxes, campaigns, themes, Cafs (origin filter), count, keys, rows,
    # cards (ideas, themes)
    with django_assert_num_queries(11):
        assert client.get(reverse("eurekaf:idea-list")).status_code == 200
    with django_assert_num_queries(3):
        assert client.get(reverse("eurekaf:idea-list"), {"tri": "recentes"}).status_code == 200


@pytest.mark.parametrize("n", [1, 25])
def test_idea_detail_queries_do_not_grow(client, colleague, idea, n, django_assert_num_queries):
    agents = AgentFactory.create_batch(n, caf=caf("38"))
    react(idea, agents, supports=n, comments=n)
    client.force_login(colleague)
    # session, user, reader (managed boxes), idea (box, Caf, author, origin, campaign, merged
    # into, escalated from, assignee), themes, attachments, timeline (with who), comments
    # (with authors and their Caf), merged duplicates, supported and followed by me (one)
    with django_assert_num_queries(10):
        assert client.get(detail(idea)).status_code == 200
    # Then the idea comes from the cache: session, user, supported and followed by me
    with django_assert_num_queries(3):
        assert client.get(detail(idea)).status_code == 200


@pytest.mark.parametrize("n", [1, 25])
def test_idea_detail_queries_do_not_grow_for_managers(
    client, manager, idea, n, django_assert_num_queries
):
    agents = AgentFactory.create_batch(n, caf=caf("38"))
    react(idea, agents, supports=n, comments=n)
    for i in range(n):
        InternalNote.objects.create(idea=idea, author=manager, text=f"Note {i}")
        Report.objects.create(idea=idea, reporter=agents[i], reason=f"Motif {i}")
    client.force_login(manager)
    # the agent's 11, then notes (with authors), open reports (with reporters and comments),
    # assignable managers
    with django_assert_num_queries(14):
        assert client.get(detail(idea)).status_code == 200


@pytest.mark.parametrize("n", [1, 25])
def test_campaign_list_queries_do_not_grow(client, agent, n, django_assert_num_queries):
    for _i in range(n):
        campaign = CampaignFactory(box=box("38"))
        IdeaFactory(box=box("38"), campaign=campaign)
    client.force_login(agent)
    # session, user, managed boxes, campaigns (box, idea count)
    with django_assert_num_queries(4):
        assert client.get(reverse("eurekaf:campaign-list")).status_code == 200


@pytest.mark.parametrize("n", [1, 25])
def test_campaign_detail_queries_do_not_grow(client, agent, crowd, n, django_assert_num_queries):
    campaign = CampaignFactory(box=box("38"))
    campaign.themes.add(ThemeFactory())
    for _i in range(n):
        react(IdeaFactory(box=box("38"), campaign=campaign), crowd, supports=3, comments=2)
    client.force_login(agent)
    url = reverse("eurekaf:campaign-detail", kwargs={"slug": campaign.slug})
    # session, user, managed boxes, campaign (box, idea count), its themes, count, page of
    # ideas, their themes
    with django_assert_num_queries(8):
        assert client.get(url).status_code == 200


@pytest.mark.parametrize("n", [1, 25])
def test_statistics_queries_do_not_grow(client, agent, crowd, n, django_assert_num_queries):
    campaign = CampaignFactory(box=box("38"))
    for _i in range(n):
        react(IdeaFactory(box=box("38"), campaign=campaign), crowd, supports=3, comments=2)
    client.force_login(agent)
    # session, user, managed boxes, boxes, then the figures: summary, supporters, per month,
    # by status, by Caf, by campaign, median delay
    with django_assert_num_queries(11):
        assert client.get(reverse("eurekaf:statistics")).status_code == 200
