/// The address of element `offset` of a buffer, or nil for an empty buffer: for passing rows of
/// the engine's buffers to the C kernels without force-unwrapping.
extension UnsafeMutableBufferPointer {
    @inline(__always)
    func address(_ offset: Int) -> UnsafeMutablePointer<Element>? { baseAddress.map { $0 + offset } }
}

extension UnsafeBufferPointer {
    @inline(__always)
    func address(_ offset: Int) -> UnsafePointer<Element>? { baseAddress.map { $0 + offset } }
}
