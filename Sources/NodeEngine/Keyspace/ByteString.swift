/// Bytes of a key or a small value: up to 22 stored inline in the value
/// itself (24 bytes, no allocation), longer ones in a heap array. Most keys
/// and many values are short, and a heap array costs its 32-byte header plus
/// a malloc chunk: inline storage is most of the engine's memory per key.
enum ByteString {
    case inline(UInt64, UInt64, UInt32, UInt16, UInt8)
    case heap([UInt8])

    static let inlineCapacity = 22

    init(_ bytes: UnsafeRawBufferPointer) {
        guard bytes.count <= Self.inlineCapacity else {
            self = .heap(Array(bytes))
            return
        }
        var words: (UInt64, UInt64, UInt32, UInt16) = (0, 0, 0, 0)
        withUnsafeMutableBytes(of: &words) { target in
            if bytes.count > 0 { target.copyMemory(from: bytes) }
        }
        self = .inline(words.0, words.1, words.2, words.3, UInt8(bytes.count))
    }

    init(_ bytes: [UInt8]) {
        self = bytes.withUnsafeBytes { ByteString($0) }
    }

    var count: Int {
        switch self {
        case .inline(_, _, _, _, let count): Int(count)
        case .heap(let bytes): bytes.count
        }
    }

    @inline(__always)
    func withBytes<T>(_ body: (UnsafeRawBufferPointer) throws -> T) rethrows -> T {
        switch self {
        case .inline(let a, let b, let c, let d, let count):
            let words = (a, b, c, d)
            return try withUnsafeBytes(of: words) { try body(UnsafeRawBufferPointer(rebasing: $0[0..<Int(count)])) }
        case .heap(let bytes):
            return try bytes.withUnsafeBytes(body)
        }
    }

    var bytes: [UInt8] {
        switch self {
        case .heap(let bytes): bytes
        case .inline: withBytes { Array($0) }
        }
    }

    @inline(__always)
    func equals(_ other: UnsafeRawBufferPointer) -> Bool {
        guard count == other.count else { return false }
        guard other.count > 0 else { return true }
        return withBytes { memcmp($0.baseAddress!, other.baseAddress!, other.count) == 0 }
    }
}

#if canImport(Glibc)
import Glibc
#endif
