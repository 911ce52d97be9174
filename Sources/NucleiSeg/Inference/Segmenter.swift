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
    /// Tile side in pixels (a multiple of 32).
    public var tileSize: Int
    /// Pixels shared by neighbouring tiles.
    public var overlap: Int
    /// Tiles (or images) per forward pass.
    public var batchSize: Int

    /// - Parameter precision: arithmetic of the decoder (see `InferenceUNet`).
    public init(model: UNet, normalization: NormalizationSpec, mode: SamplingMode, tileSize: Int = 256, overlap: Int = 64, batchSize: Int = 8,
                precision: ComputePrecision = .float32) {
        precondition(tileSize % 32 == 0 && tileSize >= 64, "tile size \(tileSize) must be a multiple of 32, at least 64")
        precondition(overlap >= 0 && overlap < tileSize / 2, "overlap \(overlap) must be below half the tile size")
        self.model = model
        self.normalization = normalization
        self.mode = mode
        self.tileSize = tileSize
        self.overlap = overlap
        self.batchSize = batchSize
        network = InferenceUNet(model, precision: precision)
    }

    /// Logits `[N, H, W, 2]` for a batch of normalised NHWC images (inference mode).
    public func logits(images: [Float], count: Int, height: Int, width: Int) -> Tensor {
        network(Tensor(shape: [count, height, width, 3], scalars: images))
    }

    /// Test-time augmentation: average the probabilities of the 8 flips/rotations of the image
    /// (each turned back before averaging). Costs 8 network passes per image.
    public var testTimeAugmentation = false

    /// Nucleus probability (0...1), row-major `height x width`, at the image's native resolution.
    public func foregroundProbability(of image: PixelImage) -> [Float] {
        guard testTimeAugmentation else { return singlePassProbability(of: image) }
        var sum = [Float](repeating: 0, count: image.width * image.height)
        for transform in Dihedral.all {
            let turned = transform.apply(image.samples, width: image.width, height: image.height, channels: image.channels)
            let view = PixelImage(width: turned.width, height: turned.height, channels: image.channels, bitDepth: image.bitDepth, samples: turned.values)
            let back = transform.invert(singlePassProbability(of: view), width: turned.width, height: turned.height, channels: 1)
            for index in sum.indices { sum[index] += back.values[index] }
        }
        let scale = 1 / Float(Dihedral.all.count)
        return sum.map { $0 * scale }
    }

    /// One pass, no test-time augmentation.
    func singlePassProbability(of image: PixelImage) -> [Float] {
        switch mode {
        case .resize: return resizedPrediction(image)
        case .crops: return tiledPrediction(image)
        }
    }

    private func resizedPrediction(_ image: PixelImage) -> [Float] {
        Resize.bilinear(inputSizeProbability(of: image), width: image.width, height: image.height).pixels
    }

    /// The nucleus probability of the whole image resized to the network input (the published
    /// pipeline's output, before it is resized back to the image).
    public func inputSizeProbability(of image: PixelImage) -> FloatImage {
        let size = (width: normalization.inputWidth, height: normalization.inputHeight)
        let gray = NetworkInput.normalizedPlanes(image, normalization: normalization)
        let resized = Resize.bilinear(gray, width: size.width, height: size.height)
        let input = NetworkInput.threeChannels(resized)
        let probabilities = Self.foreground(logits(images: input.pixels, count: 1, height: size.height, width: size.width))
        return FloatImage(width: size.width, height: size.height, channels: 1, pixels: probabilities)
    }

    private func tiledPrediction(_ image: PixelImage) -> [Float] {
        let range = normalization.intensityRange(of: image)
        let tile = tileSize
        let rows = Self.tileOrigins(length: image.height, tile: tile, overlap: overlap)
        let columns = Self.tileOrigins(length: image.width, tile: tile, overlap: overlap)
        var probability = [Float](repeating: 0, count: image.width * image.height)
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
            let foreground = Self.foreground(logits(images: pixels, count: batch.count, height: tile, width: tile))
            for (index, (x, y)) in batch.enumerated() {
                let base = index * tile * tile
                for row in 0..<tile where y + row < image.height {
                    let targetRow = (y + row) * image.width
                    for column in 0..<tile where x + column < image.width {
                        let w = ramp[row] * ramp[column]
                        probability[targetRow + x + column] += w * foreground[base + row * tile + column]
                        weight[targetRow + x + column] += w
                    }
                }
            }
        }
        for index in 0..<probability.count { probability[index] /= max(weight[index], 1e-12) }
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

    /// Softmax probability of class 1 from `[N, H, W, 2]` logits.
    static func foreground(_ logits: Tensor) -> [Float] {
        logits.withUnsafeBufferPointer { z in
            (0..<(z.count / 2)).map { index in
                1 / (1 + expf(z[2 * index] - z[2 * index + 1]))
            }
        }
    }
}

#if canImport(Glibc)
import Glibc
#endif
