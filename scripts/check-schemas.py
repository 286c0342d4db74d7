#!/usr/bin/env python3
"""Checks the machine-readable contracts in schemas/.

- schemas/openapi.yaml is a valid OpenAPI 3.1 document (openapi-spec-validator), and every
  `$ref` in it resolves;
- schemas/pipeline.schema.json is a valid JSON Schema (draft 2020-12), every pipelines/*.yaml file
  satisfies it, and documents that break its rules are rejected.

Run with the project venv: `.venv/bin/python scripts/check-schemas.py`. Exits 1 on any failure,
listing each one.
"""

from __future__ import annotations

import copy
import json
import sys
from pathlib import Path

import yaml
from jsonschema import Draft202012Validator
from openapi_spec_validator import validate as validate_openapi
from openapi_spec_validator.readers import read_from_filename

ROOT = Path(__file__).resolve().parent.parent
OPENAPI = ROOT / "schemas" / "openapi.yaml"
PIPELINE_SCHEMA = ROOT / "schemas" / "pipeline.schema.json"
PIPELINES = ROOT / "pipelines"

failures: list[str] = []


def fail(message: str) -> None:
    failures.append(message)
    print(f"FAIL {message}")


def ok(message: str) -> None:
    print(f"ok   {message}")


def check_openapi() -> None:
    try:
        document, base_uri = read_from_filename(str(OPENAPI))
    except Exception as error:  # noqa: BLE001 - report any reader failure
        fail(f"{OPENAPI.relative_to(ROOT)}: cannot read: {error}")
        return
    if document.get("openapi", "").split(".")[:2] != ["3", "1"]:
        fail(f"{OPENAPI.relative_to(ROOT)}: expected openapi 3.1.x, got {document.get('openapi')!r}")
    try:
        validate_openapi(document, base_uri=base_uri)
    except Exception as error:  # noqa: BLE001 - the validator raises several types
        fail(f"{OPENAPI.relative_to(ROOT)}: not valid OpenAPI 3.1: {error}")
        return
    # Every local reference must point at something (the validator follows only those it needs).
    missing = sorted({ref for ref in local_refs(document) if resolve_pointer(document, ref) is None})
    for ref in missing:
        fail(f"{OPENAPI.relative_to(ROOT)}: unresolved $ref {ref}")
    # Operation ids are unique.
    seen: dict[str, str] = {}
    operations = 0
    for path, item in document.get("paths", {}).items():
        for method, operation in item.items():
            if method not in {"get", "put", "post", "delete", "options", "head", "patch", "trace"}:
                continue
            operations += 1
            op_id = operation.get("operationId")
            if op_id in seen:
                fail(f"{OPENAPI.relative_to(ROOT)}: operationId {op_id} used by {seen[op_id]} and {method.upper()} {path}")
            elif op_id:
                seen[op_id] = f"{method.upper()} {path}"
    if not missing:
        ok(f"{OPENAPI.relative_to(ROOT)}: valid OpenAPI {document['openapi']} ({len(document['paths'])} paths, {operations} operations)")


def local_refs(node: object) -> list[str]:
    out: list[str] = []
    if isinstance(node, dict):
        for key, value in node.items():
            if key == "$ref" and isinstance(value, str) and value.startswith("#"):
                out.append(value)
            else:
                out.extend(local_refs(value))
    elif isinstance(node, list):
        for item in node:
            out.extend(local_refs(item))
    return out


def resolve_pointer(document: object, ref: str) -> object | None:
    node = document
    for raw in ref.lstrip("#").split("/")[1:]:
        part = raw.replace("~1", "/").replace("~0", "~")
        if isinstance(node, dict) and part in node:
            node = node[part]
        elif isinstance(node, list) and part.isdigit() and int(part) < len(node):
            node = node[int(part)]
        else:
            return None
    return node


def describe(error) -> str:
    where = "/".join(str(p) for p in error.absolute_path) or "(top)"
    return f"{where}: {error.message}"


def check_pipelines() -> None:
    rel = PIPELINE_SCHEMA.relative_to(ROOT)
    try:
        schema = json.loads(PIPELINE_SCHEMA.read_text(encoding="utf-8"))
    except Exception as error:  # noqa: BLE001
        fail(f"{rel}: cannot read as JSON: {error}")
        return
    try:
        Draft202012Validator.check_schema(schema)
    except Exception as error:  # noqa: BLE001
        fail(f"{rel}: not a valid draft 2020-12 schema: {error}")
        return
    ok(f"{rel}: valid JSON Schema (draft 2020-12)")
    validator = Draft202012Validator(schema, format_checker=Draft202012Validator.FORMAT_CHECKER)

    files = sorted(list(PIPELINES.glob("*.yaml")) + list(PIPELINES.glob("*.yml")))
    if not files:
        fail(f"no pipeline files in {PIPELINES.relative_to(ROOT)}")
    documents: dict[str, object] = {}
    for file in files:
        name = file.relative_to(ROOT)
        try:
            document = yaml.safe_load(file.read_text(encoding="utf-8"))
        except Exception as error:  # noqa: BLE001
            fail(f"{name}: not valid YAML: {error}")
            continue
        errors = sorted(validator.iter_errors(document), key=lambda e: list(e.absolute_path))
        if errors:
            for error in errors:
                fail(f"{name}: {describe(error)}")
        else:
            ok(f"{name}: matches {rel}")
            documents[file.stem] = document

    # Documents that must be rejected: each breaks one rule the parser also enforces.
    base = documents.get("upload") or {
        "name": "sample",
        "stages": [{"stage": "ingest"}, {"stage": "extract", "with": {"segmenters": ["classical"]}}],
    }

    def variant(change) -> object:
        document = copy.deepcopy(base)
        change(document)
        return document

    def set_with(index: int, key: str, value: object):
        def change(d):
            stage = d["stages"][index]
            stage["with"] = dict(stage.get("with") or {})
            stage["with"][key] = value
        return change

    def add_stage(stage: dict):
        return lambda d: d["stages"].append(stage)

    invalid = {
        "missing name": lambda d: d.pop("name"),
        "upper-case name": lambda d: d.update(name="Upload"),
        "name over 64 characters": lambda d: d.update(name="a" * 65),
        "unknown top-level key": lambda d: d.update(version=2),
        "no stages": lambda d: d.update(stages=[]),
        "17 stages": lambda d: d.update(stages=[{"stage": "extract", "id": f"s{i}"} for i in range(17)]),
        "unknown stage": add_stage({"stage": "paint"}),
        "models stage (service-only)": add_stage({"stage": "models"}),
        "stage without its kind": add_stage({"id": "x"}),
        "stage id with a space": add_stage({"stage": "filter", "id": "my filter"}),
        "enabled as a string": add_stage({"stage": "filter", "id": "f2", "enabled": "yes"}),
        "with as a list": add_stage({"stage": "filter", "id": "f3", "with": [1, 2]}),
        "unknown stage key": add_stage({"stage": "filter", "id": "f4", "params": {}}),
        "unknown extract parameter": set_with(1, "batch", 8),
        "extract threshold 255": set_with(1, "threshold", 255),
        "extract no segmenters": set_with(1, "segmenters", []),
        "extract segmenter named twice": set_with(1, "segmenters", ["classical", "classical"]),
        "extract segmenter with a path": set_with(1, "segmenters", ["../u2net"]),
        "extract batch_size 0": set_with(1, "batch_size", 0),
        "extract threshold as text": set_with(1, "threshold", "128"),
        "ingest empty folder": set_with(0, "folder", ""),
        "ingest max_files 0": set_with(0, "max_files", 0),
        "filter min_area above 1": add_stage({"stage": "filter", "id": "f5", "with": {"min_area": 1.5}}),
        "filter min_clip 101": add_stage({"stage": "filter", "id": "f6", "with": {"min_clip": 101}}),
        "composite bad format": add_stage({"stage": "composite", "with": {"format": "voc"}}),
        "composite jpeg_quality 0": add_stage({"stage": "composite", "with": {"jpeg_quality": 0}}),
        "composite hue 0.6": add_stage({"stage": "composite", "with": {"hue": 0.6}}),
        "composite aspect_jitter 1": add_stage({"stage": "composite", "with": {"aspect_jitter": 1}}),
        "composite negative seed": add_stage({"stage": "composite", "with": {"seed": -1}}),
        "composite split with a slash": add_stage({"stage": "composite", "with": {"split": "a/b"}}),
        "composite max_image_side 8": add_stage({"stage": "composite", "with": {"max_image_side": 8}}),
        "composite unknown parameter": add_stage({"stage": "composite", "with": {"colour": "red"}}),
        "generate unknown parameter": add_stage({"stage": "generate", "with": {"count": 5, "engine": "any"}}),
        "generate unknown scheduler": add_stage({"stage": "generate", "with": {"scheduler": "lms"}}),
        "generate width not a multiple of 8": add_stage({"stage": "generate", "with": {"width": 500}}),
        "generate template without {name}": add_stage({"stage": "generate", "with": {"prompt_template": "a photo"}}),
    }
    rejected = 0
    for label, change in invalid.items():
        document = variant(change)
        if validator.is_valid(document):
            fail(f"{rel}: accepts an invalid pipeline ({label})")
        else:
            rejected += 1
    if rejected == len(invalid):
        ok(f"{rel}: rejects all {len(invalid)} invalid pipelines")

    # And a few valid variations are accepted (null `with`, optional keys set to null, every stage).
    valid = {
        "null with": add_stage({"stage": "filter", "id": "f7", "with": None}),
        "optional keys null": add_stage({"stage": "composite", "with": {"backgrounds": None, "images": None, "max_image_side": None}}),
        "every composite enum": add_stage({"stage": "composite", "with": {
            "sampling": "rare_first", "resize_filter": "lanczos", "blending": "gaussian", "format": "coco", "segmentation": "rle"}}),
        "generate with every key": add_stage({"stage": "generate", "with": {
            "model": "sd-turbo", "count": 5, "steps": 4, "guidance": 0, "scheduler": "euler", "width": 512, "height": 768,
            "batch_size": 4, "prompt_template": "a photo of a {name}", "negative_prompt": "blurry", "seed": 7}}),
        "crawl from a URL list": add_stage({"stage": "crawl", "with": {"source": "urls", "urls": "lists/dogs.csv", "count": 5, "resize": None}}),
        "disabled stage": add_stage({"stage": "generate", "enabled": False}),
    }
    accepted = 0
    for label, change in valid.items():
        document = variant(change)
        errors = list(validator.iter_errors(document))
        if errors:
            fail(f"{rel}: rejects a valid pipeline ({label}): {describe(errors[0])}")
        else:
            accepted += 1
    if accepted == len(valid):
        ok(f"{rel}: accepts all {len(valid)} valid variations")


def main() -> int:
    check_openapi()
    check_pipelines()
    if failures:
        print(f"\n{len(failures)} schema check(s) failed")
        return 1
    print("\nall schema checks passed")
    return 0


if __name__ == "__main__":
    sys.exit(main())
