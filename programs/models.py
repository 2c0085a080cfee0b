"""Forms of mentoring and their role models: reference data of Р-145 and the seeds."""

from django.db import models


class MentoringForm(models.Model):
    code = models.SlugField("код", unique=True)
    name = models.CharField("форма наставничества", max_length=200)
    order = models.PositiveSmallIntegerField("порядок", default=0)

    class Meta:
        verbose_name = "форма наставничества"
        verbose_name_plural = "формы наставничества"
        ordering = ["order", "name"]

    def __str__(self) -> str:
        return self.name


class RoleModel(models.Model):
    form = models.ForeignKey(
        MentoringForm, verbose_name="форма", on_delete=models.CASCADE, related_name="role_models"
    )
    name = models.CharField("ролевая модель", max_length=300)
    description = models.TextField("описание", blank=True)
    order = models.PositiveSmallIntegerField("порядок", default=0)

    class Meta:
        verbose_name = "ролевая модель"
        verbose_name_plural = "ролевые модели"
        ordering = ["form__order", "order", "name"]
        constraints = [models.UniqueConstraint(fields=["form", "name"], name="unique_role_model_in_form")]

    def __str__(self) -> str:
        return self.name
