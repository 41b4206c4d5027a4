"""What a department has published (公开, domain.md §8), and what a district offers on its public pages.

A :class:`Publication` pins one approval of one document: the frozen PDF (and XLSX) current when the
department published it. It is public from ``public_from`` until it is withdrawn, and only while that
PDF is still the current frozen file of its document:

- while an approved form is being adjusted (调整) its frozen files stay current, so the approved text
  the department published stays public — the legal record does not disappear because a change is
  being drafted;
- once the adjusted version is approved, new files are frozen and the old ones are superseded: the old
  publication lapses (a superseded file is no longer the record), and nothing of the document is
  public until the department publishes the new approval. Nothing is ever published on its behalf.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone

from core.models import District, FrozenExport


class DistrictDisclosure(models.Model):
    """A district's choices for its public pages."""

    district = models.OneToOneField(District, models.CASCADE, related_name="disclosure", verbose_name="区")
    offer_xlsx = models.BooleanField(
        "公开页提供 XLSX 下载",
        default=False,
        help_text="不勾选时公开页只提供 PDF（审核通过时冻结的原件）。",
    )

    class Meta:
        verbose_name = "公开设置"
        verbose_name_plural = "公开设置"

    def __str__(self) -> str:
        return f"{self.district}公开设置"


def offers_xlsx(district_id: int) -> bool:
    return DistrictDisclosure.objects.filter(district_id=district_id, offer_xlsx=True).exists()


class PublicationQuerySet(models.QuerySet):
    def active(self, now=None):
        """Publications visible on the public pages now: due, not withdrawn, their PDF still current."""
        return self.filter(
            withdrawn_at__isnull=True,
            public_from__lte=now or timezone.now(),
            pdf__superseded_at__isnull=True,
        )

    def standing(self):
        """Not withdrawn and still pinned to the current PDF (public now or scheduled)."""
        return self.filter(withdrawn_at__isnull=True, pdf__superseded_at__isnull=True)

    def without_content(self):
        return self.select_related("pdf__department__district", "xlsx").defer("pdf__content", "xlsx__content")


class Publication(models.Model):
    """One document's approved files, published by its department from ``public_from`` on."""

    pdf = models.ForeignKey(
        FrozenExport, models.PROTECT, related_name="publications", verbose_name="公开的 PDF"
    )
    xlsx = models.ForeignKey(
        FrozenExport,
        models.PROTECT,
        null=True,
        blank=True,
        related_name="xlsx_publications",
        verbose_name="公开的 XLSX",
    )
    public_from = models.DateTimeField("公开时间", db_index=True)
    created_at = models.DateTimeField("操作时间", auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="公开人",
    )
    withdrawn_at = models.DateTimeField("撤销时间", null=True, blank=True)
    withdrawn_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="撤销人",
    )

    objects = PublicationQuerySet.as_manager()

    class Meta:
        verbose_name = "公开记录"
        verbose_name_plural = "公开记录"
        ordering = ["-public_from", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["pdf"],
                condition=Q(withdrawn_at__isnull=True),
                name="publication_one_standing_per_pdf",
                violation_error_message="该文件已公开。",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.pdf.department}{self.pdf.year}年{self.pdf.get_kind_display()}" + (
            f"（{self.pdf.project}）" if self.pdf.project else ""
        )

    @property
    def is_public(self) -> bool:
        return (
            self.withdrawn_at is None
            and self.pdf.superseded_at is None
            and self.public_from <= timezone.now()
        )
