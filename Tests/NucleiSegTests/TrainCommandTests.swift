import Foundation
import NucleiSeg
import Testing

/// `nucleiseg train` refuses to test a model on its own training images.
@Suite struct TrainCommandTests {
    @Test func testDataThatIsATrainingFolderIsRefusedBeforeAnyWork() throws {
        let data = try SyntheticDataset.make(name: "cli-train-testdata", size: 64, counts: ["train": 4])
        let output = TestResources.temporaryFolder("cli-train-testdata-run").appendingPathComponent("run")
        let outcome = try CommandLineTests().run(["train", "--data", data.path, "--test-data", data.path + "/", "--output", output.path,
                                                  "--epochs", "1", "--input-size", "64"])
        #expect(outcome.status != 0)
        #expect(outcome.error.contains(data.path + "/") && outcome.error.contains("test folder"), "\(outcome.error)")
        #expect(!FileManager.default.fileExists(atPath: output.path))
    }
}
