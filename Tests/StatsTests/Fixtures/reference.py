"""Reference values for Candor's Stats tests, computed with numpy and scipy.

Run from this folder:  python3 reference.py > reference.json
The Swift tests read reference.json; they never call Python.
"""
import json

import numpy as np
from scipy import stats

samples = {
    "small": [3.0, 1.0, 4.0, 1.0, 5.0, 9.0, 2.0, 6.0, 5.0, 3.0, 5.0],
    "skewed": [1, 1, 2, 2, 3, 5, 8, 13, 21, 34, 55, 89, 144, 233, 377, 610, 987],
    "ties": [2.0, 2.0, 2.0, 3.0, 3.0, 7.0, 7.0, 7.0, 7.0, 10.0],
    "single": [42.0],
}
pairs = {
    "linear_noise": (
        [1.0, 2.0, 3.0, 4.0, 5.0, 6.0, 7.0, 8.0, 9.0, 10.0],
        [2.1, 3.9, 6.2, 7.8, 10.1, 12.2, 13.8, 16.1, 18.0, 20.3],
    ),
    "ties": (
        [1.0, 2.0, 2.0, 3.0, 4.0, 4.0, 4.0, 5.0],
        [10.0, 9.0, 9.0, 7.0, 8.0, 3.0, 3.0, 1.0],
    ),
    "weak": (
        [0.5, 1.5, 2.0, 3.5, 4.0, 5.5, 6.0, 7.5, 8.0, 9.5, 10.0, 11.5],
        [3.0, 1.0, 4.0, 1.0, 5.0, 9.0, 2.0, 6.0, 5.0, 3.0, 5.0, 8.0],
    ),
}


def gini(x):
    x = np.asarray(x, dtype=float)
    # Mean absolute difference over twice the mean: the definition, not the sorted shortcut.
    return float(np.abs(x[:, None] - x[None, :]).sum() / (2 * len(x) ** 2 * x.mean()))


out = {"quantiles": {}, "gini": {}, "ranks": {}, "robust_z": {}, "pairs": {}}
for name, values in samples.items():
    v = np.asarray(values, dtype=float)
    out["quantiles"][name] = {
        str(p): float(np.quantile(v, p)) for p in (0.0, 0.1, 0.25, 0.5, 0.9, 0.99, 1.0)
    }
    out["ranks"][name] = stats.rankdata(v).tolist()
    if v.sum() > 0:
        out["gini"][name] = gini(v)
    med = np.median(v)
    mad = np.median(np.abs(v - med))
    if mad > 0:
        out["robust_z"][name] = (0.6745 * (v - med) / mad).tolist()
for name, (x, y) in pairs.items():
    fit = stats.linregress(x, y)
    out["pairs"][name] = {
        "x": x,
        "y": y,
        "pearson": float(stats.pearsonr(x, y)[0]),
        "spearman": float(stats.spearmanr(x, y)[0]),
        "slope": float(fit.slope),
        "intercept": float(fit.intercept),
        "slope_stderr": float(fit.stderr),
    }
out["samples"] = samples

# Student's t quantiles.
out["t_quantiles"] = {str(df): float(stats.t.ppf(0.975, df)) for df in (1, 2, 5, 12, 37, 200)}


def panel_fit(y, x, group, period):
    """Two-way fixed effects by full dummy regression (not by demeaning, as Candor does), and the
    CR1 cluster-robust standard error of the slope written out from its definition."""
    y, x = np.asarray(y), np.asarray(x)
    groups, periods = sorted(set(group)), sorted(set(period))
    columns = [x] + [(np.asarray(group) == g).astype(float) for g in groups] + [(np.asarray(period) == p).astype(float) for p in periods[1:]]
    design = np.column_stack(columns)
    beta, *_ = np.linalg.lstsq(design, y, rcond=None)
    residual = y - design @ beta
    bread = np.linalg.pinv(design.T @ design)
    meat = np.zeros((design.shape[1], design.shape[1]))
    for g in groups:
        rows = np.asarray(group) == g
        score = design[rows].T @ residual[rows]
        meat += np.outer(score, score)
    n, G = len(y), len(groups)
    k = 1 + (len(periods) - 1)  # the group dummies are nested in the clusters (as fixest counts them)
    correction = G / (G - 1) * (n - 1) / (n - k)
    variance = correction * (bread @ meat @ bread)
    se = float(np.sqrt(variance[0, 0]))
    t = float(stats.t.ppf(0.975, G - 1))
    return {"slope": float(beta[0]), "se": se, "low": float(beta[0] - t * se), "high": float(beta[0] + t * se)}


rng = np.random.default_rng(2026)
group, period, x, y = [], [], [], []
for g in range(9):
    level = rng.normal(0, 2)
    for t in range(12):
        if rng.random() < 0.2:
            continue  # an unbalanced panel: some team-weeks missing
        xv = rng.normal(level + 0.1 * t, 1)
        group.append(g); period.append(t); x.append(float(xv))
        y.append(float(3 + 0.4 * xv + 1.5 * level + 0.2 * t + rng.normal(0, 1)))
out["panel"] = {"group": group, "period": period, "x": x, "y": y, **panel_fit(y, x, group, period)}

# A team's week-to-week series: Theil–Sen with Sen's interval and Kendall's tau (scipy), with
# ties in y (weeks of zero failures) and one far-out point; Newey–West least squares
# (statsmodels, HAC with the small-sample correction); Benjamini–Hochberg (statsmodels).
import statsmodels.api as sm
from statsmodels.stats.multitest import multipletests
ts_x = [float(v) for v in rng.normal(0, 0.1, 34)] + [1.3]
ts_y = [float(max(0.0, round(0.1 + 0.4 * a + rng.normal(0, 0.05), 2))) for a in ts_x[:-1]] + [0.0]
sen = stats.theilslopes(ts_y, ts_x, 0.95)
tau = stats.kendalltau(ts_x, ts_y, method="asymptotic")
lags = int(4 * (len(ts_x) / 100) ** (2 / 9))
hac = sm.OLS(ts_y, sm.add_constant(ts_x)).fit(cov_type="HAC", cov_kwds={"maxlags": lags, "use_correction": True})
ols = sm.OLS(ts_y, sm.add_constant(ts_x)).fit()
out["series"] = {"x": ts_x, "y": ts_y, "sen_slope": float(sen.slope), "sen_low": float(sen.low_slope), "sen_high": float(sen.high_slope),
                 "kendall_p": float(tau.pvalue), "ols_slope": float(hac.params[1]), "hac_se": float(hac.bse[1]), "ols_se": float(ols.bse[1]),
                 "lags": lags}
bh_p = [0.001, 0.008, 0.039, 0.041, 0.042, 0.06, 0.074, 0.205, 0.212, 0.216, 0.222, 0.251, 0.269, 0.275, 0.34]
out["bh"] = {"p": bh_p, "q": 0.1, "rejected": [bool(v) for v in multipletests(bh_p, alpha=0.1, method="fdr_bh")[0]]}
out["normal_quantiles"] = {str(p): float(stats.norm.ppf(p)) for p in (0.5, 0.9, 0.975, 0.9875, 0.999)}
print(json.dumps(out, indent=1, sort_keys=True))
