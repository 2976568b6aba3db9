/// Decimal text of numbers appended straight to a byte buffer (what `String(n)` and
/// `x.description` print, without the intermediate string), for record lines and CSV rows.
package enum DecimalText {
    /// Appends the decimal text of `n` (a minus sign when negative) to `out`.
    static func append(_ n: Int64, to out: inout [UInt8]) {
        if n < 0 { out.append(UInt8(ascii: "-")) }
        var magnitude = n.magnitude
        var digits: (UInt64, UInt64, UInt64) = (0, 0, 0)  // 24 bytes: room for the 20 digits of UInt64.max
        withUnsafeMutableBytes(of: &digits) { buffer in
            var end = buffer.count
            repeat {
                end -= 1
                buffer[end] = UInt8(ascii: "0") + UInt8(magnitude % 10)
                magnitude /= 10
            } while magnitude > 0
            out.append(contentsOf: buffer[end...])
        }
    }

    /// Appends the decimal text of `n` to `out`.
    package static func append(_ n: Int, to out: inout [UInt8]) { append(Int64(n), to: &out) }

    /// Appends `x.description` (the shortest digits that read back as `x`) to `out`.
    static func append(description x: Double, to out: inout [UInt8]) {
        var sink = Sink()
        swap(&sink.bytes, &out)
        x.write(to: &sink)
        swap(&sink.bytes, &out)
    }

    /// Where the standard library writes a number's text.
    private struct Sink: TextOutputStream {
        var bytes: [UInt8] = []

        mutating func write(_ string: String) { bytes.append(contentsOf: string.utf8) }

        /// The standard library writes a number's ASCII digits through this when it is implemented,
        /// without making a String (`write(_:)` gives the same bytes when it is not).
        mutating func _writeASCII(_ buffer: UnsafeBufferPointer<UInt8>) { bytes.append(contentsOf: buffer) }
    }
}
