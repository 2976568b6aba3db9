import Foundation

/// Values computed concurrently (e.g. by `DispatchQueue.concurrentPerform`), one slot per index.
final class ConcurrentSlots<Value: Sendable>: @unchecked Sendable {
    private let lock = NSLock()
    private var storage: [Value?]

    init(count: Int) { storage = Array(repeating: nil, count: count) }

    func set(_ index: Int, _ value: Value) { lock.withLock { storage[index] = value } }

    /// The slots, nil where nothing was set.
    var values: [Value?] { lock.withLock { storage } }

    /// Runs `body` for every index in `0..<count`, in `parts` contiguous slices concurrently,
    /// storing each result in its slot.
    static func compute(count: Int, parts: Int, _ body: @Sendable (Int) -> Value) -> [Value?] {
        let slots = ConcurrentSlots(count: count)
        let parts = max(1, min(parts, count))
        DispatchQueue.concurrentPerform(iterations: parts) { part in
            for i in count * part / parts..<count * (part + 1) / parts { slots.set(i, body(i)) }
        }
        return slots.values
    }
}
