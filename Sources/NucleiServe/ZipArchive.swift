/// A ZIP archive of stored (uncompressed) entries, written in memory.
///
/// PNG files are already deflated and the CSV is small, so compression would buy little; stored
/// entries keep the writer to the format's fixed headers (PKWARE APPNOTE 6.3, sections 4.3.7,
/// 4.3.12 and 4.3.16) and a CRC-32, and every unzip tool reads them. Names are UTF-8 (flag bit
/// 11); times are fixed at 1980-01-01 00:00 so the same files give the same bytes.
public struct ZipArchive {
    private struct Entry {
        var name: [UInt8]
        var crc: UInt32
        var size: UInt32
        var offset: UInt32
    }

    private var entries: [Entry] = []
    /// The local headers and data written so far.
    private var body: [UInt8] = []

    public init() {}

    /// The number of entries added.
    public var count: Int { entries.count }

    /// Adds one file. Entries over 4 GiB (ZIP64) are refused.
    public mutating func add(name: String, contents: [UInt8]) throws(ServeError) {
        guard contents.count < Int(UInt32.max), body.count < Int(UInt32.max) - contents.count - 1024 else {
            throw .archiveTooLarge(name: name)
        }
        let nameBytes = Array(name.utf8)
        let entry = Entry(name: nameBytes, crc: CRC32.checksum(contents), size: UInt32(contents.count), offset: UInt32(body.count))
        body.append(le32: 0x0403_4b50)  // local file header signature
        body.append(le16: 20)  // version needed: 2.0
        body.append(le16: 0x0800)  // flags: UTF-8 name
        body.append(le16: 0)  // method: stored
        body.append(le16: 0)  // time 00:00
        body.append(le16: 0x0021)  // date 1980-01-01
        body.append(le32: entry.crc)
        body.append(le32: entry.size)  // compressed size
        body.append(le32: entry.size)  // uncompressed size
        body.append(le16: UInt16(nameBytes.count))
        body.append(le16: 0)  // extra field length
        body.append(contentsOf: nameBytes)
        body.append(contentsOf: contents)
        entries.append(entry)
    }

    /// The whole archive: the entries, the central directory and its end record.
    public var bytes: [UInt8] {
        var archive = body
        let directoryOffset = UInt32(archive.count)
        for entry in entries {
            archive.append(le32: 0x0201_4b50)  // central directory header signature
            archive.append(le16: 20)  // version made by
            archive.append(le16: 20)  // version needed
            archive.append(le16: 0x0800)
            archive.append(le16: 0)
            archive.append(le16: 0)
            archive.append(le16: 0x0021)
            archive.append(le32: entry.crc)
            archive.append(le32: entry.size)
            archive.append(le32: entry.size)
            archive.append(le16: UInt16(entry.name.count))
            archive.append(le16: 0)  // extra
            archive.append(le16: 0)  // comment
            archive.append(le16: 0)  // disk number
            archive.append(le16: 0)  // internal attributes
            archive.append(le32: 0)  // external attributes
            archive.append(le32: entry.offset)
            archive.append(contentsOf: entry.name)
        }
        let directorySize = UInt32(archive.count) - directoryOffset
        archive.append(le32: 0x0605_4b50)  // end of central directory signature
        archive.append(le16: 0)
        archive.append(le16: 0)
        archive.append(le16: UInt16(entries.count))
        archive.append(le16: UInt16(entries.count))
        archive.append(le32: directorySize)
        archive.append(le32: directoryOffset)
        archive.append(le16: 0)  // comment length
        return archive
    }
}

/// CRC-32 (IEEE 802.3, reflected polynomial 0xEDB88320), as ZIP and PNG use it.
public enum CRC32 {
    private static let table: [UInt32] = (0..<256).map { index in
        var value = UInt32(index)
        for _ in 0..<8 { value = value & 1 == 1 ? 0xEDB8_8320 ^ (value >> 1) : value >> 1 }
        return value
    }

    public static func checksum(_ bytes: [UInt8]) -> UInt32 {
        var crc: UInt32 = 0xFFFF_FFFF
        for byte in bytes { crc = table[Int((crc ^ UInt32(byte)) & 0xFF)] ^ (crc >> 8) }
        return crc ^ 0xFFFF_FFFF
    }
}

extension [UInt8] {
    fileprivate mutating func append(le16 value: UInt16) {
        append(UInt8(value & 0xFF))
        append(UInt8(value >> 8))
    }

    fileprivate mutating func append(le32 value: UInt32) {
        for shift in stride(from: 0, to: 32, by: 8) { append(UInt8((value >> UInt32(shift)) & 0xFF)) }
    }
}
