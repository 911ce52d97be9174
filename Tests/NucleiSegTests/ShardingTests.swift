import Foundation
import NucleiSeg
import Testing

/// `predict --shard K/N`, `--skip-existing` and `nucleiseg merge`.
@Suite struct ShardingTests {
    @Test func shardArgumentIsKOfN() {
        #expect(PredictionShard(argument: "2/4") == PredictionShard(index: 2, count: 4))
        #expect(PredictionShard(argument: "1/1") == PredictionShard(index: 1, count: 1))
        for bad in ["0/4", "5/4", "a/4", "4", "1/0", "-1/3", "1/2/3", "/3", "2/"] {
            #expect(PredictionShard(argument: bad) == nil, "\(bad)")
        }
    }

    @Test func everyThirdImageBySortedPathWhateverTheGivenOrder() {
        // img00 … img09 given shuffled: sorted index i goes to shard i mod 3 + 1.
        let order = [7, 2, 9, 0, 4, 1, 8, 3, 6, 5]
        let inputs = PredictionInputs(files: order.map { URL(fileURLWithPath: String(format: "/data/img%02d.png", $0)) }).inputs
        func stems(_ k: Int) -> [String] { PredictionShard(index: k, count: 3).select(inputs).map(\.stem) }
        #expect(stems(1) == ["img00", "img03", "img06", "img09"])
        #expect(stems(2) == ["img01", "img04", "img07"])
        #expect(stems(3) == ["img02", "img05", "img08"])
        #expect(PredictionShard(index: 1, count: 1).select(inputs).map(\.stem) == (0..<10).map { String(format: "img%02d", $0) })
        // More shards than images: the last ones are empty.
        #expect(PredictionShard(index: 11, count: 12).select(inputs).isEmpty)
        #expect(PredictionShard(index: 10, count: 12).select(inputs).map(\.stem) == ["img09"])
    }

    @Test func stemsAreChosenOverAllInputsBeforeSharding() {
        // Two x.png in different folders: both shards name them as the whole run does.
        let inputs = PredictionInputs(files: [URL(fileURLWithPath: "/b/x.png"), URL(fileURLWithPath: "/a/x.png")]).inputs
        #expect(PredictionShard(index: 1, count: 2).select(inputs).map(\.stem) == ["a_x_png"])
        #expect(PredictionShard(index: 2, count: 2).select(inputs).map(\.stem) == ["b_x_png"])
    }

    @Test func outputNamesFollowTheFormats() {
        var options = PredictionOptions()
        #expect(PredictionWriter.outputNames(stem: "s", options: options) == ["s_mask.png", "s_labels.png", "s_nuclei.csv", "s_overlay.png"])
        options.formats = [.tiff, .geojson]
        options.writeOverlay = false
        #expect(PredictionWriter.outputNames(stem: "s", options: options) == ["s_labels.tif", "s_nuclei.csv", "s_nuclei.geojson"])
    }

    @Test func outputNamesAreWhatPredictWrites() throws {
        let folder = TestResources.temporaryFolder("shard-names")
        let input = folder.appendingPathComponent("cells.png")
        var generator = SeededGenerator(seed: 3)
        try PNGCodec.write(PixelImage(width: 48, height: 40, channels: 1, bitDepth: 8,
                                      samples: (0..<(48 * 40)).map { _ in UInt16(generator.nextInt(below: 256)) }), to: input)
        let segmenter = Segmenter(model: UNet(seed: 2), normalization: .standard, mode: .resize)
        for (formats, overlay) in [(Set(PredictionFormat.allCases), true), (Set([PredictionFormat.png]), false)] {
            var options = PredictionOptions()
            options.formats = formats
            options.writeOverlay = overlay
            let output = folder.appendingPathComponent("out-\(overlay)")
            let result = try PredictionWriter.predict(input, segmenter: segmenter, outputDirectory: output, options: options)
            #expect(result.files.map(\.lastPathComponent) == PredictionWriter.outputNames(stem: "cells", options: options))
            #expect(PredictionWriter.hasCompleteOutputs(stem: "cells", in: output, options: options))
        }
    }

    @Test func skipNeedsEveryFileOfTheSet() throws {
        let folder = TestResources.temporaryFolder("shard-skip")
        let options = PredictionOptions()
        for name in ["s_mask.png", "s_labels.png", "s_nuclei.csv"] { try Data("x".utf8).write(to: folder.appendingPathComponent(name)) }
        #expect(!PredictionWriter.hasCompleteOutputs(stem: "s", in: folder, options: options))
        // A folder of the overlay's name is not the overlay.
        try FileManager.default.createDirectory(at: folder.appendingPathComponent("s_overlay.png"), withIntermediateDirectories: false)
        #expect(!PredictionWriter.hasCompleteOutputs(stem: "s", in: folder, options: options))
        try FileManager.default.removeItem(at: folder.appendingPathComponent("s_overlay.png"))
        try Data("x".utf8).write(to: folder.appendingPathComponent("s_overlay.png"))
        #expect(PredictionWriter.hasCompleteOutputs(stem: "s", in: folder, options: options))
        // Asking for one more format now: that image is predicted again.
        var tiff = options
        tiff.formats = [.png, .tiff]
        #expect(!PredictionWriter.hasCompleteOutputs(stem: "s", in: folder, options: tiff))
        // Another stem, or a temporary file of an unfinished set, does not count.
        #expect(!PredictionWriter.hasCompleteOutputs(stem: "t", in: folder, options: options))
    }

    static let header = NucleusMeasurements.csvHeader

    func writeRun(_ folder: URL, _ files: [String: String]) throws {
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        for (name, text) in files { try Data(text.utf8).write(to: folder.appendingPathComponent(name)) }
    }

    @Test func mergeJoinsRunsWithAnImageColumn() throws {
        let folder = TestResources.temporaryFolder("shard-merge")
        let run1 = folder.appendingPathComponent("run1"), run2 = folder.appendingPathComponent("run2")
        try writeRun(run1, [
            "b_nuclei.csv": Self.header + "\n1,30,4.000,5.000,1,2,6,7,100.0000\n2,12,9.500,1.250,8,0,3,4,\n",
            "empty_nuclei.csv": Self.header + "\n",
            "b_mask.png": "not read",
            ".c_nuclei.csv.77.tmp": "an unfinished set's temporary",
        ])
        try writeRun(run2, [
            "a,1_nuclei.csv": Self.header + ",area_um2,centroid_x_um,centroid_y_um\n1,40,2.000,3.000,0,0,5,5,7.5000,10,1,1.5\n",
        ])
        let (csv, summary) = try MeasurementMerge.merge(runs: [run1, run2])
        #expect(csv == """
            image,\(Self.header),area_um2,centroid_x_um,centroid_y_um
            "a,1",1,40,2.000,3.000,0,0,5,5,7.5000,10,1,1.5
            b,1,30,4.000,5.000,1,2,6,7,100.0000,,,
            b,2,12,9.500,1.250,8,0,3,4,,,,

            """)
        #expect(summary == MeasurementMerge.Summary(images: 3, nuclei: 3, imagesWithoutNuclei: 1, runs: [
            .init(path: run1.path, images: 2, nuclei: 2), .init(path: run2.path, images: 1, nuclei: 1),
        ]))

        let out = folder.appendingPathComponent("merged")
        try MeasurementMerge.write(runs: [run1, run2], to: out)
        #expect(try String(contentsOf: out.appendingPathComponent("nuclei.csv"), encoding: .utf8) == csv)
        let json = try JSONSerialization.jsonObject(with: Data(contentsOf: out.appendingPathComponent("summary.json"))) as? [String: Any]
        #expect(json?["images"] as? Int == 3 && json?["nuclei"] as? Int == 3 && json?["images_without_nuclei"] as? Int == 1)
    }

    @Test func mergeRefusesWhatIsNotARunWithTheirPaths() throws {
        let folder = TestResources.temporaryFolder("shard-merge-bad")
        let good = folder.appendingPathComponent("good"), twin = folder.appendingPathComponent("twin")
        try writeRun(good, ["a_nuclei.csv": Self.header + "\n1,30,4.000,5.000,1,2,6,7,1.0000\n"])
        try writeRun(twin, ["a_nuclei.csv": Self.header + "\n"])
        let cases: [([URL], MergeError)] = [
            ([good, twin], .duplicateImage(image: "a", first: good.appendingPathComponent("a_nuclei.csv").path,
                                           second: twin.appendingPathComponent("a_nuclei.csv").path)),
            ([folder.appendingPathComponent("absent")], .notARun(path: folder.appendingPathComponent("absent").path, reason: "no such file or folder")),
            ([good.appendingPathComponent("a_nuclei.csv")], .notARun(path: good.appendingPathComponent("a_nuclei.csv").path, reason: "is a file")),
        ]
        for (runs, expected) in cases {
            #expect(throws: expected) { try MeasurementMerge.merge(runs: runs) }
        }
        let empty = folder.appendingPathComponent("empty")
        try writeRun(empty, ["a.png": "x"])
        #expect(throws: MergeError.noMeasurements(path: empty.path)) { try MeasurementMerge.merge(runs: [empty]) }

        let broken = folder.appendingPathComponent("broken")
        try writeRun(broken, ["x_nuclei.csv": "id,size\n1,2\n"])
        #expect(throws: MergeError.notMeasurements(path: broken.appendingPathComponent("x_nuclei.csv").path,
                                                   reason: "header 'id,size' is not a measurements header")) { try MeasurementMerge.merge(runs: [broken]) }
        let short = folder.appendingPathComponent("short")
        try writeRun(short, ["x_nuclei.csv": Self.header + "\n1,30,4.000\n"])
        #expect(throws: MergeError.notMeasurements(path: short.appendingPathComponent("x_nuclei.csv").path,
                                                   reason: "line 2 has 3 fields, the header 9")) { try MeasurementMerge.merge(runs: [short]) }
        // Nothing written on failure.
        let out = folder.appendingPathComponent("merged")
        #expect(throws: MergeError.self) { try MeasurementMerge.write(runs: [good, twin], to: out) }
        #expect(!FileManager.default.fileExists(atPath: out.path))
    }

    @Test func commandLineShardsResumesAndMerges() throws {
        let folder = TestResources.temporaryFolder("shard-cli")
        let images = folder.appendingPathComponent("images")
        try FileManager.default.createDirectory(at: images, withIntermediateDirectories: true)
        var generator = SeededGenerator(seed: 8)
        for name in ["c", "a", "b"] {
            try PNGCodec.write(PixelImage(width: 40, height: 32, channels: 1, bitDepth: 8,
                                          samples: (0..<(40 * 32)).map { _ in UInt16(generator.nextInt(below: 256)) }),
                               to: images.appendingPathComponent(name + ".png"))
        }
        let cli = CommandLineTests()
        let out = folder.appendingPathComponent("out").path
        for bad in ["0/2", "3/2", "x"] {
            let outcome = try cli.run(["predict", images.path, "--output", out, "--shard", bad])
            #expect(outcome.status != 0 && outcome.error.contains("--shard: '\(bad)'"), "\(outcome.error)")
        }
        // Part 1 of 2 is a and c (sorted indices 0 and 2), part 2 is b.
        let first = try cli.run(["predict", images.path, "--output", out, "--shard", "1/2", "--skip-existing"])
        #expect(first.status == 0, "\(first.error)")
        #expect(first.output.contains("shard 1/2: 2 of 3 images"))
        let written = try FileManager.default.contentsOfDirectory(atPath: out).filter { $0.hasSuffix("_nuclei.csv") }.sorted()
        #expect(written == ["a_nuclei.csv", "c_nuclei.csv"])
        let again = try cli.run(["predict", images.path, "--output", out, "--skip-existing"])
        #expect(again.status == 0, "\(again.error)")
        #expect(again.output.components(separatedBy: "skipped, its outputs are present").count - 1 == 2)
        #expect(again.output.contains("wrote results for 1 of 3 images to \(out) (2 skipped: outputs present)"))
        let merged = folder.appendingPathComponent("merged").path
        let merge = try cli.run(["merge", out, "--output", merged])
        #expect(merge.status == 0, "\(merge.error)")
        let summary = try JSONSerialization.jsonObject(with: Data(merge.output.utf8)) as? [String: Any]
        #expect(summary?["images"] as? Int == 3)
        let missing = try cli.run(["merge", folder.appendingPathComponent("nowhere").path, "--output", merged])
        #expect(missing.status != 0 && missing.error.contains(folder.appendingPathComponent("nowhere").path))
    }
}
