"""Fail unless every JUnit report ran tests and skipped none of them."""

from __future__ import annotations

import sys
import xml.etree.ElementTree as ET


def main(paths: list[str]) -> int:
    status = 0
    for path in paths:
        root = ET.parse(path).getroot()
        suites = [root] if root.tag == "testsuite" else list(root.iter("testsuite"))
        tests = sum(int(s.get("tests", 0)) for s in suites)
        skipped = sum(int(s.get("skipped", 0)) for s in suites)
        failed = sum(int(s.get("failures", 0)) + int(s.get("errors", 0)) for s in suites)
        label = path.rsplit("/", 1)[-1].removeprefix("junit-").removesuffix(".xml")
        print(f"{label}: {tests - failed - skipped} passed, {failed} failed, {skipped} skipped")
        if tests == 0 or skipped or failed:
            status = 1
    return status


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
