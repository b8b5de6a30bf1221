import Foundation

/// How figures are written in charts and tables.
public enum NumberFormat: Sendable, Equatable {
    /// 1.2k, 3.4M, 5.6B
    case si
    /// 12 %, 3.4 %
    case percent
    /// $1.2k
    case currency
    /// up to `decimals` decimals, trailing zeros trimmed
    case plain(decimals: Int)
    case integer

    public func format(_ value: Double) -> String {
        guard value.isFinite else { return "–" }
        switch self {
        case .si: return formatSI(value)
        case .percent:
            let scaled = value * 100
            if scaled != 0 && abs(scaled) < 10 { return trimmed(String(format: "%.1f", scaled)) + " %" }
            return String(format: "%.0f", scaled) + " %"
        case .currency:
            return (value < 0 ? "−$" : "$") + formatSI(abs(value), minimumForSuffix: 10_000)
        case let .plain(decimals):
            return trimmed(String(format: "%.\(decimals)f", value))
        case .integer:
            return groupThousands(Int64(value.rounded()))
        }
    }
}

/// 1,234 → "1.2k", 3,400,000 → "3.4M"; values under `minimumForSuffix` are written in full.
public func formatSI(_ value: Double, minimumForSuffix: Double = 1000) -> String {
    let magnitude = abs(value)
    let sign = value < 0 ? "−" : ""
    if magnitude < minimumForSuffix {
        if magnitude == magnitude.rounded() { return sign + groupThousands(Int64(magnitude)) }
        return sign + trimmed(String(format: magnitude < 10 ? "%.2f" : magnitude < 100 ? "%.1f" : "%.0f", magnitude))
    }
    let units: [(Double, String)] = [(1e12, "T"), (1e9, "B"), (1e6, "M"), (1e3, "k")]
    for (size, suffix) in units where magnitude >= size {
        let scaled = magnitude / size
        let text = scaled >= 100 ? String(format: "%.0f", scaled) : trimmed(String(format: "%.1f", scaled))
        return sign + text + suffix
    }
    return sign + String(magnitude)
}

public func groupThousands(_ value: Int64) -> String {
    let digits = String(value.magnitude)
    var result = ""
    for (index, character) in digits.enumerated() {
        if index > 0 && (digits.count - index) % 3 == 0 { result += "," }
        result.append(character)
    }
    return (value < 0 ? "−" : "") + result
}

func trimmed(_ text: String) -> String {
    guard text.contains(".") else { return text == "-0" ? "0" : text }
    var result = text
    while result.hasSuffix("0") { result.removeLast() }
    if result.hasSuffix(".") { result.removeLast() }
    return result == "-0" ? "0" : result
}
