import Dataset

/// Every formula, threshold, weight and factor the report used, for the methodology page.
public struct Methodology: Sendable {
    public struct Entry: Sendable {
        public var name: String
        public var formula: String
        public var parameters: [(String, String)]
    }
    public struct Section: Sendable {
        public var title: String
        public var entries: [Entry]
    }
    public var sections: [Section]

    static func describe(config: ReportConfig, valueMetric: String?, floor: Int) -> Methodology {
        func weight(_ name: String) -> String { String(format: "%g", config.weights[name] ?? 1) }
        let review = config.reviewDates.map(\.description).joined(separator: ", ")
        return Methodology(sections: [
            Section(title: "Adoption and usage", entries: [
                Entry(name: "Active person", formula: "someone with at least one request in the period (in a week: in that week); for sources that count no requests (Amazon Q completions, Claude Code, Anthropic usage), any suggestion shown, token or line; a row of zeros counts nobody", parameters: []),
                Entry(name: "Adoption rate", formula: "active people ÷ headcount; where no headcount is given, ÷ people seen in the usage data (said beside the figure)", parameters: []),
                Entry(name: "Tokens", formula: "input_tokens + output_tokens; cached tokens are the cache-read part of input and are reported on their own", parameters: []),
                Entry(name: "Intensity", formula: "tokens and requests per active person-day: median, 90th and 99th percentile (linear interpolation between order statistics, numpy's default)", parameters: []),
                Entry(name: "Gini coefficient", formula: "G = Σᵢ Σⱼ |xᵢ − xⱼ| ÷ (2 n² μ) over people's tokens in the period", parameters: []),
                Entry(name: "Top 10 % share", formula: "tokens of the ⌈n/10⌉ heaviest users ÷ all tokens", parameters: []),
                Entry(name: "Acceptance", formula: "accepted ÷ shown summed over rows (a ratio of sums, never a mean of daily rates), by count and separately by lines (lines accepted ÷ lines suggested)", parameters: []),
                Entry(name: "Overlapping sources", formula: "when two sources report the same person, day and tool, each measure (requests, suggestions, lines, tokens, cost) counts once: the first source read keeps it (sources in report.yml order, then data/vendor/, then data/usage/), later sources' values of it are dropped, and a row left with nothing is dropped. Complementary exports (Cursor's daily counts and its token events) therefore add up without counting twice", parameters: []),
                Entry(name: "Group rows", formula: "rows from aggregate-only sources count their active_users; a team's people from such rows is the largest daily count", parameters: []),
            ]),
            Section(title: "Value", entries: [
                Entry(name: "Value", formula: "the outcome metric summed per team and ISO week (dates are assigned to their ISO week)", parameters: [("metric", valueMetric ?? "none configured")]),
                Entry(name: "Value per head", formula: "value ÷ headcount of the team in that week", parameters: []),
                Entry(name: "Value per 1k tokens", formula: "value ÷ (tokens ÷ 1000)", parameters: []),
                Entry(name: "Cost per unit of value", formula: "cost ÷ value", parameters: []),
                Entry(name: "Adoption versus value, between teams", formula: "Spearman's ρ (average ranks for ties) and Pearson's r across teams of tokens per head against value per head over the period; n is the number of teams. 95 % percentile-bootstrap intervals from 2,000 resamples of whole teams: team-weeks of one team are not independent, so they are never resampled one by one. Teams about fewer people than the privacy floor take no part.", parameters: [("bootstrap seed", String(config.seed))]),
                Entry(name: "Adoption versus value, within teams", formula: "the slope of value per head on ln(tokens per head) across team-weeks with team and week fixed effects (two-way fixed effects: each team compared with itself, and every week's organisation-wide change removed, so a rollout that lifts every team's usage at once does not count), solved by alternating projections; its standard error clustered by team (CR1, as Stata and fixest), and a 95 % interval from Student's t with teams − 1 degrees of freedom. The headline reads this interval: \"no clear association\" when it holds zero. A slope b means b more value per head, on average, in a team's weeks with e times the usage; b × ln 2 per doubling. Team-weeks about fewer people than the floor, or without usage, take no part. A test simulates 200 organisations with no association (team levels, autocorrelated weeks, a shared rollout trend) and checks that the interval holds zero in at least 90 % of them. An association, not a cause.", parameters: []),
                Entry(name: "Quadrants", formula: "descriptive, never a verdict: a team's mean weekly tokens per head and value per head, each with a 95 % moving-block bootstrap interval (blocks of 4 weeks, 1,000 resamples); high when the interval lies wholly above the median team's mean, low when wholly below. High usage, high value; high usage, low value; low usage, high value; low usage, low value; unclear when either interval holds the median. Only the inflation test flags a team.", parameters: []),
            ]),
            Section(title: "Inflation signals", entries: [
                Entry(name: "Decoupling", formula: "s = clamp((ln(U₂/U₁) − ln(V₂/V₁)) ÷ ln 4, 0, 1), U and V the mean weekly tokens and value per head in the first and second half of the full weeks", parameters: [("weight", weight("decoupling"))]),
                Entry(name: "Review spike", formula: "s = clamp((r − 1) ÷ 2, 0, 1), r the largest ratio of mean daily tokens in the window before a review date to the mean of the 28 days before the window", parameters: [("review dates", review.isEmpty ? "none" : review), ("window", "\(config.reviewWindowDays) days"), ("weight", weight("review_spike"))]),
                Entry(name: "Low-value share", formula: "s = min(1, 2 × tokens in low-value categories ÷ tokens)", parameters: [("categories", config.lowValueCategories.joined(separator: ", ")), ("weight", weight("low_value_share"))]),
                Entry(name: "Low acceptance", formula: "s = clamp((a_org − a_team) ÷ a_org, 0, 1), a the acceptance rate by count", parameters: [("weight", weight("low_acceptance"))]),
                Entry(name: "Repetition", formula: "s = max(share of prompt rows repeating an earlier (person, prompt_hash) pair, share of people with machine-regular daily volume: ≥ 10 active days and a coefficient of variation of daily requests below 0.1). Distinct pairs are counted with HyperLogLog (4,096 registers, about 1.6 % error)", parameters: [("weight", weight("repetition"))]),
                Entry(name: "Automation share", formula: "s = min(1, 2 × tokens of automated calls ÷ tokens)", parameters: [("weight", weight("automation_share"))]),
                Entry(name: "Concentration", formula: "s = clamp((G_team − G_org) ÷ (1 − G_org), 0, 1)", parameters: [("weight", weight("concentration"))]),
                Entry(name: "Inflation index", formula: "Σ wᵢ sᵢ ÷ Σ wᵢ over the signals that could be computed for the team; flagged at or above the threshold. A flag is a risk to look at, not a verdict; no signal measures volume itself.", parameters: [("threshold", String(format: "%g", config.flagThreshold))]),
            ]),
            Section(title: "Retention and sprawl", entries: [
                Entry(name: "Funnel", formula: "tried: ≥ 1 active day; returned: active in ≥ 2 distinct ISO weeks, counted among the people observed for ≥ 14 days from their first use; sustained: active in ≥ half the weeks from the week of first use to the period's end, counted among the people whose span is ≥ 4 weeks. People who started too late to have returned or to be sustained are censored — left out of that step's denominator — so a late rollout does not look like poor retention.", parameters: []),
                Entry(name: "Days to second use", formula: "the Kaplan–Meier median of the days from a person's first to second active day with the tool; people without a second day are censored at the days they were observed (first use to the period's end). Nil when fewer than half are seen to return.", parameters: []),
                Entry(name: "Cohorts", formula: "people by ISO week of first use of any tool; share active k = 1…8 weeks later", parameters: []),
                Entry(name: "Team overlap", formula: "Jaccard index |A ∩ B| ÷ |A ∪ B| of the tool sets of two published teams", parameters: []),
            ]),
            Section(title: "Feedback", entries: [
                Entry(name: "Themes", formula: "a document counts for a theme when it contains any of the theme's phrases (case-insensitive); share = documents with the theme ÷ all documents", parameters: config.themes.map { ($0.name, $0.phrases.joined(separator: ", ")) }),
                Entry(name: "Net sentiment", formula: "(documents with more positive than negative lexicon words − documents with more negative) ÷ documents × 100", parameters: []),
                Entry(name: "Quotes", formula: "documents are grouped by first theme × sentiment; one quote per group is drawn with a seeded generator; each quote says how many documents its group holds. E-mail addresses, @handles and configured patterns are replaced by [redacted].", parameters: [("seed", String(config.seed)), ("patterns", config.redact.joined(separator: " "))]),
            ]),
            Section(title: "Cost and climate", entries: [
                Entry(name: "Cost", formula: "a range. Usage: cost_usd where a row has it (both ends); else, at the high end, list prices — input tokens ÷ 1000 × input price + output tokens ÷ 1000 × output price from data/tools.csv or report.yml — and at the low end the cached part of the input at the tool's cache-read price (price_cached_per_1k; without one, cached input costs the input price at both ends). A cost export (OpenAI costs, Anthropic cost report) adds a project's or workspace's cost on rows of its own; the tool's tokens then count as priced as a whole (give such a tool no prices, or its tokens are priced twice). Seat licences: seats from the tool's seat export × price_per_seat_month × the months in the period (days ÷ 30.44), added at both ends; a tool priced only by the seat has no per-token price. Teams carry usage cost only (seats are licensed per tool, not per team). Cost per unit of value is the range ÷ value.", parameters: []),
                Entry(name: "Energy", formula: "(input tokens − cached input tokens) ÷ 1000 × Wh per 1k input + output tokens ÷ 1000 × Wh per 1k output + cached input tokens ÷ 1000 × Wh per 1k cached, as a range (low factors give the low end). Server energy only: data-centre overhead (PUE), networking and the devices people use are not counted, and the factors are for current large hosted models, not any vendor's measurement of your tools.", parameters: [
                    ("Wh per 1k output tokens", String(format: "%g–%g", config.whPer1kOutput.low, config.whPer1kOutput.high)),
                    ("Wh per 1k input tokens", String(format: "%g–%g", config.whPer1kInput.low, config.whPer1kInput.high)),
                    ("Wh per 1k cached input tokens", String(format: "%g–%g", config.whPer1kCached.low, config.whPer1kCached.high)),
                ]),
                Entry(name: "Sources of the energy factors", formula: config.climateSet.isEmpty ? "the defaults: output — Epoch AI, \"How much energy does ChatGPT use?\" (J. You, February 2025): about 0.3 Wh for a typical GPT-4o reply of about 500 output tokens, i.e. 0.6 Wh per 1k (the low end); the high end is ten times that, the order of the older, widely quoted 3 Wh per query and of reasoning models measured by Jegham et al., \"How Hungry is AI?\" (arXiv:2505.09598, 2025). Input — Epoch AI's same analysis: a 10,000-token input adds about 2.2 Wh (0.2 per 1k) and a 100,000-token input about 40 Wh (0.4 per 1k), attention growing with length. Cached input — no published measurement; assumed a tenth of fresh input, as vendors price cache reads (Anthropic charges a tenth of the input price for them): an assumption, not a measurement." : "set in report.yml (climate: \(config.climateSet.sorted().joined(separator: ", "))); the defaults of the others are sourced as follows: output 0.6–6 Wh per 1k (Epoch AI 2025; Jegham et al. 2025), input 0.2–0.4 (Epoch AI 2025), cached a tenth of input (an assumption from vendors' cache-read prices).", parameters: []),
                Entry(name: "CO₂e", formula: "energy × grid carbon intensity, as a range. The default range brackets Ember's world average of 436 g CO₂ per kWh for 2022 (Global Electricity Review 2023): the low end stands for a low-carbon grid, the high end for a coal-heavy one. Set the grid of your vendors' data centres with climate.grid_g_co2e_per_kwh in report.yml.", parameters: [("grid", String(format: "%g–%g g CO₂e per kWh", config.gridGramsCO2ePerKWh.low, config.gridGramsCO2ePerKWh.high))]),
            ]),
            Section(title: "Privacy", entries: [
                Entry(name: "Frequency rule (primary suppression)", formula: "every published figure about a group — a team, a team-week, the organisation in a week, a tool, a tool-week, a tool's use in a team, a weekly cohort, a team's feedback — is withheld when the group has fewer people than the floor (for feedback: fewer documents). A team whose headcount is below the floor is withheld whole.", parameters: [("min_group_size", String(floor))]),
                Entry(name: "Dominance rule (primary suppression)", formula: "the p % rule of statistical offices: a cell of tokens, requests or cost is withheld when what all but its two largest contributors add is less than p % of the largest (X − x₁ − x₂ < p/100 × x₁), since the second largest could then estimate the largest to within p %. 0 turns the rule off.", parameters: [("dominance_p", String(format: "%g", config.dominanceP))]),
                Entry(name: "Secondary suppression", formula: "published totals let a reader subtract: a team's total minus its published weeks, the organisation minus the published teams. Further cells are withheld until, for every withheld cell, the least and greatest values consistent with everything published (every figure at least zero; team × week, teams, weeks, the organisation, tools, tool × week, tool × team, cohorts and feedback by team linked as one system) lie at least the protection level away on each side, and every sum of withheld cells that a published total gives exactly is itself about enough people and not dominated. This is the attacker problem of Fischetti and Salazar-González (Mathematical Programming 84, 1999), solved as linear programs; cells are added greedily, first those that close a cycle of withheld cells (as the hypercube method of Repsilber does), then the smallest (Hundepool et al., Statistical Disclosure Control, Wiley 2012, §4.2). τ-ARGUS's modular and optimal methods solve the same problem exactly; a test compares the two.", parameters: [("protection_pct", String(format: "%g %%", config.protectionPct))]),
                Entry(name: "What is withheld", formula: "a withheld figure is absent from every page, chart, table, CSV file, data/report.json and {{ figure }} reference; a withheld team or tool shows only its name and why. No user id is written anywhere.", parameters: []),
            ]),
        ])
    }
}
