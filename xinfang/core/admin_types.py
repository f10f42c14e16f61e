"""Django's admin and form base classes as the type checker should see them.

django-stubs makes `ModelAdmin`, `TabularInline` and `ModelForm` generic; Django's own classes take no
type arguments at run time (subscripting them raises TypeError). The admin modules subclass these names:
the parametrised stubs for mypy, the plain classes at run time.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, TypeAlias

from django import forms
from django.contrib import admin

if TYPE_CHECKING:
    ModelAdmin: TypeAlias = admin.ModelAdmin[Any]
    TabularInline: TypeAlias = admin.TabularInline[Any, Any]
    ModelForm: TypeAlias = forms.ModelForm[Any]
else:
    ModelAdmin, TabularInline, ModelForm = admin.ModelAdmin, admin.TabularInline, forms.ModelForm
