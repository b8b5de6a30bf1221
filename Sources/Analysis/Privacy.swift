/// Suppression of small groups (DESIGN §4 "Privacy").
///
/// A group of fewer than `minGroupSize` people is never published. Because totals are
/// published, a single suppressed cell could be recovered by subtracting the published cells
/// from the total; so whenever exactly one cell with data is suppressed among the cells that
/// add up to a published total, the smallest other cell with data is suppressed as well
/// (complementary suppression).
public enum Privacy {
    public struct Cell {
        public var size: Int
        public var hasData: Bool
        public var suppressed: Bool
        public init(size: Int, hasData: Bool, suppressed: Bool) {
            self.size = size
            self.hasData = hasData
            self.suppressed = suppressed
        }
    }

    /// True when a group of `size` people must be suppressed: 0 < size < floor.
    public static func isSmall(_ size: Int, floor: Int) -> Bool { size > 0 && size < floor }

    /// Returns the index of the cell that must also be suppressed, if any.
    public static func complementary(_ cells: [Cell]) -> Int? {
        let suppressedWithData = cells.filter { $0.suppressed && $0.hasData }.count
        guard suppressedWithData == 1 else { return nil }
        return cells.indices
            .filter { !cells[$0].suppressed && cells[$0].hasData }
            .min { (cells[$0].size, $0) < (cells[$1].size, $1) }
    }
}
