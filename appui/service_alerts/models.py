from django.conf import settings
from django.db import models

from appui.accompaniments.enums import OnlineService
from appui.core.fields import EncryptedBinaryField, EncryptedTextField, RowUidField


class ServiceAlertQuerySet(models.QuerySet["ServiceAlert"]):
    def of_structures(self, structure_ids: list[int]) -> "ServiceAlertQuerySet":
        return self.filter(structure_id__in=structure_ids)


class ServiceAlert(models.Model):
    """A report that an online public service did not work ("signalement"). It holds no personal data."""

    structure = models.ForeignKey("accounts.Structure", on_delete=models.PROTECT, related_name="service_alerts")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    service = models.CharField("service en ligne", max_length=20, choices=OnlineService.choices)
    # What the worker typed and the screenshot may show the person's file: encrypted at rest. Statistics count
    # reports by service and date, which stay in clear.
    row_uid = RowUidField()
    service_other = EncryptedTextField("autre service (précisez)", max_length=100, blank=True)
    step = EncryptedTextField("étape où cela bloque", max_length=200)
    error_message = EncryptedTextField("message d'erreur affiché", max_length=2000, blank=True)
    occurred_on = models.DateField("date du problème", db_index=True)
    screenshot = EncryptedBinaryField("capture d'écran", null=True, blank=True)
    screenshot_type = models.CharField(max_length=20, blank=True)
    accompaniment = models.ForeignKey(
        "accompaniments.Accompaniment", on_delete=models.SET_NULL, null=True, blank=True, related_name="service_alerts"
    )
    guide_slug = models.SlugField("guide concerné", max_length=100, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = ServiceAlertQuerySet.as_manager()

    class Meta:
        verbose_name = "signalement"
        ordering = ["-occurred_on", "-id"]

    def __str__(self) -> str:
        return f"Signalement {self.get_service_display()} du {self.occurred_on:%d/%m/%Y}"
