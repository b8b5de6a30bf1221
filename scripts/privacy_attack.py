#!/usr/bin/env python3
"""The privacy attacker: tries to solve for every withheld group from everything published.

Usage: privacy_attack.py OUTPUT_FOLDER AUDIT_JSON [--floor 5] [--protection 10]

The attacker reads only what the site publishes (data/report.json; the CSV files carry the same
numbers) and builds, from the table structure DESIGN.md documents, the linear system a reader
could write down: a team's total is the sum of its weeks, a week's total the sum of the teams'
and of the tools' weeks, the organisation the sum of its teams, weeks and tools, a tool's
tried count at most the sum of its teams', the feedback documents and theme counts at least the
sum over teams. Every figure is at least zero. With SciPy's linprog (HiGHS) it then computes
the least and greatest value of every withheld cell, and of every sum of withheld cells along
a published total (one week, one team, one tool, the whole period).

AUDIT_JSON (written by `CANDOR_DISCLOSURE_AUDIT=FILE candor build`) supplies only the true
values and group sizes of the withheld cells, to judge the attacker's answer: a group below
the privacy floor (or withheld by a primary rule) counts as recovered when the attacker pins it
within ±protection % of its true value on either side. The structure is never taken from it.

Exit status 0 when nothing is recovered, 1 otherwise; the last line is 'N passed, M failed'.
"""
import argparse
import json
import sys
from collections import defaultdict

import numpy as np
from scipy.optimize import linprog


class System:
    """Variables are the withheld cells of one measure; rows are what the attacker knows."""

    def __init__(self):
        self.variables = {}
        self.equal = []    # (coefficients {var: c}, rhs)
        self.at_most = []  # (coefficients, rhs): sum ≤ rhs

    def var(self, key):
        if key not in self.variables:
            self.variables[key] = len(self.variables)
        return self.variables[key]

    def add(self, terms, relation, rhs):
        """terms: list of (coefficient, key or None, known value); relation '=', '<=' or '>='."""
        coefficients = defaultdict(float)
        constant = 0.0
        for c, key, known in terms:
            if key is None:
                constant += c * known
            else:
                coefficients[self.var(key)] += c
        if not coefficients:
            return
        value = rhs - constant
        if relation == "=":
            self.equal.append((dict(coefficients), value))
        elif relation == "<=":
            self.at_most.append((dict(coefficients), value))
        else:
            self.at_most.append(({k: -v for k, v in coefficients.items()}, -value))

    def bounds(self, keys):
        n = len(self.variables)
        if n == 0 or any(k not in self.variables for k in keys):
            return None
        def matrix(rows):
            if not rows:
                return None, None
            a = np.zeros((len(rows), n))
            b = np.zeros(len(rows))
            for i, (coefficients, rhs) in enumerate(rows):
                for j, c in coefficients.items():
                    a[i, j] = c
                b[i] = rhs
            return a, b
        a_eq, b_eq = matrix(self.equal)
        a_ub, b_ub = matrix(self.at_most)
        objective = np.zeros(n)
        for key in keys:
            objective[self.variables[key]] = 1.0
        out = []
        for sign in (1.0, -1.0):
            result = linprog(sign * objective, A_ub=a_ub, b_ub=b_ub, A_eq=a_eq, b_eq=b_eq,
                             bounds=[(0, None)] * n, method="highs")
            if result.status == 3:  # unbounded
                out.append(-np.inf if sign > 0 else np.inf)
            elif result.status != 0:
                return None
            else:
                out.append(sign * result.fun)
        return out[0], out[1]


def cell(system, key, value):
    """A term: the published value, or the variable of a withheld cell."""
    return (1.0, None, value) if value is not None else (1.0, key, 0.0)


def build(report, measure):
    """The attacker's system for one measure, from the published report alone."""
    s = System()
    weeks = [w["week"] for w in report["weekly"]]
    org = report["org"]
    json_name = {"tokens": "tokens", "requests": "requests", "people": "active_users", "cost": "cost_usd"}.get(measure)
    lines = []  # (total key, total value, [(key, value)]) along published totals, for the margin sums

    def add_line(total, parts, exact=True, at_most=False):
        tk, tv = total
        terms = [cell(s, k, v) for k, v in parts]
        total_term = cell(s, tk, tv)
        if exact:
            s.add(terms + [(-total_term[0], total_term[1], total_term[2])], "=", 0.0)
        elif at_most:  # sum of parts ≤ total
            s.add(terms + [(-total_term[0], total_term[1], total_term[2])], "<=", 0.0)
        else:          # sum of parts ≥ total (people counted in two parts)
            s.add(terms + [(-total_term[0], total_term[1], total_term[2])], ">=", 0.0)
            for k, v in parts:  # and each part at most the total
                s.add([cell(s, k, v), (-total_term[0], total_term[1], total_term[2])], "<=", 0.0)
        lines.append((tk, tv, parts))

    def groups(entries, name_key, total_prefix, cell_prefix, week_parts):
        """Totals of teams (or tools) and, but for cost, their weeks as lines; their totals."""
        totals = []
        for entry in entries:
            name = entry[name_key]
            key = total_prefix + name
            value = None if entry["suppressed"] else entry.get(json_name)
            totals.append((key, value))
            if measure == "cost":
                continue
            weekly = {w["week"]: w for w in entry.get("weekly", [])}
            parts = []
            for week in weeks:
                w = weekly.get(week)
                v = None if (w is None or w.get("suppressed")) else w.get(json_name)
                parts.append(("%s%s|%s" % (cell_prefix, name, week), v))
                week_parts[week].append(parts[-1])
            add_line((key, value), parts, exact=measure != "people")
        return totals

    if measure in ("tokens", "requests", "people", "cost"):
        org_value = org[json_name]
        team_week_parts, tool_week_parts = defaultdict(list), defaultdict(list)
        team_totals = groups(report["teams"], "team", "t|", "tw|", team_week_parts)
        tool_totals = groups(report["tools"], "tool", "l|", "lw|", tool_week_parts)
        add_line(("o", org_value), team_totals, exact=True)
        add_line(("o", org_value), tool_totals, exact=measure != "people")
        if measure != "cost":
            org_weeks = []
            for w in report["weekly"]:
                v = None if w.get("suppressed") else w.get(json_name)
                org_weeks.append(("w|" + w["week"], v))
                add_line(("w|" + w["week"], v), team_week_parts[w["week"]], exact=True)
                add_line(("w|" + w["week"], v), tool_week_parts[w["week"]], exact=measure != "people")
            add_line(("o", org_value), org_weeks, exact=measure != "people")
    elif measure == "tried":
        by_tool = defaultdict(list)
        for team in report["teams"]:
            if team["suppressed"]:
                # A withheld team's use of each tool is unknown; which tools it used is unknown too.
                for tool in report["tools"]:
                    by_tool[tool["tool"]].append(("r|%s|%s" % (team["team"], tool["tool"]), None))
                continue
            for r in team.get("retention", []):
                by_tool[r["tool"]].append(("r|%s|%s" % (team["team"], r["tool"]), None if r.get("suppressed") else r["tried"]))
        for tool in report["tools"]:
            value = None if tool["suppressed"] else tool["retention"]["tried"]
            add_line(("l|" + tool["tool"], value), by_tool[tool["tool"]], exact=False)
    elif measure == "documents":
        feedback = report["feedback"]
        rows = {row["team"]: row for row in feedback.get("by_team", [])}
        teams_with_feedback = [t["team"] for t in report["teams"]]
        parts = [("f|" + t, rows[t]["documents"] if t in rows else None) for t in teams_with_feedback]
        add_line(("fd", feedback["documents"]), parts, exact=False, at_most=True)
        for theme in feedback["themes"]:
            theme_parts = []
            for t in teams_with_feedback:
                row = rows.get(t)
                v = None
                if row is not None:
                    entry = next((e for e in row["themes"] if e["theme"] == theme["theme"]), None)
                    v = None if entry is None or entry.get("suppressed") else entry["count"]
                theme_parts.append(("ft|%s|%s" % (t, theme["theme"]), v))
            add_line(("ftt|" + theme["theme"], theme["count"]), theme_parts, exact=False, at_most=True)
    if measure in ("documents", "hours"):
        # Reported hours saved: answers (documents) and their sum (hours) by team and by tool,
        # against the organisation's total; answers without a team or tool are an unknown part.
        def amount(row):
            if measure == "documents":
                return row["n"]
            return None if row["mean"] is None else row["mean"] * row["n"]
        for q, question in enumerate(report.get("time_saved", [])):
            shown = {(g["kind"], g["group"]): g for g in report.get("time_saved_by_group", []) if g["question"] == question["question"]}
            for kind, prefix, names in (("team", "h|%d|" % q, [t["team"] for t in report["teams"]]),
                                        ("tool", "hl|%d|" % q, [t["tool"] for t in report["tools"]])):
                names = sorted(set(names) | {name for k, name in shown if k == kind})
                parts = [(prefix + name, amount(shown[(kind, name)]) if (kind, name) in shown else None) for name in names]
                add_line(("ho|%d" % q, amount(question)), parts, exact=False, at_most=True)
    return s, lines


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("output")
    parser.add_argument("audit")
    parser.add_argument("--floor", type=int, default=None)
    parser.add_argument("--protection", type=float, default=None)
    args = parser.parse_args()
    report = json.load(open(args.output + "/data/report.json"))
    audit = json.load(open(args.audit))
    floor = args.floor or report["privacy"]["min_group_size"]
    protection = (args.protection if args.protection is not None else report["privacy"]["protection_pct"]) / 100
    truth = {c["name"]: c for c in audit["cells"]}

    passed = failed = 0
    problems = []
    for measure in ("tokens", "requests", "people", "cost", "tried", "documents", "hours"):
        system, lines = build(report, measure)
        checks = []
        # Every withheld cell whose group is below the floor or was hit by a primary rule.
        for key in system.variables:
            c = truth.get(key)
            if c is None:
                continue
            value = c["values"].get(measure, 0)
            small = 0 < c["people"] < floor or c["status"] in ("frequency", "dominance")
            if small and value > 0:
                checks.append(([key], value, "%s %s (%d people)" % (key, measure, c["people"])))
        # Every sum of withheld cells along a published total whose people are below the floor.
        for total_key, total_value, parts in lines:
            if total_value is None:
                continue
            hidden = [k for k, v in parts if v is None and k in truth]
            if len(hidden) < 2:
                continue
            people = sum(truth[k]["people"] for k in hidden)
            value = sum(truth[k]["values"].get(measure, 0) for k in hidden)
            if 0 < people < floor and value > 0:
                checks.append((hidden, value, "sum along %s of %d withheld cells, %s (%d people)" % (total_key, len(hidden), measure, people)))
        for keys, value, label in checks:
            bounds = system.bounds(keys)
            if bounds is None:
                passed += 1
                continue
            low, high = bounds
            tolerance = 1e-6 * max(1.0, value)
            pinned_low = low > value * (1 - protection) + tolerance
            pinned_high = high < value * (1 + protection) - tolerance
            if pinned_low or pinned_high:
                failed += 1
                problems.append("recovered: %s: true %.6g, attacker's range [%.6g, %.6g]" % (label, value, low, high))
            else:
                passed += 1
    for line in problems:
        print(line)
    print("privacy attack on %s: %d withheld groups checked" % (args.output, passed + failed))
    print("%d passed, %d failed" % (passed, failed))
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
