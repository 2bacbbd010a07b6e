"""The JSON schema a model is asked to fill: strict-compatible, compact, and written for the model. Pure.

Strict structured outputs (OpenAI and Azure ``strict: true``; vLLM and SGLang ``json_schema``) accept a
subset of JSON Schema. ``strict_schema`` turns a Pydantic model into that subset:

- every object has ``additionalProperties: false`` and lists every property in ``required``;
- an optional value is a nullable type (``{"type": ["string", "null"]}``), never an omitted key;
- no ``default`` and no ``title``; a ``$ref`` stands alone (a field description next to one is inlined).

It is also compact, because the schema is sent with every request and billed as prompt tokens:

- a model's docstring is for developers and never reaches a prompt: object-level descriptions are dropped.
  What the model reads is the field descriptions and the ``schema_name``/``schema_description`` class
  attributes, written for it;
- a nullable scalar is a type list rather than an ``anyOf``;
- a property schema repeated verbatim in several objects (``quote`` in every event kind) is defined once
  in ``$defs`` and referenced, when the reference is the shorter text.

The Pydantic model itself stays lenient (missing optional keys default), so a reply from an endpoint
without strict mode still validates. The output is deterministic: the same model gives the same bytes,
which keeps the request prefix identical across requests and cacheable by the provider.
"""

from __future__ import annotations

import copy
import json
from dataclasses import dataclass
from typing import Any

from pydantic import BaseModel
from pydantic.json_schema import model_json_schema

#: Keys dropped everywhere: not part of what strict mode accepts, or not for the model.
_DROPPED = frozenset({"title", "default", "examples"})
#: Names OpenAI accepts for a function or a response format.
_NAME_CHARS = frozenset("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_-")


@dataclass(frozen=True)
class ModelSchema:
    """What a request carries for one response model: a name, a sentence for the model, the schema."""

    name: str
    description: str | None
    schema: dict[str, Any]

    def with_header(self) -> dict[str, Any]:
        """The schema with ``title`` (the name) and ``description`` on top, as a tool library expects."""
        head: dict[str, Any] = {"title": self.name}
        if self.description:
            head["description"] = self.description
        return {**head, **copy.deepcopy(self.schema)}


def strict_schema(model: type[BaseModel]) -> ModelSchema:
    """The strict, compact schema of ``model`` (see the module docstring for the rules).

    ``model.schema_name`` and ``model.schema_description`` (class attributes, when present) give the
    name and the model-facing sentence; otherwise the class name and no description. Never the docstring.
    """
    name = str(getattr(model, "schema_name", None) or model.__name__)
    if not name or len(name) > 64 or set(name) - _NAME_CHARS:
        raise ValueError(f"schema name {name!r} must be 1-64 characters of a-z, A-Z, 0-9, _ or -")
    description = getattr(model, "schema_description", None)
    raw = model_json_schema(model)
    defs = raw.pop("$defs", {})
    root = _strict(raw, defs, is_model=True)
    out_defs = {key: _strict(value, defs, is_model=True) for key, value in defs.items()}
    root, out_defs = _share_repeated_properties(root, out_defs)
    root, out_defs = _inline_single_use(root, out_defs)
    if root.get("type") != "object":
        raise ValueError(f"{name}: the top level of a strict schema must be an object")
    if out_defs:
        root["$defs"] = out_defs
    return ModelSchema(name=name, description=str(description) if description else None, schema=root)


def _strict(node: Any, defs: dict[str, Any], *, is_model: bool = False) -> Any:
    """One node made strict and compact (recursively). ``is_model``: the node is a model's own schema,
    whose description is its docstring."""
    if isinstance(node, list):
        return [_strict(item, defs) for item in node]
    if not isinstance(node, dict):
        return node
    ref = node.get("$ref")
    if ref is not None and set(node) - {"$ref"} - _DROPPED:
        # strict mode forbids keys beside $ref: inline the target with the field's own keys on top
        target = defs[str(ref).rsplit("/", 1)[-1]]
        merged = {**target, **{k: v for k, v in node.items() if k != "$ref"}}
        inlined = _strict(merged, defs, is_model=False)
        if "description" in node:
            inlined["description"] = node["description"]
        elif "description" in target:
            inlined.pop("description", None)
        return _ordered(inlined)
    out: dict[str, Any] = {}
    for key, value in node.items():
        if key in _DROPPED or (is_model and key == "description") or key == "discriminator":
            continue
        if key == "properties":
            out[key] = {name: _strict(sub, defs) for name, sub in value.items()}
        elif key == "oneOf":  # a tagged union: its variants exclude each other, so anyOf accepts the same
            out["anyOf"] = _strict(value, defs)
        elif key in ("items", "anyOf", "allOf", "not", "additionalProperties", "prefixItems"):
            out[key] = _strict(value, defs)
        else:
            out[key] = value
    out = _nullable_as_type_list(out)
    if out.get("type") == "object" or "properties" in out:
        if out.get("additionalProperties", False) is not False and not out.get("properties"):
            raise ValueError("a strict schema cannot hold a free-form mapping (dict[str, ...]); use a model")
        props = out.get("properties", {})
        out["required"] = list(props)
        out["additionalProperties"] = False
    return _ordered(out)


#: Key order in every node: what a value is first, then its parts. Fixed, so the bytes never vary.
_ORDER = ("type", "description", "enum", "const", "items", "anyOf", "$ref", "properties", "required")


def _ordered(node: dict[str, Any]) -> dict[str, Any]:
    first = {key: node[key] for key in _ORDER if key in node}
    return {**first, **{key: value for key, value in node.items() if key not in first}}


def _nullable_as_type_list(node: dict[str, Any]) -> dict[str, Any]:
    """``anyOf: [{type: X}, {type: null}]`` -> ``type: [X, "null"]`` when X is a plain scalar."""
    variants = node.get("anyOf")
    if not isinstance(variants, list) or len(variants) != 2 or {"type": "null"} not in variants:
        return node
    other = variants[0] if variants[1] == {"type": "null"} else variants[1]
    kind = other.get("type")
    # only a plain scalar: a nullable enum stays an anyOf, the form openai's own helper produces
    if not isinstance(kind, str) or kind in ("object", "array", "null") or set(other) != {"type"}:
        return node
    return {
        ("type" if key == "anyOf" else key): ([kind, "null"] if key == "anyOf" else value)
        for key, value in node.items()
    }


def _share_repeated_properties(
    root: dict[str, Any], defs: dict[str, Any]
) -> tuple[dict[str, Any], dict[str, Any]]:
    """Define once in ``$defs`` a property schema that several objects repeat verbatim, when a reference
    is shorter than the schema it replaces."""
    objects = [root, *defs.values()]
    seen: dict[str, list[str]] = {}
    for obj in objects:
        for name, sub in obj.get("properties", {}).items():
            text = _canonical(sub)
            names = seen.setdefault(text, [])
            if name not in names:
                names.append(name)
    counts: dict[str, int] = {}
    for obj in objects:
        for sub in obj.get("properties", {}).values():
            text = _canonical(sub)
            counts[text] = counts.get(text, 0) + 1
    shared: dict[str, str] = {}  # canonical schema text -> $defs key
    for text, count in counts.items():
        names = seen[text]
        key = names[0] if len(names) == 1 else None
        if count < 2 or key is None or key in defs or key in shared.values():
            continue
        ref = _canonical({"$ref": f"#/$defs/{key}"})
        if len(ref) < len(text):
            shared[text] = key
    if not shared:
        return root, defs
    new_defs = dict(defs)
    for text, key in shared.items():
        new_defs[key] = json.loads(text)
    for obj in objects:
        props = obj.get("properties", {})
        for name, sub in props.items():
            key = shared.get(_canonical(sub))
            if key is not None:
                props[name] = {"$ref": f"#/$defs/{key}"}
    return root, {**{k: v for k, v in new_defs.items() if k not in defs}, **defs}


def _inline_single_use(root: dict[str, Any], defs: dict[str, Any]) -> tuple[dict[str, Any], dict[str, Any]]:
    """A definition referenced once is written where it is used; ``$defs`` keeps what is reused."""
    counts: dict[str, int] = {}
    _count_refs([root, defs], counts)
    once = {key for key in defs if counts.get(key, 0) == 1 and not _refers_to(defs[key], key)}
    if not once:
        return root, defs
    kept = {key: value for key, value in defs.items() if key not in once}

    def inline(node: Any) -> Any:
        if isinstance(node, list):
            return [inline(item) for item in node]
        if not isinstance(node, dict):
            return node
        ref = node.get("$ref")
        if isinstance(ref, str) and ref.rsplit("/", 1)[-1] in once and len(node) == 1:
            return inline(defs[ref.rsplit("/", 1)[-1]])
        return {key: inline(value) for key, value in node.items()}

    return inline(root), {key: inline(value) for key, value in kept.items()}


def _count_refs(node: Any, counts: dict[str, int]) -> None:
    if isinstance(node, list):
        for item in node:
            _count_refs(item, counts)
    elif isinstance(node, dict):
        ref = node.get("$ref")
        if isinstance(ref, str):
            key = ref.rsplit("/", 1)[-1]
            counts[key] = counts.get(key, 0) + 1
        for value in node.values():
            _count_refs(value, counts)


def _refers_to(node: Any, key: str) -> bool:
    counts: dict[str, int] = {}
    _count_refs(node, counts)
    return key in counts


def _canonical(node: Any) -> str:
    return json.dumps(node, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
