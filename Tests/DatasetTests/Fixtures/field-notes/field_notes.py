#!/usr/bin/env python3
"""Expected totals for the field-note fixtures (the defects of the vendors issue), from the
independent readers of ../vendors/expected_totals.py, and the seats of the seat exports
(seats.json). Run: python3 field_notes.py"""
import json, os, sys
HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "vendors"))
import expected_totals as e

FILES = {"copilot-agent-edit.ndjson": "copilot-users", "copilot-aug-2025.ndjson": "copilot-users",
         "copilot-metrics-jetbrains.json": "copilot-metrics", "openai-costs-empty-first.json": "openai-costs",
         "amazon-q-2025-03.csv": "amazon-q", "amazon-q-excel.csv": "amazon-q", "cursor-charged.json": "cursor-events",
         "copilot-org-report.json": "copilot-org-report", "copilot-billing.csv": "copilot-billing",
         "kiro-user-report.csv": "kiro-users", "openai-usage-endpoints.json": "openai-usage",
         "cursor-spend.json": "cursor-spend", "anthropic-analytics-usage.json": "anthropic-analytics-usage",
         "anthropic-analytics-cost.json": "anthropic-analytics-cost"}
out = {}
for name, fmt in FILES.items():
    t = dict(requests=0, shown=0, accepted=0, lines_suggested=0, lines_accepted=0, tokens=0, cost_micros=0, rows=0, days=[])
    for r in map(e.honest, e.READERS[fmt](os.path.join(HERE, name), "tool")):
        t["requests"] += r["requests"]; t["shown"] += r["shown"] or 0; t["accepted"] += r["accepted"] or 0
        t["lines_suggested"] += r["ls"] or 0; t["lines_accepted"] += r["la"] or 0; t["tokens"] += r["tokens"]
        t["cost_micros"] += round((r["cost"] or 0) * 1_000_000); t["rows"] += 1
        t["days"] = sorted(set(t["days"]) | {r["day"].isoformat()})
    out[name] = t

# Seats, counted from the files with Python's csv and json: enabled members of the latest
# period (ChatGPT Enterprise), distinct subscribed users per tier (Amazon Q Business), members
# whose role is not a free one (Cursor).
import csv
def chatgpt_seats(names):
    periods = {}
    for name in names:
        with open(os.path.join(HERE, name), newline="", encoding="utf-8") as f:
            for row in csv.DictReader(f):
                people = periods.setdefault(row["period_start"], set())
                if row["user_status"].lower() == "enabled":
                    people.add(row["email"].lower())
    return len(periods[max(periods)])
def q_business_seats(name):
    tiers = {"Q_BUSINESS": set(), "Q_LITE": set()}
    with open(os.path.join(HERE, name), encoding="utf-8") as f:
        for line in f:
            for sub in json.loads(line)["subscriptions"]:
                if "user" in sub["principal"]:
                    tiers[sub["currentSubscription"]["type"]].add(sub["principal"]["user"])
    return {"amazon-q-business": len(tiers["Q_BUSINESS"]), "amazon-q-business-lite": len(tiers["Q_LITE"])}
with open(os.path.join(HERE, "cursor-members.json"), encoding="utf-8") as f:
    cursor = len([m for m in json.load(f)["teamMembers"] if not m["role"].lower().startswith("free")])
seats = {
    "chatgpt-enterprise-users": {"chatgpt-enterprise": chatgpt_seats(["chatgpt-enterprise-users-2025-09.csv", "chatgpt-enterprise-users-2025-10.csv"])},
    "amazon-q-business-subscriptions.ndjson": q_business_seats("amazon-q-business-subscriptions.ndjson"),
    "cursor-members.json": {"cursor": cursor},
}
for name, value in [("field_notes.json", out), ("seats.json", seats)]:
    with open(os.path.join(HERE, name), "w") as f:
        json.dump(value, f, indent=1, sort_keys=True)
        f.write("\n")
