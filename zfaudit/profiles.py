"""Agency profiles: which rules run, stage tables, deadlines, weights, clauses.

Shipped profiles are YAML files in zfaudit/profiles/ transcribed from ../shared/RULES.md.
A bureau's own profile is a YAML file with `extends: <shipped name>` plus overrides; mappings
merge key by key, lists and scalars replace.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any

import yaml

from .errors import ProfileError

STAGE_MARKS = ("req", "photo", "rec", "full", "notice")


@dataclass(frozen=True)
class Profile:
    name: str
    data: dict[str, Any]

    @property
    def rules(self) -> list[str]:
        return list(self.data["rules"])

    @property
    def stages(self) -> dict[str, list[str]]:
        return {k: list(v or []) for k, v in self.data.get("stages", {}).items()}

    @property
    def weights(self) -> dict[str, float]:
        return {k: float(v) for k, v in self.data.get("weights", {}).items()}

    @property
    def clauses(self) -> dict[str, str]:
        return dict(self.data.get("clauses", {}))

    def get(self, dotted: str, default: Any = None) -> Any:
        node: Any = self.data
        for part in dotted.split("."):
            if not isinstance(node, dict) or part not in node:
                return default
            node = node[part]
        return node

    def to_dict(self) -> dict[str, Any]:
        return copy.deepcopy(self.data)


def shipped_dir():
    return resources.files("zfaudit").joinpath("profiles")


def list_profiles() -> list[str]:
    return sorted(p.name[:-5] for p in shipped_dir().iterdir() if p.name.endswith(".yaml"))


def _merge(base: dict, over: dict) -> dict:
    out = copy.deepcopy(base)
    for k, v in over.items():
        if isinstance(v, dict) and isinstance(out.get(k), dict):
            out[k] = _merge(out[k], v)
        else:
            out[k] = copy.deepcopy(v)
    return out


def _read_yaml(text: str, origin: str) -> dict:
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as e:
        raise ProfileError(f"配置文件无法解析 / profile {origin} is not valid YAML: {e}") from e
    if not isinstance(data, dict):
        raise ProfileError(f"配置文件格式错误 / profile {origin} must be a YAML mapping")
    return data


def _resolve(data: dict, origin: str, seen: tuple[str, ...]) -> dict:
    parent = data.get("extends")
    if not parent:
        return data
    if parent in seen:
        raise ProfileError(f"配置循环继承 / profile {origin}: circular extends {parent}")
    base = _resolve(_load_raw(parent), parent, seen + (parent,))
    merged = _merge(base, {k: v for k, v in data.items() if k != "extends"})
    merged["extends"] = parent
    return merged


def _load_raw(name_or_path: str | Path) -> dict:
    name = str(name_or_path)
    shipped = shipped_dir().joinpath(f"{name}.yaml")
    if "/" not in name and not name.endswith((".yaml", ".yml")) and shipped.is_file():
        return _read_yaml(shipped.read_text("utf-8"), name)
    path = Path(name)
    if path.is_file():
        return _read_yaml(path.read_text("utf-8"), name)
    raise ProfileError(
        f"未知的配置 / unknown profile {name!r}: use one of {', '.join(list_profiles())} or a YAML file path"
    )


def get_profile(name_or_path: str | Path | Profile) -> Profile:
    """A shipped profile by name, or a bureau's profile file (which may extend one)."""
    if isinstance(name_or_path, Profile):
        return name_or_path
    data = _resolve(_load_raw(name_or_path), str(name_or_path), (str(name_or_path),))
    if "name" not in data:
        raise ProfileError(f"配置缺少 name / profile {name_or_path} has no name")
    for key in ("rules", "deadlines"):
        if key not in data:
            raise ProfileError(f"配置缺少 {key} / profile {name_or_path} lacks {key!r}")
    return Profile(data["name"], data)
