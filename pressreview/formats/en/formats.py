# See pressreview/formats/__init__.py: day first, month in words, 24-hour time.
DATE_FORMAT = "j M Y"  # 6 Dec 2026
SHORT_DATE_FORMAT = DATE_FORMAT
DATETIME_FORMAT = "j M Y, H:i"  # 6 Dec 2026, 08:15
SHORT_DATETIME_FORMAT = DATETIME_FORMAT
TIME_FORMAT = "H:i"
YEAR_MONTH_FORMAT = "M Y"  # Dec 2026
MONTH_DAY_FORMAT = "j M"  # 6 Dec
