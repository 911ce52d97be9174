import NucleiSeg

/// The options of one segmentation request, read from the query string of `POST /api/segment`.
///
/// Names and defaults are those of `nucleiseg predict`: `min_area` (8), `split` (true; false is
/// `--no-split`), `fill_holes` (true), `threshold` (0.5, foreground probability), `tta` (false),
/// `channel` (a TIFF plane), `interior_threshold` (0.5, contour-head models only) and `diameter`
/// (`auto` or pixels; tiled models that record their training nuclei's diameter).
public struct SegmentationSettings: Sendable, Equatable, Codable {
    public var minimumArea = InstanceExtractionOptions.nuclei.minimumArea
    public var splitTouching = InstanceExtractionOptions.nuclei.splitTouching
    public var fillHoles = InstanceExtractionOptions.nuclei.fillHoles
    public var threshold = InstanceExtractionOptions.nuclei.threshold
    public var interiorThreshold = InstanceExtractionOptions.nuclei.interiorThreshold
    public var testTimeAugmentation = false
    public var channel: Int?
    /// `auto` or the nuclei's diameter in pixels (`--diameter`); nil predicts at native size.
    public var diameter: String?
    /// The model's own post-processing (`nucleiseg tune`), which the fields above start from and
    /// which supplies what the page does not set (the marker dynamic of two-class models).
    public var base = InstanceExtractionOptions.nuclei

    public init() {}

    /// The defaults of a model whose recorded post-processing is `defaults`.
    public init(defaults: InstanceExtractionOptions) {
        base = defaults
        minimumArea = defaults.minimumArea
        splitTouching = defaults.splitTouching
        fillHoles = defaults.fillHoles
        threshold = defaults.threshold
        interiorThreshold = defaults.interiorThreshold
    }

    enum CodingKeys: String, CodingKey {
        case minimumArea = "min_area", splitTouching = "split", fillHoles = "fill_holes", threshold
        case interiorThreshold = "interior_threshold", testTimeAugmentation = "tta", channel, diameter
    }

    /// The query parameters this type reads (others are refused, so a misspelt one is not
    /// silently ignored); `name` is the upload's file name.
    static let parameterNames: Set<String> = Set(["min_area", "split", "fill_holes", "threshold", "interior_threshold", "tta", "channel", "diameter", "name"])

    /// Reads the settings from query parameters; a missing one keeps the model's default.
    public init(query: [String: String], defaults: InstanceExtractionOptions = .nuclei) throws(ServeError) {
        self.init(defaults: defaults)
        for name in query.keys where !Self.parameterNames.contains(name) {
            throw .invalidOption(name: name, value: query[name] ?? "", expected: "one of " + Self.parameterNames.sorted().joined(separator: ", "))
        }
        if let value = query["min_area"] {
            guard let area = Int(value), area >= 0 else { throw .invalidOption(name: "min_area", value: value, expected: "a whole number of pixels, 0 or more") }
            minimumArea = area
        }
        if let value = query["split"] { splitTouching = try Self.flag("split", value) }
        if let value = query["fill_holes"] { fillHoles = try Self.flag("fill_holes", value) }
        if let value = query["tta"] { testTimeAugmentation = try Self.flag("tta", value) }
        if let value = query["threshold"] { threshold = try Self.probability("threshold", value) }
        if let value = query["interior_threshold"] { interiorThreshold = try Self.probability("interior_threshold", value) }
        if let value = query["diameter"], !value.isEmpty {
            guard DiameterSetting(argument: value) != nil else {
                throw .invalidOption(name: "diameter", value: value, expected: "auto or a diameter in pixels above 0")
            }
            diameter = value
        }
        if let value = query["channel"], !value.isEmpty {
            guard let plane = Int(value), plane >= 0 else { throw .invalidOption(name: "channel", value: value, expected: "a plane number, 0 or more") }
            channel = plane
        }
    }

    /// How the segmenter scales the image (`--diameter`).
    public var diameterSetting: DiameterSetting { diameter.flatMap(DiameterSetting.init(argument:)) ?? .native }

    /// What `PredictionWriter` takes: every output `predict --format all` writes.
    public var predictionOptions: PredictionOptions {
        var options = PredictionOptions()
        options.instances = base
        options.instances.minimumArea = minimumArea
        options.instances.splitTouching = splitTouching
        options.instances.fillHoles = fillHoles
        options.instances.threshold = threshold
        options.instances.interiorThreshold = interiorThreshold
        options.channel = channel
        options.writeOverlay = true
        options.formats = Set(PredictionFormat.allCases)
        options.streaming = .never  // the page shows the overlay and offers every file; uploads are capped anyway
        return options
    }

    private static func flag(_ name: String, _ value: String) throws(ServeError) -> Bool {
        switch value.lowercased() {
        case "1", "true", "yes", "on": return true
        case "0", "false", "no", "off": return false
        default: throw .invalidOption(name: name, value: value, expected: "true or false")
        }
    }

    private static func probability(_ name: String, _ value: String) throws(ServeError) -> Float {
        guard let number = Float(value), number >= 0, number < 1 else {
            throw .invalidOption(name: name, value: value, expected: "a probability from 0 up to (not including) 1")
        }
        return number
    }
}
