"""The site's URLs plus a view that fails, to see the 500 page a visitor gets."""

from django.http import HttpRequest, HttpResponse
from django.urls import path

from config.urls import urlpatterns as site_urlpatterns


def boom(request: HttpRequest) -> HttpResponse:
    raise RuntimeError("a bug")


urlpatterns = [path("test-boom/", boom), *site_urlpatterns]
