import Foundation
import Yams

/// The settings of a report, from `report.yml` (DESIGN §3). Every key but `title` is optional.
public struct ReportConfig: Equatable, Sendable {
    public var title: String = "AI adoption and value"
    public var organisation: String?
    public var periodFrom: Day?
    public var periodTo: Day?
    public var minGroupSize: Int = 5
    /// p of the p % dominance rule for magnitudes (tokens, requests, cost); 0 turns it off.
    public var dominanceP: Double = 10
    /// How far, in per cent of its value, a suppressed figure must stay from what can be solved
    /// for from everything published, on each side.
    public var protectionPct: Double = 10
    /// The outcome metrics of `data/outcomes.csv` that stand for value, in the order written
    /// (`value.metrics`, or the single `value.metric`); empty means "the only metric in the data".
    public var outcomeMetrics: [OutcomeMetric] = []
    /// Survey questions answered in hours saved per week (`value.hours_saved`).
    public var hoursQuestions: [String] = []
    /// The line of the `value` key, for errors about names the data does not have.
    public var valueLine = 0
    /// The first primary metric: the one the quadrants, the scatter and the headline use.
    /// Setting it declares that one metric as the only (primary) one.
    public var valueMetric: String? {
        get { outcomeMetrics.first { $0.role == .primary }?.metric }
        set { outcomeMetrics = newValue.map { [OutcomeMetric(metric: $0)] } ?? [] }
    }
    /// Canonical column name → the header used in the files (`columns: {user: employee_id}`).
    public var columnAliases: [String: String] = [:]
    public var reviewDates: [Day] = []
    public var reviewWindowDays: Int = 7
    public var lowValueCategories: [String] = []
    /// The inflation test's false-discovery rate across teams (Benjamini–Hochberg).
    public var falseDiscoveryRate: Double = 0.1
    /// Signal name → weight; signals not named weigh 1.
    public var weights: [String: Double] = [:]
    /// Energy per 1,000 tokens by type, and the grid's carbon intensity: each a range whose
    /// default has a published source (the methodology page cites them).
    public var whPer1kInput = Bounds(low: 0.2, high: 0.4)
    public var whPer1kOutput = Bounds(low: 0.6, high: 6.0)
    public var whPer1kCached = Bounds(low: 0.02, high: 0.04)
    public var gridGramsCO2ePerKWh = Bounds(low: 100, high: 700)
    /// Which climate factors report.yml set (the others keep their sourced defaults).
    public var climateSet: Set<String> = []

    public struct Bounds: Equatable, Sendable {
        public var low: Double
        public var high: Double
        public init(low: Double, high: Double) { self.low = low; self.high = high }
    }
    /// Extra regular expressions removed from quotes.
    public var redact: [String] = []
    /// Feedback themes in the order written: name and its phrases.
    public var themes: [Theme] = []
    public var unsafeHTML: Bool = false
    public var sources: [SourceSpec] = []
    public var pseudonymKeyEnv: String?
    /// Another theme folder, relative to the report folder.
    public var theme: String?
    /// Seed for the bootstrap and the quote sampling.
    public var seed: UInt64 = 2026
    /// Prices per tool when `data/tools.csv` has none: dollars per 1k input and output tokens.
    public var prices: [String: Price] = [:]
    /// The URL the site will be published at (for the feed and sitemap); `--base-url` wins.
    public var baseURL: String?

    public struct Theme: Equatable, Sendable {
        public var name: String
        public var phrases: [String]
        public init(name: String, phrases: [String]) { self.name = name; self.phrases = phrases }
    }

    public struct Price: Equatable, Sendable {
        public var inputPer1k: Double
        public var outputPer1k: Double
        /// The cache-read price of cached input; nil prices it as fresh input.
        public var cachedPer1k: Double?
        public var perSeatMonth: Double?
        public init(inputPer1k: Double, outputPer1k: Double, cachedPer1k: Double? = nil, perSeatMonth: Double? = nil) {
            self.inputPer1k = inputPer1k; self.outputPer1k = outputPer1k; self.cachedPer1k = cachedPer1k; self.perSeatMonth = perSeatMonth
        }
    }

    public struct SourceSpec: Equatable, Sendable {
        public var format: String
        public var path: String
        public var tool: String?
        public var line: Int
        /// Workspace, project or API-key id → team, for sources whose rows name no person
        /// (Anthropic workspaces, OpenAI projects); rows of an id not listed go to "organisation".
        public var teams: [String: String] = [:]
    }

    public init() {}

    public static let signalNames = ["decoupling", "review_spike", "low_value_share", "low_acceptance",
                                     "repetition", "automation_share", "concentration"]

    static let topKeys = ["title", "organisation", "period", "privacy", "value", "columns", "signals",
                          "climate", "redact", "themes", "unsafe_html", "sources", "pseudonym_key_env",
                          "theme", "seed", "prices", "base_url"]

    /// Reads and validates `report.yml`. Throws an `InputError` listing every problem found
    /// (an unknown key, a wrong type, an impossible value), each with its line.
    public static func parse(_ text: String, file: String = "report.yml") throws -> ReportConfig {
        guard let root = try YAMLReader.compose(text, file: file) else {
            throw InputError(.error(file, line: 1, "is empty; it needs at least a title"))
        }
        var reader = YAMLReader(file: file)
        var config = ReportConfig()
        var sawTitle = false
        for (key, value) in reader.mapping(root, key: "", allowed: topKeys) {
            switch key {
            case "title":
                if let title = reader.string(value, key: key) {
                    if title.trimmingCharacters(in: .whitespaces).isEmpty { reader.error(value, "\"title\" is empty") }
                    config.title = title
                    sawTitle = true
                }
            case "organisation": config.organisation = reader.string(value, key: key)
            case "period":
                for (sub, node) in reader.mapping(value, key: key, allowed: ["from", "to"]) {
                    if sub == "from" { config.periodFrom = reader.day(node, key: "period.from") }
                    if sub == "to" { config.periodTo = reader.day(node, key: "period.to") }
                }
                if let from = config.periodFrom, let to = config.periodTo, to < from {
                    reader.error(value, "\"period.to\" (\(to)) is before \"period.from\" (\(from))")
                }
            case "privacy":
                for (sub, node) in reader.mapping(value, key: key, allowed: ["min_group_size", "dominance_p", "protection_pct"]) {
                    switch sub {
                    case "dominance_p": config.dominanceP = reader.number(node, key: "privacy.dominance_p", range: 0...100) ?? 10
                    case "protection_pct": config.protectionPct = reader.number(node, key: "privacy.protection_pct", range: 0...100) ?? 10
                    default: config.minGroupSize = reader.integer(node, key: "privacy.min_group_size", range: 2...1_000_000) ?? 5
                    }
                }
            case "value":
                config.valueLine = reader.line(value)
                parseValue(value, into: &config, reader: &reader)
            case "columns":
                for (canonical, node) in reader.mapping(value, key: key, allowed: UsageColumn.allCases.map(\.rawValue)) {
                    if let header = reader.string(node, key: "columns.\(canonical)") {
                        config.columnAliases[canonical] = header
                    }
                }
            case "signals":
                parseSignals(value, into: &config, reader: &reader)
            case "climate":
                let keys = ["wh_per_1k_input", "wh_per_1k_output", "wh_per_1k_cached", "wh_per_1k_tokens", "grid_g_co2e_per_kwh"]
                for (sub, node) in reader.mapping(value, key: key, allowed: keys) {
                    let limit: ClosedRange<Double> = sub == "grid_g_co2e_per_kwh" ? 0...5000 : 0...1000
                    guard let bounds = reader.bounds(node, key: "climate.\(sub)", range: limit) else { continue }
                    config.climateSet.insert(sub)
                    switch sub {
                    case "wh_per_1k_input": config.whPer1kInput = bounds
                    case "wh_per_1k_output": config.whPer1kOutput = bounds
                    case "wh_per_1k_cached": config.whPer1kCached = bounds
                    case "grid_g_co2e_per_kwh": config.gridGramsCO2ePerKWh = bounds
                    default:  // one factor for every kind of token, as earlier reports gave it
                        config.whPer1kInput = bounds; config.whPer1kOutput = bounds; config.whPer1kCached = bounds
                    }
                }
            case "redact":
                for node in reader.list(value, key: key) {
                    guard let pattern = reader.string(node, key: "redact") else { continue }
                    if (try? Regex(pattern)) == nil {
                        reader.error(node, "\"redact\": \"\(pattern)\" is not a valid regular expression")
                    } else {
                        config.redact.append(pattern)
                    }
                }
            case "themes":
                for (name, node) in reader.mapping(value, key: key, allowed: nil) {
                    let phrases = reader.strings(node, key: "themes.\(name)").filter { !$0.isEmpty }
                    config.themes.append(Theme(name: name, phrases: phrases))
                }
            case "unsafe_html": config.unsafeHTML = reader.bool(value, key: key) ?? false
            case "sources":
                for node in reader.list(value, key: key) {
                    var spec = SourceSpec(format: "", path: "", tool: nil, line: reader.line(node))
                    for (sub, field) in reader.mapping(node, key: "sources[]", allowed: ["format", "path", "tool", "teams"]) {
                        if sub == "teams" {
                            for (id, team) in reader.mapping(field, key: "sources[].teams", allowed: nil) {
                                if let name = reader.string(team, key: "sources[].teams.\(id)") { spec.teams[id] = name }
                            }
                            continue
                        }
                        let text = reader.string(field, key: "sources[].\(sub)") ?? ""
                        switch sub {
                        case "format": spec.format = text
                        case "path": spec.path = text
                        default: spec.tool = text
                        }
                    }
                    if spec.format.isEmpty || spec.path.isEmpty {
                        reader.error(node, "each entry of \"sources\" needs \"format\" and \"path\"")
                    } else {
                        config.sources.append(spec)
                    }
                }
            case "pseudonym_key_env": config.pseudonymKeyEnv = reader.string(value, key: key)
            case "theme": config.theme = reader.string(value, key: key)
            case "seed":
                config.seed = UInt64(reader.integer(value, key: key, range: 0...Int.max) ?? 2026)
            case "base_url": config.baseURL = reader.string(value, key: key)
            case "prices":
                for (tool, node) in reader.mapping(value, key: key, allowed: nil) {
                    var price = Price(inputPer1k: 0, outputPer1k: 0)
                    let sides = ["price_in_per_1k", "price_out_per_1k", "price_cached_per_1k", "price_per_seat_month"]
                    for (side, number) in reader.mapping(node, key: "prices.\(tool)", allowed: sides) {
                        let parsed = reader.number(number, key: "prices.\(tool).\(side)", range: 0...1_000_000) ?? 0
                        switch side {
                        case "price_in_per_1k": price.inputPer1k = parsed
                        case "price_out_per_1k": price.outputPer1k = parsed
                        case "price_cached_per_1k": price.cachedPer1k = parsed
                        default: price.perSeatMonth = parsed
                        }
                    }
                    config.prices[tool] = price
                }
            default: break
            }
        }
        if !sawTitle && reader.diagnostics.isEmpty {
            reader.diagnostics.append(.error(file, line: 1, "\"title\" is required"))
        }
        let errors = reader.diagnostics.filter { $0.severity == .error }
        if !errors.isEmpty { throw InputError(reader.diagnostics) }
        return config
    }

    /// `value: {metric: prs_merged}` (one primary metric), or `value: {metrics: [...], hours_saved: [...]}`
    /// where each metric is a name or `{metric, name, unit, direction, role}`.
    private static func parseValue(_ value: Node, into config: inout ReportConfig, reader: inout YAMLReader) {
        let single = ["metric", "name", "unit", "direction", "role"]
        let pairs = reader.mapping(value, key: "value", allowed: single + ["metrics", "hours_saved"])
        if pairs.contains(where: { $0.0 == "metric" }) && pairs.contains(where: { $0.0 == "metrics" }) {
            reader.error(value, "\"value\" takes either \"metric\" (one metric) or \"metrics\" (a list), not both")
        }
        var lone: [(String, Node)] = []
        for (key, node) in pairs {
            switch key {
            case "metrics":
                for item in reader.list(node, key: "value.metrics") {
                    if case .scalar = item, let name = reader.string(item, key: "value.metrics") {
                        config.outcomeMetrics.append(OutcomeMetric(metric: name, line: reader.line(item)))
                    } else if let metric = outcomeMetric(reader.mapping(item, key: "value.metrics", allowed: single), node: item, key: "value.metrics", reader: &reader) {
                        config.outcomeMetrics.append(metric)
                    }
                }
            case "hours_saved": config.hoursQuestions = reader.strings(node, key: "value.hours_saved")
            default: lone.append((key, node))
            }
        }
        if !lone.isEmpty, let metric = outcomeMetric(lone, node: value, key: "value", reader: &reader) {
            config.outcomeMetrics.insert(metric, at: 0)
        }
        var seen = Set<String>()
        for metric in config.outcomeMetrics where !seen.insert(metric.metric).inserted {
            reader.diagnostics.append(.error(reader.file, line: metric.line, "metric \"\(metric.metric)\" is listed twice in \"value\""))
        }
        if !config.outcomeMetrics.isEmpty && !config.outcomeMetrics.contains(where: { $0.role == .primary }) {
            reader.error(value, "\"value\" lists only guardrail metrics; mark the outcome that stands for value as role: primary")
        }
    }

    private static func outcomeMetric(_ pairs: [(String, Node)], node: Node, key: String, reader: inout YAMLReader) -> OutcomeMetric? {
        var metric = OutcomeMetric(metric: "", line: reader.line(node))
        for (sub, value) in pairs {
            switch sub {
            case "metric": metric.metric = reader.string(value, key: "\(key).metric") ?? ""
            case "name": metric.displayName = reader.string(value, key: "\(key).name")
            case "unit": metric.unitName = reader.string(value, key: "\(key).unit")
            case "direction":
                let text = reader.string(value, key: "\(key).direction") ?? ""
                if let direction = OutcomeMetric.Direction(rawValue: text.lowercased()) { metric.direction = direction }
                else { reader.error(value, "\"\(key).direction\" must be higher or lower (which is better), not \"\(text)\"") }
            case "role":
                let text = reader.string(value, key: "\(key).role") ?? ""
                if let role = OutcomeMetric.Role(rawValue: text.lowercased()) { metric.role = role }
                else { reader.error(value, "\"\(key).role\" must be primary or guardrail, not \"\(text)\"") }
            default: break
            }
        }
        guard !metric.metric.isEmpty else {
            reader.error(node, "\"\(key)\" needs \"metric\": the metric's name as data/outcomes.csv writes it")
            return nil
        }
        return metric
    }

    private static func parseSignals(_ value: Node, into config: inout ReportConfig, reader: inout YAMLReader) {
        let keys = ["review_dates", "review_window_days", "low_value_categories", "false_discovery_rate", "flag_threshold", "weights"]
        for (sub, node) in reader.mapping(value, key: "signals", allowed: keys) {
            switch sub {
            case "review_dates":
                config.reviewDates = reader.list(node, key: "signals.review_dates")
                    .compactMap { reader.day($0, key: "signals.review_dates") }.sorted()
            case "review_window_days":
                config.reviewWindowDays = reader.integer(node, key: "signals.review_window_days", range: 1...90) ?? 7
            case "low_value_categories":
                config.lowValueCategories = reader.strings(node, key: "signals.low_value_categories")
            case "false_discovery_rate":
                config.falseDiscoveryRate = reader.number(node, key: "signals.false_discovery_rate", range: 0.001...0.5) ?? 0.1
            case "flag_threshold":
                reader.warning(node, "\"signals.flag_threshold\" is no longer used: teams are flagged by a test with a false-discovery rate across teams (signals.false_discovery_rate, default 0.1); remove the line")
            case "weights":
                for (name, weight) in reader.mapping(node, key: "signals.weights", allowed: signalNames) {
                    config.weights[name] = reader.number(weight, key: "signals.weights.\(name)", range: 0...100)
                }
            default: break
            }
        }
    }
}
