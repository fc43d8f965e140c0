"""Validates CycloneDX 1.6 JSON files strictly (cyclonedx-python-lib's
JsonStrictValidator: the 1.6 schema with additionalProperties refused),
and checks every purl parses. Exit 0 when all pass, 1 with the errors."""

import json
import sys

from cyclonedx.schema import SchemaVersion
from cyclonedx.validation.json import JsonStrictValidator
from packageurl import PackageURL


def main(paths):
    validator = JsonStrictValidator(SchemaVersion.V1_6)
    failed = False
    for path in paths:
        with open(path, encoding="utf-8") as f:
            text = f.read()
        error = validator.validate_str(text)
        if error is not None:
            print(f"{path}: {error}", file=sys.stderr)
            failed = True
            continue
        bom = json.loads(text)
        components = list(bom.get("components", []))
        root = bom.get("metadata", {}).get("component")
        if root:
            components.append(root)
        for c in components:
            if "purl" in c:
                try:
                    PackageURL.from_string(c["purl"])
                except ValueError as e:
                    print(f"{path}: purl {c['purl']!r}: {e}", file=sys.stderr)
                    failed = True
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
