import CFuzzDriver

/// The function the running fuzz target tests (libFuzzer calls back through a C pointer, which
/// cannot capture it).
nonisolated(unsafe) private var target: ((UnsafeRawPointer, Int) -> CInt)?

/// Hands control to libFuzzer's driver with `body` as the function under test. Each target's
/// `<Target>_main` (the entry point SwiftPM links) calls this.
public func runFuzzer(_ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?,
                      _ body: @escaping (UnsafeRawPointer, Int) -> CInt) -> CInt {
    target = body
    var count = argc
    var arguments = argv
    return LLVMFuzzerRunDriver(&count, &arguments) { data, size in
        target!(UnsafeRawPointer(data ?? UnsafePointer(bitPattern: 1)!), size)
    }
}
