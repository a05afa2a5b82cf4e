"""``[progress]`` in config.toml: the shipped file's values, the defaults, and what is refused."""

from __future__ import annotations

import tomllib
from datetime import time
from pathlib import Path

import pytest

from kernel.errors import InvalidInput
from workflow.tracking.schedule import ProgressSettings

CONFIG = Path(__file__).resolve().parents[2] / "config.toml"


def test_the_shipped_config_starts_each_month_on_the_first_and_asks_by_the_25th() -> None:
    section = tomllib.loads(CONFIG.read_text(encoding="utf-8"))["progress"]
    settings = ProgressSettings.from_mapping(section)
    assert (settings.start_day, settings.due_day, settings.due_time) == (1, 25, time(17, 0))


def test_without_the_key_the_scheduler_starts_on_the_first_and_zero_switches_it_off() -> None:
    assert ProgressSettings.from_mapping({}).start_day == 1
    assert ProgressSettings.from_mapping({"start_day": 0}).start_day == 0


@pytest.mark.parametrize("section", [{"start_day": 25}, {"start_day": 26, "due_day": 25}, {"start_day": -1}])
def test_a_start_day_not_before_the_due_day_is_refused(section: dict[str, int]) -> None:
    with pytest.raises(InvalidInput) as refused:
        ProgressSettings.from_mapping(section)
    assert refused.value.code == "PROGRESS_CONFIG_INVALID" and "start_day" in refused.value.message
