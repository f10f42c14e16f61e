"""A search by the petitioner's identity (full name, ID number, phone) never finds a confidential case for
a viewer who sees the case but not who brought it: the result would tell them."""

from __future__ import annotations

import pytest
from django.urls import reverse

from xinfang.petitions import selectors
from xinfang.petitions.access import can_see, can_see_identity
from xinfang.petitions.tests.factories import VALID_ID, advance, register

pytestmark = pytest.mark.django_db

NAME, PHONE = "王大爷", "13812345678"


@pytest.fixture
def cases(personas):
    secret = advance(
        register(personas.clerk, confidential=True, title="举报材料").petition, "dispatched", personas=personas
    )
    plain = advance(register(personas.clerk, title="井盖破损").petition, "dispatched", personas=personas)
    # the handling unit sees the confidential case, not its petitioner
    assert can_see(personas.handler, secret) and not can_see_identity(personas.handler, secret)
    return secret, plain


@pytest.mark.parametrize("q", [NAME, VALID_ID, PHONE, "138 1234 5678"])
def test_handling_unit_does_not_find_a_confidential_case_by_identity(personas, cases, q):
    secret, plain = cases
    found = set(selectors.petition_list(user=personas.handler, q=q).values_list("pk", flat=True))
    assert plain.pk in found
    assert secret.pk not in found


def test_handling_unit_still_finds_it_by_number_and_content(personas, cases):
    secret, _plain = cases
    assert list(selectors.petition_list(user=personas.handler, q=secret.number)) == [secret]
    assert secret in selectors.petition_list(user=personas.handler, q="举报材料")


@pytest.mark.parametrize("q", [NAME, VALID_ID, PHONE])
def test_the_office_finds_it_by_identity(personas, cases, q):
    secret, plain = cases
    found = set(selectors.petition_list(user=personas.clerk, q=q).values_list("pk", flat=True))
    assert {secret.pk, plain.pk} <= found


def test_released_identity_is_found_again(personas, cases):
    secret, _plain = cases
    type(secret).objects.filter(pk=secret.pk).update(identity_released=True)
    assert secret in selectors.petition_list(user=personas.handler, q=NAME)


def test_staff_list_page_filter(client, personas, cases):
    secret, plain = cases
    client.force_login(personas.handler)
    body = client.get(reverse("petitions:list"), {"q": NAME}).content.decode()
    assert plain.number in body
    assert secret.number not in body
    body = client.get(reverse("petitions:list"), {"q": VALID_ID}).content.decode()
    assert plain.number in body and secret.number not in body


def test_same_person_lookup_leaves_out_the_confidential_case(personas, cases):
    secret, plain = cases
    rows = set(selectors.petitions_same_person(user=personas.handler, id_number=VALID_ID, phone=PHONE))
    assert plain in rows and secret not in rows
    assert secret in set(selectors.petitions_same_person(user=personas.clerk, id_number=VALID_ID))
