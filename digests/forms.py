from datetime import timedelta

from django import forms
from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from digests.models import Digest


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%d", **kwargs)


class DigestForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=300)
    period_start = forms.DateField(label=_("From"), widget=DateInput())
    period_end = forms.DateField(label=_("To"), widget=DateInput())
    language = forms.ChoiceField(label=_("Language of the digest"), choices=settings.LANGUAGES)
    introduction = forms.CharField(label=_("Introduction"), required=False, max_length=5000,
                                   widget=forms.Textarea(attrs={"rows": 4}))

    @classmethod
    def initial_for(cls, language: str) -> dict:
        today = timezone.localdate()
        return {"period_start": today - timedelta(days=1), "period_end": today,
                "language": language if language in dict(settings.LANGUAGES) else settings.LANGUAGE_CODE}

    @classmethod
    def for_digest(cls, digest: Digest, data=None) -> "DigestForm":
        initial = {"title": digest.title, "period_start": digest.period_start, "period_end": digest.period_end,
                   "language": digest.language, "introduction": digest.introduction}
        return cls(data, initial=initial, prefix="digest")

    def clean(self):
        data = super().clean()
        start, end = data.get("period_start"), data.get("period_end")
        if start and end and end < start:
            self.add_error("period_end", _("The period ends before it starts."))
        return data
