"""Independent figures for the example report in Content/, for CandorTests.

Reads the raw files with the standard library only (no Candor code) and writes
content_reference.json beside this script. Run from the repository root:

    python3 Tests/CandorTests/Fixtures/content_reference.py
"""
import csv
import datetime as dt
import gzip
import json
import os
from collections import defaultdict

root = "Content"
here = os.path.dirname(os.path.abspath(__file__))

with gzip.open(os.path.join(root, "data/usage/usage.csv.gz"), "rt", newline="") as f:
    rows = list(csv.DictReader(f))

period_from, period_to = dt.date(2026, 1, 5), dt.date(2026, 9, 27)
users, tokens, requests = set(), 0, 0
team_users, team_tokens = defaultdict(set), defaultdict(int)
week_users, week_tokens = defaultdict(set), defaultdict(int)
shown = accepted = lines_suggested = lines_accepted = 0
for r in rows:
    day = dt.date.fromisoformat(r["date"])
    if not (period_from <= day <= period_to):
        continue
    t = int(r["input_tokens"] or 0) + int(r["output_tokens"] or 0)
    users.add(r["user"])
    tokens += t
    requests += int(r["requests"])
    team_users[r["team"]].add(r["user"])
    team_tokens[r["team"]] += t
    year, week, _ = day.isocalendar()
    key = f"{year}-W{week:02d}"
    week_users[key].add(r["user"])
    week_tokens[key] += t
    if r["suggestions_shown"]:
        shown += int(r["suggestions_shown"])
        accepted += int(r["suggestions_accepted"] or 0)
    if r["lines_suggested"]:
        lines_suggested += int(r["lines_suggested"])
        lines_accepted += int(r["lines_accepted"] or 0)

# The Amazon Q user-activity export, joined to people through data/people.csv aliases, with the
# pinned mapping (completions: shown/accepted; chat: Chat_MessagesSent requests).
alias = {}
with open(os.path.join(root, "data/people.csv"), newline="") as f:
    for r in csv.DictReader(f):
        for a in r["aliases"].split("|"):
            alias[a.lower()] = (r["user"], r["team"])
import glob
for path in sorted(glob.glob(os.path.join(root, "data/vendor/amazon-q/**/*.csv"), recursive=True)):
    with open(path, newline="") as f:
        for r in csv.DictReader(f):
            user, team = alias[r["UserId"].lower()]
            m, d, y = map(int, r["Date"].split("-"))
            day = dt.date(y, m, d)
            if not (period_from <= day <= period_to):
                continue
            num = lambda k: int(r.get(k) or 0)
            requests += num("Chat_MessagesSent")
            shown += num("Inline_SuggestionsCount")
            accepted += num("Inline_AcceptanceCount")
            users.add(user)
            team_users[team].add(user)
            year, week, _ = day.isocalendar()
            week_users[f"{year}-W{week:02d}"].add(user)

# The OpenAI organisation usage pages (one page per line): one row per bucket and user, joined
# to people through the same aliases; the day is the bucket's UTC start.
for path in sorted(glob.glob(os.path.join(root, "data/vendor/openai/usage-*.ndjson"))):
    with open(path) as f:
        for line in f:
            for bucket in json.loads(line)["data"]:
                day = dt.datetime.fromtimestamp(bucket["start_time"], tz=dt.timezone.utc).date()
                if not (period_from <= day <= period_to):
                    continue
                for r in bucket["results"]:
                    user, team = alias[r["user_id"].lower()]
                    t = r["input_tokens"] + r["output_tokens"]
                    tokens += t
                    requests += r["num_model_requests"]
                    users.add(user)
                    team_users[team].add(user)
                    team_tokens[team] += t
                    year, week, _ = day.isocalendar()
                    week_users[f"{year}-W{week:02d}"].add(user)
                    week_tokens[f"{year}-W{week:02d}"] += t

with open(os.path.join(root, "data/headcount.csv"), newline="") as f:
    headcount = {r["team"]: int(r["headcount"]) for r in csv.DictReader(f)}

out = {
    "rows": len(rows),
    "active_users": len(users),
    "headcount": sum(headcount.values()),
    "adoption_rate": len(users) / sum(headcount.values()),
    "tokens": tokens,
    "requests": requests,
    "acceptance_rate": accepted / shown,
    "acceptance_rate_lines": lines_accepted / lines_suggested,
    "teams": {
        team: {"active_users": len(team_users[team]), "tokens": team_tokens[team],
               "adoption_rate": len(team_users[team]) / headcount[team]}
        for team in sorted(team_users)
    },
    "weekly": {week: {"active_users": len(week_users[week]), "tokens": week_tokens[week]} for week in sorted(week_users)},
}
with open(os.path.join(here, "content_reference.json"), "w") as f:
    json.dump(out, f, indent=1, sort_keys=True)
    f.write("\n")
