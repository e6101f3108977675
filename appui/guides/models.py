from typing import TYPE_CHECKING

from django.conf import settings
from django.db import models

if TYPE_CHECKING:
    from appui.accounts.models import Structure


class GuideOverrideQuerySet(models.QuerySet["GuideOverride"]):
    def for_structure(self, structure: "Structure | int") -> "GuideOverrideQuerySet":
        """Return the local versions of one structure, nothing else: another structure never sees them."""
        structure_id = structure if isinstance(structure, int) else structure.pk
        return self.filter(structure_id=structure_id)


class GuideOverride(models.Model):
    """A structure's local version of a national guide: its own Markdown body, for its members only.

    The title, official link and other metadata stay the national ones: a structure adapts the explanations
    (its opening hours, its own tips), not the address of the official site.
    """

    structure = models.ForeignKey("accounts.Structure", on_delete=models.CASCADE, related_name="guide_overrides")
    slug = models.SlugField("guide", max_length=80)
    body = models.TextField("texte adapté (Markdown)")
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name="modifié par"
    )
    created_at = models.DateTimeField("créé le", auto_now_add=True)
    updated_at = models.DateTimeField("modifié le", auto_now=True)

    objects = GuideOverrideQuerySet.as_manager()

    class Meta:
        verbose_name = "version locale d'un guide"
        verbose_name_plural = "versions locales des guides"
        ordering = ["slug"]
        constraints = [models.UniqueConstraint(fields=["structure", "slug"], name="guide_override_unique_slug")]

    def __str__(self) -> str:
        return f"Guide « {self.slug} » adapté par {self.structure_id}"
