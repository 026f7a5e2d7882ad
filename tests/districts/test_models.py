from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import User
from django.db import IntegrityError, transaction

from districts.models import District, Division, Membership, Role
from tests.personas import HUAI_KHWANG, PHRA_NAKHON


@pytest.mark.django_db
class TestReferenceData:
    def test_all_fifty_districts_with_codes_names_and_zone_groups(self) -> None:
        districts = District.objects.select_related("zone_group")
        assert districts.count() == 50
        huai_khwang = districts.get(code=HUAI_KHWANG)
        assert (huai_khwang.name_th, huai_khwang.name_en) == ("ห้วยขวาง", "Huai Khwang")
        assert huai_khwang.zone_group.name_th == "กลุ่มเขตกรุงเทพกลาง"
        assert districts.get(code=PHRA_NAKHON).name_en == "Phra Nakhon"
        assert districts.get(code="1050").name_th == "บางบอน"
        assert sorted({d.zone_group.code for d in districts}) == sorted(
            ["central", "south", "north", "east", "thonburi-north", "thonburi-south"]
        )

    def test_districts_sort_in_thai_dictionary_order(self) -> None:
        names = list(District.objects.order_by("name_th").values_list("name_th", flat=True))
        # Leading vowels are skipped as in a Thai dictionary: ไ in ... never sorts last.
        assert names[0] == "คลองเตย"
        assert names.index("ดุสิต") < names.index("ตลิ่งชัน")
        assert names[-1] == "ห้วยขวาง"


@pytest.mark.django_db
class TestMembershipConstraints:
    def make_user(self, name: str = "someone") -> User:
        return get_user_model().objects.create_user(name, password="x")

    def test_district_staff_must_have_a_district(self) -> None:
        with pytest.raises(IntegrityError), transaction.atomic():
            Membership.objects.create(user=self.make_user(), role=Role.OFFICER)

    def test_evaluator_cannot_belong_to_a_district(self) -> None:
        district = District.objects.get(code=HUAI_KHWANG)
        with pytest.raises(IntegrityError), transaction.atomic():
            Membership.objects.create(user=self.make_user(), role=Role.EVALUATOR, district=district)

    def test_unknown_role_is_refused(self) -> None:
        with pytest.raises(IntegrityError), transaction.atomic():
            Membership.objects.create(user=self.make_user(), role="king")

    def test_one_membership_per_user(self) -> None:
        user = self.make_user()
        Membership.objects.create(user=user, role=Role.EVALUATOR)
        with pytest.raises(IntegrityError), transaction.atomic():
            Membership.objects.create(user=user, role=Role.READER)

    def test_division_name_unique_within_district(self) -> None:
        district = District.objects.get(code=HUAI_KHWANG)
        Division.objects.create(district=district, name="ฝ่ายทดลองระบบ")
        Division.objects.create(
            district=District.objects.get(code=PHRA_NAKHON), name="ฝ่ายทดลองระบบ"
        )
        with pytest.raises(IntegrityError), transaction.atomic():
            Division.objects.create(district=district, name="ฝ่ายทดลองระบบ")
