#!/usr/bin/env python3
"""The cluster path, tested: raw events rolled up by sql/rollup.sql on Apache Spark (PySpark,
local mode) and on DuckDB, and by `candor rollup`, must give the same rows and, built into
reports, the same figures. sqlglot must parse the SQL in the spark, trino and duckdb dialects.

Run by `make rollup-test` (which installs pyspark, duckdb and sqlglot); prints one closing line
"rollup: N passed, N failed" and exits non-zero on any failure.
"""
import csv
import glob
import json
import os
import random
import shutil
import subprocess
import sys
import tempfile

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
CANDOR = os.environ.get("CANDOR", os.path.join(ROOT, ".build", "release", "candor"))
SQL = open(os.path.join(ROOT, "sql", "rollup.sql")).read()
results = []


def check(name, condition, detail=""):
    results.append(bool(condition))
    print(f"{'ok  ' if condition else 'FAIL'} {name}" + (f": {detail}" if detail and not condition else ""), flush=True)


def write_events(path, count=20000, seed=7):
    rng = random.Random(seed)
    teams = ["Payments", "Search", "Growth", "Platform", "Ledger", "Maps"]
    tools = ["github-copilot", "cursor", "claude-code"]
    categories = ["coding", "review", "status-report", "", "docs"]
    people = [(f"p{i:03d}", teams[i % len(teams)]) for i in range(60)]
    with open(path, "w", newline="") as f:
        out = csv.writer(f)
        out.writerow(["ts", "user", "team", "tool", "input_tokens", "output_tokens", "accepted", "shown",
                      "task_category", "prompt_hash", "automated"])
        for _ in range(count):
            user, team = rng.choice(people)
            day = 2 + rng.randrange(30)
            ts = f"2026-03-{day:02d} {rng.randrange(24):02d}:{rng.randrange(60):02d}:{rng.randrange(60):02d}" if day <= 31 else None
            if day > 31:
                ts = f"2026-04-{day - 31:02d} {rng.randrange(24):02d}:00:00"
            shown = rng.random() < 0.6
            accepted = shown and rng.random() < 0.3
            out.writerow([ts, user, team, rng.choice(tools), rng.randrange(50, 4000), rng.randrange(10, 800),
                          int(accepted), int(shown), rng.choice(categories),
                          f"h{rng.randrange(40)}" if rng.random() < 0.5 else "", "true" if rng.random() < 0.1 else "false"])


def rows_of(folder):
    rows = []
    for path in sorted(glob.glob(os.path.join(folder, "**", "*.csv"), recursive=True)):
        with open(path, newline="") as f:
            for row in csv.DictReader(f):
                rows.append(tuple(row[k] for k in sorted(row)))
    return sorted(rows)


def report_folder(base, usage_dir):
    folder = os.path.join(base, "report-" + os.path.basename(usage_dir))
    os.makedirs(os.path.join(folder, "data", "usage"), exist_ok=True)
    shutil.copytree(usage_dir, os.path.join(folder, "data", "usage", "rollup"))
    with open(os.path.join(folder, "report.yml"), "w") as f:
        f.write("title: Rollup\ncolumns: {user: user_id}\nsignals: {low_value_categories: [status-report]}\n")
    with open(os.path.join(folder, "data", "headcount.csv"), "w") as f:
        f.write("team,headcount\n" + "".join(f"{t},12\n" for t in ["Payments", "Search", "Growth", "Platform", "Ledger", "Maps"]))
    return folder


def main():
    base = tempfile.mkdtemp(prefix="candor-rollup-")
    events = os.path.join(base, "events.csv")
    write_events(events)

    import sqlglot
    for dialect in ["spark", "trino", "duckdb"]:
        try:
            sqlglot.parse_one(SQL, read=dialect)
            check(f"sqlglot parses sql/rollup.sql as {dialect}", True)
        except Exception as error:  # noqa: BLE001 - any parse error fails the check
            check(f"sqlglot parses sql/rollup.sql as {dialect}", False, str(error))

    # DuckDB
    import duckdb
    duck_dir = os.path.join(base, "duckdb")
    con = duckdb.connect()
    con.execute(f"CREATE VIEW events AS SELECT * FROM read_csv('{events}', header=true, "
                "types={'ts': 'TIMESTAMP', 'automated': 'BOOLEAN', 'task_category': 'VARCHAR', 'prompt_hash': 'VARCHAR'})")
    con.execute(f"COPY ({SQL.strip().rstrip(';')}) TO '{duck_dir}' (FORMAT csv, HEADER true, PER_THREAD_OUTPUT true)")

    # Spark, local mode, UTC.
    from pyspark.sql import SparkSession
    spark = (SparkSession.builder.master("local[2]").appName("candor-rollup")
             .config("spark.sql.session.timeZone", "UTC").config("spark.ui.enabled", "false").getOrCreate())
    frame = spark.read.csv(events, header=True, inferSchema=True)
    frame.createOrReplaceTempView("events")
    spark_dir = os.path.join(base, "spark")
    spark.sql(SQL).write.csv(spark_dir, header=True, emptyValue="")
    spark.stop()

    # Candor's own streaming rollup.
    candor_dir = os.path.join(base, "candor")
    subprocess.run([CANDOR, "rollup", events, "--output", candor_dir], check=True, stderr=subprocess.DEVNULL)

    duck_rows, spark_rows, candor_rows = rows_of(duck_dir), rows_of(spark_dir), rows_of(candor_dir)
    check("DuckDB and candor rollup give the same rows", duck_rows == candor_rows, f"{len(duck_rows)} vs {len(candor_rows)} rows")
    check("Spark and candor rollup give the same rows", spark_rows == candor_rows, f"{len(spark_rows)} vs {len(candor_rows)} rows")
    check("Spark wrote part files Candor reads as one table", bool(glob.glob(os.path.join(spark_dir, "part-*.csv"))))

    reports = {}
    for name, usage in [("duckdb", duck_dir), ("spark", spark_dir), ("candor", candor_dir)]:
        folder = report_folder(base, usage)
        output = os.path.join(base, "out-" + name)
        subprocess.run([CANDOR, "build", "--quiet", "--content", folder, "--output", output], check=True)
        report = json.load(open(os.path.join(output, "data", "report.json")))
        reports[name] = {key: report[key] for key in ["org", "teams", "tools", "weekly", "feedback", "sprawl"]}
    check("report from Spark's rollup equals the one from candor rollup", reports["spark"] == reports["candor"])
    check("report from DuckDB's rollup equals the one from candor rollup", reports["duckdb"] == reports["candor"])
    check("the reports count every event as a request", reports["candor"]["org"]["requests"] == 20000,
          str(reports["candor"]["org"]["requests"]))
    shutil.rmtree(base, ignore_errors=True)
    passed = sum(results)
    print(f"rollup: {passed} passed, {len(results) - passed} failed")
    sys.exit(0 if passed == len(results) else 1)


if __name__ == "__main__":
    main()
