"""Personas shared by every app (healthchecks' alice/bob/charlie, in 信访 roles)."""

from __future__ import annotations

import importlib
from dataclasses import dataclass
from typing import Any

import pytest
from django.apps import apps as django_apps

from xinfang.accounts.models import Role, User
from xinfang.accounts.tests.factories import Org, build_org, make_user


@dataclass
class Personas:
    org: Org
    clerk: User  # 登记员, 扶沟县信访局
    dispatcher: User  # 受理分办, 扶沟县信访局
    handler: User  # 承办人, 扶沟县市政所
    head: User  # 单位负责人, 扶沟县市政所
    reviewer: User  # 承办人, 扶沟县委县政府 (the level above the 市政所: 复查)
    city_reviewer: User  # 承办人, 周口市委市政府 (复核)
    outsider: User  # 承办人, 太康县住建局 (a sibling county)
    supervisor: User  # 督查员, 周口市信访局
    leader: User  # 领导, 扶沟县委县政府
    housing_handler: User  # 承办人, 扶沟县住建局
    no_role: User  # an account without any post


SEED_MIGRATIONS = [
    ("xinfang.petitions.migrations.0002_seed_categories", "seed", "routing.Category"),
    ("xinfang.deadlines.migrations.0002_default_rules", "forwards", "deadlines.TimeLimitRule"),
    ("xinfang.screening.migrations.0002_default_grades", "seed", "screening.RiskGrade"),
]


class _AsMigrated:
    """The live registry under the labels the seed migrations were written with (categories moved to routing)."""

    def get_model(self, app_label: str, model_name: str) -> Any:
        if (app_label, model_name) == ("petitions", "Category"):
            app_label = "routing"
        return django_apps.get_model(app_label, model_name)


def ensure_seed_data() -> None:
    """Transactional tests (live server, threads) flush every table, data migrations included;
    put the shipped seed data (categories, national time limits) back when it is gone."""
    for module_name, func_name, model_label in SEED_MIGRATIONS:
        if not django_apps.get_model(model_label).objects.exists():
            getattr(importlib.import_module(module_name), func_name)(_AsMigrated(), None)


@pytest.fixture
def org(db) -> Org:
    ensure_seed_data()
    return build_org()


@pytest.fixture
def personas(org: Org) -> Personas:
    return Personas(
        org=org,
        clerk=make_user("clerk", org.county_office, Role.CLERK, full_name="登记员小李"),
        dispatcher=make_user("dispatcher", org.county_office, Role.DISPATCHER, full_name="分办员老张"),
        handler=make_user("handler", org.municipal, Role.HANDLER, full_name="市政所小王"),
        head=make_user("head", org.municipal, Role.HEAD, full_name="市政所刘所长"),
        reviewer=make_user("reviewer", org.county_gov, Role.HANDLER, Role.HEAD, full_name="县政府复查员"),
        city_reviewer=make_user("city_reviewer", org.city_gov, Role.HANDLER, Role.HEAD, full_name="市政府复核员"),
        outsider=make_user("outsider", org.taikang_housing, Role.HANDLER, full_name="太康住建局"),
        supervisor=make_user("supervisor", org.city_office, Role.SUPERVISOR, full_name="督查员"),
        leader=make_user("leader", org.county_gov, Role.LEADER, full_name="县领导"),
        housing_handler=make_user("housing_handler", org.housing, Role.HANDLER, full_name="住建局承办人"),
        no_role=User.objects.create_user(username="norole", password="pass-word-123"),
    )
