/// Where an array's elements lie, read from the array's own place in memory, for prefetch
/// hints to arrays held in other arrays (a person's days, their traces, a trace's weeks).
///
/// Why not `array.withUnsafeBufferPointer`: calling it on an array held in another copies the
/// inner array out first, a retain and a release, and a batch of rows in random order asks for
/// a few arrays of every person it reaches (perf: a twentieth of adding the batch went to
/// `swift_retain` for the hints). An array is one reference to its storage, its elements a
/// fixed distance into it; that distance is measured once, from an array whose elements'
/// address Swift gives, rather than assumed.
enum ArrayAddress {
    /// From an array's storage reference to its first element.
    static let elementsOffset: Int = {
        let array = [Int64](repeating: 0, count: 4)
        return withUnsafePointer(to: array) { place in
            array.withUnsafeBufferPointer { elements in
                UnsafeRawPointer(place).load(as: UnsafeRawPointer.self).distance(to: UnsafeRawPointer(elements.baseAddress!))
            }
        }
    }()

    /// The address of the first element of the array that lies at `place` (an empty array's is
    /// that of a storage every empty array shares). Reads the reference, not the elements.
    @inline(__always)
    static func elements(at place: UnsafeRawPointer) -> UnsafeRawPointer {
        place.load(as: UnsafeRawPointer.self) + elementsOffset
    }
}
