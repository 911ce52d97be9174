import Foundation
import NucleiBase

/// Draws one augmented `outputSize` x `outputSize` training input from a normalised image and
/// its labels, following an `AugmentationPolicy`, from a seeded generator (the same seed gives
/// the same crops on every machine).
///
/// Steps, in order (each documented constant is its strength):
/// 1. **Window and scale.** A zoom `s` (log-uniform in the policy's range) sets a square window
///    of `outputSize / s` source pixels at a uniformly random, whole-pixel position; the window
///    is resampled to the output (bilinear image, nearest labels). Where the window leaves the
///    image (zooming out of a small image) the image is mirrored, never padded with black, so a
///    brightfield background stays bright.
/// 2. **Flips and rotations**: horizontal, vertical (each p = 1/2) and a rotation by k x 90
///    degrees (k uniform in 0...3), applied to image and labels alike.
/// 3. **Colour** (colour crops only, so gray images stay gray): per-channel gain 1 +- 0.1 and
///    offset +- 0.05, then a mix towards the gray value by up to 0.5 (p = 1/2). Stains vary in
///    hue and strength between labs; fluorescence images are gray copies in R, G and B.
/// 4. **Intensity**: gamma log-uniform in 0.7...1.43, contrast about the crop mean log-uniform
///    in 0.75...1.33, brightness +- 0.1 (units of the [0, 1] range).
/// 5. **Blur** (p = 0.2): Gaussian, sigma uniform in 0.5...1.5 pixels (out-of-focus planes).
/// 6. **Noise** (p = 0.3): additive Gaussian, sigma uniform in 0...0.04, the same in every
///    channel (camera noise).
///
/// Values are then clipped to [0, 1] and mapped back to [-1, 1].
public struct Augmenter: Sendable {
    public var policy: AugmentationPolicy
    public var outputSize: Int

    public static let colourGain = 0.1
    public static let colourOffset = 0.05
    public static let desaturationProbability = 0.5
    public static let maximumDesaturation = 0.5
    public static let gammaRange = (0.7, 1 / 0.7)
    public static let contrastRange = (0.75, 1 / 0.75)
    public static let brightness = 0.1
    public static let blurProbability = 0.2
    public static let blurSigmaRange = (0.5, 1.5)
    public static let noiseProbability = 0.3
    public static let maximumNoiseSigma = 0.04

    public init(policy: AugmentationPolicy, outputSize: Int) {
        precondition(outputSize > 0, "Augmenter output size must be positive, got \(outputSize)")
        self.policy = policy
        self.outputSize = outputSize
    }

    /// One augmented sample. `image` is normalised HWC in [-1, 1] (any size, any channels);
    /// `labels` has its size.
    public func apply(image: FloatImage, labels: LabelImage, using generator: inout SeededGenerator) -> (image: FloatImage, labels: LabelImage) {
        precondition(image.width == labels.width && image.height == labels.height,
                     "Augmenter: image \(image.width)x\(image.height) and labels \(labels.sizeDescription) differ")
        var scale = 1.0
        if policy.scaleJitter {
            let low = log(policy.minimumScale), high = log(policy.maximumScale)
            scale = exp(low + unit(&generator) * (high - low))
        }
        let window = Double(outputSize) / scale
        let originX = Self.origin(length: image.width, window: window, unit: unit(&generator))
        let originY = Self.origin(length: image.height, window: window, unit: unit(&generator))
        var (pixels, cropped) = Self.resample(image: image, labels: labels, originX: originX, originY: originY,
                                              step: window / Double(outputSize), size: outputSize)
        let flipHorizontal = policy.flips && generator.nextBool()
        let flipVertical = policy.flips && generator.nextBool()
        let quarterTurns = policy.rotations ? generator.nextInt(below: 4) : 0
        let channels = image.channels
        pixels = Self.transformed(pixels, size: outputSize, channels: channels, horizontal: flipHorizontal,
                                  vertical: flipVertical, quarterTurns: quarterTurns)
        cropped = Self.transformed(cropped, size: outputSize, channels: 1, horizontal: flipHorizontal,
                                   vertical: flipVertical, quarterTurns: quarterTurns)
        if policy.colour || policy.intensity || policy.blur || policy.noise {
            photometric(&pixels, channels: channels, using: &generator)
        }
        return (FloatImage(width: outputSize, height: outputSize, channels: channels, samples: pixels),
                LabelImage(width: outputSize, height: outputSize, labels: cropped))
    }

    private func unit(_ generator: inout SeededGenerator) -> Double { Double(generator.nextUnitFloat()) }

    /// Whole-pixel window origin along one axis: inside the image when the window fits, else a
    /// position that keeps the image inside the window.
    static func origin(length: Int, window: Double, unit: Double) -> Double {
        let span = Double(length) - window
        return (span >= 0 ? unit * span : span * unit).rounded(.down)
    }

    /// The window resampled to `size` x `size`: output pixel (r, c) reads source
    /// (originY + (r + 0.5) * step - 0.5, originX + (c + 0.5) * step - 0.5), bilinear for the
    /// image and nearest for the labels, with mirrored borders. At step 1 this is an exact crop.
    public static func resample(image: FloatImage, labels: LabelImage, originX: Double, originY: Double, step: Double, size: Int)
        -> (pixels: [Float], labels: [Int32]) {
        let channels = image.channels
        struct Tap { var low: Int; var high: Int; var weight: Float; var nearest: Int }
        func taps(origin: Double, length: Int) -> [Tap] {
            (0..<size).map { o in
                let centre = origin + (Double(o) + 0.5) * step
                let position = centre - 0.5
                let low = Int(position.rounded(.down))
                return Tap(low: BorderMirror.index(low, length: length), high: BorderMirror.index(low + 1, length: length),
                           weight: Float(position - Double(low)), nearest: BorderMirror.index(Int(centre.rounded(.down)), length: length))
            }
        }
        let xs = taps(origin: originX, length: image.width), ys = taps(origin: originY, length: image.height)
        var pixels = [Float](repeating: 0, count: size * size * channels)
        var output = [Int32](repeating: 0, count: size * size)
        image.samples.withUnsafeBufferPointer { source in
            pixels.withUnsafeMutableBufferPointer { target in
                for r in 0..<size {
                    let y = ys[r]
                    let top = y.low * image.width, bottom = y.high * image.width
                    for c in 0..<size {
                        let x = xs[c]
                        let base = (r * size + c) * channels
                        for k in 0..<channels {
                            let upper = source[(top + x.low) * channels + k] * (1 - x.weight) + source[(top + x.high) * channels + k] * x.weight
                            let lower = source[(bottom + x.low) * channels + k] * (1 - x.weight) + source[(bottom + x.high) * channels + k] * x.weight
                            target[base + k] = upper * (1 - y.weight) + lower * y.weight
                        }
                        output[r * size + c] = labels.labels[y.nearest * labels.width + x.nearest]
                    }
                }
            }
        }
        return (pixels, output)
    }

    /// A square HWC array flipped (horizontal, then vertical) and turned counter-clockwise by
    /// `quarterTurns` x 90 degrees.
    public static func transformed<Element>(_ values: [Element], size: Int, channels: Int, horizontal: Bool, vertical: Bool, quarterTurns: Int) -> [Element] {
        guard horizontal || vertical || quarterTurns % 4 != 0 else { return values }
        var output = values
        for r in 0..<size {
            for c in 0..<size {
                // Where output (r, c) comes from: undo the rotation, then the flips.
                var (sr, sc) = (r, c)
                for _ in 0..<(quarterTurns % 4) { (sr, sc) = (sc, size - 1 - sr) }
                if vertical { sr = size - 1 - sr }
                if horizontal { sc = size - 1 - sc }
                let target = (r * size + c) * channels, source = (sr * size + sc) * channels
                for k in 0..<channels { output[target + k] = values[source + k] }
            }
        }
        return output
    }

    /// Steps 3-6 in place on [-1, 1] values.
    func photometric(_ pixels: inout [Float], channels: Int, using generator: inout SeededGenerator) {
        let count = pixels.count / channels
        var unitValues = pixels.map { Double($0 + 1) / 2 }
        if policy.colour && channels == 3 && Self.isColour(unitValues) {
            let gains = (0..<3).map { _ in 1 + (unit(&generator) * 2 - 1) * Self.colourGain }
            let offsets = (0..<3).map { _ in (unit(&generator) * 2 - 1) * Self.colourOffset }
            let desaturation = unit(&generator) < Self.desaturationProbability ? unit(&generator) * Self.maximumDesaturation : 0
            for pixel in 0..<count {
                let base = pixel * 3
                let gray = (unitValues[base] + unitValues[base + 1] + unitValues[base + 2]) / 3
                for k in 0..<3 {
                    let value = unitValues[base + k] * gains[k] + offsets[k]
                    unitValues[base + k] = value * (1 - desaturation) + gray * desaturation
                }
            }
        }
        if policy.intensity {
            let gamma = logUniform(Self.gammaRange, &generator)
            let contrast = logUniform(Self.contrastRange, &generator)
            let brightness = (unit(&generator) * 2 - 1) * Self.brightness
            for index in unitValues.indices { unitValues[index] = pow(min(max(unitValues[index], 0), 1), gamma) }
            let mean = unitValues.reduce(0, +) / Double(max(unitValues.count, 1))
            for index in unitValues.indices { unitValues[index] = mean + (unitValues[index] - mean) * contrast + brightness }
        }
        if policy.blur && unit(&generator) < Self.blurProbability {
            let sigma = Self.blurSigmaRange.0 + unit(&generator) * (Self.blurSigmaRange.1 - Self.blurSigmaRange.0)
            unitValues = Self.gaussianBlur(unitValues, size: outputSize, channels: channels, sigma: sigma)
        }
        if policy.noise && unit(&generator) < Self.noiseProbability {
            let sigma = unit(&generator) * Self.maximumNoiseSigma
            for pixel in 0..<count {
                let noise = Double(generator.nextNormal()) * sigma
                for k in 0..<channels { unitValues[pixel * channels + k] += noise }
            }
        }
        for index in pixels.indices { pixels[index] = Float(min(max(unitValues[index], 0), 1) * 2 - 1) }
    }

    private func logUniform(_ range: (Double, Double), _ generator: inout SeededGenerator) -> Double {
        exp(log(range.0) + unit(&generator) * (log(range.1) - log(range.0)))
    }

    /// True when the channels of an RGB crop differ (a stained image), false for gray copies.
    static func isColour(_ unitValues: [Double]) -> Bool {
        var difference = 0.0
        for base in stride(from: 0, to: unitValues.count, by: 3) {
            difference = max(difference, abs(unitValues[base] - unitValues[base + 1]), abs(unitValues[base + 1] - unitValues[base + 2]))
            if difference > 0.02 { return true }
        }
        return false
    }

    /// Separable Gaussian blur (radius 3 sigma) of a square HWC image with mirrored borders.
    public static func gaussianBlur(_ values: [Double], size: Int, channels: Int, sigma: Double) -> [Double] {
        let radius = max(1, Int((3 * sigma).rounded(.up)))
        var kernel = (-radius...radius).map { exp(-Double($0 * $0) / (2 * sigma * sigma)) }
        let total = kernel.reduce(0, +)
        kernel = kernel.map { $0 / total }
        var horizontal = [Double](repeating: 0, count: values.count)
        for r in 0..<size {
            for c in 0..<size {
                for k in 0..<channels {
                    var sum = 0.0
                    for (offset, weight) in kernel.enumerated() {
                        sum += weight * values[(r * size + BorderMirror.index(c + offset - radius, length: size)) * channels + k]
                    }
                    horizontal[(r * size + c) * channels + k] = sum
                }
            }
        }
        var output = horizontal
        for r in 0..<size {
            for c in 0..<size {
                for k in 0..<channels {
                    var sum = 0.0
                    for (offset, weight) in kernel.enumerated() {
                        sum += weight * horizontal[(BorderMirror.index(r + offset - radius, length: size) * size + c) * channels + k]
                    }
                    output[(r * size + c) * channels + k] = sum
                }
            }
        }
        return output
    }
}
