#!/usr/bin/env python3
"""Expected usage totals per team, day and tool for the vendor fixtures in this folder.

An independent transcription of the importers issue's mapping table (and docs/importers.md for
the formats it leaves to us), written from the vendor documents, not from Candor's Swift code.
It reads the fixtures as report `VendorTests.vendorReport()` builds them — the sources named in
REPORT_SOURCES, then every other file in sorted path order — and writes expected_totals.json.
Run: python3 expected_totals.py  (standard library only).
"""
import csv, glob, json, os, re
from collections import defaultdict
from datetime import date, datetime, timezone

HERE = os.path.dirname(os.path.abspath(__file__))
# report.yml's sources: (path, format, tool, group id -> team)
REPORT_SOURCES = [
    ("openai-usage.json", "openai-usage", "chatgpt-api", {}),
    ("anthropic/usage-messages.ndjson", "anthropic-usage", "anthropic-api", {"wrkspc_01Pay": "Payments", "wrkspc_01Search": "Search"}),
    ("anthropic/cost-report.json", "anthropic-cost", "anthropic-api", {"wrkspc_01Pay": "Payments", "wrkspc_01Search": "Search"}),
    ("openai/costs.json", "openai-costs", "chatgpt-api", {"proj_pay": "Payments"}),
]
DETECTED = {  # the other files and the format each one's shape gives
    "amazon-q/QDeveloperLogs/by_user_analytic/us-east-1/2026/03/02/00/123456789012_by_user_analytic_1772409600_part_1.csv": ("amazon-q", "amazon-q-developer"),
    "claude-code.json": ("claude-code", "claude-code"),
    "copilot/metrics-legacy.json": ("copilot-metrics", "github-copilot"),
    "copilot/users-1-day-2026-03-02.ndjson": ("copilot-users", "github-copilot"),
    "copilot/users-1-day-2026-03-03.ndjson": ("copilot-users", "github-copilot"),
    "cursor-daily.json": ("cursor-daily", "cursor"),
    "cursor/usage-events.json": ("cursor-events", "cursor"),
}
# What each format reports per person, for "each measure counts once".
MEASURES = {
    "amazon-q": {"requests", "suggestions", "lines"}, "cursor-daily": {"requests", "suggestions", "lines"},
    "copilot-users": {"requests", "suggestions", "lines", "tokens"}, "claude-code": {"suggestions", "lines", "tokens", "cost"},
    "openai-usage": {"requests", "tokens"}, "anthropic-usage": {"tokens"}, "cursor-events": {"requests", "tokens", "cost"},
}


def utc_day(seconds):
    return datetime.fromtimestamp(seconds, tz=timezone.utc).date()


def documents(path):
    """One API response, an array of responses, or one response per line."""
    text = open(path).read()
    try:
        doc = json.loads(text)
        return doc if isinstance(doc, list) else [doc]
    except json.JSONDecodeError:
        return [json.loads(line) for line in text.splitlines() if line.strip()]


def honest(r):
    """The honesty rules per measure: an impossible figure goes with its partner, not the row."""
    if r["accepted"] is not None and (r["shown"] is None or r["accepted"] > r["shown"]):
        r["shown"] = r["accepted"] = None
    if r["la"] is not None and r["ls"] is not None and r["la"] > r["ls"]:
        r["ls"] = r["la"] = None
    if r["cost"] is not None and r["cost"] < 0:
        r["cost"] = None
    return r


def row(day, user, tool, requests=0, shown=None, accepted=None, ls=None, la=None, inp=0, out=0, cost=None, group=None):
    return dict(day=day, user=user, tool=tool, requests=requests, shown=shown, accepted=accepted, ls=ls, la=la,
                tokens=inp + out, cost=cost, group=group, active=None)


def amazon_q(path, tool):
    text = open(path, newline="", encoding="utf-8-sig").read()
    header = text.split("\n", 1)[0]
    delimiter = ";" if ";" in header and "," not in header else ","  # a European spreadsheet's save
    for r in csv.DictReader(text.splitlines(), delimiter=delimiter):
        stamp = r["Date"].strip()
        if re.fullmatch(r"\d{4}-\d{2}-\d{2}", stamp):
            y, m, d = map(int, stamp.split("-"))
        else:
            m, d, y = map(int, re.split(r"[-/]", stamp))
        n = lambda k: int(r.get(k) or 0)
        inline_chat = n("InlineChat_TotalEventCount") if "InlineChat_TotalEventCount" in r else n("InlineChat_EventCount")
        has_acceptance = "InlineChat_AcceptanceEventCount" in r
        fams = [(0, n("Inline_SuggestionsCount"), n("Inline_AcceptanceCount"), None, n("Inline_AICodeLines")),
                (n("Chat_MessagesSent"), None, None, None, n("Chat_AICodeLines")),
                (inline_chat, inline_chat if has_acceptance else None, n("InlineChat_AcceptanceEventCount") if has_acceptance else None, None, None),
                (n("Dev_GenerationEventCount"), n("Dev_GenerationEventCount"), n("Dev_AcceptanceEventCount"), n("Dev_GeneratedLines"), n("Dev_AcceptedLines")),
                (n("TestGeneration_EventCount"), n("TestGeneration_GeneratedTests"), n("TestGeneration_AcceptedTests"), n("TestGeneration_GeneratedLines"), n("TestGeneration_AcceptedLines")),
                (n("DocGeneration_EventCount"), None, None, None, n("DocGeneration_AcceptedLineAdditions")),
                (n("Transformation_EventCount"), None, None, n("Transformation_LinesGenerated"), None),
                (n("CodeFix_GenerationEventCount"), n("CodeFix_GenerationEventCount"), n("CodeFix_AcceptanceEventCount"), n("CodeFix_GeneratedLines"), n("CodeFix_AcceptedLines")),
                (n("CodeReview_SucceededEventCount") + n("CodeReview_FailedEventCount"), None, None, None, None)]
        for req, shown, acc, ls, la in fams:
            if req + (shown or 0) + (acc or 0) + (ls or 0) + (la or 0) > 0:
                yield row(date(y, m, d), r["UserId"], tool, req, shown, acc, ls, la)


def copilot_users(path, tool):
    for rec in documents(path):
        day = date.fromisoformat(rec["day"][:10])
        cli = rec.get("totals_by_cli")
        for f in rec.get("totals_by_feature") or []:
            if f["feature"] == "copilot_cli" and cli:
                continue
            # The August 2025 shape: generated_loc_sum / accepted_loc_sum. Agent edits (and any
            # feature adding lines nobody suggested) are AI-written lines outside the acceptance rate.
            ls = f.get("loc_suggested_to_add_sum", f.get("generated_loc_sum"))
            la = f.get("loc_added_sum", f.get("accepted_loc_sum"))
            if f["feature"] == "agent_edit" or (not ls and (la or 0) > 0):
                ls = None
            yield row(day, rec["user_login"], tool, f.get("user_initiated_interaction_count", 0), f.get("code_generation_activity_count"),
                      f.get("code_acceptance_activity_count"), ls, la)
        if cli and "token_usage" in cli:
            u = cli["token_usage"]
            yield row(day, rec["user_login"], tool, cli.get("request_count", 0), inp=u.get("prompt_tokens_sum", 0), out=u.get("output_tokens_sum", 0))


def copilot_metrics(path, tool):
    for d in json.load(open(path)):
        day = date.fromisoformat(d["date"])
        eds = defaultdict(lambda: dict(active=0, shown=0, acc=0, ls=0, la=0, chats=0))
        for e in (d.get("copilot_ide_code_completions") or {}).get("editors", []):
            x = eds[e["name"]]
            x["active"] = max(x["active"], e.get("total_engaged_users", 0))
            for m in e.get("models", []):
                for l in m.get("languages", []):
                    x["shown"] += l.get("total_code_suggestions", 0); x["acc"] += l.get("total_code_acceptances", 0)
                    x["ls"] += l.get("total_code_lines_suggested", 0); x["la"] += l.get("total_code_lines_accepted", 0)
        for e in (d.get("copilot_ide_chat") or {}).get("editors", []):
            x = eds[e["name"]]
            x["active"] = max(x["active"], e.get("total_engaged_users", 0))
            x["chats"] += sum(m.get("total_chats", 0) for m in e.get("models", []))
        dotcom = d.get("copilot_dotcom_chat") or {}
        chats = sum(m.get("total_chats", 0) for m in dotcom.get("models", []))
        if chats or dotcom.get("total_engaged_users", 0):
            eds["github.com"]["chats"] += chats
            eds["github.com"]["active"] = max(eds["github.com"]["active"], dotcom.get("total_engaged_users", 0))
        for name, x in eds.items():
            r = row(day, None, tool, x["chats"], x["shown"], x["acc"], x["ls"], x["la"])
            r["active"] = x["active"]
            yield r


def claude_code(path, tool):
    for page in documents(path):
        for r in page["data"]:
            actor = r.get("actor", {})
            user = actor.get("email_address") or actor.get("api_key_name")
            actions = [a for a in (r.get("tool_actions") or {}).values() if isinstance(a, dict)]
            shown = sum(a.get("accepted", 0) + a.get("rejected", 0) for a in actions) if actions else None
            acc = sum(a.get("accepted", 0) for a in actions) if actions else None
            la = ((r.get("core_metrics") or {}).get("lines_of_code") or {}).get("added")
            inp = out = 0
            cents, saw = 0.0, False
            for m in r.get("model_breakdown") or []:
                t = m.get("tokens", {})
                inp += t.get("input", 0) + t.get("cache_read", 0) + t.get("cache_creation", 0)
                out += t.get("output", 0)
                if "estimated_cost" in m:
                    cents += m["estimated_cost"]["amount"]; saw = True
            yield row(date.fromisoformat(r["date"][:10]), user, tool, 0, shown, acc, None, la, inp, out, cents / 100 if saw else None)


def openai_usage(path, tool):
    for page in documents(path):
        for b in page["data"]:
            for r in b["results"]:
                # Every usage endpoint names itself in "object"; storage and sessions are not model requests.
                endpoint = r.get("object", "organization.usage.completions.result").split(".")[2]
                if endpoint in ("vector_stores", "code_interpreter_sessions"):
                    continue
                yield row(utc_day(b["start_time"]), r.get("user_id"), tool, r["num_model_requests"], inp=r.get("input_tokens", 0),
                          out=r.get("output_tokens", 0), group=r.get("project_id") or r.get("api_key_id"))


def copilot_org_report(path, tool):
    """Organisation totals per day: a group row per feature (copilot_cli from totals_by_cli)."""
    for doc in documents(path):
        for d in doc.get("day_totals", [doc]):
            day = date.fromisoformat(d["day"][:10])
            cli = d.get("totals_by_cli")
            rows = []
            for f in d.get("totals_by_feature") or []:
                if f["feature"] == "copilot_cli" and cli:
                    continue
                ls, la = f.get("loc_suggested_to_add_sum"), f.get("loc_added_sum")
                if f["feature"] == "agent_edit" or (not ls and (la or 0) > 0):
                    ls = None
                rows.append(row(day, None, tool, f.get("user_initiated_interaction_count", 0), f.get("code_generation_activity_count"),
                                f.get("code_acceptance_activity_count"), ls, la))
            if cli:
                u = cli.get("token_usage") or {}
                rows.append(row(day, None, tool, cli.get("request_count", 0), inp=u.get("prompt_tokens_sum", 0), out=u.get("output_tokens_sum", 0)))
            if not rows and d.get("daily_active_users", 0) > 0:
                rows.append(row(day, None, tool, d.get("user_initiated_interaction_count", 0)))
            yield from rows


def copilot_billing(path, tool):
    """GitHub's billing usage CSV: Copilot rows only, net_amount dollars per person and day."""
    for r in csv.DictReader(open(path, newline="", encoding="utf-8-sig")):
        if r["product"].strip().lower() != "copilot":
            continue
        yield row(date.fromisoformat(r["date"]), r["username"], tool, cost=float(r["net_amount"]))


def kiro_users(path, tool):
    """Kiro's user report: Total_Messages as requests; credits are not dollars; idle rows left."""
    for r in csv.DictReader(open(path, newline="", encoding="utf-8-sig")):
        text = r["Total_Messages"].strip()
        if not text.isdigit() or int(text) == 0:  # a bad cell drops the figure; nothing else to count
            continue
        yield row(date.fromisoformat(r["Date"]), r["UserId"], tool, int(text))


def cursor_daily(path, tool):
    for page in documents(path):
        for r in page["data"]:
            if r.get("isActive") is False:
                continue
            day = date.fromisoformat(r["day"]) if "day" in r else utc_day(r["date"] // 1000)
            req = sum(r.get(k, 0) for k in ("composerRequests", "chatRequests", "agentRequests", "cmdkUsages"))
            yield row(day, r["email"], tool, req, r.get("totalTabsShown"), r.get("totalTabsAccepted"), None, r.get("acceptedLinesAdded"))


def anthropic_usage(path, tool):
    for page in documents(path):
        for b in page["data"]:
            for r in b["results"]:
                cc = r.get("cache_creation") or {}
                inp = r.get("uncached_input_tokens", 0) + r.get("cache_read_input_tokens", 0) + cc.get("ephemeral_5m_input_tokens", 0) + cc.get("ephemeral_1h_input_tokens", 0)
                yield row(date.fromisoformat(b["starting_at"][:10]), r.get("account_id"), tool, inp=inp, out=r.get("output_tokens", 0),
                          group=r.get("workspace_id") or r.get("api_key_id"))


def anthropic_cost(path, tool):
    for page in documents(path):
        for b in page["data"]:
            for r in b["results"]:
                yield row(date.fromisoformat(b["starting_at"][:10]), None, tool, cost=float(r["amount"]) / 100, group=r.get("workspace_id"))


def openai_costs(path, tool):
    for page in documents(path):
        for b in page["data"]:
            for r in b["results"]:
                yield row(utc_day(b["start_time"]), None, tool, cost=float(r["amount"]["value"]), group=r.get("project_id"))


def cursor_events(path, tool):
    for page in documents(path):
        for e in page["usageEvents"]:
            u = e.get("tokenUsage") or {}
            inp = u.get("inputTokens", 0) + u.get("cacheWriteTokens", 0) + u.get("cacheReadTokens", 0)
            # chargedCents is what the team pays; older events carry only the token cost.
            cost = e["chargedCents"] / 100 if "chargedCents" in e else (u["totalCents"] / 100 if "totalCents" in u else None)
            yield row(utc_day(int(e["timestamp"]) // 1000), e.get("userEmail"), tool, 1, inp=inp, out=u.get("outputTokens", 0), cost=cost)


def cursor_spend(path, tool):
    """Each member's billing-cycle spend, dated the cycle's first day (UTC)."""
    for page in documents(path):
        day = utc_day(page["subscriptionCycleStart"] // 1000)
        for m in page["teamMemberSpend"]:
            yield row(day, m.get("email"), tool, cost=m.get("overallSpendCents", m["spendCents"]) / 100)


def anthropic_analytics_usage(path, tool):
    """Claude Enterprise analytics user_usage_report: tokens as the messages usage report counts them."""
    for page in documents(path):
        for it in page["data"]:
            cc = it.get("cache_creation") or {}
            inp = it.get("uncached_input_tokens", 0) + it.get("cache_read_input_tokens", 0) + cc.get("ephemeral_5m_input_tokens", 0) + cc.get("ephemeral_1h_input_tokens", 0)
            a = it.get("actor") or {}
            yield row(date.fromisoformat(it["starting_at"][:10]), a.get("email") or a.get("user_id"), tool, it.get("requests", 0),
                      inp=inp, out=it.get("output_tokens", 0))


def anthropic_analytics_cost(path, tool):
    """Claude Enterprise analytics user_cost_report: amount is fractional cents, post-discount."""
    for page in documents(path):
        for it in page["data"]:
            a = it.get("actor") or {}
            yield row(date.fromisoformat(it["starting_at"][:10]), a.get("email_address") or a.get("email") or a.get("user_id"), tool,
                      cost=float(it["amount"]) / 100)


READERS = {"amazon-q": amazon_q, "copilot-users": copilot_users, "copilot-metrics": copilot_metrics, "claude-code": claude_code,
           "openai-usage": openai_usage, "cursor-daily": cursor_daily, "anthropic-usage": anthropic_usage,
           "anthropic-cost": anthropic_cost, "openai-costs": openai_costs, "cursor-events": cursor_events,
           "copilot-org-report": copilot_org_report, "copilot-billing": copilot_billing, "kiro-users": kiro_users,
           "cursor-spend": cursor_spend, "anthropic-analytics-usage": anthropic_analytics_usage,
           "anthropic-analytics-cost": anthropic_analytics_cost}


def main():
    people = {}
    for r in csv.DictReader(open(os.path.join(HERE, "people.csv"), newline="")):
        for identity in [r["user"]] + r["aliases"].split("|"):
            people[identity.lower()] = (r["user"], r["team"])
    slug_team = {re.sub(r"[^a-z0-9]+", "-", t.lower()).strip("-"): t for _, t in people.values()}
    user_teams = {}
    for line in open(os.path.join(HERE, "copilot/user-teams-1-day.ndjson")):
        r = json.loads(line)
        user_teams[(r["user_login"].lower(), r["day"])] = r["slug"]
        user_teams.setdefault((r["user_login"].lower(), None), r["slug"])
    seats = json.load(open(os.path.join(HERE, "copilot/seats.json")))
    seat_teams = {s["assignee"]["login"].lower(): s["assigning_team"]["slug"] for s in seats["seats"] if s.get("assigning_team")}

    files = [(p, f, t, m) for p, f, t, m in REPORT_SOURCES] + [(p, f, t, {}) for p, (f, t) in sorted(DETECTED.items())]
    # Aggregate-only exports (the legacy Copilot metrics) come last, and their active-user
    # rows are left out on a day the same tool was already told person by person.
    files = [x for x in files if x[1] != "copilot-metrics"] + [x for x in files if x[1] == "copilot-metrics"]
    person_days = set()
    totals = defaultdict(lambda: dict(requests=0, shown=0, accepted=0, lines_suggested=0, lines_accepted=0, tokens=0, cost_micros=0, rows=0))
    owners, overlaps, unmatched = {}, 0, set()
    for index, (path, fmt, tool, groups) in enumerate(files):
        for r in map(honest, READERS[fmt](os.path.join(HERE, path), tool)):
            if r["user"] is None and (r.get("active") or 0) > 0 and (tool, r["day"]) in person_days:
                overlaps += 1
                continue
            if r["user"] is not None:
                person_days.add((tool, r["day"]))
                login = r["user"].lower()
                slug = user_teams.get((login, r["day"].isoformat())) or user_teams.get((login, None))
                if slug:
                    team = slug_team.get(slug, slug)
                elif login in people:
                    team = people[login][1]
                elif login in seat_teams:
                    team = slug_team.get(seat_teams[login], seat_teams[login])
                else:
                    team = "unassigned"; unmatched.add(login)
                person = people[login][0].lower() if login in people else login
                dropped = set()
                for measure in sorted(MEASURES[fmt]):
                    key = (person, r["day"], tool, measure)
                    if owners.setdefault(key, index) != index:
                        dropped.add(measure)
                if dropped:
                    overlaps += 1
                    if dropped == MEASURES[fmt]:
                        continue
                    if "requests" in dropped: r["requests"] = 0
                    if "suggestions" in dropped: r["shown"] = r["accepted"] = None
                    if "lines" in dropped: r["ls"] = r["la"] = None
                    if "tokens" in dropped: r["tokens"] = 0
                    if "cost" in dropped: r["cost"] = None
            else:
                team = groups.get(r["group"], "organisation")
            t = totals[f"{team}|{r['day'].isoformat()}|{tool}"]
            t["requests"] += r["requests"]; t["shown"] += r["shown"] or 0; t["accepted"] += r["accepted"] or 0
            t["lines_suggested"] += r["ls"] or 0; t["lines_accepted"] += r["la"] or 0; t["tokens"] += r["tokens"]
            t["cost_micros"] += round((r["cost"] or 0) * 1_000_000); t["rows"] += 1
    out = {"totals": dict(sorted(totals.items())), "overlaps": overlaps, "unmatched_identities": len(unmatched)}
    with open(os.path.join(HERE, "expected_totals.json"), "w") as f:
        json.dump(out, f, indent=1, sort_keys=True)
        f.write("\n")


if __name__ == "__main__":
    main()
