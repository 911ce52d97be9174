/// Seconds spent in each stage of `PredictionWriter.predict`, summed over images.
public final class PredictionTimings: @unchecked Sendable {
    public enum Stage: String, CaseIterable, Codable, Sendable {
        /// Reading and decoding the file.
        case decode
        /// Normalisation, tiling, the network and blending: the probability map.
        case network
        /// Thresholding, hole filling, connected components, watershed split, small objects.
        case instances
        /// Measurements, PNG/CSV encoding, the overlay and writing the output set.
        case outputs
    }

    public private(set) var seconds: [Stage: Double] = [:]

    public init() {}

    func add(_ stage: Stage, seconds value: Double) { seconds[stage, default: 0] += value }

    public var total: Double { seconds.values.reduce(0, +) }
}

extension Duration {
    /// The duration in seconds.
    var seconds: Double { Double(components.seconds) + Double(components.attoseconds) * 1e-18 }
}
