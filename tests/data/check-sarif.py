#!/usr/bin/env python3
"""check-sarif.py SCHEMA [FILE] - validate a SARIF log (stdin by default)
against the vendored SARIF 2.1.0 JSON schema, then check what GitHub code
scanning needs beyond the schema, and that the rules are exactly those the
results use. Prints one line per problem; exit 1 if any.
Prints "ok RESULTS RULES NOTIFICATIONS SUPPRESSED" on success."""
import json
import sys

import jsonschema


def main():
    schema = json.load(open(sys.argv[1]))
    log = json.load(open(sys.argv[2]) if len(sys.argv) > 2 else sys.stdin)
    problems = [
        "schema: %s at %s" % (e.message, "/".join(map(str, e.absolute_path)))
        for e in jsonschema.Draft4Validator(schema).iter_errors(log)
    ]
    results = rules = notes = suppressed = 0
    for run in log.get("runs", []):
        driver = run["tool"]["driver"]
        if not driver.get("name"):
            problems.append("tool.driver.name missing")
        ids = [r["id"] for r in driver.get("rules", [])]
        if len(ids) != len(set(ids)):
            problems.append("duplicate rule ids")
        rules += len(ids)
        for r in driver.get("rules", []):
            for key in ("shortDescription", "fullDescription", "help"):
                if not r.get(key, {}).get("text"):
                    problems.append("rule %s: %s.text missing" % (r["id"], key))
            sev = r.get("properties", {}).get("security-severity")
            try:
                if not 0.0 <= float(sev) <= 10.0:
                    raise ValueError
            except (TypeError, ValueError):
                problems.append("rule %s: bad security-severity %r" % (r["id"], sev))
        used = set()
        for res in run.get("results", []):
            results += 1
            used.add(res.get("ruleId"))
            rid, idx = res.get("ruleId"), res.get("ruleIndex")
            if rid not in ids:
                problems.append("result rule %r not in rules" % rid)
            elif idx is not None and ids[idx] != rid:
                problems.append("ruleIndex %d is not %s" % (idx, rid))
            if not res.get("message", {}).get("text"):
                problems.append("result %s: message.text missing" % rid)
            locs = res.get("locations") or []
            # a host property without a file has only a logical location
            if not locs or not (
                    locs[0].get("physicalLocation", {}).get("artifactLocation", {}).get("uri")
                    or locs[0].get("logicalLocations")):
                problems.append("result %s: no artifact uri" % rid)
            phys = locs[0].get("physicalLocation") if locs else None
            if phys and not phys.get("region"):
                problems.append("result %s: no region" % rid)
            if not res.get("partialFingerprints"):
                problems.append("result %s: no partialFingerprints" % rid)
            suppressed += bool(res.get("suppressions"))
        unused = set(ids) - used
        if unused:
            problems.append("rules no result uses: %s" % " ".join(sorted(unused)))
        for inv in run.get("invocations", []):
            notes += len(inv.get("toolExecutionNotifications", []))
    for p in problems:
        print(p)
    if problems:
        return 1
    print("ok %d %d %d %d" % (results, rules, notes, suppressed))
    return 0


if __name__ == "__main__":
    sys.exit(main())
