/// Which augmentations a training run applies. Recorded in checkpoints (inside the training
/// options) so a run says how it was trained.
///
/// Two presets:
/// - `seed`: the published pipeline's `RandomFlip("horizontal_and_vertical")` and nothing
///   else, drawn exactly as before (two coin flips per sample), so the reproduction is exact.
/// - `full` (the default for `--sampling crops`): everything below, for images from other
///   microscopes, magnifications and stains.
///
/// Geometric transforms move image and mask together (bilinear for the image, nearest for the
/// mask); photometric ones touch the image only. Strengths are the constants of `Augmenter`.
public struct AugmentationPolicy: Codable, Sendable, Equatable, CustomStringConvertible {
    /// Horizontal and vertical flips, each with probability 1/2.
    public var flips: Bool
    /// Rotations by 0, 90, 180 or 270 degrees; with `flips` these are the 8 symmetries of the
    /// square (nuclei have no preferred orientation).
    public var rotations: Bool
    /// Zoom factors drawn log-uniformly from `minimumScale...maximumScale` (1...1 is off): the
    /// crop window is `inputSize / scale` source pixels, so nuclei appear `scale` times larger.
    public var minimumScale: Double
    public var maximumScale: Double
    /// Brightness, contrast and gamma.
    public var intensity: Bool
    /// Additive Gaussian noise (probability `Augmenter.noiseProbability`).
    public var noise: Bool
    /// Gaussian blur (probability `Augmenter.blurProbability`).
    public var blur: Bool
    /// Per-channel gain and offset and partial desaturation, for colour (stained) images only.
    public var colour: Bool

    public init(flips: Bool = true, rotations: Bool = true, minimumScale: Double = 0.5, maximumScale: Double = 2,
                intensity: Bool = true, noise: Bool = true, blur: Bool = true, colour: Bool = true) {
        precondition(minimumScale > 0 && minimumScale <= maximumScale,
                     "scale range \(minimumScale)...\(maximumScale) must be positive and ordered")
        self.flips = flips
        self.rotations = rotations
        self.minimumScale = minimumScale
        self.maximumScale = maximumScale
        self.intensity = intensity
        self.noise = noise
        self.blur = blur
        self.colour = colour
    }

    /// The published pipeline: horizontal and vertical flips only.
    public static let seed = AugmentationPolicy(flips: true, rotations: false, minimumScale: 1, maximumScale: 1,
                                                intensity: false, noise: false, blur: false, colour: false)
    /// Every augmentation at its documented strength.
    public static let full = AugmentationPolicy()
    /// No augmentation at all.
    public static let none = AugmentationPolicy(flips: false, rotations: false, minimumScale: 1, maximumScale: 1,
                                                intensity: false, noise: false, blur: false, colour: false)

    /// True when the policy is flips at most, which the seed's `RandomFlip` path draws exactly.
    public var isFlipsOnly: Bool {
        !rotations && minimumScale == 1 && maximumScale == 1 && !intensity && !noise && !blur && !colour
    }

    public var scaleJitter: Bool { minimumScale != 1 || maximumScale != 1 }

    public var description: String {
        var parts: [String] = []
        if flips && rotations { parts.append("8 flips/rotations") } else if flips { parts.append("flips") } else if rotations { parts.append("rotations") }
        if scaleJitter { parts.append("scale \(minimumScale)-\(maximumScale)x") }
        if intensity { parts.append("brightness/contrast/gamma") }
        if noise { parts.append("noise") }
        if blur { parts.append("blur") }
        if colour { parts.append("colour jitter") }
        return parts.isEmpty ? "none" : parts.joined(separator: ", ")
    }
}
