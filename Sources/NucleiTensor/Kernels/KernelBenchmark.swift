/// Times the heavy kernels on the model's real layer shapes.
///
/// Each row is the median of `repetitions` timed runs after one warm-up run (the warm-up pays for
/// primitive creation, the oneDNN weights-layout choice and first-touch page faults).
///
/// Measured with `nucleiseg benchmark kernels` (batch 32, 2 idle Zen 5 cores, oneDNN 2.6.3; the
/// machine is shared, so repeat when a figure looks low): transposed convolutions 4x4x320 ->
/// 8x8x512, 8x8x1088 -> 16x16x256, 16x16x448 -> 32x32x128 and 32x32x272 -> 64x64x64 ran at
/// 190-225 GFLOP/s forward and backward data, 105-195 backward weights; 64x64x160 -> 128x128x2 at
/// 48-90 (two output channels leave vector lanes idle); depthwise 3x3 7-39 (memory-bound); 1x1
/// 96-203; the first 3x3 stride-2 convolution ~143 forward, 195 backward weights, but 44 backward
/// data (three input channels; the frozen encoder's input never needs that gradient); batch norm
/// on 16x16x256 0.8 ms forward, 1.5 ms backward.
public enum KernelBenchmark {
    /// Which pass of a kernel a row timed.
    public enum Pass: String, Sendable, CaseIterable {
        case forward
        case backwardData = "backward-data"
        case backwardWeights = "backward-weights"
        /// Batch norm's single backward pass (data, scale and shift gradients together).
        case backward
    }

    /// One timed kernel pass.
    public struct Row: Sendable {
        public var name: String
        public var pass: Pass
        /// The layer's shapes, e.g. "16x16x448 -> 32x32x128, kernel 3x3, stride 2".
        public var shape: String
        public var medianMilliseconds: Double
        /// Floating-point operations of one run (multiply-adds count two; batch norm: see `Layer`).
        public var flops: Double
        public var gigaflopsPerSecond: Double { flops / (medianMilliseconds * 1e6) }
    }

    /// Runs every layer of `layers(batch:)` through `kernels`.
    /// - Parameters:
    ///   - repetitions: timed runs per pass (at least 1); the median is reported.
    ///   - progress: called with each row as soon as it is measured.
    public static func run(
        kernels: any ComputeKernels, batch: Int, repetitions: Int, progress: (Row) -> Void = { _ in }
    ) -> [Row] {
        precondition(batch >= 1 && repetitions >= 1, "batch \(batch) and repetitions \(repetitions) must be >= 1")
        var rows: [Row] = []
        for layer in layers(batch: batch) {
            layer.withPasses(kernels) { runPass in
                for pass in layer.passes {
                    let milliseconds = medianMilliseconds(repetitions: repetitions) { runPass(pass) }
                    let row = Row(
                        name: layer.name, pass: pass, shape: layer.shape, medianMilliseconds: milliseconds,
                        flops: layer.flops(pass))
                    progress(row)
                    rows.append(row)
                }
            }
        }
        return rows
    }

    /// One warm-up run, then the median of `repetitions` timed runs.
    static func medianMilliseconds(repetitions: Int, _ body: () -> Void) -> Double {
        body()
        let clock = ContinuousClock()
        var times: [Double] = []
        for _ in 0..<repetitions {
            let duration = clock.measure(body)
            let (seconds, attoseconds) = duration.components
            times.append(Double(seconds) * 1e3 + Double(attoseconds) * 1e-15)
        }
        times.sort()
        return times.count % 2 == 1
            ? times[times.count / 2] : (times[times.count / 2 - 1] + times[times.count / 2]) / 2
    }
}
