/// Calendar days and ISO weeks without Foundation's calendars: fast, and the same everywhere.

/// A day as the count of days since 1970-01-01 (proleptic Gregorian, UTC).
public struct Day: Hashable, Comparable, Sendable, CustomStringConvertible, Codable {
    public var index: Int32

    @inlinable public init(index: Int32) { self.index = index }

    /// Coded as the bare day number (the build cache holds many of them).
    public init(from decoder: Decoder) throws { index = try decoder.singleValueContainer().decode(Int32.self) }
    public func encode(to encoder: Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(index)
    }

    /// Nil unless a real calendar date.
    public init?(year: Int, month: Int, day: Int) {
        guard (1...9999).contains(year), (1...12).contains(month), day >= 1,
              day <= Day.daysIn(month: month, year: year) else { return nil }
        // Howard Hinnant's days_from_civil.
        let y = month <= 2 ? year - 1 : year
        let era = (y >= 0 ? y : y - 399) / 400
        let yoe = y - era * 400
        let mp = (month + 9) % 12
        let doy = (153 * mp + 2) / 5 + day - 1
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
        index = Int32(era * 146_097 + doe - 719_468)
    }

    /// Parses `YYYY-MM-DD` (a longer text whose first ten characters are such a date, as an
    /// ISO timestamp, is accepted when `prefix` is true).
    public init?(parsing text: Substring, prefix: Bool = false) {
        if let parsed = text.utf8.withContiguousStorageIfAvailable({ Day(bytes: $0, prefix: prefix) }) {
            guard let parsed else { return nil }
            self = parsed
        } else {
            self.init(bytes: Array(text.utf8), prefix: prefix)
        }
    }

    public init?(parsing text: String, prefix: Bool = false) {
        self.init(parsing: text[...], prefix: prefix)
    }

    /// `YYYY-MM-DD` (or text starting with it, with `prefix`) from its bytes, read in place: any
    /// contiguous bytes (a field of a CSV row is read without copying it into an array first).
    public init?<Bytes: RandomAccessCollection>(bytes: Bytes, prefix: Bool = false) where Bytes.Element == UInt8, Bytes.Index == Int {
        guard bytes.count == 10 || (prefix && bytes.count > 10) else { return nil }
        let b = bytes.startIndex
        func digits(_ from: Int, _ count: Int) -> Int? {
            var value = 0
            for offset in 0..<count {
                let byte = bytes[b + from + offset]
                guard byte >= 48, byte <= 57 else { return nil }
                value = value * 10 + Int(byte - 48)
            }
            return value
        }
        guard bytes[b + 4] == 45, bytes[b + 7] == 45,
              let year = digits(0, 4), let month = digits(5, 2), let day = digits(8, 2) else { return nil }
        self.init(year: year, month: month, day: day)
    }

    public static func daysIn(month: Int, year: Int) -> Int {
        switch month {
        case 2: return (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 ? 29 : 28
        case 4, 6, 9, 11: return 30
        default: return 31
        }
    }

    /// Year, month and day (Hinnant's civil_from_days).
    public var civil: (year: Int, month: Int, day: Int) {
        let z = Int(index) + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let doe = z - era * 146_097
        let yoe = (doe - doe / 1460 + doe / 36524 - doe / 146_096) / 365
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
        let mp = (5 * doy + 2) / 153
        let day = doy - (153 * mp + 2) / 5 + 1
        let month = mp < 10 ? mp + 3 : mp - 9
        return (yoe + era * 400 + (month <= 2 ? 1 : 0), month, day)
    }

    /// ISO weekday, 1 = Monday … 7 = Sunday (1970-01-01 was a Thursday).
    @inlinable
    public var weekday: Int {
        let shifted = (Int(index) + 3) % 7
        return (shifted < 0 ? shifted + 7 : shifted) + 1
    }

    @inlinable
    public var week: Week { Week(containing: self) }

    @inlinable public static func + (day: Day, offset: Int) -> Day { Day(index: day.index + Int32(offset)) }
    @inlinable public static func - (a: Day, b: Day) -> Int { Int(a.index - b.index) }
    @inlinable public static func < (a: Day, b: Day) -> Bool { a.index < b.index }

    public var description: String {
        let (y, m, d) = civil
        return "\(pad(y, 4))-\(pad(m, 2))-\(pad(d, 2))"
    }

    /// "31 Mar 2026", for sentences.
    public var readable: String {
        let (y, m, d) = civil
        let names = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]
        return "\(d) \(names[m - 1]) \(y)"
    }
}

/// An ISO 8601 week, identified by its Monday.
public struct Week: Hashable, Comparable, Sendable, CustomStringConvertible, Codable {
    public var monday: Day

    /// Coded as its Monday's day number.
    public init(from decoder: Decoder) throws { monday = try Day(from: decoder) }
    public func encode(to encoder: Encoder) throws { try monday.encode(to: encoder) }

    @inlinable
    public init(containing day: Day) { monday = day + (1 - day.weekday) }

    public init(monday: Day) { self.monday = monday }

    /// Parses `YYYY-Www` (also `YYYY-Www-D`'s first eight characters are not accepted: exact).
    public init?(parsing text: String) {
        let bytes = Array(text.utf8)
        guard bytes.count == 8, bytes[4] == 45, bytes[5] == 87 || bytes[5] == 119 else { return nil }
        guard let year = Int(String(decoding: bytes[0..<4], as: UTF8.self)),
              let number = Int(String(decoding: bytes[6..<8], as: UTF8.self)),
              number >= 1, number <= Week.weeksIn(isoYear: year),
              let jan4 = Day(year: year, month: 1, day: 4) else { return nil }
        monday = Week(containing: jan4).monday + (number - 1) * 7
    }

    /// The ISO year and week number: the week belongs to the year of its Thursday.
    public var isoYearAndNumber: (year: Int, number: Int) {
        let thursday = monday + 3
        let year = thursday.civil.year
        let jan1 = Day(year: year, month: 1, day: 1)!
        return (year, (thursday - jan1) / 7 + 1)
    }

    public static func weeksIn(isoYear year: Int) -> Int {
        guard let dec28 = Day(year: year, month: 12, day: 28) else { return 52 }
        return dec28.week.isoYearAndNumber.number
    }

    public var sunday: Day { monday + 6 }
    public func contains(_ day: Day) -> Bool { day >= monday && day <= sunday }
    public static func < (a: Week, b: Week) -> Bool { a.monday < b.monday }
    public static func + (week: Week, weeks: Int) -> Week { Week(monday: week.monday + weeks * 7) }
    public static func - (a: Week, b: Week) -> Int { (a.monday - b.monday) / 7 }

    public var description: String {
        let (year, number) = isoYearAndNumber
        return "\(pad(year, 4))-W\(pad(number, 2))"
    }

    /// "W07", for axis labels.
    public var short: String { "W\(pad(isoYearAndNumber.number, 2))" }
}

func pad(_ value: Int, _ width: Int) -> String {
    let text = String(value)
    return text.count >= width ? text : String(repeating: "0", count: width - text.count) + text
}
