import ArgumentParser
import NucleiSeg

/// The options `predict` and `evaluate` share: which model, how it runs, how nuclei are
/// extracted (`@OptionGroup` in both commands).
struct SegmentationOptions: ParsableArguments {
    @Option(help: "Model checkpoint (default: the shipped nuclei model).") var model: String?
    @Option(help: "Override the model's mode: resize (whole image at 128x128) or crops (tiled, native resolution).")
    var mode: SamplingMode?
    @Option(name: .customLong("tile-size"), help: "Tile side in pixels for tiled prediction (multiple of 32).") var tileSize = 256
    @Option(name: .customLong("min-area"), help: "Drop predicted nuclei smaller than this many pixels.") var minArea = InstanceExtractionOptions.nuclei.minimumArea
    @Flag(name: .customLong("fill-holes"), inversion: .prefixedNo, help: "Fill holes inside predicted nuclei.")
    var fillHoles = InstanceExtractionOptions.nuclei.fillHoles
    @Flag(name: .customLong("no-split"), help: "Do not split touching nuclei (plain connected components).") var noSplit = false
    @OptionGroup var postProcessing: PostProcessingOptions
    @Option(help: "Nucleus diameter of the images in pixels, or auto (estimated from a first pass): each image is scaled so its nuclei match the model's training size; outputs stay at native size.")
    var diameter: DiameterSetting?
    @Flag(help: "Test-time augmentation: average the predictions of the 8 flips/rotations (8x the network time).") var tta = false
    @Option(help: "Decoder arithmetic: bfloat16 (default where the CPU has it) or float32.")
    var precision: ComputePrecision = InferenceUNet.defaultPrecision

    func validate() throws {
        guard tileSize >= 64, tileSize % 32 == 0 else { throw ValidationError("--tile-size must be a multiple of 32, at least 64") }
        guard minArea >= 0 else { throw ValidationError("--min-area must not be negative") }
    }

    /// The model these options name, set up as they say (mode, tiles, precision, TTA, diameter).
    func segmenter() throws -> Segmenter {
        let segmenter = try ShippedModel.segmenter(path: model, modeOverride: mode, tileSize: tileSize, precision: precision)
        segmenter.testTimeAugmentation = tta
        if let diameter { try segmenter.useDiameter(diameter, modelPath: model ?? ShippedModel.resourceName + ".safetensors") }
        // `--diameter auto` measures its first pass with the settings asked for.
        segmenter.postProcessing = instances(for: segmenter)
        return segmenter
    }

    /// Instance extraction as these options say, from the model's recorded post-processing
    /// (`nucleiseg tune`; the nuclei defaults without one).
    func instances(for segmenter: Segmenter) -> InstanceExtractionOptions {
        var instances = postProcessing.applied(to: segmenter.postProcessing)
        instances.minimumArea = minArea
        instances.fillHoles = fillHoles
        instances.splitTouching = !noSplit
        return instances
    }
}

/// The post-processing thresholds `predict` and `evaluate` take; each one left out keeps the
/// model's own value (recorded by `nucleiseg tune`, else the documented default).
struct PostProcessingOptions: ParsableArguments {
    @Option(help: ArgumentHelp("Foreground probability above which a pixel is nucleus (default: the model's, else 0.5).", valueName: "P"))
    var threshold: Float?
    @Option(name: .customLong("marker-dynamic"), help: ArgumentHelp("Two-class models: how far (pixels of distance) a peak of the distance map must rise above the neck to a higher one to become a nucleus of its own; smaller splits more (default: the model's, else 2.5).", valueName: "PX"))
    var markerDynamic: Float?
    @Option(name: .customLong("interior-threshold"), help: ArgumentHelp("Contour models: interior probability above which a pixel seeds a nucleus (default: the model's, else 0.5).", valueName: "P"))
    var interiorThreshold: Float?

    func validate() throws {
        if let threshold, !(threshold > 0 && threshold < 1) {
            throw ValidationError("--threshold must be a probability between 0 and 1 (exclusive), got \(threshold)")
        }
        if let interiorThreshold, !(interiorThreshold > 0 && interiorThreshold < 1) {
            throw ValidationError("--interior-threshold must be a probability between 0 and 1 (exclusive), got \(interiorThreshold)")
        }
        if let markerDynamic, !(markerDynamic > 0 && markerDynamic.isFinite) {
            throw ValidationError("--marker-dynamic must be a positive number of pixels, got \(markerDynamic)")
        }
    }

    /// `base` with the given thresholds.
    func applied(to base: InstanceExtractionOptions) -> InstanceExtractionOptions {
        var options = base
        if let threshold { options.threshold = threshold }
        if let markerDynamic { options.minimumMarkerDynamic = markerDynamic }
        if let interiorThreshold { options.interiorThreshold = interiorThreshold }
        return options
    }
}
