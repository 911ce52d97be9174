/// Runs a trained model on images of any size and bit depth and returns the nucleus
/// probability at native resolution.
///
/// Two modes, matching how the model was trained:
/// - `resize`: the whole image is resized to the network input (128x128), predicted once, and
///   the probability map is resized back (bilinear, half-pixel centres) — the published pipeline.
/// - `crops` (tiled): the image is cut into overlapping `tileSize` tiles at native resolution
///   (mirror-padded at the borders), each tile predicted, and the tiles blended with weights that
///   fall linearly towards the tile edges, so seams vanish and every pixel is seen with context.
///   The working set is a batch of tiles; the image itself is held as its raw samples plus the
///   probability and weight maps (9 bytes per pixel), never as a float RGB copy.
public final class Segmenter {
    public let model: UNet
    /// The model with BatchNorms folded and activations fused (a snapshot taken at creation).
    let network: InferenceUNet
    public let normalization: NormalizationSpec
    public var precision: ComputePrecision { network.precision }
    public let mode: SamplingMode
    /// What the output classes mean (from the model's class count: 2 seed, 3 contour).
    public let head: SegmentationHead
    /// Tile side in pixels (a multiple of 32).
    public var tileSize: Int
    /// Pixels shared by neighbouring tiles.
    public var overlap: Int
    /// Tiles (or images) per forward pass.
    public var batchSize: Int
    /// Median nucleus diameter (pixels) of the model's training data, when its checkpoint records it.
    public var modelDiameter: Double?
    /// The instance post-processing the checkpoint records (`nucleiseg tune`), else the
    /// documented defaults; `predict`, `evaluate` and `serve` start from it.
    public var postProcessing = InstanceExtractionOptions.nuclei
    /// How images are scaled so that their nuclei match `modelDiameter` (see `NucleusScale`).
    public private(set) var diameter: DiameterSetting = .native

    /// - Parameters:
    ///   - precision: arithmetic of the decoder (see `InferenceUNet`).
    ///   - encoderPrecision: arithmetic of the encoder (float32 by default, see `InferenceUNet`).
    public init(model: UNet, normalization: NormalizationSpec, mode: SamplingMode, tileSize: Int = 256, overlap: Int = 64, batchSize: Int = 8,
                precision: ComputePrecision = .float32, encoderPrecision: ComputePrecision = .float32) {
        precondition(tileSize % 32 == 0 && tileSize >= 64, "tile size \(tileSize) must be a multiple of 32, at least 64")
        precondition(overlap >= 0 && overlap < tileSize / 2, "overlap \(overlap) must be below half the tile size")
        self.model = model
        self.normalization = normalization
        self.mode = mode
        self.tileSize = tileSize
        self.overlap = overlap
        self.batchSize = batchSize
        head = model.classes == 3 ? .contour : .seed
        network = InferenceUNet(model, precision: precision, encoderPrecision: encoderPrecision)
    }

    /// Channels of the maps computed per pixel: foreground, and interior for the contour head.
    var mapChannels: Int { head == .contour ? 2 : 1 }

    /// Logits `[N, H, W, classes]` for a batch of normalised NHWC images (inference mode).
    public func logits(images: [Float], count: Int, height: Int, width: Int) -> Tensor {
        network(Tensor(shape: [count, height, width, 3], scalars: images))
    }

    /// Test-time augmentation: average the probabilities of the 8 flips/rotations of the image
    /// (each turned back before averaging). Costs 8 network passes per image.
    public var testTimeAugmentation = false

    /// Nucleus probability (0...1), row-major `height x width`, at the image's native resolution.
    public func foregroundProbability(of image: PixelImage) -> [Float] {
        probabilityMaps(of: image).foreground
    }

    /// The foreground (and, for the contour head, interior) probabilities at native resolution,
    /// predicted at the scale `diameter` chooses.
    public func probabilityMaps(of image: PixelImage) -> ProbabilityMaps {
        scaledMaps(of: image).maps
    }

    /// Sets how images are scaled before the network; a size needs a tiled model that records
    /// its training nuclei's diameter.
    public func useDiameter(_ setting: DiameterSetting, modelPath: String) throws {
        if setting != .native {
            guard mode == .crops else { throw DiameterError.needsTiledModel(path: modelPath) }
            guard modelDiameter != nil else { throw DiameterError.noModelDiameter(path: modelPath) }
        }
        diameter = setting
    }

    /// The maps at native resolution of `image` predicted once at `factor` times its size.
    /// `range` (tiled models only): the intensities that map to 0 and 1, when they come from a
    /// larger image than `image` (a block of a streamed one); nil computes them from `image`.
    func maps(of image: PixelImage, scaledBy factor: Double, range: (low: Double, high: Double)? = nil) -> ProbabilityMaps {
        guard factor != 1 else {
            return ProbabilityMaps(interleaved: interleavedMaps(of: image, range: range), channels: mapChannels, width: image.width, height: image.height)
        }
        let scaled = NucleusScale.resize(image, by: factor)
        let small = FloatImage(width: scaled.width, height: scaled.height, channels: mapChannels, samples: interleavedMaps(of: scaled, range: range))
        let back = Resize.bilinear(small, width: image.width, height: image.height)
        return ProbabilityMaps(interleaved: back.samples, channels: mapChannels, width: image.width, height: image.height)
    }

    /// The maps interleaved per pixel, with test-time augmentation when it is on.
    func interleavedMaps(of image: PixelImage, range: (low: Double, high: Double)? = nil) -> [Float] {
        guard testTimeAugmentation else { return singlePassMaps(of: image, range: range) }
        let channels = mapChannels
        var sum = [Float](repeating: 0, count: image.width * image.height * channels)
        for transform in Dihedral.all {
            let turned = transform.apply(image.samples, width: image.width, height: image.height, channels: image.channels)
            let view = PixelImage(width: turned.width, height: turned.height, channels: image.channels, bitDepth: image.bitDepth, samples: turned.values)
            let back = transform.invert(singlePassMaps(of: view, range: range), width: turned.width, height: turned.height, channels: channels)
            for index in sum.indices { sum[index] += back.values[index] }
        }
        let scale = 1 / Float(Dihedral.all.count)
        return sum.map { $0 * scale }
    }

    /// One pass, no test-time augmentation.
    func singlePassMaps(of image: PixelImage, range: (low: Double, high: Double)? = nil) -> [Float] {
        switch mode {
        case .resize: return Resize.bilinear(inputSizeMaps(of: image), width: image.width, height: image.height).samples
        case .crops: return tiledPrediction(image, range: range)
        }
    }

    /// The nucleus probability of the whole image resized to the network input (the published
    /// pipeline's output, before it is resized back to the image).
    public func inputSizeProbability(of image: PixelImage) -> FloatImage {
        let maps = inputSizeMaps(of: image)
        guard maps.channels > 1 else { return maps }
        return FloatImage(width: maps.width, height: maps.height, channels: 1,
                          samples: ProbabilityMaps(interleaved: maps.samples, channels: maps.channels, width: maps.width, height: maps.height).foreground)
    }

    /// The maps (interleaved channels) of the whole image resized to the network input.
    public func inputSizeMaps(of image: PixelImage) -> FloatImage {
        let size = (width: normalization.inputWidth, height: normalization.inputHeight)
        let gray = NetworkInput.normalizedPlanes(image, normalization: normalization)
        let resized = Resize.bilinear(gray, width: size.width, height: size.height)
        let input = NetworkInput.threeChannels(resized)
        let maps = Self.maps(logits(images: input.samples, count: 1, height: size.height, width: size.width))
        return FloatImage(width: size.width, height: size.height, channels: mapChannels, samples: maps)
    }

    private func tiledPrediction(_ image: PixelImage, range given: (low: Double, high: Double)?) -> [Float] {
        let range = given ?? normalization.intensityRange(of: image)
        let tile = tileSize
        let rows = Self.tileOrigins(length: image.height, tile: tile, overlap: overlap)
        let columns = Self.tileOrigins(length: image.width, tile: tile, overlap: overlap)
        let channels = mapChannels
        var probability = [Float](repeating: 0, count: image.width * image.height * channels)
        var weight = [Float](repeating: 0, count: image.width * image.height)
        let ramp = (0..<tile).map { position -> Float in
            let distance = min(position, tile - 1 - position)
            return overlap == 0 ? 1 : min(1, Float(distance + 1) / Float(overlap + 1))
        }
        var origins = rows.flatMap { y in columns.map { x in (x, y) } }[...]
        while !origins.isEmpty {
            let batch = Array(origins.prefix(batchSize))
            origins = origins.dropFirst(batch.count)
            var pixels: [Float] = []
            pixels.reserveCapacity(batch.count * tile * tile * 3)
            for (x, y) in batch {
                pixels += NetworkInput.tile(image, x: x, y: y, size: tile, range: range)
            }
            let maps = Self.maps(logits(images: pixels, count: batch.count, height: tile, width: tile))
            for (index, (x, y)) in batch.enumerated() {
                let base = index * tile * tile
                for row in 0..<tile where y + row < image.height {
                    let targetRow = (y + row) * image.width
                    for column in 0..<tile where x + column < image.width {
                        let w = ramp[row] * ramp[column]
                        let target = targetRow + x + column, source = base + row * tile + column
                        for c in 0..<channels { probability[target * channels + c] += w * maps[source * channels + c] }
                        weight[target] += w
                    }
                }
            }
        }
        for index in 0..<weight.count {
            let w = max(weight[index], 1e-12)
            for c in 0..<channels { probability[index * channels + c] /= w }
        }
        return probability
    }

    /// Top-left corners of tiles covering `length`: overlapping by at least `overlap`, the last
    /// tile flush with the end. An image shorter than a tile gets one tile at 0 (mirror padded).
    public static func tileOrigins(length: Int, tile: Int, overlap: Int) -> [Int] {
        guard length > tile else { return [0] }
        let stride = tile - overlap
        var origins = Array(Swift.stride(from: 0, to: length - tile, by: stride))
        origins.append(length - tile)
        return origins
    }

    /// Per-pixel maps from `[N, H, W, classes]` logits: two classes give the softmax probability
    /// of class 1; three give (1 - p(background), p(interior)) interleaved.
    static func maps(_ logits: Tensor) -> [Float] {
        let classes = logits.shape.last!
        return logits.withUnsafeBufferPointer { z in
            if classes == 2 {
                return (0..<(z.count / 2)).map { index in 1 / (1 + expf(z[2 * index] - z[2 * index + 1])) }
            }
            precondition(classes == 3, "the segmenter handles 2 or 3 classes, got \(classes)")
            var output = [Float](repeating: 0, count: z.count / 3 * 2)
            for index in 0..<(z.count / 3) {
                let b = z[3 * index], i = z[3 * index + 1], e = z[3 * index + 2]
                let largest = max(b, i, e)
                let pb = expf(b - largest), pi = expf(i - largest), pe = expf(e - largest)
                let total = pb + pi + pe
                output[2 * index] = (pi + pe) / total
                output[2 * index + 1] = pi / total
            }
            return output
        }
    }
}

#if canImport(Glibc)
import Glibc
#endif
