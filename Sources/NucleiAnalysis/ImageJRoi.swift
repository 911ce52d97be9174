
/// ImageJ's binary ROI format (`.roi`, as `ij.io.RoiEncoder` writes it, version 228) for
/// polygons, and the zip of ROIs that Fiji's ROI Manager opens (File > Open, or drag the zip
/// onto Fiji).
///
/// A ROI is a 64-byte big-endian header (magic `Iout`, version, type 0 = polygon, the bounds
/// top/left/bottom/right, the vertex count, the offset of header 2), the x then the y
/// coordinates as 16-bit integers relative to left and top, header 2 (64 bytes, with the
/// name's offset and length), then the name in UTF-16BE.
public enum ImageJRoi {
    public static let version: UInt16 = 228
    /// Coordinates are stored as signed 16-bit numbers.
    public static let maximumCoordinate = 32_767

    public enum Failure: Error, Equatable, CustomStringConvertible {
        case coordinateTooLarge(Int)
        case tooManyVertices(Int)
        case tooManyRois(Int)
        case archiveTooLarge

        public var description: String {
            switch self {
            case let .coordinateTooLarge(value):
                return "an outline reaches coordinate \(value), beyond the \(ImageJRoi.maximumCoordinate) that ImageJ's integer ROI format holds"
            case let .tooManyVertices(count): return "an outline has \(count) vertices, more than ImageJ's 65535"
            case let .tooManyRois(count): return "\(count) ROIs do not fit a zip of at most \(ZipArchive.maximumEntries) entries"
            case .archiveTooLarge: return "the ROIs exceed the 4 GiB of a zip without Zip64"
            }
        }
    }

    /// One polygon ROI through `ring`'s points (pixel-corner coordinates), named `name`.
    public static func polygon(_ ring: [GridPoint], name: String) throws(Failure) -> [UInt8] {
        guard ring.count <= 65_535 else { throw .tooManyVertices(ring.count) }
        let box = LabelOutlines.bounds(ring)
        let largest = max(box.maxX, box.maxY)
        guard largest <= maximumCoordinate, box.minX >= 0, box.minY >= 0 else { throw .coordinateTooLarge(largest) }
        var bytes: [UInt8] = Array("Iout".utf8)
        bytes.appendBigEndian(version)
        bytes += [0, 0]  // type polygon, unused
        bytes.appendBigEndian(Int16(box.minY))  // top
        bytes.appendBigEndian(Int16(box.minX))  // left
        bytes.appendBigEndian(Int16(box.maxY))  // bottom
        bytes.appendBigEndian(Int16(box.maxX))  // right
        bytes.appendBigEndian(UInt16(ring.count))
        bytes += [UInt8](repeating: 0, count: 64 - bytes.count)  // line coordinates, stroke, colours, options, position: unused
        let header2Offset = 64 + 4 * ring.count
        bytes.replaceSubrange(60..<64, with: bigEndian(UInt32(header2Offset)))
        for point in ring { bytes.appendBigEndian(Int16(point.x - box.minX)) }
        for point in ring { bytes.appendBigEndian(Int16(point.y - box.minY)) }
        let nameUnits = Array(name.utf16)
        var header2 = [UInt8](repeating: 0, count: 64)
        header2.replaceSubrange(16..<20, with: bigEndian(UInt32(header2Offset + 64)))  // NAME_OFFSET
        header2.replaceSubrange(20..<24, with: bigEndian(UInt32(nameUnits.count)))  // NAME_LENGTH
        bytes += header2
        for unit in nameUnits { bytes.appendBigEndian(unit) }
        return bytes
    }

    /// A ROI Manager zip with one polygon per nucleus: the exterior of the nucleus's largest
    /// 4-connected piece (holes are not part of an ImageJ polygon), named by its label, padded
    /// with zeros to the width of the largest label so the ROI Manager's name order is label
    /// order (`0007.roi` holds label 7).
    public static func zip(_ outlines: [NucleusOutline]) throws(Failure) -> [UInt8] {
        guard outlines.count <= ZipArchive.maximumEntries else { throw .tooManyRois(outlines.count) }
        let digits = max(4, String(outlines.map(\.label).max() ?? 0).count)
        var archive = ZipArchive()
        do {
            for outline in outlines {
                guard let piece = outline.polygons.first else { continue }
                let name = String(repeating: "0", count: max(0, digits - String(outline.label).count)) + String(outline.label)
                try archive.add(name: name + ".roi", data: try polygon(piece.exterior, name: name))
            }
            return try archive.finished()
        } catch let failure as Failure {
            throw failure
        } catch ZipArchive.Failure.tooManyEntries {
            throw .tooManyRois(outlines.count)
        } catch {
            throw .archiveTooLarge  // names are short ASCII, so the only other zip failure is its size
        }
    }

    private static func bigEndian(_ value: UInt32) -> [UInt8] {
        [UInt8(value >> 24), UInt8((value >> 16) & 0xFF), UInt8((value >> 8) & 0xFF), UInt8(value & 0xFF)]
    }
}
