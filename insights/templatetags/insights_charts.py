from django import template

from insights import render

register = template.Library()

register.filter("chart_svg", render.chart_svg)
register.filter("chart_table", render.chart_table)
