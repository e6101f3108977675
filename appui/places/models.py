from django.db import models
from django.db.models import Q

from appui.core.communes import validate_commune_code


class PlaceQuerySet(models.QuerySet["Place"]):
    def open(self) -> "PlaceQuerySet":
        return self.filter(closed_at__isnull=True)

    def of_structure(self, structure_id: int) -> "PlaceQuerySet":
        """Return the places a structure describes as its own (also the places chosen in an accompaniment)."""
        return self.filter(structure_id=structure_id)


class Place(models.Model):
    """A place where people are received ("lieu"): one of a structure's own places, or one of the directory."""

    # Set for a structure's own places; empty for places imported into the directory from open data.
    structure = models.ForeignKey(
        "accounts.Structure",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="places",
        verbose_name="structure",
    )
    name = models.CharField("nom", max_length=250)
    address = models.CharField("adresse", max_length=255, blank=True)
    postal_code = models.CharField("code postal", max_length=5, blank=True)
    commune_code = models.CharField("code commune INSEE", max_length=5, blank=True, validators=[validate_commune_code])
    latitude = models.FloatField("latitude", null=True, blank=True)
    longitude = models.FloatField("longitude", null=True, blank=True)
    # Imported places keep the publisher's source name and identifier, so a re-import updates them.
    source = models.CharField("source", max_length=100, blank=True)
    source_id = models.CharField("identifiant à la source", max_length=200, blank=True)
    closed_at = models.DateTimeField("fermé le", null=True, blank=True)
    created_at = models.DateTimeField("créé le", auto_now_add=True)
    updated_at = models.DateTimeField("modifié le", auto_now=True)

    objects = PlaceQuerySet.as_manager()

    class Meta:
        verbose_name = "lieu"
        ordering = ["name", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["source", "source_id"], condition=~Q(source_id=""), name="place_unique_source_id"
            ),
        ]
        indexes = [models.Index(fields=["commune_code"], name="place_commune")]

    def __str__(self) -> str:
        return self.name
