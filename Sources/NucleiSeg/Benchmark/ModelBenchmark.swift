import Foundation

/// Whole-model throughput on random data, as the Keras peer measures it: training images/s for a
/// full step (forward, loss, backward, Adam) and inference images/s, each the median of several
/// timed repetitions after a warm-up, with the achieved GFLOP/s and the process's peak RSS.
public struct ModelBenchmark: Sendable {
    public struct Figure: Codable, Sendable {
        public var name: String
        public var batch: Int
        public var imagesPerSecond: Double
        public var millisecondsPerStep: Double
        /// Processor time of the whole process per step (every thread, spinning included). With
        /// OMP_NUM_THREADS=1 it is the work of a step, nearly independent of other load on the
        /// machine: the figure to compare code changes by on a shared host.
        public var processorMillisecondsPerStep: Double
        public var gigaflopsPerSecond: Double
        public var percentOfPeak: Double
        public var repetitions: Int
    }

    public struct Result: Codable, Sendable {
        public var figures: [Figure]
        public var peakResidentMegabytes: Double
        public var threads: String
        public var kernels: String
        /// Arithmetic of the inference decoder's upsampling convolutions.
        public var inferencePrecision: String
        /// Arithmetic of the inference encoder's convolutions.
        public var inferenceEncoderPrecision: String
        /// Arithmetic of the decoder's upsampling convolutions while training (the frozen encoder
        /// and the 2-filter output layer are float32 in every training step).
        public var trainingPrecision: String
        public var inputSize: Int
    }

    /// GFLOP per 128x128 image (DESIGN.md: encoder forward 0.18; decoder forward 0.98; decoder
    /// backward ~1.96): training = 3.12, inference = 1.16. Scaled by (size/128)^2.
    public static func trainingGigaflops(inputSize: Int) -> Double { 3.12 * pow(Double(inputSize) / 128, 2) }
    public static func inferenceGigaflops(inputSize: Int) -> Double { 1.16 * pow(Double(inputSize) / 128, 2) }
    /// fp32 peak of this 2-core Zen 5 machine (DESIGN.md).
    public static let peakGigaflops = 550.0

    public var inputSize = 128
    public var trainingBatch = 32
    public var inferenceBatches = [1, 32]
    public var repetitions = 5
    /// Arithmetic of the inference decoder.
    public var inferencePrecision = InferenceUNet.defaultPrecision
    /// Arithmetic of the inference encoder.
    public var inferenceEncoderPrecision = ComputePrecision.float32
    /// Arithmetic of the decoder while training.
    public var trainingPrecision = InferenceUNet.defaultPrecision
    /// Timed steps per repetition (more for small batches so a repetition lasts long enough).
    public var minimumSecondsPerRepetition = 1.0

    public init() {}

    public func run(progress: (String) -> Void = { _ in }) throws -> Result {
        let model = UNet(seed: 1)
        try PretrainedBackbone.load(into: model.encoder)
        var generator = SeededGenerator(seed: 9)
        var figures: [Figure] = []
        if trainingBatch > 0 {
            let optimizer = Adam()
            model.decoder.precision = trainingPrecision
            let images = Tensor.randomUniform([trainingBatch, inputSize, inputSize, 3], low: -1, high: 1, generator: &generator)
            let labels = (0..<(trainingBatch * inputSize * inputSize)).map { _ in Int32(generator.nextInt(below: 2)) }
            let frozenEncoder = TrainingStep.frozenEncoder(of: model)
            let (seconds, processorSeconds) = measure(progress: { progress("training batch \(trainingBatch): \($0)") }) {
                let logits = TrainingStep.logits(model, frozenEncoder: frozenEncoder, input: images)
                let (loss, _) = Variable.softmaxCrossEntropy(logits: logits, labels: labels)
                loss.backward()
                optimizer.update(model.trainableParameters)
            }
            figures.append(figure("training", batch: trainingBatch, seconds: seconds, processorSeconds: processorSeconds,
                                  gigaflopsPerImage: Self.trainingGigaflops(inputSize: inputSize)))
        }
        let network = InferenceUNet(model, precision: inferencePrecision, encoderPrecision: inferenceEncoderPrecision)
        for batch in inferenceBatches where batch > 0 {
            let images = Tensor.randomUniform([batch, inputSize, inputSize, 3], low: -1, high: 1, generator: &generator)
            let (seconds, processorSeconds) = measure(progress: { progress("inference batch \(batch): \($0)") }) {
                _ = network(images)
            }
            figures.append(figure("inference", batch: batch, seconds: seconds, processorSeconds: processorSeconds,
                                  gigaflopsPerImage: Self.inferenceGigaflops(inputSize: inputSize)))
        }
        var usage = rusage()
        getrusage(RUSAGE_SELF.rawValue, &usage)
        return Result(figures: figures, peakResidentMegabytes: Double(usage.ru_maxrss) / 1024,
                      threads: ProcessInfo.processInfo.environment["OMP_NUM_THREADS"] ?? "default (all cores)",
                      kernels: String(describing: type(of: Kernels.current)), inferencePrecision: String(describing: inferencePrecision),
                      inferenceEncoderPrecision: String(describing: network.encoderPrecision), trainingPrecision: String(describing: trainingPrecision),
                      inputSize: inputSize)
    }

    /// Median wall and processor seconds per step over `repetitions`, after one warm-up repetition.
    private func measure(progress: (String) -> Void, _ step: () -> Void) -> (wall: Double, processor: Double) {
        let start = Date()
        step()
        let first = max(Date().timeIntervalSince(start), 1e-4)
        let stepsPerRepetition = max(1, Int((minimumSecondsPerRepetition / first).rounded(.up)))
        var perStep: [Double] = [], processorPerStep: [Double] = []
        for repetition in 0...repetitions {
            let begin = Date(), processorBegin = Self.processorSeconds()
            for _ in 0..<stepsPerRepetition { step() }
            let seconds = Date().timeIntervalSince(begin) / Double(stepsPerRepetition)
            let processor = (Self.processorSeconds() - processorBegin) / Double(stepsPerRepetition)
            if repetition > 0 {  // repetition 0 is the warm-up
                perStep.append(seconds)
                processorPerStep.append(processor)
            }
            progress(String(format: "%.1f ms/step (processor %.1f ms)", seconds * 1000, processor * 1000))
        }
        return (perStep.sorted()[perStep.count / 2], processorPerStep.sorted()[processorPerStep.count / 2])
    }

    /// Processor time of this process (all threads).
    private static func processorSeconds() -> Double {
        var time = timespec()
        clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &time)
        return Double(time.tv_sec) + 1e-9 * Double(time.tv_nsec)
    }

    private func figure(_ name: String, batch: Int, seconds: Double, processorSeconds: Double, gigaflopsPerImage: Double) -> Figure {
        let imagesPerSecond = Double(batch) / seconds
        let gigaflops = imagesPerSecond * gigaflopsPerImage
        return Figure(name: name, batch: batch, imagesPerSecond: imagesPerSecond, millisecondsPerStep: seconds * 1000,
                      processorMillisecondsPerStep: processorSeconds * 1000,
                      gigaflopsPerSecond: gigaflops, percentOfPeak: gigaflops / Self.peakGigaflops * 100, repetitions: repetitions)
    }
}
