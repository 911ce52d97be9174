import Foundation

/// Everything a user can get wrong about image files and dataset folders.
///
/// Every message names the file or folder and says what was expected, in one line, so the
/// command line can print it as it is. Programmer errors (a wrong buffer size passed between
/// our own functions) are preconditions instead.
public enum ImagingError: Error, Equatable, Sendable, LocalizedError, CustomStringConvertible {
    /// The file could not be read at all (missing, a folder, no permission).
    case unreadableFile(path: String, reason: String)
    /// The file has zero bytes.
    case emptyFile(path: String)
    /// The first bytes are neither a PNG nor a TIFF signature.
    case unknownFormat(path: String, firstBytes: String)
    /// A known image format that we do not read (JPEG, GIF, BMP, WebP, JPEG 2000).
    case unsupportedFormat(path: String, format: String)
    /// libpng or libtiff refused the file (truncated, bad CRC, damaged data).
    case corruptImage(path: String, format: String, message: String)
    /// The header claims more pixels than we are willing to allocate.
    case imageTooLarge(path: String, width: Int, height: Int, limit: String)
    /// A valid file whose pixel format we do not read (32-bit float, 1-bit, signed samples…).
    case unsupportedImage(path: String, detail: String)
    /// A multi-page or multi-sample TIFF without a channel choice, or with one out of range.
    case ambiguousChannels(path: String, shape: String, hint: String)
    /// A mask whose size differs from its image.
    case maskSizeMismatch(image: String, mask: String, imageSize: String, maskSize: String)
    /// A mask that is not a single-channel label image.
    case unsupportedMask(path: String, detail: String)
    /// An image with no mask where the layout expects one.
    case missingMask(image: String, expected: String)
    /// A mask with no image (reported, but does not stop training).
    case maskWithoutImage(mask: String, expected: String)
    /// A folder the layout needs is missing.
    case missingFolder(path: String, expected: String)
    /// `pairs` layout: file names in `inputs/` and `masks/` do not match.
    case unmatchedPairs(folder: String, inputsWithoutMask: [String], masksWithoutInput: [String])
    /// The dataset folder holds no images.
    case emptyDataset(path: String)
    /// The folder matches none of the layouts.
    case unknownLayout(path: String, found: String)
    /// A layout name we do not know (from `--layout`).
    case unknownLayoutName(String)
    /// A mask with no nucleus at all (a warning: training can use it).
    case emptyMask(path: String)
    /// `dsb2018`: nucleus masks of one image that overlap (a warning; the later mask wins).
    case overlappingMasks(path: String, pixels: Int)
    /// Encoding failed or an encoder was asked for a format it does not write.
    case encodingFailed(path: String, message: String)
    /// A file that must be read by region (streaming prediction) is not a TIFF.
    case notRegionReadable(path: String, format: String)

    public var description: String {
        switch self {
        case let .unreadableFile(path, reason):
            return "\(path): cannot be read (\(reason))"
        case let .emptyFile(path):
            return "\(path): the file is empty (0 bytes); expected a PNG or TIFF image"
        case let .unknownFormat(path, firstBytes):
            return "\(path): not a PNG or TIFF image (the file starts with \(firstBytes))"
        case let .unsupportedFormat(path, format):
            return "\(path): \(format) is not supported; convert to PNG or TIFF"
        case let .corruptImage(path, format, message):
            return "\(path): damaged \(format) file: \(message)"
        case let .imageTooLarge(path, width, height, limit):
            return "\(path): the header claims \(width)x\(height) pixels, more than the limit of \(limit); refusing to allocate it (predict reads a TIFF of any size block by block: --streaming; convert other formats to TIFF)"
        case let .unsupportedImage(path, detail):
            return "\(path): unsupported image: \(detail); expected 8- or 16-bit unsigned samples"
        case let .ambiguousChannels(path, shape, hint):
            return "\(path): the image is \(shape); \(hint)"
        case let .maskSizeMismatch(image, mask, imageSize, maskSize):
            return "\(mask): mask is \(maskSize) but its image \(image) is \(imageSize); expected the same width and height"
        case let .unsupportedMask(path, detail):
            return "\(path): unsupported mask: \(detail); expected a single-channel label image (0 = background)"
        case let .missingMask(image, expected):
            return "\(image): image has no mask; expected \(expected)"
        case let .maskWithoutImage(mask, expected):
            return "\(mask): mask has no image; expected \(expected)"
        case let .missingFolder(path, expected):
            return "\(path): folder missing; expected \(expected)"
        case let .unmatchedPairs(folder, inputsWithoutMask, masksWithoutInput):
            var parts: [String] = []
            if !inputsWithoutMask.isEmpty {
                parts.append("inputs without a mask of the same name: \(Self.list(inputsWithoutMask))")
            }
            if !masksWithoutInput.isEmpty {
                parts.append("masks without an input of the same name: \(Self.list(masksWithoutInput))")
            }
            return "\(folder): file names in inputs/ and masks/ do not match (\(parts.joined(separator: "; ")))"
        case let .emptyDataset(path):
            return "\(path): no images found; expected a dataset folder (layouts: \(DatasetLayout.summary))"
        case let .unknownLayout(path, found):
            return "\(path): unknown dataset layout (found \(found)); expected \(DatasetLayout.summary), or force one with --layout"
        case let .unknownLayoutName(name):
            return "unknown layout '\(name)'; expected auto, \(DatasetLayout.allCases.map(\.rawValue).joined(separator: ", "))"
        case let .emptyMask(path):
            return "\(path): mask has no nuclei (every pixel is 0)"
        case let .overlappingMasks(path, pixels):
            return "\(path): \(pixels) pixels belong to more than one nucleus mask; expected disjoint masks (the later mask wins)"
        case let .encodingFailed(path, message):
            return "\(path): cannot write the image: \(message)"
        case let .notRegionReadable(path, format):
            return "\(path): a \(format) file cannot be read block by block; streaming prediction needs a TIFF (tiled or striped, BigTIFF too): convert it (Fiji: File > Save As > Tiff; Python: tifffile.imwrite(..., bigtiff=True, tile=(256, 256)))"
        }
    }

    public var errorDescription: String? { description }

    private static func list(_ names: [String]) -> String {
        let shown = names.prefix(5).joined(separator: ", ")
        return names.count > 5 ? "\(shown) and \(names.count - 5) more" : shown
    }
}
