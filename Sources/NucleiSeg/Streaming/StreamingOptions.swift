import Foundation

/// How an image too large to hold whole is cut into blocks (`predict --streaming`).
///
/// Each block's core (`blockSize` x `blockSize`) is predicted with `margin` pixels of the image
/// around it, so a nucleus near the core's edge is seen whole: the margin must exceed the
/// largest nucleus's diameter (128 px is 6x the shipped model's median of 21.5 px, and 2x a
/// 64 px nucleus). Peak memory is set by the block: about 60 bytes per pixel of the block and its
/// margins (2304 x 2304 px by default: ~320 MB) plus the network, plus a band of labels
/// `width` x (`blockSize` + 2 `margin` + 256) x 4 bytes (205 MB for a 20,000 px wide image).
public struct StreamingOptions: Sendable, Equatable {
    /// Side of a block's core in pixels.
    public var blockSize: Int
    /// Pixels of context on every side of a block.
    public var margin: Int

    public init(blockSize: Int = StreamingOptions.defaultBlockSize, margin: Int = StreamingOptions.defaultMargin) {
        self.blockSize = blockSize
        self.margin = margin
    }

    public static let defaultBlockSize = 2048
    public static let defaultMargin = 128
    /// Blocks from 256 to 16,384 px (multiples of 32).
    public static let blockSizeRange = 256...16_384
    /// `predict` streams a TIFF automatically above this many pixels (2^25, e.g. 5,800 x 5,800):
    /// the whole-image path costs about 33 bytes per pixel (1.1 GB here).
    public static let automaticPixels = 1 << 25
    /// Side of the label BigTIFF's tiles.
    public static let labelTileSize = 256

    /// Whether `predict` streams an image of this size without being asked.
    public static func streamsAutomatically(width: Int, height: Int) -> Bool { width * height > automaticPixels }

    /// Why `blockSize` and `margin` cannot be used, or nil when they can.
    public var problem: StreamingError? {
        guard Self.blockSizeRange.contains(blockSize), blockSize % 32 == 0 else { return .badBlockSize(blockSize) }
        guard margin >= 16, margin <= blockSize / 2 else { return .badMargin(margin, blockSize: blockSize) }
        return nil
    }
}

/// Mistakes a user can make with streaming prediction; each message names the file or flag.
public enum StreamingError: Error, Equatable, LocalizedError, CustomStringConvertible {
    case badBlockSize(Int)
    case badMargin(Int, blockSize: Int)
    /// `--diameter auto` needs a first pass over the whole image.
    case autoDiameter(path: String)
    /// A model that resizes whole images cannot predict by blocks.
    case needsTiledModel(path: String)

    public var description: String {
        switch self {
        case let .badBlockSize(size):
            return "--block-size \(size): expected a multiple of 32 from \(StreamingOptions.blockSizeRange.lowerBound) to \(StreamingOptions.blockSizeRange.upperBound) pixels"
        case let .badMargin(margin, blockSize):
            return "--block-margin \(margin): expected 16 to \(blockSize / 2) pixels (half the block size), more than the largest nucleus's diameter"
        case let .autoDiameter(path):
            return "\(path): --diameter auto needs a first pass over the whole image, which streaming prediction does not make; give the diameter in pixels"
        case let .needsTiledModel(path):
            return "\(path): this model resizes whole images to its input size, so it cannot predict a streamed image block by block; use a model trained on native-resolution crops (the shipped one is)"
        }
    }
    public var errorDescription: String? { description }
}
