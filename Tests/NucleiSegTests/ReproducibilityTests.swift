import Foundation
import NucleiSeg
import Testing

/// Issue 12, case 4 and the kill -9 checks: the same seed, data and options give bit-identical
/// training in separate processes, however loaded the machine, and a run killed mid-epoch or
/// mid-checkpoint-write, then resumed, ends exactly where the uninterrupted run does.
@Suite(.serialized) struct ReproducibilityTests {
    static let epochs = 3

    /// Tiny float32 training (the precision whose kernels have a layout choice): 64x64 inputs,
    /// 6 + 2 images, batch 2, 3 epochs (a few seconds each).
    static func arguments(data: URL, run: String, epochs: Int = epochs) -> [String] {
        ["train", "--data", data.path, "--output", run, "--input-size", "64", "--batch-size", "2", "--epochs", String(epochs),
         "--precision", "float32", "--seed", "7", "--no-report"]
    }

    static func start(_ arguments: [String], environment: [String: String] = [:]) throws -> Process {
        let process = Process()
        process.executableURL = CommandLineTests.executable
        process.arguments = arguments
        process.environment = ProcessInfo.processInfo.environment.merging(environment) { $1 }
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        return process
    }

    /// Every figure of every epoch except the wall-clock seconds.
    static func history(_ run: String) throws -> [[Double]] {
        TrainingHistory.parse(try String(contentsOfFile: run + "/history.csv", encoding: .utf8)).map {
            [Double($0.epoch), $0.loss, $0.accuracy, $0.validationLoss, $0.validationAccuracy, $0.validationIoU]
        }
    }

    /// The bit patterns of every tensor of a checkpoint (weights and Adam moments), by key.
    static func tensors(_ path: String) throws -> [String: [UInt32]] {
        try SafeTensorsFile(contentsOf: URL(fileURLWithPath: path)).tensors.mapValues { $0.scalars.map(\.bitPattern) }
    }

    /// Processes that keep every core busy while they live.
    static func burners() throws -> [Process] {
        try (0..<ProcessInfo.processInfo.activeProcessorCount).map { _ in
            let burner = Process()
            burner.executableURL = URL(fileURLWithPath: "/bin/sh")
            burner.arguments = ["-c", "while :; do :; done"]
            try burner.run()
            return burner
        }
    }

    static func wait(for condition: () -> Bool, while process: Process, seconds: Double = 120) {
        let deadline = Date().addingTimeInterval(seconds)
        while !condition() && process.isRunning && Date() < deadline { usleep(20_000) }
    }

    static func straightRun(_ data: URL) throws -> String {
        let run = TestResources.temporaryFolder("repro-straight").path
        let process = try start(arguments(data: data, run: run))
        process.waitUntilExit()
        #expect(process.terminationStatus == 0)
        return run
    }

    @Test func sameSeedIsBitIdenticalAcrossProcessesAndLoad() throws {
        let data = try SyntheticDataset.make(name: "repro-load", counts: ["train": 6, "val": 2])
        let quiet = try Self.straightRun(data)
        let loaded = TestResources.temporaryFolder("repro-loaded").path
        let burners = try Self.burners()
        // SIGKILL: the test runner's threads may hold SIGTERM blocked, and children inherit that mask.
        defer { for burner in burners { kill(burner.processIdentifier, SIGKILL); burner.waitUntilExit() } }
        let process = try Self.start(Self.arguments(data: data, run: loaded))
        process.waitUntilExit()
        #expect(process.terminationStatus == 0)
        #expect(try Self.history(quiet).count == Self.epochs)
        #expect(try Self.history(loaded) == Self.history(quiet))
        #expect(try Self.tensors(loaded + "/checkpoints/last.safetensors") == Self.tensors(quiet + "/checkpoints/last.safetensors"))
    }

    @Test func killedMidEpochThenResumedEqualsTheUninterruptedRun() throws {
        let data = try SyntheticDataset.make(name: "repro-kill-epoch", counts: ["train": 6, "val": 2])
        let straight = try Self.straightRun(data)
        let run = TestResources.temporaryFolder("repro-kill-epoch-run").path
        let process = try Self.start(Self.arguments(data: data, run: run, epochs: 50))
        // Epoch 1 is on disk; epoch 2 is under way: kill -9 now.
        Self.wait(for: { FileManager.default.fileExists(atPath: run + "/history.csv") }, while: process)
        usleep(300_000)
        kill(process.processIdentifier, SIGKILL)
        process.waitUntilExit()
        #expect(process.terminationReason == .uncaughtSignal)
        let completed = try Self.history(run).count
        #expect(completed >= 1 && completed < Self.epochs)
        #expect(throws: Never.self) { try ModelCheckpoint.load(from: URL(fileURLWithPath: run + "/checkpoints/last.safetensors")) }
        try Self.expectResumeEqualsStraightRun(data: data, run: run, straight: straight)
    }

    /// The third checkpoint write is epoch 2's first (epoch 1 writes best and last): the process
    /// dies with half a temporary file; resuming removes it and finishes exactly.
    @Test func killedMidCheckpointWriteThenResumedEqualsTheUninterruptedRun() throws {
        let data = try SyntheticDataset.make(name: "repro-kill-write", counts: ["train": 6, "val": 2])
        let straight = try Self.straightRun(data)
        let run = TestResources.temporaryFolder("repro-kill-write-run").path
        let process = try Self.start(Self.arguments(data: data, run: run), environment: ["NUCLEISEG_TEST_KILL_IN_CHECKPOINT_WRITE": "3"])
        process.waitUntilExit()
        #expect(process.terminationReason == .uncaughtSignal)
        let checkpoints = run + "/checkpoints"
        let leftover = try FileManager.default.contentsOfDirectory(atPath: checkpoints).filter { $0.hasSuffix(".\(process.processIdentifier).tmp") }
        #expect(leftover.count == 1, "\(leftover)")
        for name in ["last", "best"] {
            #expect(throws: Never.self) { try ModelCheckpoint.load(from: URL(fileURLWithPath: "\(checkpoints)/\(name).safetensors")) }
        }
        #expect(try Self.history(run).count == 1)
        try Self.expectResumeEqualsStraightRun(data: data, run: run, straight: straight)
        #expect(try FileManager.default.contentsOfDirectory(atPath: checkpoints).filter { $0.hasSuffix(".tmp") }.isEmpty)
    }

    /// `train --resume` in `run` finishes with status 0, the history and the last weights of the
    /// uninterrupted run `straight`.
    static func expectResumeEqualsStraightRun(data: URL, run: String, straight: String,
                                              sourceLocation: SourceLocation = #_sourceLocation) throws {
        let resumed = try start(arguments(data: data, run: run) + ["--resume"])
        resumed.waitUntilExit()
        #expect(resumed.terminationStatus == 0, sourceLocation: sourceLocation)
        #expect(try history(run) == history(straight), sourceLocation: sourceLocation)
        #expect(try tensors(run + "/checkpoints/last.safetensors") == tensors(straight + "/checkpoints/last.safetensors"),
                sourceLocation: sourceLocation)
    }
}
