#!/usr/bin/env python3
"""A report folder of many small teams, for measuring how Candor scales with teams.

    python3 bench/many_teams.py 1500 /tmp/many
    .build/release/candor build -v --no-cache --content /tmp/many --output /tmp/many-out

Teams of 3 to 9 people, each person active on about half of 84 days with one of three tools,
so that about a third of the teams fall below the privacy floor of 5 and are withheld with
their weeks: the case that made the privacy step take minutes at 1,500 teams. Seeded: the same
arguments write the same files.
"""
import argparse
import datetime
import os
import random


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("teams", type=int, help="how many teams")
    parser.add_argument("folder", help="the report folder to write")
    parser.add_argument("--days", type=int, default=84, help="days of usage (default 84)")
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()
    rng = random.Random(args.seed)
    os.makedirs(os.path.join(args.folder, "data", "usage"), exist_ok=True)
    with open(os.path.join(args.folder, "report.yml"), "w") as f:
        f.write(f"title: {args.teams} teams\n")
    start = datetime.date(2026, 1, 5)
    rows = 0
    with open(os.path.join(args.folder, "data", "usage", "usage.csv"), "w") as out:
        out.write("date,user,team,tool,requests,input_tokens,output_tokens\n")
        person = 0
        for team in range(args.teams):
            for _ in range(rng.randint(3, 9)):
                person += 1
                for day in range(args.days):
                    if rng.random() < 0.5:
                        date = start + datetime.timedelta(days=day)
                        tool = rng.choice(["cursor", "claude-code", "copilot"])
                        out.write(f"{date},u{person},Team {team},{tool},{rng.randint(1, 20)},"
                                  f"{rng.randint(100, 5000)},{rng.randint(10, 900)}\n")
                        rows += 1
    print(f"{args.folder}: {args.teams} teams, {person} people, {rows} rows")


if __name__ == "__main__":
    main()
