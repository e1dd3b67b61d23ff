#!/usr/bin/python3
"""Validates YAML specs against the JSON Schema with an independent validator.

Usage: validate_schema.py SCHEMA SPEC...
Prints one line per spec: "accept<TAB>SPEC" or "reject<TAB>SPEC<TAB>reason".
Exits 0 when every spec was judged, 2 when the schema itself is invalid.
Needs Debian's python3-jsonschema and python3-yaml (run with /usr/bin/python3).
"""
import json
import sys

import jsonschema
import yaml


def main(argv):
    if len(argv) < 2:
        print(__doc__, file=sys.stderr)
        return 2
    with open(argv[1], encoding="utf-8") as handle:
        schema = json.load(handle)
    validator_class = jsonschema.validators.validator_for(schema)
    try:
        validator_class.check_schema(schema)
    except jsonschema.exceptions.SchemaError as error:
        print(f"invalid schema: {error.message}", file=sys.stderr)
        return 2
    validator = validator_class(schema)
    for path in argv[2:]:
        try:
            with open(path, encoding="utf-8") as handle:
                document = yaml.safe_load(handle)
        except yaml.YAMLError as error:
            print(f"reject\t{path}\tYAML: {' '.join(str(error).split())}")
            continue
        error = jsonschema.exceptions.best_match(validator.iter_errors(document))
        if error is not None:
            where = "/".join(str(part) for part in error.absolute_path)
            print(f"reject\t{path}\t{where}: {' '.join(error.message.split())}")
        else:
            print(f"accept\t{path}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
