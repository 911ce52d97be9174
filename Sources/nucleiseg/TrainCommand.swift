import ArgumentParser
import Foundation
import NucleiSeg

extension SamplingMode: ExpressibleByArgument {}
extension DatasetLayout: ExpressibleByArgument {}
extension ComputePrecision: ExpressibleByArgument {}
extension SegmentationHead: ExpressibleByArgument {}

struct TrainCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "train",
        abstract: "Train the U-Net on a dataset folder (published defaults: 128x128, batch 32, Adam 1e-3, 100 epochs, early stopping).")

    @Option(help: "Dataset folder (dsb2018, pairs or labels layout); repeat to train on several together.")
    var data: [String] = []

    @Option(name: .customLong("test-data"), help: "Labelled folder to evaluate on for the report (default: the first dataset's test split).")
    var testData: String?

    @Option(help: "Force the dataset layout instead of detecting it.")
    var layout: DatasetLayout?

    @Option(help: "Run folder for checkpoints, history, figures and the report.")
    var output: String = "runs/latest"

    @Option(help: "Maximum epochs.") var epochs = 100
    @Option(name: .customLong("batch-size"), help: "Images per step.") var batchSize = 32
    @Option(name: .customLong("learning-rate"), help: "Adam learning rate.") var learningRate: Float = 1e-3
    @Option(help: "Early-stopping patience in epochs (on val_loss; best weights restored).") var patience = 20
    @Option(help: "Seed for the split, initialisation, shuffling and augmentation.") var seed: UInt64 = 42
    @Option(help: "resize (whole image to 128x128, as published) or crops (native-resolution crops, tiled prediction).")
    var sampling: SamplingMode = .resize
    @Option(name: .customLong("crops-per-image"), help: "Crops per image per epoch in crops mode (0: one per 128x128 of area).")
    var cropsPerImage = 0
    @Option(name: .customLong("input-size"), help: "Network input size (a multiple of 32).") var inputSize = 128
    @Flag(name: .customLong("unfreeze-encoder"), help: "Fine-tune the MobileNetV2 encoder too.") var unfreezeEncoder = false
    @Flag(name: .customLong("random-encoder"), help: "Start the encoder from random weights instead of ImageNet.") var randomEncoder = false
    @Option(help: "Augmentation preset: seed (the published RandomFlip only), full (flips, rotations, scale, intensity, noise, blur, colour) or none.")
    var augmentation: AugmentationPreset = .seed
    @Flag(name: .customLong("no-flips"), help: "Turn off flips.") var noFlips = false
    @Flag(name: .customLong("no-rotations"), help: "Turn off rotations by 90 degrees.") var noRotations = false
    @Option(name: .customLong("scale-range"), help: "Zoom range of the scale jitter, MIN,MAX (1,1 turns it off; full: 0.5,2).")
    var scaleRange: ScaleRange?
    @Flag(name: .customLong("no-intensity"), help: "Turn off brightness/contrast/gamma jitter.") var noIntensity = false
    @Flag(name: .customLong("no-noise"), help: "Turn off Gaussian noise.") var noNoise = false
    @Flag(name: .customLong("no-blur"), help: "Turn off Gaussian blur.") var noBlur = false
    @Flag(name: .customLong("no-colour"), help: "Turn off colour jitter of stained images.") var noColour = false
    @Option(name: .customLong("eight-bit"), help: "8-bit intensity rule: range (x/255, as published) or percentiles (per image 1st..99.8th -> 0..1).")
    var eightBit: EightBitRule = .range
    @Option(help: "Decoder arithmetic while training: bfloat16 (mixed precision; default where the CPU has AVX512-BF16) or float32 (exact Keras arithmetic).")
    var precision: ComputePrecision = InferenceUNet.defaultPrecision
    @Option(help: "Output head: seed (the published two classes; default) or contour (background, interior, boundary; instances grown from the interiors).")
    var head: SegmentationHead = .seed
    @Option(name: .customLong("class-weights"), help: "Loss weight per class, comma-separated (default: contour 1,1,3; seed 1,1).")
    var classWeights: ClassWeights?
    @Flag(help: "Continue the run in --output from its last checkpoint.") var resume = false
    @Flag(help: "Replace the run already in --output (its history, checkpoints, model, figures and report).") var overwrite = false
    @Flag(name: .customLong("no-report"), help: "Skip the evaluation on the test split and the HTML report.") var noReport = false

    func validate() throws {
        guard !data.isEmpty else { throw ValidationError("give at least one --data FOLDER (for example --data data/dsb2018/train)") }
        guard inputSize >= 32, inputSize % 32 == 0 else { throw ValidationError("--input-size must be a positive multiple of 32") }
        guard epochs >= 1, batchSize >= 1, patience >= 1 else { throw ValidationError("--epochs, --batch-size and --patience must be at least 1") }
        guard learningRate > 0, learningRate.isFinite else { throw ValidationError("--learning-rate must be positive") }
        if let classWeights, classWeights.values.count != head.classCount {
            throw ValidationError("--class-weights has \(classWeights.values.count) values; the \(head.rawValue) head has \(head.classCount) classes (\(head.classNames.joined(separator: ", ")))")
        }
        guard !(resume && overwrite) else { throw ValidationError("--resume and --overwrite exclude each other: continue the run, or replace it") }
    }

    func run() throws {
        var options = TrainingOptions(dataPaths: data, outputDirectory: output, layout: layout)
        options.testDataPath = testData
        options.epochs = epochs
        options.batchSize = batchSize
        options.learningRate = learningRate
        options.patience = patience
        options.seed = seed
        options.sampling = sampling
        options.cropsPerImage = cropsPerImage
        options.inputSize = inputSize
        options.trainEncoder = unfreezeEncoder
        options.pretrainedEncoder = !randomEncoder
        var policy = augmentation.policy
        if noFlips { policy.flips = false }
        if noRotations { policy.rotations = false }
        if let scaleRange { (policy.minimumScale, policy.maximumScale) = (scaleRange.minimum, scaleRange.maximum) }
        if noIntensity { policy.intensity = false }
        if noNoise { policy.noise = false }
        if noBlur { policy.blur = false }
        if noColour { policy.colour = false }
        options.augmentation = policy
        options.eightBitIntensity = eightBit.rule
        options.precision = precision
        options.head = head
        options.classWeights = classWeights?.values
        do {
            let display = TrainingDisplay()
            InterruptSignal.install()
            let result = try TrainingRun.run(options: options, mode: resume ? .resume : overwrite ? .overwrite : .new, writeReport: !noReport,
                                             shouldStop: { InterruptSignal.isRequested }, events: display.handle)
            display.finish(result)
            // 128 + SIGINT, as a shell reports a Ctrl-C: `train && next` does not go on.
            if result.training.interrupted { throw ExitCode(130) }
        } catch let exit as ExitCode {
            throw exit
        } catch {
            throw userFailure(error)
        }
    }
}

/// Prints training events Keras style: a live line per step, a closing line per epoch.
final class TrainingDisplay: @unchecked Sendable {
    private var lastDraw = Date.distantPast
    private var stepsPerEpoch = 0
    private let interactive = isatty(STDOUT_FILENO) != 0

    func handle(_ event: TrainingEvent) {
        switch event {
        case let .loading(done, total):
            if interactive || done == total { redraw("loading images \(done)/\(total)", final: done == total) }
        case let .started(items, validation, steps, firstEpoch, epochs):
            stepsPerEpoch = steps
            print("training on \(items) items per epoch (\(steps) steps), validating on \(validation) items; epochs \(firstEpoch)...\(epochs)")
        case let .step(epoch, step, steps, loss, accuracy, elapsed):
            if step == 1 { print("Epoch \(epoch)") }
            if interactive, Date().timeIntervalSince(lastDraw) > 0.2 || step == steps {
                redraw(ProgressFormatter.stepLine(step: step, steps: steps, elapsed: elapsed, loss: loss, accuracy: accuracy), final: false)
            }
        case let .epochEnded(record, improved):
            redraw(ProgressFormatter.epochLine(record, steps: stepsPerEpoch) + (improved ? " (best)" : ""), final: true)
        case let .earlyStopped(epoch, bestEpoch):
            print("early stopping after epoch \(epoch): val_loss has not improved since epoch \(bestEpoch); restoring its weights")
        case let .interrupted(epoch, step, path):
            print("\ninterrupted during epoch \(epoch) at step \(step); weights saved to \(path); continue with --resume")
        case let .note(text):
            print(text)
        }
        fflush(nil)
    }

    func finish(_ result: TrainingRunResult) {
        for line in result.summaryLines { print(line) }
    }

    private func redraw(_ line: String, final: Bool) {
        if interactive { print("\r\u{1B}[2K" + line, terminator: final ? "\n" : "") } else if final { print(line) }
        lastDraw = Date()
    }
}

/// `--augmentation`: a named `AugmentationPolicy`.
enum AugmentationPreset: String, ExpressibleByArgument, CaseIterable {
    case seed, full, none
    var policy: AugmentationPolicy {
        switch self {
        case .seed: return .seed
        case .full: return .full
        case .none: return .none
        }
    }
}

/// `--scale-range MIN,MAX`.
struct ScaleRange: ExpressibleByArgument {
    var minimum: Double
    var maximum: Double
    init?(argument: String) {
        let parts = argument.split(separator: ",").compactMap { Double($0.trimmingCharacters(in: .whitespaces)) }
        guard parts.count == 2, parts[0] > 0, parts[0] <= parts[1], parts[1].isFinite else { return nil }
        (minimum, maximum) = (parts[0], parts[1])
    }
}

/// `--eight-bit`: how 8-bit images map to [0, 1].
enum EightBitRule: String, ExpressibleByArgument, CaseIterable {
    case range, percentiles
    var rule: NormalizationSpec.IntensityRule {
        switch self {
        case .range: return .fullRange
        case .percentiles: return NormalizationSpec.IntensityRule.percentiles(low: 1, high: 99.8)
        }
    }
}

/// `--class-weights 1,1,3`: positive finite numbers.
struct ClassWeights: ExpressibleByArgument {
    var values: [Float]
    init?(argument: String) {
        let parts = argument.split(separator: ",", omittingEmptySubsequences: false).map { Float($0.trimmingCharacters(in: .whitespaces)) }
        guard parts.count >= 2, parts.allSatisfy({ $0 != nil && $0! > 0 && $0!.isFinite }) else { return nil }
        values = parts.map { $0! }
    }
}
