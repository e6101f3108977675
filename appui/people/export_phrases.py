"""The consultation history in plain words, for the person (FALC): what was done, and why.

Every audit action has a phrase (a test checks it), completing « Le 3 mars 2026 à 14 h 05, une personne de la
structure X … ».
"""

from appui.audit.enums import AuditAction, AuditPurpose

ACTION_PHRASES: dict[str, str] = {
    AuditAction.PERSON_VIEW: "a consulté votre dossier",
    AuditAction.PERSON_CREATE: "a créé votre dossier",
    AuditAction.PERSON_UPDATE: "a modifié votre dossier",
    AuditAction.HOUSEHOLD_MEMBER_ADD: "a ajouté une personne de votre foyer",
    AuditAction.HOUSEHOLD_MEMBER_REMOVE: "a retiré une personne de votre foyer",
    AuditAction.ACCOMPANIMENT_VIEW: "a consulté le compte rendu d'une aide qui vous a été apportée",
    AuditAction.ACCOMPANIMENT_CREATE: "a noté une aide qui vous a été apportée",
    AuditAction.ACCOMPANIMENT_UPDATE: "a modifié le compte rendu d'une aide qui vous a été apportée",
    AuditAction.EXPORT: "a exporté des données vous concernant",
    AuditAction.SCREENING_RUN: "a fait une simulation de vos droits",
    AuditAction.SCREENING_VIEW: "a consulté une simulation de vos droits",
    AuditAction.RIGHT_STATUS_UPDATE: "a mis à jour le suivi d'un de vos droits",
    AuditAction.CASELOAD_SCREENING: "a cherché les droits que vous ne demandez pas encore",
    AuditAction.CASELOAD_RESULT_VIEW: "a consulté les droits que vous ne demandez pas encore",
    AuditAction.CASELOAD_RESULT_EXPORT: "a exporté les droits que vous ne demandez pas encore",
    AuditAction.DIAGNOSTIC_CREATE: "a enregistré un diagnostic numérique",
    AuditAction.DIAGNOSTIC_VIEW: "a consulté vos diagnostics numériques",
    AuditAction.GUIDE_OVERRIDE: "a adapté un guide de démarche",
    AuditAction.MANDATE_CREATE: "a enregistré un mandat que vous avez donné",
    AuditAction.MANDATE_REVOKE: "a enregistré la révocation d'un mandat",
    AuditAction.MANDATE_USE: "a fait une démarche à votre place avec votre mandat",
    AuditAction.MANDATE_VIEW: "a consulté un de vos mandats",
    AuditAction.DOCUMENT_UPLOAD: "a déposé un de vos documents",
    AuditAction.DOCUMENT_DOWNLOAD: "a ouvert un de vos documents",
    AuditAction.DOCUMENT_DELETE: "a supprimé un de vos documents",
    AuditAction.PERSON_ARCHIVE: "a archivé votre dossier (plus d'activité depuis longtemps)",
    AuditAction.PERSON_ANONYMISE: "a rendu votre dossier anonyme",
    AuditAction.PERSON_DELETE: "a supprimé votre dossier",
    AuditAction.ELIMINATION_APPROVE: "a validé l'élimination de votre dossier",
    AuditAction.ACCESS_EXPORT: "a préparé l'export de vos données",
    AuditAction.RIGHTS_REQUEST: "a enregistré ou traité une demande que vous avez faite sur vos données",
    AuditAction.SERVICE_ALERT_CREATE: "a signalé un site administratif en panne",
    AuditAction.STRUCTURE_CREATE: "a créé la structure",
    AuditAction.STRUCTURE_UPDATE: "a modifié les coordonnées de la structure",
    AuditAction.MEMBER_INVITE: "a invité un membre de l'équipe",
    AuditAction.MEMBER_INVITATION_SEND: "a envoyé une invitation à un membre de l'équipe",
    AuditAction.MEMBER_DEACTIVATE: "a désactivé un membre de l'équipe",
    AuditAction.MEMBER_REACTIVATE: "a réactivé un membre de l'équipe",
    AuditAction.USER_CREATE: "a créé un compte",
    AuditAction.SECOND_FACTOR_ENROLL: "a activé sa double authentification",
    AuditAction.SECOND_FACTOR_RESET: "a réinitialisé une double authentification",
    AuditAction.API_TOKEN_CREATE: "a créé un jeton d'accès",
    AuditAction.API_TOKEN_REVOKE: "a révoqué un jeton d'accès",
    AuditAction.PLACES_IMPORT: "a importé des lieux dans l'annuaire",
    AuditAction.PLACE_CREATE: "a ajouté un lieu d'accueil de la structure",
    AuditAction.PLACE_UPDATE: "a modifié un lieu d'accueil de la structure",
    AuditAction.REFERRAL_CREATE: "vous a orienté vers un autre lieu, avec votre accord",
    AuditAction.REFERRAL_VIEW: "a consulté une de vos orientations",
    AuditAction.REFERRAL_UPDATE: "a mis à jour le suivi d'une de vos orientations",
    AuditAction.REFERRAL_RECEIVED_VIEW: "a lu les informations que vous avez accepté de partager pour une orientation",
    AuditAction.REFERRAL_ANSWER: "a répondu à une orientation vous concernant",
    AuditAction.ACCESS_REFUSED: "a tenté d'ouvrir une page de votre dossier sans en avoir le droit : Appui a refusé",
}

PURPOSE_PHRASES: dict[str, str] = {
    AuditPurpose.ACCOMPANIMENT: "pour votre accompagnement",
    AuditPurpose.ADMINISTRATION: "pour l'administration de la structure",
    AuditPurpose.DATA_PROTECTION: "pour contrôler la protection de vos données",
    AuditPurpose.STATISTICS: "pour les statistiques d'activité",
    AuditPurpose.SECURITY: "",  # the action says it all
}
