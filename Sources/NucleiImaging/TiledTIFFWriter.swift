import Foundation
import _CImageIO

/// Writes one gray plane as a tiled, deflate-compressed BigTIFF, one tile at a time, so an image
/// of any size is written from a buffer of a few tile rows (`predict`'s streaming labels).
///
/// Fiji (Bio-Formats), napari and QuPath (tifffile, OpenSlide-style readers) open it; BigTIFF's
/// 64-bit offsets let it pass 4 GB. Call `finish` to complete the file; a writer dropped or
/// `abort`ed before that leaves an incomplete file for its owner to remove.
public final class TiledTIFFWriter {
    public let path: String
    public let width: Int
    public let height: Int
    /// 8, 16 or 32.
    public let bitDepth: Int
    public let tileSize: Int
    private var handle: OpaquePointer?

    /// Creates the file (replacing one of that name); a pixel size is stored as XResolution =
    /// YResolution in pixels per centimetre.
    /// - Throws: `ImagingError.encodingFailed` naming `url` (no permission, a bad size).
    public init(url: URL, width: Int, height: Int, bitDepth: Int, tileSize: Int = 256, pixelSize: PixelSize? = nil) throws(ImagingError) {
        precondition(tileSize > 0 && tileSize % 16 == 0, "tile size \(tileSize) must be a positive multiple of 16")
        precondition([8, 16, 32].contains(bitDepth), "bit depth \(bitDepth) must be 8, 16 or 32")
        path = url.path
        self.width = width
        self.height = height
        self.bitDepth = bitDepth
        self.tileSize = tileSize
        // Pixels per centimetre with ResolutionUnit centimetre: plain TIFF, which tifffile,
        // Bio-Formats and our own reader (`TIFFCodec.pixelSize`) turn back into micrometres.
        let resolution = pixelSize.map { 10_000 / $0.micrometres } ?? 0
        var message = CErrorMessage()
        var writer: OpaquePointer? = nil
        let status = message.storage.withUnsafeMutableBufferPointer { error in
            nsio_tiff_tile_writer_open(url.path, UInt32(width), UInt32(height), Int32(bitDepth), UInt32(tileSize), resolution, resolution,
                                       pixelSize == nil ? 0 : 3, &writer, error.baseAddress, error.count)
        }
        guard status == 0, let writer else { throw .encodingFailed(path: url.path, message: message.text) }
        handle = writer
    }

    deinit { abort() }

    /// Writes the tile whose top-left pixel is (x, y), multiples of `tileSize`: `tileSize`²
    /// values, row-major, each below 2^bitDepth (values past the image edge are ignored).
    /// - Throws: `ImagingError.encodingFailed` naming the file (disk full).
    public func writeTile(x: Int, y: Int, values: [UInt32]) throws(ImagingError) {
        precondition(values.count == tileSize * tileSize, "a tile of \(values.count) values, expected \(tileSize * tileSize)")
        guard let handle else { throw .encodingFailed(path: path, message: "the writer is already closed") }
        var message = CErrorMessage()
        func write(_ bytes: UnsafeRawBufferPointer) -> Int32 {
            message.storage.withUnsafeMutableBufferPointer { error in
                nsio_tiff_tile_writer_write(handle, UInt32(x), UInt32(y), bytes.baseAddress, bytes.count, error.baseAddress, error.count)
            }
        }
        let status: Int32
        switch bitDepth {
        case 32: status = values.withUnsafeBytes(write)
        case 16: status = values.map { UInt16(truncatingIfNeeded: $0) }.withUnsafeBytes(write)
        default: status = values.map { UInt8(truncatingIfNeeded: $0) }.withUnsafeBytes(write)
        }
        guard status == 0 else { throw .encodingFailed(path: path, message: message.text) }
    }

    /// Stores `description` (the ImageDescription, e.g. an ImageJ header), writes the directory
    /// and closes the file.
    /// - Throws: `ImagingError.encodingFailed` naming the file.
    public func finish(description: String? = nil) throws(ImagingError) {
        guard let writer = handle else { throw .encodingFailed(path: path, message: "the writer is already closed") }
        handle = nil
        var message = CErrorMessage()
        let status = message.storage.withUnsafeMutableBufferPointer { error in
            if let description {
                return nsio_tiff_tile_writer_finish(writer, description, error.baseAddress, error.count)
            }
            return nsio_tiff_tile_writer_finish(writer, nil, error.baseAddress, error.count)
        }
        guard status == 0 else { throw .encodingFailed(path: path, message: message.text) }
    }

    /// Closes the file incomplete (the caller removes it).
    public func abort() {
        if let handle { nsio_tiff_tile_writer_abort(handle) }
        handle = nil
    }
}
