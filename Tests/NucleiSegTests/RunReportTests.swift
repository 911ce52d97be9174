import Foundation
import NucleiSeg
import Testing

@Suite struct RunReportTests {
    @Test func pageIsBuiltFromTheRunFolderAlone() throws {
        let root = TestResources.temporaryFolder("run-report")
        let paths = RunFolder.Paths(root: root)
        try Data("epoch,loss,accuracy,val_loss,val_accuracy,val_iou,seconds\n1,0.5,0.8,0.25,0.9,0.7,2.0\n2,0.4,0.85,0.125,0.95,0.75,2.5\n".utf8)
            .write(to: paths.history)
        try ModelCheckpoint.save(model: UNet(seed: 1), metadata: ["sampling": "crops", "best_epoch": "2", "best_val_loss": "0.125"],
                                 to: paths.model)
        let page = try RunReport.write(runDirectory: root)
        #expect(page == paths.report)
        let html = try String(contentsOf: page, encoding: .utf8)
        // The facts from the model's metadata, the history with four decimals, the curves.
        #expect(html.contains("crops") && html.contains("best epoch") && html.contains("0.1250"))
        #expect(html.contains("0.9500") && html.contains("0.7500"))
        #expect(FileManager.default.fileExists(atPath: paths.figures.appendingPathComponent("loss.png").path))
        #expect(FileManager.default.fileExists(atPath: paths.figures.appendingPathComponent("accuracy.png").path))
    }

    @Test func folderWithoutHistoryIsNotARun() {
        let root = TestResources.temporaryFolder("run-report-empty")
        #expect(throws: ReportError.self) { try RunReport.write(runDirectory: root) }
    }
}
