from django import forms
from django.conf import settings
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from imports import parsers
from imports.services.batches import import_options_clean
from pressreview.files import too_large

FORMAT_CHOICES = [
    ("auto", _("Detect from the file")),
    ("csv", "CSV"),
    ("json", "JSON"),
    ("jsonl", "JSON Lines"),
    ("zip", _("ZIP of .txt, .md, .html, .docx, .pdf files")),
]
DELIMITER_CHOICES = [
    ("auto", _("Detect")),
    (",", _("comma ,")),
    (";", _("semicolon ;")),
    ("\t", _("tab")),
    ("|", _("pipe |")),
]
DATE_ORDER_CHOICES = [
    ("auto", _("Day first for rows in French; ask when ambiguous otherwise")),
    ("day", _("Day first (06/12/2026 is 6 December)")),
    ("month", _("Month first (06/12/2026 is June 12)")),
]
COLUMN_LABELS = {
    "title": _("Title column"),
    "body": _("Text column"),
    "url": _("URL column"),
    "source": _("Source column"),
    "published_at": _("Publication date column"),
    "language": _("Language column"),
}


class ImportOptionsForm(forms.Form):
    """How to read the file; everything can be left to detection."""

    format = forms.ChoiceField(label=_("Format"), choices=FORMAT_CHOICES, initial="auto")
    delimiter = forms.ChoiceField(label=_("CSV delimiter"), choices=DELIMITER_CHOICES, initial="auto")
    encoding = forms.CharField(
        label=_("Encoding"), initial="auto", max_length=40,
        help_text=_("auto, or a name such as utf-8, windows-1252, iso-8859-15, utf-16"),
    )
    default_source = forms.CharField(label=_("Source for rows without one"), max_length=200, required=False)
    default_language = forms.CharField(
        label=_("Language for rows without one"), max_length=2, required=False,
        help_text=_("A two-letter code such as fr or en; empty: detected per article"),
    )
    date_order = forms.ChoiceField(
        label=_("Numeric dates"), choices=DATE_ORDER_CHOICES, initial="auto", required=False,
        help_text=_("How to read a date such as 06/12/2026; dates with a month name (6 décembre 2026, "
                    "December 6, 2026) and ISO dates are read either way"),
    )
    manifest = forms.CharField(
        label=_("Manifest in the ZIP"), max_length=200, required=False,
        help_text=_("A CSV inside the archive with a file column and metadata columns; empty: manifest.csv if present"),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name, label in COLUMN_LABELS.items():
            self.fields[f"column_{name}"] = forms.CharField(
                label=label, max_length=200, required=False,
                help_text=_("Name of the column (or JSON key); empty: recognised by its name"),
            )

    def clean(self):
        data = super().clean()
        if not self.errors:
            try:
                data["options"] = import_options_clean(self.options_from(data))
            except parsers.ImportFileError as exc:
                raise forms.ValidationError(str(exc)) from None
        return data

    @staticmethod
    def options_from(data: dict) -> dict:
        return {
            "format": data.get("format"),
            "delimiter": data.get("delimiter"),
            "encoding": data.get("encoding"),
            "default_source": data.get("default_source"),
            "default_language": data.get("default_language"),
            "manifest": data.get("manifest"),
            "date_order": data.get("date_order") or "auto",
            "columns": {name: data.get(f"column_{name}") or "" for name in COLUMN_LABELS},
        }

    @classmethod
    def initial_from(cls, options: dict) -> dict:
        initial = {key: options.get(key, "") for key in ("format", "delimiter", "encoding", "default_source",
                                                         "default_language", "manifest", "date_order")}
        initial.update({f"column_{name}": column for name, column in (options.get("columns") or {}).items()})
        return initial


class ImportForm(ImportOptionsForm):
    file = forms.FileField(
        label=_("File"),
        help_text=_("CSV, JSON (a list of articles), JSON Lines, or a ZIP of documents; up to %(mb)d MB")
        % {"mb": settings.IMPORT_MAX_BYTES // (1024 * 1024)},
        widget=forms.ClearableFileInput(attrs={"accept": ".csv,.tsv,.json,.jsonl,.ndjson,.zip"}),
    )

    field_order = ["file", "format"]

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > settings.IMPORT_MAX_BYTES:
            raise forms.ValidationError(too_large(upload.size, settings.IMPORT_MAX_BYTES, for_import=True,
                                                  translate=gettext))
        return upload
