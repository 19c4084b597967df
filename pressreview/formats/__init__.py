"""Dates shown to people, one way in each language: "6 Dec 2026" and "6 déc. 2026", with
the time where one is shown ("6 Dec 2026, 08:15", "6 déc. 2026 à 08:15").

A day and a month written as numbers ("12/06/2026") read one way in Paris and the other
in New York, and a desk works in both languages: every format here names the month in
words and puts the day first, and the short formats are the long ones, so a template's
``|date:"SHORT_DATE_FORMAT"`` and ``|date:"DATE_FORMAT"`` agree. Only what is shown is
set here; what forms accept (``DATE_INPUT_FORMATS``) stays Django's for the language.
Machine-readable dates (``|date:"c"``, ``datetime`` attributes, exports) are ISO 8601.
"""
