from django import forms
from django.conf import settings
from django.utils.functional import lazy
from django.utils.translation import gettext_lazy as _

from articles.services.ingest import IngestError, is_web_url, published_check, url_check

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

    def clean_published_at(self):
        try:
            return published_check(self.cleaned_data.get("published_at"))
        except IngestError as exc:
            raise forms.ValidationError(str(exc), code="invalid") from None


class ArticleDetailsForm(ArticleMetaForm):
    """An article's details as an editor corrects them on its review page."""

    title = forms.CharField(label=_("Title"), max_length=500)
    published_at = forms.DateTimeField(
        label=_("Published"), required=False,
        # The browser's date and time field reads and writes this format only.
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
    )
    language = None

    field_order = ["title", "source", "url", "published_at"]

    def __init__(self, *args, article=None, **kwargs):
        if article is not None:
            kwargs.setdefault("initial", {
                "title": article.title, "source": article.source.name if article.source_id else "",
                # A row stored before addresses were checked may hold a javascript: one: offered empty.
                "url": article.url if is_web_url(article.url) else "", "published_at": article.published_at,
            })
        kwargs.setdefault("prefix", "details")
        super().__init__(*args, **kwargs)

    def focus_first_error(self) -> None:
        """The field to correct gets the focus when the form comes back (htmx focuses ``autofocus``)."""
        name = next((name for name in self.fields if name in self.errors), "title")
        self.fields[name].widget.attrs["autofocus"] = True


class ArticlePasteForm(ArticleMetaForm):
    body = forms.CharField(label=_("Text"), widget=forms.Textarea(attrs={"rows": 14}), strip=False)

    field_order = ["title", "body", "source", "url", "published_at", "language"]

    def clean_body(self):
        body = self.cleaned_data["body"]
        if not body.strip():
            raise forms.ValidationError(_("The article text is empty."))
        return body


def _upload_help_text() -> str:
    return _(".txt, .md, .html, .docx or .pdf, up to %(mb)d MB") % {"mb": settings.MAX_UPLOAD_BYTES // (1024 * 1024)}


class ArticleUploadForm(ArticleMetaForm):
    file = forms.FileField(
        label=_("File"),
        # Interpolated when the form is rendered: at import time it would be frozen in the default language.
        help_text=lazy(_upload_help_text, str)(),
        widget=forms.ClearableFileInput(attrs={"accept": ".txt,.md,.html,.htm,.docx,.pdf"}),
    )

    field_order = ["file", "title", "source", "url", "published_at", "language"]
