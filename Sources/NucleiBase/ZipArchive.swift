/// A zip archive of stored (uncompressed) entries, written in memory: what ImageJ's ROI Manager
/// writes and reads for a set of ROIs (`RoiSet.zip`).
///
/// Entries carry a fixed date (1980-01-01 00:00) so the same content gives the same bytes.
/// Classic zip only (no Zip64): at most 65,535 entries and 4 GiB in all.
public struct ZipArchive {
    private var bytes: [UInt8] = []
    private var central: [UInt8] = []
    private var entries = 0

    public init() {}

    public static let maximumEntries = 65_535

    public enum Failure: Error, Equatable {
        case tooManyEntries
        case tooLarge
        case nameTooLong(String)
    }

    /// Appends one file.
    public mutating func add(name: String, data: [UInt8]) throws(Failure) {
        let nameBytes = Array(name.utf8)
        guard nameBytes.count <= 65_535 else { throw .nameTooLong(name) }
        guard entries < Self.maximumEntries else { throw .tooManyEntries }
        let offset = bytes.count
        guard offset + 30 + nameBytes.count + data.count < Int(UInt32.max) else { throw .tooLarge }
        let crc = CRC32.checksum(data)
        // Local file header.
        bytes.appendLittleEndian(UInt32(0x0403_4B50))
        bytes.appendLittleEndian(UInt16(20))  // version needed: 2.0
        bytes.appendLittleEndian(UInt16(nameBytes.allSatisfy { $0 < 0x80 } ? 0 : 0x0800))  // bit 11: UTF-8 names
        bytes.appendLittleEndian(UInt16(0))  // stored
        bytes.appendLittleEndian(UInt16(0))  // time 00:00
        bytes.appendLittleEndian(UInt16(0x21))  // date 1980-01-01
        bytes.appendLittleEndian(crc)
        bytes.appendLittleEndian(UInt32(data.count))
        bytes.appendLittleEndian(UInt32(data.count))
        bytes.appendLittleEndian(UInt16(nameBytes.count))
        bytes.appendLittleEndian(UInt16(0))
        bytes += nameBytes
        bytes += data
        // Its central-directory record.
        central.appendLittleEndian(UInt32(0x0201_4B50))
        central.appendLittleEndian(UInt16(20))
        central.appendLittleEndian(UInt16(20))
        central.appendLittleEndian(UInt16(nameBytes.allSatisfy { $0 < 0x80 } ? 0 : 0x0800))
        central.appendLittleEndian(UInt16(0))
        central.appendLittleEndian(UInt16(0))
        central.appendLittleEndian(UInt16(0x21))
        central.appendLittleEndian(crc)
        central.appendLittleEndian(UInt32(data.count))
        central.appendLittleEndian(UInt32(data.count))
        central.appendLittleEndian(UInt16(nameBytes.count))
        central.appendLittleEndian(UInt16(0))  // extra
        central.appendLittleEndian(UInt16(0))  // comment
        central.appendLittleEndian(UInt16(0))  // disk
        central.appendLittleEndian(UInt16(0))  // internal attributes
        central.appendLittleEndian(UInt32(0))  // external attributes
        central.appendLittleEndian(UInt32(offset))
        central += nameBytes
        entries += 1
    }

    /// The archive: entries, central directory, end record.
    public func finished() throws(Failure) -> [UInt8] {
        guard bytes.count + central.count + 22 < Int(UInt32.max) else { throw .tooLarge }
        var output = bytes + central
        output.appendLittleEndian(UInt32(0x0605_4B50))
        output.appendLittleEndian(UInt16(0))
        output.appendLittleEndian(UInt16(0))
        output.appendLittleEndian(UInt16(entries))
        output.appendLittleEndian(UInt16(entries))
        output.appendLittleEndian(UInt32(central.count))
        output.appendLittleEndian(UInt32(bytes.count))
        output.appendLittleEndian(UInt16(0))
        return output
    }
}

/// CRC-32 (IEEE 802.3, reflected polynomial 0xEDB88320), as zip and PNG use it.
public enum CRC32 {
    static let table: [UInt32] = (0..<256).map { n in
        var c = UInt32(n)
        for _ in 0..<8 { c = (c & 1) != 0 ? 0xEDB8_8320 ^ (c >> 1) : c >> 1 }
        return c
    }

    public static func checksum(_ data: [UInt8]) -> UInt32 {
        var crc: UInt32 = 0xFFFF_FFFF
        for byte in data { crc = table[Int((crc ^ UInt32(byte)) & 0xFF)] ^ (crc >> 8) }
        return crc ^ 0xFFFF_FFFF
    }
}

extension Array where Element == UInt8 {
    public mutating func appendLittleEndian<T: FixedWidthInteger>(_ value: T) {
        var v = value.littleEndian
        Swift.withUnsafeBytes(of: &v) { append(contentsOf: $0) }
    }

    public mutating func appendBigEndian<T: FixedWidthInteger>(_ value: T) {
        var v = value.bigEndian
        Swift.withUnsafeBytes(of: &v) { append(contentsOf: $0) }
    }
}
