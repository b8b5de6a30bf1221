import ArgumentParser

struct Import: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Convert vendor exports to Candor's usage CSV (not yet available).")
    func run() throws { throw ValidationError("import is not built yet") }
}

struct Rollup: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Roll raw request events up into usage CSV (not yet available).")
    func run() throws { throw ValidationError("rollup is not built yet") }
}
