import ArgumentParser

struct Rollup: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Roll raw request events up into usage CSV (not yet available).")
    func run() throws { throw ValidationError("rollup is not built yet") }
}
