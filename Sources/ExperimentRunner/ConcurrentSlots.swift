import Foundation
import ExperimentSpec

/// Values computed concurrently by `DispatchQueue.concurrentPerform`, one slot per index.
package final class ConcurrentSlots<Value: Sendable>: @unchecked Sendable {
    private let lock = NSLock()
    private var storage: [Value?]

    private init(count: Int) { storage = Array(repeating: nil, count: count) }

    /// `body(i)` for every `i` in `0..<count`, in order, computed in `parts` contiguous slices
    /// concurrently.
    package static func compute(count: Int, parts: Int, _ body: @Sendable (Int) -> Value) -> [Value] {
        let slots = ConcurrentSlots(count: count)
        let parts = max(1, min(parts, count))
        DispatchQueue.concurrentPerform(iterations: parts) { part in
            for i in count * part / parts..<count * (part + 1) / parts {
                let value = body(i)
                slots.lock.withLock { slots.storage[i] = value }
            }
        }
        // Every slot was set above.
        return slots.lock.withLock { slots.storage.compactMap { $0 } }
    }
}
