"""No personal data leaves through Open311: no names, phones, ID numbers or addresses of petitioners
in any GET, in either format, with or without extensions; accusations and confidential cases are not
published at all."""

from __future__ import annotations

import pytest

from xinfang.petitions.models import Purpose
from xinfang.petitions.tests.factories import VALID_ID, VALID_ID_2, advance, register

from .open311_util import BASE, post_body

NAME, PHONE, ADDRESS = "王大爷", "13812345678", "扶沟县建设街88号院"
REP_NAME, REP_PHONE = "李秀英", "13998765432"
SECRETS = [
    NAME,
    PHONE,
    ADDRESS,
    VALID_ID,
    VALID_ID_2,
    REP_NAME,
    REP_PHONE,
    "1101**********002X",
    "138****5678",
    "王**",
    "举报人张三",
    "被举报的李四",
]


@pytest.fixture
def cases(personas, client, o311_key, o311_services):
    petitioner = {"name": NAME, "id_number": VALID_ID, "phone": PHONE, "address": ADDRESS}
    reps = [{"name": REP_NAME, "id_number": VALID_ID_2, "phone": REP_PHONE}]
    # A title that repeats the petitioner's own details, as clerks sometimes type it.
    plain = register(
        personas.clerk,
        petitioner=petitioner,
        representatives=reps,
        headcount=6,
        title=f"{NAME}（{PHONE}，身份证{VALID_ID}）反映{ADDRESS}井盖破损",
    ).petition
    advance(plain, "closed", personas=personas)
    confidential = register(personas.clerk, petitioner=petitioner, confidential=True, title="保密件").petition
    accusation = register(
        personas.clerk,
        petitioner={"name": "举报人张三", "phone": "13700001111"},
        purpose=Purpose.ACCUSATION,
        accused_person="被举报的李四",
        title="举报某干部",
    ).petition
    r = client.post(
        f"{BASE}/requests.json",
        post_body(
            o311_key, first_name="大爷", last_name="王", phone=PHONE, description=f"我是{NAME}，住{ADDRESS}，井盖坏了"
        ),
    )
    assert r.status_code == 200
    return {
        "plain": plain,
        "confidential": confidential,
        "accusation": accusation,
        "posted": r.json()[0]["service_request_id"],
    }


def all_outputs(client, cases) -> list[str]:
    out = []
    numbers = [cases["plain"].number, cases["confidential"].number, cases["accusation"].number, cases["posted"]]
    for fmt in ("xml", "json"):
        paths = [
            "discovery",
            "services",
            "services/602015",
            "requests",
            "servicerequestupdates",
            *(f"requests/{n}" for n in numbers),
        ]
        for path in paths:
            for params in ({}, {"extensions": "true"}):
                out.append(client.get(f"{BASE}/{path}.{fmt}", params).content.decode("utf-8"))
        out.append(
            client.get(
                f"{BASE}/requests.{fmt}", {"service_request_id": ",".join(numbers), "extensions": "true"}
            ).content.decode()
        )
    return out


def test_no_personal_data_in_any_open311_output(client, cases):
    outputs = all_outputs(client, cases)
    for text in outputs:
        for secret in SECRETS:
            assert secret not in text, secret
    # The case itself is published, with the personal parts blanked out of its title.
    listing = client.get(f"{BASE}/requests.json").json()
    by_id = {r["service_request_id"]: r for r in listing}
    assert by_id[cases["plain"].number]["description"] == "***（***，身份证***）反映***井盖破损"
    # A title cut from the citizen's own words is not published: only its category.
    assert by_id[cases["posted"]]["description"] == "城乡建设类信访事项"


def test_accusations_and_confidential_cases_are_not_published(client, cases):
    listed = {r["service_request_id"] for r in client.get(f"{BASE}/requests.json").json()}
    assert cases["plain"].number in listed and cases["posted"] in listed
    assert cases["confidential"].number not in listed and cases["accusation"].number not in listed
    for number in (cases["confidential"].number, cases["accusation"].number):
        assert client.get(f"{BASE}/requests/{number}.json").status_code == 404


def test_online_submissions_not_yet_registered_are_not_published(client, personas):
    from xinfang.petitions.services import petition_submit_online

    reg = petition_submit_online(
        petitioner={"name": NAME, "phone": PHONE}, area=personas.org.fugou, content="网上提交，待登记", category=None
    )
    assert client.get(f"{BASE}/requests/{reg.petition.number}.json").status_code == 404
