#!/usr/bin/env python3
"""Expected totals for the field-note fixtures (the defects of the vendors issue), from the
independent readers of ../vendors/expected_totals.py. Run: python3 field_notes.py"""
import json, os, sys
HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "vendors"))
import expected_totals as e

FILES = {"copilot-agent-edit.ndjson": "copilot-users", "copilot-aug-2025.ndjson": "copilot-users",
         "copilot-metrics-jetbrains.json": "copilot-metrics", "openai-costs-empty-first.json": "openai-costs",
         "amazon-q-2025-03.csv": "amazon-q", "amazon-q-excel.csv": "amazon-q", "cursor-charged.json": "cursor-events",
         "copilot-org-report.json": "copilot-org-report", "copilot-billing.csv": "copilot-billing",
         "kiro-user-report.csv": "kiro-users", "openai-usage-endpoints.json": "openai-usage",
         "cursor-spend.json": "cursor-spend", "anthropic-analytics-usage.json": "anthropic-analytics-usage"}
out = {}
for name, fmt in FILES.items():
    t = dict(requests=0, shown=0, accepted=0, lines_suggested=0, lines_accepted=0, tokens=0, cost_micros=0, rows=0, days=[])
    for r in map(e.honest, e.READERS[fmt](os.path.join(HERE, name), "tool")):
        t["requests"] += r["requests"]; t["shown"] += r["shown"] or 0; t["accepted"] += r["accepted"] or 0
        t["lines_suggested"] += r["ls"] or 0; t["lines_accepted"] += r["la"] or 0; t["tokens"] += r["tokens"]
        t["cost_micros"] += round((r["cost"] or 0) * 1_000_000); t["rows"] += 1
        t["days"] = sorted(set(t["days"]) | {r["day"].isoformat()})
    out[name] = t
with open(os.path.join(HERE, "field_notes.json"), "w") as f:
    json.dump(out, f, indent=1, sort_keys=True)
    f.write("\n")
