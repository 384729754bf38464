#!/usr/bin/env python3
"""Check Autobahn testsuite reports (Python 3, standard library only).

Reads `<report dir>/index.json` as written by wstest, for each role:
  reports/server*  wstest -m fuzzingclient tested our server (spec fuzzingclient.json)
  reports/client*  wstest -m fuzzingserver tested our client (spec fuzzingserver.json)

The bar: every case selected by the role's spec must be in the report with
behavior and behaviorClose each OK or INFORMATIONAL. NON-STRICT, FAILED,
UNIMPLEMENTED, WRONG CODE, ... or a case missing from the report is a failure.

Output: one line per case that is not plainly OK, a per-section table per
role/agent, the summed duration of the 9.* cases per role/agent, and finally
`N passed, M failed`. Exit status is 0 only when M == 0 (and, with
--compare-expected, when the results match expected-results.json).

Usage:
  check.py [options] [DIR[=AGENT] ...]

DIR defaults to every autobahn/reports/*/ holding an index.json. With
DIR=AGENT the report must contain that agent (a missing index.json or agent
then counts every selected case as missing).

  --write-expected    write autobahn/expected-results.json from these reports
                      (per role, per agent, per case: behavior, behaviorClose,
                      remoteCloseCode, reportfile; durations stripped); roles
                      and agents not in these reports are kept as they were
  --compare-expected  report differences from autobahn/expected-results.json;
                      any difference also makes the exit status non-zero
  --expected FILE     use FILE instead of autobahn/expected-results.json
"""

import argparse
import json
import os
import re
import sys

HERE = os.path.dirname(os.path.abspath(__file__))

# Every case of autobahntestsuite 25.10.1 (517 cases), as
# "case-id prefix": number of cases; the ids are PREFIX.1 .. PREFIX.N.
# Read off autobahntestsuite.case.Cases; needed to tell which selected cases
# are missing from a report.
ALL_CASES = [
    ("1.1", 8), ("1.2", 8), ("2", 11), ("3", 7), ("4.1", 5), ("4.2", 5),
    ("5", 20), ("6.1", 3), ("6.2", 4), ("6.3", 2), ("6.4", 4), ("6.5", 5),
    ("6.6", 11), ("6.7", 4), ("6.8", 2), ("6.9", 4), ("6.10", 3),
    ("6.11", 5), ("6.12", 8), ("6.13", 5), ("6.14", 10), ("6.15", 1),
    ("6.16", 3), ("6.17", 5), ("6.18", 5), ("6.19", 5), ("6.20", 7),
    ("6.21", 8), ("6.22", 34), ("6.23", 7), ("7.1", 6), ("7.3", 6),
    ("7.5", 1), ("7.7", 13), ("7.9", 9), ("7.13", 2), ("9.1", 6), ("9.2", 6),
    ("9.3", 9), ("9.4", 9), ("9.5", 6), ("9.6", 6), ("9.7", 6), ("9.8", 6),
    ("10.1", 1), ("12.1", 18), ("12.2", 18), ("12.3", 18), ("12.4", 18),
    ("12.5", 18), ("13.1", 18), ("13.2", 18), ("13.3", 18), ("13.4", 18),
    ("13.5", 18), ("13.6", 18), ("13.7", 18),
]
ALL_CASE_IDS = ["%s.%d" % (p, i) for p, n in ALL_CASES for i in range(1, n + 1)]

PASSING = ("OK", "INFORMATIONAL")
MISSING = "MISSING"


def roles(results):
    """Role names, servers first (the order run.sh runs them in)."""
    return sorted(results, key=lambda role: (not role.startswith("server"), role))


def case_key(case_id):
    return tuple(int(x) for x in case_id.split("."))


def resolve(patterns):
    """Case patterns -> case ids, as wstest does it (caseset.py): a pattern
    with '*' is a regex matched at the start of the id, others are literal."""
    out = set()
    for pat in patterns:
        if "*" in pat:
            rx = re.compile(pat.replace(".", r"\.").replace("*", ".*"))
            out.update(c for c in ALL_CASE_IDS if rx.match(c))
        else:
            out.add(pat)
    return out


def selected_cases(spec, agent):
    """The case ids that wstest runs for `agent` under `spec`."""
    cases = resolve(spec.get("cases", ["*"])) - resolve(spec.get("exclude-cases", []))
    for agent_pat, case_pats in spec.get("exclude-agent-cases", {}).items():
        if re.match("^" + agent_pat.replace(".", r"\.").replace("*", ".*") + "$", agent):
            rxs = [re.compile("^" + p.replace(".", r"\.").replace("*", ".*") + "$") for p in case_pats]
            cases = {c for c in cases if not any(rx.match(c) for rx in rxs)}
    return sorted(cases, key=case_key)


def spec_for(role):
    name = "fuzzingclient.json" if role.startswith("server") else "fuzzingserver.json"
    with open(os.path.join(HERE, name)) as f:
        return json.load(f)


def status(result):
    """Worst of behavior/behaviorClose, for the table."""
    values = (result["behavior"], result["behaviorClose"])
    for bad in (MISSING, "FAILED", "UNIMPLEMENTED"):
        if bad in values:
            return bad
    if all(v in PASSING for v in values):
        return "INFORMATIONAL" if "INFORMATIONAL" in values else "OK"
    if "NON-STRICT" in values and all(v in PASSING + ("NON-STRICT",) for v in values):
        return "NON-STRICT"
    return "FAILED"  # e.g. behaviorClose "WRONG CODE"


def passes(result):
    return result["behavior"] in PASSING and result["behaviorClose"] in PASSING


def load_reports(targets):
    """-> {role: {agent: {case_id: result}}} with every selected case present."""
    results = {}
    for dirname, want_agent in targets:
        role = os.path.basename(os.path.normpath(dirname))
        index_path = os.path.join(dirname, "index.json")
        if os.path.exists(index_path):
            with open(index_path) as f:
                index = json.load(f)
        else:
            print("%s: no %s" % (role, index_path))
            index = {}
        agents = [want_agent] if want_agent else sorted(index)
        if not agents:
            print("%s: no agent in %s" % (role, index_path))
            agents = ["?"]
        spec = spec_for(role)
        for agent in agents:
            got = index.get(agent, {})
            if agent not in index and os.path.exists(index_path):
                print("%s: agent %r not in %s (has: %s)" % (role, agent, index_path, ", ".join(sorted(index)) or "none"))
            cases = {}
            for case_id in selected_cases(spec, agent):
                cases[case_id] = got.get(case_id) or {
                    "behavior": MISSING, "behaviorClose": MISSING,
                    "remoteCloseCode": None, "duration": 0, "reportfile": None,
                }
            # Cases run but not selected (spec changed?) still count.
            for case_id, result in got.items():
                cases.setdefault(case_id, result)
            results.setdefault(role, {})[agent] = cases
    return results


COLUMNS = ("OK", "INFORMATIONAL", "NON-STRICT", "FAILED", "UNIMPLEMENTED", MISSING)
HEADINGS = ("OK", "INFO", "NON-STRICT", "FAILED", "UNIMPL", "MISSING")


def print_table(role, agent, cases):
    sections = {}
    for case_id, result in cases.items():
        counts = sections.setdefault(int(case_id.split(".")[0]), dict.fromkeys(COLUMNS, 0))
        counts[status(result)] += 1
    print()
    print("%s (agent %s)" % (role, agent))
    print("  %-8s %6s" % ("section", "cases") + "".join(" %10s" % h for h in HEADINGS))
    for section in sorted(sections):
        counts = sections[section]
        print("  %-8s %6d" % (section, sum(counts.values()))
              + "".join(" %10d" % counts[c] for c in COLUMNS))
    total = {c: sum(s[c] for s in sections.values()) for c in COLUMNS}
    print("  %-8s %6d" % ("total", sum(total.values())) + "".join(" %10d" % total[c] for c in COLUMNS))
    nine = [r.get("duration") or 0 for c, r in cases.items() if c.startswith("9.")]
    print("  9.* (%d cases): %d ms in all" % (len(nine), sum(nine)))


def stripped(results):
    return {
        role: {
            agent: {
                case_id: {k: r[k] for k in ("behavior", "behaviorClose", "remoteCloseCode", "reportfile")}
                for case_id, r in cases.items() if r["behavior"] != MISSING
            }
            for agent, cases in agents.items()
        }
        for role, agents in results.items()
    }


def compare(results, expected_path):
    """Print differences from the expected file; return their number."""
    if not os.path.exists(expected_path):
        print("expected: %s does not exist (write it with --write-expected)" % expected_path)
        return 1
    with open(expected_path) as f:
        expected = json.load(f)
    current = stripped(results)
    diffs = 0
    for role in roles(current):
        for agent in sorted(current[role]):
            want = expected.get(role, {}).get(agent)
            if want is None:
                print("expected: %s/%s not in %s" % (role, agent, expected_path))
                diffs += 1
                continue
            have = current[role][agent]
            for case_id in sorted(set(want) | set(have), key=case_key):
                w, h = want.get(case_id), have.get(case_id)
                if w is None or h is None:
                    print("expected: %s %s %s: %s in expected, %s in report"
                          % (role, agent, case_id, "present" if w else "absent", "present" if h else "absent"))
                    diffs += 1
                    continue
                changed = [k for k in ("behavior", "behaviorClose", "remoteCloseCode") if w.get(k) != h.get(k)]
                if changed:
                    print("expected: %s %s %s: " % (role, agent, case_id)
                          + ", ".join("%s %s -> %s" % (k, w.get(k), h.get(k)) for k in changed))
                    diffs += 1
    print("expected: %d difference(s) from %s" % (diffs, expected_path))
    return diffs


def parse_targets(args):
    if not args:
        reports = os.path.join(HERE, "reports")
        args = sorted(
            os.path.join(reports, d) for d in (os.listdir(reports) if os.path.isdir(reports) else [])
            if os.path.exists(os.path.join(reports, d, "index.json"))
        )
        if not args:
            sys.exit("check.py: no reports/*/index.json under %s" % HERE)
    targets = []
    for arg in args:
        dirname, _, agent = arg.partition("=")
        role = os.path.basename(os.path.normpath(dirname))
        if not role.startswith(("server", "client")):
            sys.exit("check.py: report dir %r: name must start with 'server' or 'client'" % dirname)
        targets.append((dirname, agent or None))
    return targets


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("dirs", nargs="*", metavar="DIR[=AGENT]")
    ap.add_argument("--write-expected", action="store_true")
    ap.add_argument("--compare-expected", action="store_true")
    ap.add_argument("--expected", default=os.path.join(HERE, "expected-results.json"))
    opts = ap.parse_args()

    results = load_reports(parse_targets(opts.dirs))

    passed = failed = 0
    for role in roles(results):
        for agent in sorted(results[role]):
            for case_id, r in sorted(results[role][agent].items(), key=lambda kv: case_key(kv[0])):
                ok = passes(r)
                passed += ok
                failed += not ok
                if (r["behavior"], r["behaviorClose"]) != ("OK", "OK"):
                    print("%-4s %s %s %s behavior=%s behaviorClose=%s" % (
                        "info" if ok else "FAIL", role, agent, case_id, r["behavior"], r["behaviorClose"]))

    for role in roles(results):
        for agent in sorted(results[role]):
            print_table(role, agent, results[role][agent])
    print()

    diffs = 0
    if opts.write_expected:
        # Merge: roles/agents not in this run keep their expected results.
        expected = {}
        if os.path.exists(opts.expected):
            with open(opts.expected) as f:
                expected = json.load(f)
        for role, agents in stripped(results).items():
            expected.setdefault(role, {}).update(agents)
        with open(opts.expected, "w") as f:
            json.dump(expected, f, sort_keys=True, indent=3, separators=(",", ": "))
            f.write("\n")
        print("wrote %s" % opts.expected)
    if opts.compare_expected:
        diffs = compare(results, opts.expected)

    print("%d passed, %d failed" % (passed, failed))
    return 0 if failed == 0 and diffs == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
