"""config.toml names the offices a server runs ([offices] profiles, default); a wrong profile stops start-up
with one Chinese line naming the file; an older config's [office] section still works."""

from __future__ import annotations

from pathlib import Path

import pytest

from kernel.errors import InvalidInput
from workflow.config import load_settings

ROOT = Path(__file__).resolve().parents[2]
DEMO = ROOT / "profiles" / "demo-safety-office.toml"
FLOOD = ROOT / "tests" / "fixtures" / "profiles" / "flood-office.toml"


def _config(tmp_path: Path, offices: str) -> Path:
    path = tmp_path / "config.toml"
    path.write_text(f'[database]\nurl = "sqlite:///x.db"\n{offices}\n', encoding="utf-8")
    return path


def test_the_shipped_config_runs_the_demo_office_from_its_profile() -> None:
    settings = load_settings(ROOT / "config.toml")
    assert [p.code for p in settings.profiles] == ["xiaoyi-safety"] and settings.default_office == "xiaoyi-safety"
    assert settings.profile() is settings.profiles[0] and settings.office_name == settings.profiles[0].name
    assert "[office]" not in (ROOT / "config.toml").read_text(encoding="utf-8").split("[offices]")[0]


def test_several_offices_and_the_default_one(tmp_path: Path) -> None:
    settings = load_settings(
        _config(tmp_path, f'[offices]\ndefault = "flood-control"\nprofiles = ["{DEMO}", "{FLOOD}"]')
    )
    assert [p.code for p in settings.profiles] == ["xiaoyi-safety", "flood-control"]
    assert settings.profile().short_name == "市防指办"  # type: ignore[union-attr]
    assert settings.profile("xiaoyi-safety") is settings.profiles[0] and settings.profile("nope") is None


def test_profile_paths_are_relative_to_the_config_file(tmp_path: Path) -> None:
    (tmp_path / "profiles").mkdir()
    (tmp_path / "profiles" / "mine.toml").write_text(FLOOD.read_text(encoding="utf-8"), encoding="utf-8")
    settings = load_settings(_config(tmp_path, '[offices]\nprofiles = ["profiles/mine.toml"]'))
    assert settings.default_office == "flood-control", "without default: the first profile"


@pytest.mark.parametrize(
    ("offices", "said"),
    [
        ('[offices]\nprofiles = ["nowhere.toml"]', "找不到机关配置文件"),
        ("[offices]\nprofiles = []", "profiles 应列出至少一个机关配置文件"),
        (f'[offices]\ndefault = "other"\nprofiles = ["{DEMO}"]', "default “other”不是已配置的机关"),
        (f'[offices]\nprofiles = ["{DEMO}", "{DEMO}"]', "机关代码重复：xiaoyi-safety"),
        ('[offices]\nprofiles = ["bad.toml"]', "bad.toml：机关配置有误：层级 level"),
        ('[offices]\nprofiles = ["tpl.toml"]', "template_dir “no-such-dir” 不是目录"),
    ],
)
def test_a_wrong_office_configuration_stops_start_up_naming_the_file(tmp_path: Path, offices: str, said: str) -> None:
    (tmp_path / "bad.toml").write_text('[office]\ncode = "x"\nname = "某办"\nlevel = "镇"\n', encoding="utf-8")
    (tmp_path / "tpl.toml").write_text(
        '[office]\ncode = "x"\nname = "某办"\ntemplate_dir = "no-such-dir"\n', encoding="utf-8"
    )
    with pytest.raises(InvalidInput) as err:
        load_settings(_config(tmp_path, offices))
    assert err.value.code == "OFFICE_PROFILE_INVALID" and said in err.value.message, err.value.message


def test_an_older_config_with_an_office_section_is_its_one_office(tmp_path: Path) -> None:
    settings = load_settings(
        _config(tmp_path, '[office]\nname = "某县人民政府办公室"\nshort_name = "县政府办"\nreviewer_unit = "县司法局"')
    )
    [profile] = settings.profiles
    assert (profile.code, profile.name, profile.reviewer_unit) == ("default", "某县人民政府办公室", "县司法局")
    assert settings.default_office == "default"
