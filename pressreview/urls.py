from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from articles.api import api
from pressreview.health import health

urlpatterns = [
    path("accounts/login/", auth_views.LoginView.as_view(), name="login"),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("health", health, name="health"),
    path("admin/", admin.site.urls),
    path("api/", api.urls),
    path("i18n/", include("django.conf.urls.i18n")),
    path("", include("digests.urls")),
    path("", include("sources.urls")),
    path("", include("stories.urls")),
    path("", include("insights.urls")),
    path("", include("watches.urls")),
    path("", include("articles.urls")),
]
