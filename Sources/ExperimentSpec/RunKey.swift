/// A run's identity: the first 16 hex digits of the SHA-256 of its configuration's canonical JSON.
/// Equal configurations give equal keys on every machine.
public struct RunKey: Sendable, Hashable, Comparable, CustomStringConvertible {
    /// 16 lowercase hex digits.
    public let hex: String

    /// The key of a configuration's canonical JSON text.
    public init(canonicalJSON: String) {
        self.init(canonicalBytes: Array(canonicalJSON.utf8))
    }

    /// The key of a configuration's canonical JSON text as UTF-8 bytes.
    init(canonicalBytes: [UInt8]) {
        hex = SHA256.hex(Array(SHA256.hash(canonicalBytes).prefix(8)))
    }

    /// A key read back from text (a folder name, a CSV cell); nil unless 16 lowercase hex digits.
    public init?(hex: String) {
        guard hex.count == 16, hex.allSatisfy({ $0.isHexDigit && !$0.isUppercase }) else { return nil }
        self.hex = hex
    }

    /// The key as an unsigned integer (used to assign shards).
    public var integer: UInt64 { UInt64(hex, radix: 16) ?? 0 }

    public var description: String { hex }

    public static func < (lhs: RunKey, rhs: RunKey) -> Bool { lhs.hex < rhs.hex }
}
