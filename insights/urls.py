from django.urls import path

from insights import views

app_name = "insights"

urlpatterns = [
    path("insights", views.insights_page, name="page"),
    path("insights/<slug:chart>.csv", views.insights_csv, name="csv"),
]
