from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from articles.services.ingest import IngestError, url_check

LANGUAGE_CHOICES = [("", _("Detect automatically")), ("fr", "Français"), ("en", "English")]


class WebURLField(forms.URLField):
    """An address typed without a scheme gets https://; what ingest refuses is refused here with its message."""

    default_validators = ()  # URLField's own validator also takes ftp://

    def validate(self, value):
        super().validate(value)
        try:
            url_check(value)
        except IngestError as exc:
            raise forms.ValidationError(str(exc), code="invalid") from None


class ArticleMetaForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=500, required=False)
    source = forms.CharField(label=_("Source"), max_length=200, required=False)
    url = WebURLField(label=_("URL"), max_length=2000, required=False, assume_scheme="https")
    published_at = forms.DateTimeField(
        label=_("Published"), required=False, widget=forms.DateTimeInput(attrs={"type": "datetime-local"})
    )
    language = forms.ChoiceField(label=_("Language"), choices=LANGUAGE_CHOICES, required=False)


class ArticlePasteForm(ArticleMetaForm):
    body = forms.CharField(label=_("Text"), widget=forms.Textarea(attrs={"rows": 14}), strip=False)

    field_order = ["title", "body", "source", "url", "published_at", "language"]

    def clean_body(self):
        body = self.cleaned_data["body"]
        if not body.strip():
            raise forms.ValidationError(_("The article text is empty."))
        return body


class ArticleUploadForm(ArticleMetaForm):
    file = forms.FileField(
        label=_("File"),
        help_text=_(".txt, .md, .html, .docx or .pdf, up to %(mb)d MB")
        % {"mb": settings.MAX_UPLOAD_BYTES // (1024 * 1024)},
        widget=forms.ClearableFileInput(attrs={"accept": ".txt,.md,.html,.htm,.docx,.pdf"}),
    )

    field_order = ["file", "title", "source", "url", "published_at", "language"]
