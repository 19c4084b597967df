# See pressreview/formats/__init__.py: "N" is the abbreviated month with its French
# full stop where one is written ("déc.", "sept.", but "mai", "juin", "août").
DATE_FORMAT = "j N Y"  # 6 déc. 2026
SHORT_DATE_FORMAT = DATE_FORMAT
DATETIME_FORMAT = "j N Y à H:i"  # 6 déc. 2026 à 08:15
SHORT_DATETIME_FORMAT = DATETIME_FORMAT
TIME_FORMAT = "H:i"
YEAR_MONTH_FORMAT = "N Y"  # déc. 2026
MONTH_DAY_FORMAT = "j N"  # 6 déc.
