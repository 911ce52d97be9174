import Foundation
import NucleiSeg

/// The one model of the server and the serial queue every request waits on.
///
/// Inference already uses both cores (oneDNN's OpenMP threads); two images at once would only
/// share them and double the working set, so requests run one after another in arrival order.
/// The work runs on its own dispatch queue, never on Swift's cooperative pool, whose few threads
/// keep serving the page, uploads and downloads while an image is segmented.
final class InferenceQueue: @unchecked Sendable {
    // @unchecked: `segmenter` (a class that is not Sendable) is only touched on `queue`; `pending`
    // only under `lock`.
    private let queue = DispatchQueue(label: "nucleiseg.serve.inference", qos: .userInitiated)
    private let segmenter: Segmenter
    private let lock = NSLock()
    private var pending = 0

    /// What the health endpoint reports about the model.
    let head: String
    let mode: String
    /// The model's training nuclei's diameter in pixels, when `diameter` can be used.
    let modelDiameter: Double?
    /// The model's recorded post-processing: the defaults of every request.
    let postProcessing: InstanceExtractionOptions

    init(segmenter: Segmenter) {
        self.segmenter = segmenter
        head = segmenter.head.rawValue
        mode = segmenter.mode.rawValue
        modelDiameter = segmenter.mode == .crops ? segmenter.modelDiameter : nil
        postProcessing = segmenter.postProcessing
    }

    /// Requests waiting or running.
    var waiting: Int { lock.withLock { pending } }

    /// Runs `work` with the model once the requests before it are done.
    func run<Value: Sendable>(_ work: @escaping @Sendable (Segmenter) throws -> Value) async throws -> Value {
        lock.withLock { pending += 1 }
        return try await withCheckedThrowingContinuation { continuation in
            queue.async {
                let result = Result { try work(self.segmenter) }
                self.lock.withLock { self.pending -= 1 }
                continuation.resume(with: result)
            }
        }
    }
}
