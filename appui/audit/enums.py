from django.db import models


class AuditAction(models.TextChoices):
    PERSON_VIEW = "person.view", "Consultation d'une fiche"
    PERSON_CREATE = "person.create", "Création d'une fiche"
    PERSON_UPDATE = "person.update", "Modification d'une fiche"
    HOUSEHOLD_MEMBER_ADD = "household.member_add", "Ajout d'un membre du foyer"
    HOUSEHOLD_MEMBER_REMOVE = "household.member_remove", "Retrait d'un membre du foyer"
    ACCOMPANIMENT_VIEW = "accompaniment.view", "Consultation d'un accompagnement"
    ACCOMPANIMENT_CREATE = "accompaniment.create", "Enregistrement d'un accompagnement"
    ACCOMPANIMENT_UPDATE = "accompaniment.update", "Modification d'un accompagnement"
    EXPORT = "export", "Export"
    SCREENING_RUN = "rights.screening_run", "Simulation des droits"
    SCREENING_VIEW = "rights.screening_view", "Consultation d'une simulation des droits"
    RIGHT_STATUS_UPDATE = "rights.status_update", "Suivi d'un droit"
    CASELOAD_SCREENING = "rights.caseload_screening", "Repérage du non-recours sur une file active"
    DIAGNOSTIC_CREATE = "diagnostics.create", "Diagnostic d'autonomie numérique"
    DIAGNOSTIC_VIEW = "diagnostics.view", "Consultation d'un diagnostic"
    GUIDE_OVERRIDE = "guides.override", "Adaptation locale d'un guide"
    MANDATE_CREATE = "mandates.create", "Création d'un mandat"
    MANDATE_REVOKE = "mandates.revoke", "Révocation d'un mandat"
    MANDATE_USE = "mandates.use", "Utilisation d'un mandat"
    MANDATE_VIEW = "mandates.view", "Consultation d'un mandat"
    SERVICE_ALERT_CREATE = "service_alerts.create", "Signalement d'un service en ligne"
    STRUCTURE_CREATE = "structure.create", "Création d'une structure"
    MEMBER_INVITE = "member.invite", "Invitation d'un membre"
    MEMBER_DEACTIVATE = "member.deactivate", "Désactivation d'un membre"
    MEMBER_REACTIVATE = "member.reactivate", "Réactivation d'un membre"
    USER_CREATE = "user.create", "Création d'un compte"
    API_TOKEN_CREATE = "api_token.create", "Création d'un jeton d'API"
    API_TOKEN_REVOKE = "api_token.revoke", "Révocation d'un jeton d'API"


class AuditPurpose(models.TextChoices):
    ACCOMPANIMENT = "accompagnement", "Accompagnement de la personne"
    ADMINISTRATION = "administration", "Administration de la structure"
    DATA_PROTECTION = "controle_rgpd", "Contrôle de la protection des données"
    STATISTICS = "statistiques", "Statistiques d'activité"
