"""YAML and JSON reading that refuses a key written twice in one mapping.

PyYAML's ``safe_load`` keeps the last of two equal keys without a word, so a copied
``levels:`` block silently replaces the first; here the second one is an error naming its line.

>>> load_yaml("a: 1\\nb: 2\\n")
{'a': 1, 'b': 2}
>>> try:
...     load_yaml("a: 1\\na: 2\\n")
... except yaml.YAMLError as exc:
...     print(exc.problem, "on line", exc.problem_mark.line + 1)
found duplicate key 'a' (first on line 1) on line 2
>>> load_json('{"a": 1, "a": 2}')
Traceback (most recent call last):
...
ValueError: duplicate key 'a' in one JSON object
"""

from __future__ import annotations

import json
from typing import Any

import yaml

__all__ = ["UniqueKeyLoader", "describe_yaml_error", "load_json", "load_yaml"]


def describe_yaml_error(exc: yaml.YAMLError) -> str:
    """A YAML error in one line for a message: ``line N, column M: what``.

    >>> try:
    ...     load_yaml("a: 1\\nb: [\\n")
    ... except yaml.YAMLError as exc:
    ...     print(describe_yaml_error(exc).split(":")[0])  # then libyaml's or PyYAML's words
    line 3, column 1
    """
    mark = getattr(exc, "problem_mark", None)
    problem = getattr(exc, "problem", None) or str(exc).splitlines()[0]
    if mark is None:
        return problem
    return f"line {mark.line + 1}, column {mark.column + 1}: {problem}"


# libyaml's parser where PyYAML has it (several times faster on the instrument files that
# every report kernel reads); the pure-Python one otherwise.
_SAFE_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class UniqueKeyLoader(_SAFE_LOADER):
    """``yaml.SafeLoader`` whose mappings refuse duplicate keys (with both lines)."""

    def construct_mapping(self, node, deep=False):
        if isinstance(node, yaml.MappingNode):
            seen: dict[Any, int] = {}
            for key_node, _value_node in node.value:
                if key_node.tag == "tag:yaml.org,2002:merge":
                    continue
                key = self.construct_object(key_node, deep=True)
                try:
                    first = seen.get(key)
                except TypeError:  # an unhashable key: let PyYAML report it
                    continue
                if first is not None:
                    raise yaml.constructor.ConstructorError(
                        "while constructing a mapping",
                        node.start_mark,
                        f"found duplicate key {key!r} (first on line {first + 1})",
                        key_node.start_mark,
                    )
                seen[key] = key_node.start_mark.line
        return super().construct_mapping(node, deep=deep)


UniqueKeyLoader.add_constructor(
    yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, UniqueKeyLoader.construct_mapping
)


def load_yaml(text: str) -> Any:
    """Parse YAML like ``yaml.safe_load``, raising ``ConstructorError`` on a duplicate key."""
    return yaml.load(text, Loader=UniqueKeyLoader)


def _unique_pairs(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    result: dict[str, Any] = {}
    for key, value in pairs:
        if key in result:
            raise ValueError(f"duplicate key {key!r} in one JSON object")
        result[key] = value
    return result


def load_json(text: str) -> Any:
    """Parse JSON, raising ``ValueError`` on a key written twice in one object."""
    return json.loads(text, object_pairs_hook=_unique_pairs)
