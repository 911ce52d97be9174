import Foundation
import NucleiSeg
import Testing

/// Issue 12, cases 5 and 8: run folders are locked, never silently replaced, and cleaned of the
/// temporary files of processes that died while writing.
@Suite struct RunFolderTests {
    @Test func secondOpenOfALockedRunFails() throws {
        let path = TestResources.temporaryFolder("runfolder-lock").path
        let first = try RunFolder(path: path, mode: .new)
        #expect(throws: TrainingError.runInUse(path: path)) { try RunFolder(path: path, mode: .resume) }
        _ = first
    }

    @Test func lockIsReleasedWithTheFolder() throws {
        let path = TestResources.temporaryFolder("runfolder-release").path
        do { _ = try RunFolder(path: path, mode: .new) }
        #expect(throws: Never.self) { _ = try RunFolder(path: path, mode: .new) }
    }

    @Test(arguments: ["history.csv", "model.safetensors", "checkpoints"])
    func existingRunIsRefusedWithoutResumeOrOverwrite(marker: String) throws {
        let folder = TestResources.temporaryFolder("runfolder-exists-\(marker)")
        if marker == "checkpoints" {
            try FileManager.default.createDirectory(at: folder.appendingPathComponent(marker), withIntermediateDirectories: true)
        } else {
            try Data("x".utf8).write(to: folder.appendingPathComponent(marker))
        }
        #expect(throws: TrainingError.runExists(path: folder.path, marker: marker)) { try RunFolder(path: folder.path, mode: .new) }
        #expect(FileManager.default.fileExists(atPath: folder.appendingPathComponent(marker).path))
        #expect(throws: Never.self) { _ = try RunFolder(path: folder.path, mode: .resume) }
        let replacing = try RunFolder(path: folder.path, mode: .overwrite)
        #expect(FileManager.default.fileExists(atPath: folder.appendingPathComponent(marker).path), "removed before training started")
        replacing.removeOldRun()
        #expect(!FileManager.default.fileExists(atPath: folder.appendingPathComponent(marker).path))
    }

    @Test func staleTemporaryFilesOfDeadProcessesAreRemoved() throws {
        let folder = TestResources.temporaryFolder("runfolder-stale")
        let checkpoints = folder.appendingPathComponent("checkpoints")
        try FileManager.default.createDirectory(at: checkpoints, withIntermediateDirectories: true)
        // A pid that surely belongs to no process: one that has just exited.
        let finished = Process()
        finished.executableURL = URL(fileURLWithPath: "/bin/true")
        try finished.run()
        finished.waitUntilExit()
        let dead = checkpoints.appendingPathComponent(".last.safetensors.\(finished.processIdentifier).tmp")
        let alive = checkpoints.appendingPathComponent(".best.safetensors.1.tmp")  // pid 1 always exists
        try Data("partial".utf8).write(to: dead)
        try Data("partial".utf8).write(to: alive)
        let run = try RunFolder(path: folder.path, mode: .resume)
        #expect(run.removedTemporaryFiles == [dead.path])
        #expect(!FileManager.default.fileExists(atPath: dead.path))
        #expect(FileManager.default.fileExists(atPath: alive.path))
    }

    @Test func trainRefusesAFinishedRunAndOverwriteReplacesIt() throws {
        let cli = CommandLineTests()
        let data = try SyntheticDataset.make(name: "runfolder-cli", size: 64, counts: ["train": 3, "val": 1])
        let run = TestResources.temporaryFolder("runfolder-cli-run").path
        let arguments = ["train", "--data", data.path, "--output", run, "--input-size", "64", "--batch-size", "2", "--epochs", "1", "--no-report"]
        #expect(try cli.run(arguments).status == 0)
        let model = try Data(contentsOf: URL(fileURLWithPath: run + "/model.safetensors"))
        let refused = try cli.run(arguments)
        #expect(refused.status != 0)
        #expect(refused.error.contains("\(run): already holds a training run") && refused.error.contains("--overwrite"), "\(refused.error)")
        #expect(try Data(contentsOf: URL(fileURLWithPath: run + "/model.safetensors")) == model)
        let both = try cli.run(arguments + ["--resume", "--overwrite"])
        #expect(both.status != 0)
        let replaced = try cli.run(arguments + ["--overwrite", "--seed", "5"])
        #expect(replaced.status == 0, "\(replaced.error)")
        #expect(TrainingHistory.parse(try String(contentsOfFile: run + "/history.csv", encoding: .utf8)).count == 1)
    }
}
