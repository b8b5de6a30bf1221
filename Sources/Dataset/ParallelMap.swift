import Dispatch
import Synchronization
import Foundation

/// The worker threads for independent work: the machine's cores.
public let defaultWorkers = max(1, ProcessInfo.processInfo.activeProcessorCount)

/// A value worked out on another thread from the moment it is made (or from `start`, when
/// made `deferred`), waited for when asked: for independent work (a previous edition read, a
/// part of the analysis) beside the main line. Asked for before any thread has begun it (every
/// core busy with other work), it is worked out on the asking thread rather than waited for.
public final class Pending<Value>: @unchecked Sendable {
    private var result: Value?
    private var work: (@Sendable () -> Value)?
    private let dispatched = Atomic<Bool>(false)
    private let begun = Atomic<Bool>(false)
    private let done = DispatchGroup()

    /// `deferred`: not begun until `start` (or `value`), for work that would only take a core
    /// from busier work now and is needed later.
    public init(deferred: Bool = false, _ work: @escaping @Sendable () -> Value) {
        self.work = work
        done.enter()
        if !deferred { start() }
    }

    /// Begins the work on another thread, if nothing has yet.
    public func start() {
        guard dispatched.compareExchange(expected: false, desired: true, ordering: .acquiringAndReleasing).exchanged else { return }
        pendingWork.enter()
        DispatchQueue.global().async {
            self.run()
            pendingWork.leave()
        }
    }

    /// Does the work, unless another thread has begun it.
    private func run() {
        guard begun.compareExchange(expected: false, desired: true, ordering: .acquiringAndReleasing).exchanged else { return }
        result = work!()
        work = nil
        done.leave()
    }

    public var value: Value {
        run()
        done.wait()
        return result!
    }

    /// A deferred value nobody asked for leaves its group balanced: libdispatch may stop a
    /// process that frees a group still entered (it does on Apple's platforms).
    deinit {
        if begun.compareExchange(expected: false, desired: true, ordering: .acquiringAndReleasing).exchanged { done.leave() }
    }
}

/// Every `Pending` started and not yet finished, waited for or not.
private let pendingWork = DispatchGroup()

/// Waits until no `Pending` work is running: the process calls it before it exits. A build
/// that failed early (no such folder, a report.yml error) exited while a thread was still
/// hashing in OpenSSL to find the build cache, and OpenSSL's clean-up at exit pulled its tables
/// from under that thread:
/// the process died of a segmentation fault (status 139, and a crash report) in half the runs,
/// and now and then hung in the crash reporter.
public func waitForPendingWork() { pendingWork.wait() }

/// Maps `items` on up to `workers` threads and returns the results in the items' order, so
/// the output does not depend on how the work was scheduled. `transform` must not touch
/// shared mutable state; each call sees one item.
public func parallelMap<Item, Result>(_ items: [Item], workers: Int = defaultWorkers, _ transform: (Item) -> Result) -> [Result] {
    let count = items.count
    let threads = min(max(1, workers), count)
    if threads < 2 { return items.map(transform) }
    return withoutActuallyEscaping(transform) { transform in
        var results = [Result?](repeating: nil, count: count)
        results.withUnsafeMutableBufferPointer { buffer in
            let shared = ParallelMapState(items: items, transform: transform, output: buffer)
            DispatchQueue.concurrentPerform(iterations: threads) { _ in
                while let index = shared.claim() {
                    shared.output[index] = shared.transform(shared.items[index])
                }
            }
        }
        return results.map { $0! }
    }
}

/// What the threads of one `parallelMap` share: a lock-guarded next index; each index is
/// claimed by one thread, so each output slot is written once.
private final class ParallelMapState<Item, Result>: @unchecked Sendable {
    let items: [Item]
    let transform: (Item) -> Result
    let output: UnsafeMutableBufferPointer<Result?>
    private let lock = NSLock()
    private var next = 0

    init(items: [Item], transform: @escaping (Item) -> Result, output: UnsafeMutableBufferPointer<Result?>) {
        self.items = items
        self.transform = transform
        self.output = output
    }

    func claim() -> Int? {
        lock.lock(); defer { lock.unlock() }
        guard next < items.count else { return nil }
        next += 1
        return next - 1
    }
}
