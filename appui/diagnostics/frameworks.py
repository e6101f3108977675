"""Reference lists of the two competence frameworks the question bank is tagged with.

DigComp 2.2 is the European Digital Competence Framework for Citizens (Joint Research Centre, 2022): 5 areas,
21 competences, 8 proficiency levels (1-2 foundation, 3-4 intermediate, 5-6 advanced, 7-8 highly specialised).
Pix (pix.fr, the French public service that assesses and certifies digital skills) is derived from DigComp:
the same 5 domains, regrouped into 16 competences. Each question carries one code of each, and both codes must
name the same area.
"""

DIGCOMP_AREAS: dict[str, str] = {
    "1": "Information et données",
    "2": "Communication et collaboration",
    "3": "Création de contenus numériques",
    "4": "Sécurité",
    "5": "Résolution de problèmes",
}

DIGCOMP_COMPETENCES: dict[str, str] = {
    "1.1": "Naviguer, rechercher et filtrer des données, des informations et des contenus numériques",
    "1.2": "Évaluer des données, des informations et des contenus numériques",
    "1.3": "Gérer des données, des informations et des contenus numériques",
    "2.1": "Interagir au moyen des technologies numériques",
    "2.2": "Partager au moyen des technologies numériques",
    "2.3": "S'engager dans la citoyenneté au moyen des technologies numériques",
    "2.4": "Collaborer au moyen des technologies numériques",
    "2.5": "Nétiquette",
    "2.6": "Gérer son identité numérique",
    "3.1": "Développer des contenus numériques",
    "3.2": "Intégrer et retravailler des contenus numériques",
    "3.3": "Droits d'auteur et licences",
    "3.4": "Programmation",
    "4.1": "Protéger les appareils",
    "4.2": "Protéger les données personnelles et la vie privée",
    "4.3": "Protéger la santé et le bien-être",
    "4.4": "Protéger l'environnement",
    "5.1": "Résoudre des problèmes techniques",
    "5.2": "Identifier des besoins et des réponses technologiques",
    "5.3": "Utiliser les technologies numériques de façon créative",
    "5.4": "Identifier les lacunes en matière de compétences numériques",
}

PIX_COMPETENCES: dict[str, str] = {
    "1.1": "Mener une recherche et une veille d'information",
    "1.2": "Gérer des données",
    "1.3": "Traiter des données",
    "2.1": "Interagir",
    "2.2": "Partager et publier",
    "2.3": "Collaborer",
    "2.4": "S'insérer dans le monde numérique",
    "3.1": "Développer des documents textuels",
    "3.2": "Développer des documents multimédia",
    "3.3": "Adapter les documents à leur finalité",
    "3.4": "Programmer",
    "4.1": "Sécuriser l'environnement numérique",
    "4.2": "Protéger les données personnelles et la vie privée",
    "4.3": "Protéger la santé, le bien-être et l'environnement",
    "5.1": "Résoudre des problèmes techniques",
    "5.2": "Construire un environnement numérique",
}


def area_of(code: str) -> str:
    """Return the area ("1" to "5") of a competence code such as "2.6"."""
    return code.split(".", 1)[0]
