"""People's names are listed as people read them: "Černý" among the C's, "Łukasik" among the
L's, whatever the database (award/collation.py)."""

import pytest
from django.urls import reverse

from award.collation import name_key, name_order
from award.enums import Role
from award.models import User
from tests.factories import EditionRoleFactory, UserFactory

NAMES = ["Šimková", "Adamec", "Łukasik", "Černý", "zeman", "Cibula", "Novák", "Sedlák", "Lakatos", "Ábel"]
READ = ["Ábel", "Adamec", "Černý", "Cibula", "Lakatos", "Łukasik", "Novák", "Sedlák", "Šimková", "zeman"]


def test_name_key_ignores_accents_and_case_and_keeps_one_order():
    assert sorted(NAMES, key=name_key) == READ
    assert name_key("Černý") < name_key("Cibula") < name_key("Čížek")


@pytest.mark.django_db
def test_the_database_orders_names_as_people_read_them():
    for number, last in enumerate(NAMES):
        UserFactory(email=f"p{number}@example.org", last_name=last)
    ordered = list(User.objects.filter(email__startswith="p").order_by(name_order("last_name"), "email"))
    assert [u.last_name for u in ordered] == READ


@pytest.mark.django_db
def test_the_jury_list_puts_cerny_among_the_cs(client_for, edition, organiser):
    for number, last in enumerate(["Šimková", "Černý", "Cibula", "Adamec"]):
        user = UserFactory(email=f"j{number}@example.org", first_name="Eva", last_name=last)
        EditionRoleFactory(edition=edition, user=user, role=Role.JUROR)
    page = client_for(organiser).get(reverse("scoring:jurors", args=[edition.slug])).content.decode()
    positions = [page.index(f"Eva {last}") for last in ["Adamec", "Černý", "Cibula", "Šimková"]]
    assert positions == sorted(positions)
