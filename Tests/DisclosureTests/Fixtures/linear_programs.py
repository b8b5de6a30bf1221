"""Reference optima for Candor's simplex solver (Sources/Disclosure/Simplex.swift), by SciPy's
HiGHS (scipy.optimize.linprog), an independent solver.

Run from this folder:  python3 linear_programs.py > linear_programs.json
The Swift tests read linear_programs.json; they never call Python.

The problems are shaped like the attacker's programs of cell suppression: tables whose rows
and columns add up to published totals, some cells hidden (the variables, x >= 0), each line
an equality `parts - total = rhs` (or `>=` where people may be counted twice), with many zero
and repeated values so that the programs are degenerate; plus random sparse programs, some
infeasible and some unbounded.
"""
import json

import numpy as np
from scipy.optimize import linprog

rng = np.random.default_rng(20261128)


def solve(variables, rows, objective, maximise):
    """Optimum of sum(x[objective]) (max or min) under the rows, or 'infeasible'/'unbounded'."""
    c = np.zeros(variables)
    for v in objective:
        c[v] += -1.0 if maximise else 1.0
    a_eq, b_eq, a_ub, b_ub = [], [], [], []
    for row in rows:
        a = np.zeros(variables)
        for v, value in row["coefficients"]:
            a[v] += value
        if row["relation"] == "equal":
            a_eq.append(a)
            b_eq.append(row["rhs"])
        else:  # a.x >= rhs  ->  -a.x <= -rhs
            a_ub.append(-a)
            b_ub.append(-row["rhs"])
    result = linprog(c, A_ub=np.array(a_ub) if a_ub else None, b_ub=b_ub or None,
                     A_eq=np.array(a_eq) if a_eq else None, b_eq=b_eq or None,
                     bounds=[(0, None)] * variables, method="highs")
    if result.status == 2:
        return "infeasible"
    if result.status == 3:
        return "unbounded"
    assert result.status == 0, result.message
    return float(-result.fun if maximise else result.fun)


def table_problem(rows_n, cols_n, hide_share, zero_share, counted_twice):
    """A table of values with row and column totals and a grand total; some cells hidden."""
    values = rng.integers(1, 40, size=(rows_n, cols_n)).astype(float)
    values[rng.random((rows_n, cols_n)) < zero_share] = 0.0
    values[rng.random((rows_n, cols_n)) < 0.2] = 7.0  # repeated values: ties in the ratio test
    row_totals = values.sum(axis=1)
    col_totals = values.sum(axis=0)
    if counted_twice:  # totals of people may be below the sum of their parts
        row_totals = np.maximum(0, row_totals - rng.integers(0, 3, size=rows_n))
    grand = row_totals.sum()
    cells = [("cell", r, c, values[r, c]) for r in range(rows_n) for c in range(cols_n)]
    cells += [("row", r, None, row_totals[r]) for r in range(rows_n)]
    cells += [("col", None, c, col_totals[c]) for c in range(cols_n)]
    cells.append(("grand", None, None, grand))
    hidden = [i for i in range(len(cells)) if rng.random() < hide_share]
    if len(hidden) < 2:
        hidden = list(rng.choice(len(cells), size=2, replace=False))
    variable = {cell: position for position, cell in enumerate(hidden)}
    scale = max(1.0, max(cells[i][3] for i in hidden))

    def line(parts, total, exact):
        coefficients, rhs = [], 0.0
        for p in parts:
            if p in variable:
                coefficients.append([variable[p], 1.0])
            else:
                rhs -= cells[p][3] / scale
        if total in variable:
            coefficients.append([variable[total], -1.0])
        else:
            rhs += cells[total][3] / scale
        if not coefficients:
            return None
        return {"coefficients": coefficients, "relation": "equal" if exact else "atLeast", "rhs": rhs}

    index = {(kind, r, c): i for i, (kind, r, c, _) in enumerate(cells)}
    lines = []
    for r in range(rows_n):
        lines.append(line([index[("cell", r, c)] for c in range(cols_n)], index[("row", r, None)], not counted_twice))
    for c in range(cols_n):
        lines.append(line([index[("cell", r, c)] for r in range(rows_n)], index[("col", None, c)], True))
    lines.append(line([index[("row", r, None)] for r in range(rows_n)], index[("grand", None, None)], True))
    rows = [row for row in lines if row is not None]
    return len(hidden), rows


def random_problem(variables, rows_n):
    """A random sparse program: small integer coefficients, mixed relations."""
    rows = []
    for _ in range(rows_n):
        chosen = rng.choice(variables, size=int(rng.integers(1, min(variables, 4) + 1)), replace=False)
        coefficients = [[int(v), float(rng.choice([-2, -1, 1, 1, 2]))] for v in chosen]
        relation = "equal" if rng.random() < 0.6 else "atLeast"
        rows.append({"coefficients": coefficients, "relation": relation, "rhs": float(rng.integers(-3, 6))})
    return variables, rows


problems = []
for number in range(40):
    if number < 28:
        variables, rows = table_problem(int(rng.integers(2, 9)), int(rng.integers(2, 12)),
                                        hide_share=float(rng.choice([0.2, 0.4, 0.7])),
                                        zero_share=float(rng.choice([0.0, 0.3, 0.6])),
                                        counted_twice=number % 5 == 4)
    else:
        variables, rows = random_problem(int(rng.integers(2, 12)), int(rng.integers(1, 10)))
    objectives = []
    for _ in range(3):
        size = int(rng.integers(1, min(3, variables) + 1))
        objective = [int(v) for v in rng.choice(variables, size=size, replace=False)]
        objectives.append({"objective": objective,
                           "max": solve(variables, rows, objective, True),
                           "min": solve(variables, rows, objective, False)})
    problems.append({"variables": variables, "rows": rows, "objectives": objectives})

print(json.dumps({"problems": problems}, indent=1))
