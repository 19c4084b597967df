from django import forms
from django.utils.text import capfirst
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from articles.models import Topic

LANGUAGE_CHOICES = [("", _("Detect automatically")), ("fr", "Français"), ("en", "English")]


class TopicsField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, topic):
        return capfirst(topic.name_for(get_language()))


class SourceSettingsForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=200,
                           help_text=_("The publication its articles are filed under."))
    language = forms.ChoiceField(label=_("Language"), choices=LANGUAGE_CHOICES, required=False)
    poll_minutes = forms.IntegerField(label=_("Poll every (minutes)"), min_value=1, max_value=7 * 24 * 60,
                                      initial=15)
    fetch_pages = forms.BooleanField(label=_("Fetch each article's page for its full text"), required=False,
                                     initial=True)
    topics = TopicsField(
        label=_("Default topics"), required=False, queryset=Topic.objects.active().order_by("name_en"),
        widget=forms.CheckboxSelectMultiple, to_field_name="slug",
        help_text=_("Suggested for every article of this source, for editors to confirm."))


class SourceAddForm(SourceSettingsForm):
    url = forms.CharField(label=_("Site or feed address"), max_length=2000,
                          help_text=_("A feed (RSS, Atom, JSON Feed) or a site whose pages announce one."))

    field_order = ["url", "name", "language", "poll_minutes", "fetch_pages", "topics"]


class SourceEditForm(SourceSettingsForm):
    active = forms.BooleanField(label=_("Active (polled on schedule)"), required=False)
