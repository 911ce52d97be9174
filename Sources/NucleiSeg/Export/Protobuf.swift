/// A minimal protocol-buffers encoder (the wire format only): enough to write an ONNX model
/// without a code generator. Fields are appended in the order given; repeated scalars are
/// written unpacked, which every proto2 and proto3 parser accepts.
public struct ProtobufMessage {
    public private(set) var bytes: [UInt8] = []
    public init() {}

    private mutating func varint(_ value: UInt64) {
        var v = value
        while v >= 0x80 {
            bytes.append(UInt8(v & 0x7F) | 0x80)
            v >>= 7
        }
        bytes.append(UInt8(v))
    }

    private mutating func key(_ field: Int, _ wireType: UInt64) { varint(UInt64(field) << 3 | wireType) }

    /// int32/int64/enum/bool (varint; negative numbers as ten-byte two's complement).
    public mutating func int(_ field: Int, _ value: Int) {
        key(field, 0)
        varint(UInt64(bitPattern: Int64(value)))
    }

    public mutating func float(_ field: Int, _ value: Float) {
        key(field, 5)
        var bits = value.bitPattern.littleEndian
        withUnsafeBytes(of: &bits) { bytes.append(contentsOf: $0) }
    }

    public mutating func bytes(_ field: Int, _ value: [UInt8]) {
        key(field, 2)
        varint(UInt64(value.count))
        bytes.append(contentsOf: value)
    }

    public mutating func string(_ field: Int, _ value: String) { bytes(field, Array(value.utf8)) }

    public mutating func message(_ field: Int, _ value: ProtobufMessage) { bytes(field, value.bytes) }
}
