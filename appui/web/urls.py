from django.urls import include, path

from . import person_mode
from .accompaniments import views as accompaniments
from .auth import views as auth
from .dashboard import views as dashboard
from .members import views as members
from .people import data_protection, journal
from .people import views as people

app_name = "web"

urlpatterns = [
    path("", dashboard.dashboard, name="dashboard"),
    path("connexion/", auth.LoginView.as_view(), name="login"),
    path("deconnexion/", auth.LogoutView.as_view(), name="logout"),
    path("connexion/verification/", auth.otp_verify, name="otp_verify"),
    path("connexion/activation/", auth.otp_enroll, name="otp_enroll"),
    path("structure/", auth.choose_structure, name="choose_structure"),
    path("mode-personne/verrou/", person_mode.person_mode_lock_page, name="person_mode_lock"),
    path("invitation/<uidb64>/<token>/", auth.InvitationAcceptView.as_view(), name="invitation_accept"),
    path("mot-de-passe-oublie/", auth.PasswordResetView.as_view(), name="password_reset"),
    path("mot-de-passe-oublie/envoye/", auth.password_reset_done, name="password_reset_done"),
    path("personnes/", people.person_list, name="person_list"),
    path("personnes/nouvelle/", people.person_create, name="person_create"),
    path("personnes/aide-ponctuelle/", people.anonymous_create, name="anonymous_create"),
    path("personnes/notice-information/", people.information_notice, name="information_notice"),
    path("personnes/<int:person_pk>/", people.person_detail, name="person_detail"),
    path("personnes/<int:person_pk>/modifier/", people.person_edit, name="person_edit"),
    path("personnes/<int:person_pk>/historique/", people.person_history, name="person_history"),
    path("personnes/<int:person_pk>/foyer/ajouter/", people.household_member_add, name="household_member_add"),
    path("personnes/<int:person_pk>/foyer/situation/", people.household_situation, name="household_situation"),
    path(
        "personnes/<int:person_pk>/demandes-rgpd/nouvelle/",
        data_protection.rights_request_create_view,
        name="rights_request_create",
    ),
    path("rgpd/", journal.data_protection_desk, name="data_protection_desk"),
    path("rgpd/journal/", journal.consultation_journal, name="consultation_journal"),
    path("rgpd/journal.csv", journal.consultation_journal_csv, name="consultation_journal_csv"),
    path("rgpd/demandes/", data_protection.rights_requests, name="rights_requests"),
    path(
        "rgpd/demandes/<int:request_pk>/clore/",
        data_protection.rights_request_answer_view,
        name="rights_request_answer",
    ),
    path(
        "rgpd/demandes/<int:request_pk>/export/",
        data_protection.rights_request_export,
        name="rights_request_export",
    ),
    path("rgpd/donnees-a-remettre/", data_protection.export_parts_inbox, name="export_parts_inbox"),
    path("rgpd/parties/<int:part_pk>/", data_protection.export_part_detail, name="export_part_detail"),
    path("rgpd/parties/<int:part_pk>/sceller/", data_protection.export_part_seal, name="export_part_seal"),
    path("rgpd/eliminations/", data_protection.elimination_lists, name="elimination_lists"),
    path(
        "rgpd/eliminations/<int:elimination_pk>/valider/",
        data_protection.elimination_approve,
        name="elimination_approve",
    ),
    path("foyer/<int:member_pk>/retirer/", people.household_member_remove, name="household_member_remove"),
    path(
        "personnes/<int:person_pk>/accompagnements/nouveau/",
        accompaniments.accompaniment_create,
        name="accompaniment_create",
    ),
    path(
        "accompagnements/<int:accompaniment_pk>/modifier/", accompaniments.accompaniment_edit, name="accompaniment_edit"
    ),
    path("accompagnements/<int:accompaniment_pk>/suivi-fait/", accompaniments.follow_up_done, name="follow_up_done"),
    path("ateliers/nouveau/", accompaniments.workshop_create, name="workshop_create"),
    path("equipe/", members.member_list, name="member_list"),
    path("equipe/inviter/", members.member_invite, name="member_invite"),
    path("equipe/coordonnees/", members.structure_contact, name="structure_contact"),
    path("equipe/<int:membership_pk>/invitation/", members.member_invitation_resend, name="member_invitation_resend"),
    path("equipe/<int:membership_pk>/desactiver/", members.member_deactivate, name="member_deactivate"),
    path("equipe/<int:membership_pk>/reactiver/", members.member_reactivate, name="member_reactivate"),
    path(
        "equipe/<int:membership_pk>/double-authentification/",
        members.member_reset_second_factor,
        name="member_reset_second_factor",
    ),
    path("api-jetons/", members.token_list, name="token_list"),
    path("api-jetons/<int:token_pk>/revoquer/", members.token_revoke, name="token_revoke"),
    # Feature packages keep their own URL lists; names stay in the "web" namespace.
    path("", include("appui.web.rights.urls")),
    path("", include("appui.web.diagnostics.urls")),
    path("", include("appui.web.guides.urls")),
    path("", include("appui.web.mandates.urls")),
    path("", include("appui.web.service_alerts.urls")),
    path("", include("appui.web.documents.urls")),
    path("", include("appui.web.statistics.urls")),
    path("", include("appui.web.runtime.urls")),
    path("", include("appui.web.places.urls")),
    path("", include("appui.web.orientations.urls")),
]
