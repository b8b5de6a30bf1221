import Foundation

/// How figures are written everywhere: charts, tables, figures in commentary and the sentences
/// Analysis writes (one formatter, so 1,025 and 1,859 never sit side by side as 1025 and 1,859).
public enum NumberFormat: Sendable, Equatable {
    /// 1.2k, 3.4M, 5.6B
    case si
    /// 12 %, 3.4 %
    case percent
    /// $1.2k
    case currency
    /// up to `decimals` decimals, trailing zeros trimmed
    case plain(decimals: Int)
    /// exactly `decimals` decimals, thousands grouped: for a column, whose figures align
    case aligned(decimals: Int)
    case integer

    /// A count, as `format(Double(value))` writes it.
    public func format<Count: BinaryInteger>(_ value: Count) -> String { format(Double(value)) }

    public func format(_ value: Double) -> String {
        guard value.isFinite else { return "–" }
        switch self {
        case .si: return formatSI(value)
        case .percent:
            let scaled = value * 100
            // A no-break space: a figure never wraps between its number and its sign.
            if scaled != 0 && abs(scaled) < 10 { return fixed(scaled, 1) + "\u{00A0}%" }
            return (scaled < 0 ? "-" : "") + groupThousands(Int64(abs(scaled).rounded())) + "\u{00A0}%"
        case .currency:
            return (value < 0 ? "−$" : "$") + formatSI(abs(value), minimumForSuffix: 10_000)
        case let .plain(decimals):
            return fixed(value, decimals)
        case let .aligned(decimals):
            let scale = pow(10, Double(min(max(decimals, 0), 6)))
            let scaled = (abs(value) * scale).rounded()
            guard scaled < 9.0e15 else { return String(format: "%.0f", value) }
            let units = Int64(scaled), divisor = Int64(scale)
            var text = groupThousands(units / divisor)
            if decimals > 0 {
                let fraction = String(units % divisor)
                text += "." + String(repeating: "0", count: decimals - fraction.count) + fraction
            }
            return (value < 0 && units != 0 ? "−" : "") + text
        case .integer:
            guard abs(value) < 9.0e18 else { return String(format: "%.0f", value) }
            return groupThousands(Int64(value.rounded()))
        }
    }
}

extension NumberFormat {
    /// The format of a column of figures: the same decimals on every row, as many as the
    /// column's largest magnitude needs for three significant figures (0, 1 or 2).
    public static func column(_ values: [Double]) -> NumberFormat {
        let largest = values.filter(\.isFinite).map(abs).max() ?? 0
        return .aligned(decimals: largest >= 100 ? 0 : largest >= 10 ? 1 : 2)
    }

    /// A range written one way at both ends: with the high end's suffix when both ends are at
    /// least a thousand ("1.8k–11.5k"), else both in full to three significant figures
    /// ("179–7,960", not "179–8k").
    public static func range(_ low: Double, _ high: Double) -> String {
        guard low.isFinite, high.isFinite else { return "–" }
        if min(abs(low), abs(high)) >= 1000 { return formatSI(low) + "–" + formatSI(high) }
        return significant(low) + "–" + significant(high)
    }

    /// Three significant figures, thousands grouped: 7,963 → "7,960", 0.01234 → "0.0123".
    static func significant(_ value: Double) -> String {
        guard value != 0 else { return "0" }
        let digits = Int(floor(log10(abs(value)))) + 1
        if digits >= 3 {
            let unit = pow(10, Double(digits - 3))
            return (value < 0 ? "−" : "") + groupThousands(Int64((abs(value) / unit).rounded() * unit))
        }
        return (value < 0 ? "−" : "") + fixed(abs(value), min(6, 3 - digits))
    }
}

/// 1,234 → "1.2k", 3,400,000 → "3.4M"; values under `minimumForSuffix` are written in full.
public func formatSI(_ value: Double, minimumForSuffix: Double = 1000) -> String {
    let magnitude = abs(value)
    let sign = value < 0 ? "−" : ""
    if magnitude < minimumForSuffix {
        // Whole figures, and any from 100 up (written without decimals), are grouped: "$1,694",
        // as every other count of the site, not "$1694".
        if magnitude >= 100 || magnitude == magnitude.rounded() { return sign + groupThousands(Int64(magnitude.rounded())) }
        return sign + fixed(magnitude, magnitude < 10 ? 2 : 1)
    }
    let units: [(Double, String)] = [(1e12, "T"), (1e9, "B"), (1e6, "M"), (1e3, "k")]
    for (size, suffix) in units where magnitude >= size {
        let scaled = magnitude / size
        return sign + fixed(scaled, scaled >= 100 ? 0 : 1) + suffix
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

/// `value` rounded half away from zero to `decimals` places, trailing zeros trimmed, no "-0".
/// Integer arithmetic rather than String(format:), which costs microseconds a call and is
/// called for every mark of a chart.
func fixed(_ value: Double, _ decimals: Int) -> String {
    guard value.isFinite else { return "–" }
    let scale = [1.0, 10, 100, 1000, 10000, 100_000, 1_000_000][min(max(decimals, 0), 6)]
    let scaled = (abs(value) * scale).rounded()
    guard scaled < 9.0e15 else { return String(format: "%.0f", value) }
    let units = Int64(scaled), divisor = Int64(scale)
    var text = groupless(units / divisor)
    var fraction = units % divisor
    if fraction != 0 {
        var digits = decimals
        while fraction % 10 == 0 { fraction /= 10; digits -= 1 }
        let fractionText = String(fraction)
        text += "." + String(repeating: "0", count: digits - fractionText.count) + fractionText
    }
    return value < 0 && units != 0 ? "-" + text : text
}

private func groupless(_ value: Int64) -> String { String(value) }

func trimmed(_ text: String) -> String {
    guard text.contains(".") else { return text == "-0" ? "0" : text }
    var result = text
    while result.hasSuffix("0") { result.removeLast() }
    if result.hasSuffix(".") { result.removeLast() }
    return result == "-0" ? "0" : result
}
