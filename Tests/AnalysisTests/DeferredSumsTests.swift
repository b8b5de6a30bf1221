import XCTest
@testable import Analysis

/// The deferred sums of the usage aggregate's cells hold what a dictionary of sums holds,
/// whatever the order, the repeats and the growth of the table.
final class DeferredSumsTests: XCTestCase {
    func testSumsAreADictionarysSums() {
        var generator = SystemRandomNumberGenerator()
        for round in 0..<40 {
            var sums = DeferredSums<PairKey, Int64>()
            var reference: [PairKey: Int64] = [:]
            // Few keys (every add joins or finds one), many (the table grows several times),
            // and runs of one key (adds that join the previous one).
            let keys = [3, 50, 5_000][round % 3]
            var key = PairKey(0, 0)
            for _ in 0..<Int.random(in: 0...20_000, using: &generator) {
                if Int.random(in: 0..<4, using: &generator) > 0 {
                    key = PairKey(Int32.random(in: 0..<40, using: &generator), Int32.random(in: 0..<Int32(keys), using: &generator))
                }
                let value = Int64.random(in: 0...1_000, using: &generator)
                sums.add(key, value)
                reference[key, default: 0] += value
            }
            XCTAssertEqual(sums.isEmpty, reference.isEmpty, "round \(round)")
            var seen: [PairKey: Int64] = [:]
            sums.forEach { key, value in
                XCTAssertNil(seen[key], "round \(round): \(key) twice")
                seen[key] = value
            }
            XCTAssertEqual(seen, reference, "round \(round)")
            XCTAssertEqual(sums.count, reference.count, "round \(round)")
            // Asked again, the same: what waited is made once.
            var again: [PairKey: Int64] = [:]
            sums.forEach { key, value in again[key] = value }
            XCTAssertEqual(again, reference, "round \(round)")
        }
    }

    /// Keys that share their low bits (a team's every week, a week's every team) still find
    /// their own sums, and a zero is a sum (a row of no tokens makes its day one with data).
    func testCloseKeysAndZeroSums() {
        var sums = DeferredSums<TeamToolWeek, Totals>()
        var reference: [TeamToolWeek: Int64] = [:]
        for team in Int32(0)..<30 {
            for week in stride(from: Int32(20_454), to: 20_454 + 7 * 60, by: 7) {
                let key = TeamToolWeek(team: team, tool: team % 3, week: week)
                var totals = Totals()
                totals.requests = Int64(team) * Int64(week % 11)
                sums.add(key, totals)
                sums.add(key, totals)
                reference[key, default: 0] += 2 * totals.requests
            }
        }
        var seen: [TeamToolWeek: Int64] = [:]
        sums.forEach { key, totals in seen[key] = totals.requests }
        XCTAssertEqual(seen, reference)
        XCTAssertTrue(seen.values.contains(0))
    }

    /// A row's totals go to the common sums exactly when it has no other figure, and come back
    /// from them whole; sums of common totals are the common totals of the sums.
    func testCommonTotalsHoldEveryFigureOfTheRowsTheyTake() {
        var generator = SystemRandomNumberGenerator()
        let others: [WritableKeyPath<Totals, Int64>] = [\.cachedTokens, \.linesSuggested, \.linesAcceptedOfSuggested, \.linesAccepted,
                                                        \.automatedTokens, \.automatedRequests, \.lowValueTokens, \.cachedSavingMicros]
        var sum = Totals(), commonSum = CommonTotals()
        for round in 0..<200 {
            var totals = Totals()
            totals.requests = .random(in: 0...50, using: &generator)
            totals.inputTokens = .random(in: 0...9_000, using: &generator)
            totals.outputTokens = .random(in: 0...9_000, using: &generator)
            totals.tokens = totals.inputTokens + totals.outputTokens
            totals.shown = .random(in: 0...30, using: &generator)
            totals.accepted = .random(in: 0...totals.shown, using: &generator)
            totals.rowsWithSuggestions = .random(in: 0...1, using: &generator)
            totals.costMicros = .random(in: 0...90_000, using: &generator)
            totals.pricedTokens = Bool.random(using: &generator) ? totals.tokens : 0
            if round % 3 == 0 {
                totals[keyPath: others[round / 3 % others.count]] = .random(in: 1...100, using: &generator)
                XCTAssertNil(CommonTotals(totals))
            } else if round % 3 == 1 {
                var costOnly = totals
                costOnly.costOnlyRows = 1
                XCTAssertNil(CommonTotals(costOnly))
                continue
            } else {
                let common = try! XCTUnwrap(CommonTotals(totals))
                XCTAssertEqual(common.totals.encoded, totals.encoded)
                sum.add(totals)
                commonSum.add(common)
            }
        }
        XCTAssertEqual(commonSum.totals.encoded, sum.encoded)
    }
}

private extension Totals {
    var encoded: [Int64] {
        [requests, tokens, inputTokens, outputTokens, cachedTokens, shown, accepted, rowsWithSuggestions, linesSuggested,
         linesAcceptedOfSuggested, linesAccepted, automatedTokens, automatedRequests, lowValueTokens, costMicros, pricedTokens,
         Int64(costOnlyRows), cachedSavingMicros]
    }
}
