from __future__ import annotations

from io import StringIO
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from django.utils import translation

from core.audit import Actor
from core.errors import DomainError
from directory.models import Region, level_of
from directory.services import load_regions

pytestmark = pytest.mark.django_db


def test_it_loads_the_county_level_list_from_cpca() -> None:
    assert Region.objects.filter(level=Region.Level.PROVINCE).count() == 34
    assert Region.objects.filter(level=Region.Level.COUNTY).count() > 2800
    xuanwu = Region.objects.get(code="320102000000")
    assert xuanwu.name == "玄武区"
    assert xuanwu.parent_id == "320100000000"
    assert xuanwu.parent is not None and xuanwu.parent.parent_id == "320000000000"
    assert [r.code for r in xuanwu.ancestors()] == ["320100000000", "320000000000", "000000000000"]


def test_it_hangs_province_administered_counties_from_their_pseudo_city() -> None:
    jiyuan = Region.objects.get(code="419001000000")
    assert jiyuan.level == Region.Level.COUNTY
    assert jiyuan.parent_id == "419000000000"


def test_it_reads_the_level_from_the_code() -> None:
    assert level_of("320000000000") == "province"
    assert level_of("320100000000") == "city"
    assert level_of("320102000000") == "county"
    assert level_of("320102001000") == "township"
    assert level_of("320102001001") == "village"


def test_it_loads_townships_and_villages_from_a_csv(tmp_path: Path) -> None:
    path = tmp_path / "towns.csv"
    path.write_text("code,name\n320102003000,第三街道\n320102003001,某社区\n", encoding="utf-8")
    out = StringIO()
    call_command("load_regions", str(path), stdout=out)
    assert "loaded 2 regions" in out.getvalue()
    village = Region.objects.get(code="320102003001")
    assert village.level == "village"
    assert village.parent_id == "320102003000"
    assert Region.objects.get(code="320102003000").parent_id == "320102000000"


def test_it_is_safe_to_load_the_same_file_twice(tmp_path: Path) -> None:
    path = tmp_path / "towns.csv"
    path.write_text("code,name\n320102003000,第三街道\n", encoding="utf-8")
    call_command("load_regions", str(path), stdout=StringIO())
    path.write_text("code,name\n320102003000,第三街道(更名)\n", encoding="utf-8")
    call_command("load_regions", str(path), stdout=StringIO())
    assert Region.objects.filter(code="320102003000").count() == 1
    assert Region.objects.get(code="320102003000").name == "第三街道(更名)"


def test_it_refuses_a_file_with_a_bad_code_and_writes_nothing(tmp_path: Path) -> None:
    path = tmp_path / "towns.csv"
    path.write_text("code,name\n320102004000,好街道\n3201020,坏代码\n", encoding="utf-8")
    with pytest.raises(CommandError, match="line 2"):
        call_command("load_regions", str(path), stdout=StringIO())
    assert not Region.objects.filter(code="320102004000").exists()


def test_it_refuses_a_file_without_the_code_column(tmp_path: Path) -> None:
    path = tmp_path / "towns.csv"
    path.write_text("区划,名称\n320102004000,好街道\n", encoding="utf-8")
    with pytest.raises(CommandError, match="code,name"):
        call_command("load_regions", str(path), stdout=StringIO())


def test_it_names_the_line_of_a_missing_name() -> None:
    with translation.override("en"), pytest.raises(DomainError) as caught:
        load_regions(rows=[("320102005000", "", None, None)], by=Actor.system())
    assert caught.value.fields == {"line 1": "name is required"}
