-- Candor's rollup: raw per-request AI usage events → Candor's usage schema (one row per
-- person, UTC day, tool, task category, prompt hash and automation flag).
--
-- Portable: runs unchanged on Spark SQL, Trino and DuckDB (sqlglot parses it in all three
-- dialects; tests/rollup/test_rollup.py runs it on Spark and DuckDB). The engine first makes
-- the raw events available as a table or view named `events` with the columns
--   ts (timestamp, UTC), user, team, tool, input_tokens, output_tokens,
--   accepted (0/1 or a count), shown (0/1 or a count), task_category, prompt_hash,
--   automated (boolean)
-- and writes this query's result as CSV part files with a header; Candor reads the folder.
-- `candor rollup` computes the same rows on one machine.
SELECT
    CAST(CAST(e.ts AS DATE) AS VARCHAR(10)) AS date,
    e.user AS user_id,
    e.team AS team,
    e.tool AS tool,
    COUNT(*) AS requests,
    SUM(COALESCE(e.input_tokens, 0)) AS input_tokens,
    SUM(COALESCE(e.output_tokens, 0)) AS output_tokens,
    SUM(COALESCE(e.shown, 0)) AS suggestions_shown,
    SUM(COALESCE(e.accepted, 0)) AS suggestions_accepted,
    COALESCE(e.task_category, '') AS task_category,
    COALESCE(e.prompt_hash, '') AS prompt_hash,
    CASE WHEN e.automated THEN 'true' ELSE 'false' END AS automated
FROM events AS e
GROUP BY
    CAST(CAST(e.ts AS DATE) AS VARCHAR(10)),
    e.user,
    e.team,
    e.tool,
    COALESCE(e.task_category, ''),
    COALESCE(e.prompt_hash, ''),
    CASE WHEN e.automated THEN 'true' ELSE 'false' END
