#!/usr/bin/env python3
"""Checks trafficgen's reports against their JSON Schemas (docs/schema), chosen by each
report's "schema": trafficgen.report, trafficgen.search, trafficgen.repeat or trafficgen.orch.report. Prints each violation
and exits 1 when there is one; 2 when a file is not JSON or names no known schema.

    check_report.py FILE...
"""
import json
import os
import sys

import jsonschema

HERE = os.path.dirname(os.path.abspath(__file__))
SCHEMAS = os.path.join(HERE, "..", "..", "docs", "schema")
BY_NAME = {"trafficgen.report": "trafficgen-report.schema.json",
           "trafficgen.search": "trafficgen-search.schema.json",
           "trafficgen.repeat": "trafficgen-repeat.schema.json",
           "trafficgen.orch.report": "trafficgen-orch-report.schema.json"}


def validator(schema, store):
    """One schema may refer to another's definitions by its $id: the validator knows them all."""
    try:
        import referencing  # jsonschema 4.18 and later
        registry = referencing.Registry().with_resources(
            (s["$id"], referencing.Resource.from_contents(s)) for s in store.values())
        return jsonschema.Draft202012Validator(schema, registry=registry)
    except ImportError:  # Debian 12's jsonschema 4.10
        resolver = jsonschema.RefResolver.from_schema(schema, store={s["$id"]: s for s in store.values()})
        return jsonschema.Draft202012Validator(schema, resolver=resolver)


def main(paths):
    store = {}
    for file in BY_NAME.values():
        with open(os.path.join(SCHEMAS, file), encoding="utf-8") as f:
            store[file] = json.load(f)
    validators = {}
    bad = 0
    for path in paths:
        try:
            with open(path, encoding="utf-8") as f:
                report = json.load(f)
        except (OSError, ValueError) as e:
            print(f"{path}: not a JSON report: {e}")
            return 2
        name = report.get("schema") if isinstance(report, dict) else None
        if name not in BY_NAME:
            print(f"{path}: \"schema\" is {name!r}, not one of {sorted(BY_NAME)}")
            return 2
        if name not in validators:
            validators[name] = validator(store[BY_NAME[name]], store)
        for error in sorted(validators[name].iter_errors(report), key=lambda e: list(e.absolute_path)):
            where = "/".join(str(p) for p in error.absolute_path) or "(top)"
            print(f"{path}: {where}: {error.message}")
            bad += 1
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
