from django.conf import settings
from django.contrib import admin
from django.urls import include, path

from xinfang.core import views as core_views

admin.site.site_header = f"{settings.XINFANG_SITE_NAME} · 系统管理"
admin.site.site_title = f"{settings.XINFANG_SITE_NAME} · 系统管理"
admin.site.index_title = "机构、用户、分类与规则维护"

urlpatterns = [
    path("", core_views.home, name="home"),
    path("accounts/", include("xinfang.accounts.urls")),
    path("staff/", include("xinfang.petitions.urls")),
    path("deadlines/", include("xinfang.deadlines.urls")),
    path("screening/", include("xinfang.screening.urls")),
    path("stats/", include("xinfang.statistics.urls")),
    path("notifications/", include("xinfang.notifications.urls")),
    path("portal/", include("xinfang.portal.urls")),
    path("api/", include("xinfang.api.urls")),
    path("open311/", include("xinfang.api.open311.urls")),
    path("admin/", admin.site.urls),
]

# No public /media/, not even in development: attachments and documents are served by their views, after
# the case access check, through short-lived signed links (petitions/downloads.py).
