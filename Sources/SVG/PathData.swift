/// The `d` attribute of a `<path>`, built from commands in absolute coordinates.
public struct PathData: Equatable, Sendable {
    public enum Command: Equatable, Sendable {
        case move(Double, Double)
        case line(Double, Double)
        case horizontal(Double)
        case vertical(Double)
        case cubic(Double, Double, Double, Double, Double, Double)
        case arc(rx: Double, ry: Double, rotation: Double, large: Bool, sweep: Bool, x: Double, y: Double)
        case close
    }

    public private(set) var commands: [Command] = []

    public init() {}

    public func move(_ x: Double, _ y: Double) -> PathData { appending(.move(x, y)) }
    public func line(_ x: Double, _ y: Double) -> PathData { appending(.line(x, y)) }
    public func horizontal(_ x: Double) -> PathData { appending(.horizontal(x)) }
    public func vertical(_ y: Double) -> PathData { appending(.vertical(y)) }
    public func cubic(_ x1: Double, _ y1: Double, _ x2: Double, _ y2: Double, _ x: Double, _ y: Double) -> PathData {
        appending(.cubic(x1, y1, x2, y2, x, y))
    }
    public func arc(rx: Double, ry: Double, rotation: Double = 0, large: Bool = false, sweep: Bool = true,
                    x: Double, y: Double) -> PathData {
        appending(.arc(rx: rx, ry: ry, rotation: rotation, large: large, sweep: sweep, x: x, y: y))
    }
    public func close() -> PathData { appending(.close) }

    /// A polyline through the points: M at the first, L at the rest.
    public static func polyline(_ points: [(Double, Double)]) -> PathData {
        var path = PathData()
        for (index, point) in points.enumerated() {
            path.commands.append(index == 0 ? .move(point.0, point.1) : .line(point.0, point.1))
        }
        return path
    }

    public var isEmpty: Bool { commands.isEmpty }

    private func appending(_ command: Command) -> PathData {
        var copy = self
        copy.commands.append(command)
        return copy
    }

    /// The path data text, or nil when a coordinate is not finite.
    func rendered() -> String? {
        var bytes: [UInt8] = []
        guard render(into: &bytes) else { return nil }
        return String(decoding: bytes, as: UTF8.self)
    }

    /// Appends the path data text; false when a coordinate is not finite (what was appended
    /// is then not a whole path).
    func render(into output: inout [UInt8]) -> Bool {
        func numbers(_ letter: UInt8, _ values: Double...) -> Bool {
            output.append(letter)
            for (index, value) in values.enumerated() {
                if index > 0 { output.append(0x20) }
                guard appendNumber(value, to: &output) else { return false }
            }
            return true
        }
        for command in commands {
            let written: Bool
            switch command {
            case let .move(x, y): written = numbers(0x4D, x, y)  // M
            case let .line(x, y): written = numbers(0x4C, x, y)  // L
            case let .horizontal(x): written = numbers(0x48, x)  // H
            case let .vertical(y): written = numbers(0x56, y)  // V
            case let .cubic(x1, y1, x2, y2, x, y): written = numbers(0x43, x1, y1, x2, y2, x, y)  // C
            case let .arc(rx, ry, rotation, large, sweep, x, y):
                written = numbers(0x41, rx, ry, rotation, large ? 1 : 0, sweep ? 1 : 0, x, y)  // A
            case .close: output.append(0x5A); written = true  // Z
            }
            guard written else { return false }
        }
        return true
    }
}
