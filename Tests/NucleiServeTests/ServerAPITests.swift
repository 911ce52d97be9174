import Foundation
import Testing
import NucleiSeg
import NucleiImaging
import NucleiServe

/// The JSON API through a real HTTP client against a server the test starts.
@Suite(.serialized) struct ServerAPITests {
    @Test func goodImageGivesWhatPredictWrites() async throws {
        let (expected, expectedFolder) = try TestImages.expected(TestImages.first)
        let stem = TestImages.first.deletingPathExtension().lastPathComponent
        let folder = try await TestServer.with { base, server in
            let health = try await TestServer.get(base, "/api/health")
            #expect(health.status == 200)
            #expect(health.text.contains("\"status\":\"ok\""))

            let reply = try await TestServer.segment(base, image: try Data(contentsOf: TestImages.first), name: stem + ".png")
            #expect(reply.status == 200, "\(reply.text)")
            let result = try reply.json(SegmentationResponse.self)
            #expect(result.count == expected.nuclei)
            #expect(result.count > 10)  // the image has 28 hand-labelled nuclei
            #expect(result.width == 256 && result.height == 256)
            #expect(result.rows.count == result.count)
            #expect(result.columns.first == "label" && result.columns.contains("area"))

            // Every output is byte for byte what predict wrote.
            for (kind, suffix) in [("labels", "_labels.png"), ("mask", "_mask.png"), ("overlay", "_overlay.png"), ("csv", "_nuclei.csv"),
                                   ("tiff", "_labels.tif"), ("rois", "_rois.zip"), ("geojson", "_nuclei.geojson")] {
                let path = try #require(result.files[kind])
                let file = try await TestServer.get(base, path + "?download=1")
                #expect(file.status == 200)
                #expect(file.body == (try Data(contentsOf: expectedFolder.appendingPathComponent(stem + suffix))), "\(kind)")
                #expect(file.headers["content-disposition"] == "attachment; filename=\"\(stem + suffix)\"")
            }
            // The labels decode to `count` nuclei, as the measurements' rows say.
            let labels = try await TestServer.get(base, result.files["labels"]!)
            let decoded = try PNGCodec.decode(Array(labels.body), path: "labels.png")
            #expect(decoded.bitDepth == 16)
            #expect(Int(decoded.samples.max() ?? 0) == result.count)

            let zip = try await TestServer.get(base, result.files["zip"]!)
            #expect(zip.status == 200)
            #expect(zip.headers["content-type"] == "application/zip")
            #expect(zip.body.starts(with: [0x50, 0x4B, 0x03, 0x04]))
            for suffix in ["_labels.png", "_mask.png", "_overlay.png", "_nuclei.csv"] {
                #expect(zip.body.range(of: Data((stem + suffix).utf8)) != nil)
            }
            let again = try await TestServer.get(base, "/api/results/\(result.id)")
            #expect(try again.json(SegmentationResponse.self) == result)

            // The upload is gone once answered; the results stay until the server stops.
            let uploads = try FileManager.default.contentsOfDirectory(atPath: server.temporaryFolder.appendingPathComponent("uploads").path)
            #expect(uploads.isEmpty)
            return server.temporaryFolder
        }
        #expect(!FileManager.default.fileExists(atPath: folder.path), "the temporary folder is removed at exit")
    }

    /// A 16-bit grayscale PNG (the image's first channel times 257) goes through as in predict.
    @Test func sixteenBitImageGivesWhatPredictWrites() async throws {
        let source = try ImageFile.read(TestImages.first)
        let gray = (0..<(source.width * source.height)).map { source.samples[$0 * source.channels] * 257 }
        let image = PixelImage(width: source.width, height: source.height, channels: 1, bitDepth: 16, samples: gray)
        let file = TestImages.temporaryFolder("sixteen").appendingPathComponent("gray16.png")
        try Data(try PNGCodec.encode(image)).write(to: file)
        let (expected, expectedFolder) = try TestImages.expected(file)
        try await TestServer.with { base, _ in
            let reply = try await TestServer.segment(base, image: try Data(contentsOf: file), name: "gray16.png")
            #expect(reply.status == 200, "\(reply.text)")
            let result = try reply.json(SegmentationResponse.self)
            #expect(result.count == expected.nuclei && result.count > 10)
            let labels = try await TestServer.get(base, result.files["labels"]!)
            #expect(labels.body == (try Data(contentsOf: expectedFolder.appendingPathComponent("gray16_labels.png"))))
        }
    }

    @Test func optionsChangeTheResultAsTheyDoInPredict() async throws {
        var options = try TestImages.shippedDefaults().predictionOptions
        options.instances.splitTouching = false
        options.instances.minimumArea = 40
        let (expected, _) = try TestImages.expected(TestImages.first, options: options)
        try await TestServer.with { base, _ in
            let reply = try await TestServer.segment(base, image: try Data(contentsOf: TestImages.first), name: "a.png", query: "split=false&min_area=40")
            #expect(reply.status == 200)
            let result = try reply.json(SegmentationResponse.self)
            #expect(result.count == expected.nuclei)
            #expect(!result.settings.splitTouching && result.settings.minimumArea == 40)
            #expect(result.rows.allSatisfy { ($0[1] ?? 0) >= 40 })

            let bad = try await TestServer.segment(base, image: try Data(contentsOf: TestImages.first), name: "a.png", query: "threshold=2")
            #expect(bad.status == 400)
            #expect(bad.errorMessage == "option threshold=2 is not valid: expected a probability from 0 up to (not including) 1")
            let badDiameter = try await TestServer.segment(base, image: try Data(contentsOf: TestImages.first), name: "a.png", query: "diameter=-4")
            #expect(badDiameter.status == 400)
            #expect(badDiameter.errorMessage == "option diameter=-4 is not valid: expected auto or a diameter in pixels above 0")
        }
    }

    /// `diameter` scales the image as `predict --diameter` does (or is refused, by the CLI's
    /// message, for a model that records no training diameter).
    @Test func diameterIsPredictsOwn() async throws {
        let segmenter = try ShippedModel.segmenter(path: nil)
        try await TestServer.with { base, _ in
            let reply = try await TestServer.segment(base, image: try Data(contentsOf: TestImages.first), name: "a.png", query: "diameter=10")
            if segmenter.modelDiameter == nil {
                #expect(reply.status == 422)
                #expect(reply.errorMessage?.contains("nucleus diameter") == true, "\(reply.text)")
            } else {
                #expect(reply.status == 200, "\(reply.text)")
                try segmenter.useDiameter(.pixels(10), modelPath: "shipped")
                let folder = TestImages.temporaryFolder("expected-diameter")
                let expected = try PredictionWriter.predict(TestImages.first, segmenter: segmenter, outputDirectory: folder,
                                                            options: SegmentationSettings(defaults: segmenter.postProcessing).predictionOptions)
                #expect(expected.scale != 1)
                #expect(try reply.json(SegmentationResponse.self).count == expected.nuclei)
                #expect(try reply.json(SegmentationResponse.self).settings.diameter == "10")
            }
        }
    }

    /// The message of a corrupt file is the CLI's, with the file's own name; the server goes on.
    @Test(arguments: ["garbage", "truncated"]) func corruptImageGetsTheCLIMessage(kind: String) async throws {
        let good = try Data(contentsOf: TestImages.first)
        let bytes = kind == "garbage" ? Data("this is not an image at all".utf8) : good.prefix(2_000)
        let local = TestImages.temporaryFolder("corrupt-\(kind)").appendingPathComponent("broken.png")
        try bytes.write(to: local)
        var cliMessage = ""
        do {
            _ = try ImageFile.read(local)
            Issue.record("the corrupt file was read")
        } catch {
            cliMessage = UserMessage.text(for: error).replacingOccurrences(of: local.deletingLastPathComponent().path + "/", with: "")
        }
        #expect(cliMessage.hasPrefix("broken.png: "))
        try await TestServer.with { base, server in
            let reply = try await TestServer.segment(base, image: bytes, name: "broken.png")
            #expect(reply.status == 422)
            #expect(reply.errorMessage == cliMessage)
            #expect(!(reply.errorMessage ?? "").contains(server.temporaryFolder.path))
            let after = try await TestServer.segment(base, image: good, name: "good.png")
            #expect(after.status == 200)
            let results = try FileManager.default.contentsOfDirectory(atPath: server.temporaryFolder.appendingPathComponent("results").path)
            #expect(results.count == 1, "the failed request left no result folder")
        }
    }

    /// A form upload (what `curl -F image=@FILE` sends): the file part is the image, its file name names the outputs.
    @Test func multipartFormUploadIsTheSameAsARawBody() async throws {
        let (expected, _) = try TestImages.expected(TestImages.first)
        let image = try Data(contentsOf: TestImages.first)
        let boundary = "----nucleiseg-test-7MA4YWxkTrZu0gW"
        var form = Data("--\(boundary)\r\nContent-Disposition: form-data; name=\"note\"\r\n\r\nnot the image\r\n".utf8)
        form += Data("--\(boundary)\r\nContent-Disposition: form-data; name=\"image\"; filename=\"cells 1.png\"\r\nContent-Type: image/png\r\n\r\n".utf8)
        form += image
        form += Data("\r\n--\(boundary)--\r\n".utf8)
        try await TestServer.with { base, _ in
            let url = URL(string: base.absoluteString + "/api/segment")!
            let reply = try await TestServer.request("POST", url, body: form, contentType: "multipart/form-data; boundary=\"\(boundary)\"")
            #expect(reply.status == 200, "\(reply.text)")
            let result = try reply.json(SegmentationResponse.self)
            #expect(result.count == expected.nuclei)
            #expect(result.name == "cells_1.png")
            #expect(result.fileNames["labels"] == "cells_1_labels.png")

            let noFile = Data("--\(boundary)\r\nContent-Disposition: form-data; name=\"note\"\r\n\r\nhello\r\n--\(boundary)--\r\n".utf8)
            let bad = try await TestServer.request("POST", url, body: noFile, contentType: "multipart/form-data; boundary=\(boundary)")
            #expect(bad.status == 400)
            #expect(bad.errorMessage == ServeError.malformedForm(reason: "it has no file part (a field with a filename)").description)
        }
    }

    @Test func emptyAndMissingAreClear() async throws {
        try await TestServer.with { base, _ in
            let empty = try await TestServer.segment(base, image: Data(), name: "x.png")
            #expect(empty.status == 400)
            #expect(empty.errorMessage == ServeError.emptyUpload.description)
            let missing = try await TestServer.get(base, "/api/results/0001-nope/labels.png")
            #expect(missing.status == 404)
        }
    }

    @Test(arguments: [false, true]) func oversizedUploadIsRefused(streamed: Bool) async throws {
        let image = try Data(contentsOf: TestImages.first)  // 40 kB
        let limit = 16_384
        try await TestServer.with(maxUploadBytes: limit) { base, server in
            let reply = try await TestServer.segment(base, image: image, name: "big.png", streamed: streamed)
            #expect(reply.status == 413)
            let expected = streamed ? ServeError.uploadTooLarge(bytes: nil, limit: limit) : .uploadTooLarge(bytes: image.count, limit: limit)
            #expect(reply.errorMessage == expected.description)
            #expect(expected.description.contains("over this server's limit of 16 kB (start it with --max-upload-mb to change it)"))
            let uploads = (try? FileManager.default.contentsOfDirectory(atPath: server.temporaryFolder.appendingPathComponent("uploads").path)) ?? []
            #expect(uploads.isEmpty)
            // A small image still goes through.
            let small = try await TestServer.segment(base, image: try Data(contentsOf: TestImages.second).prefix(limit), name: "cut.png")
            #expect(small.status == 422)
        }
    }

    @Test func twoConcurrentRequestsEachGetTheirOwnResult() async throws {
        let (first, _) = try TestImages.expected(TestImages.first)
        let (second, _) = try TestImages.expected(TestImages.second)
        #expect(first.nuclei != second.nuclei)
        try await TestServer.with { base, _ in
            async let a = TestServer.segment(base, image: try Data(contentsOf: TestImages.first), name: "first.png")
            async let b = TestServer.segment(base, image: try Data(contentsOf: TestImages.second), name: "second.png")
            let (replyA, replyB) = try await (a, b)
            #expect(replyA.status == 200 && replyB.status == 200)
            let resultA = try replyA.json(SegmentationResponse.self), resultB = try replyB.json(SegmentationResponse.self)
            #expect(resultA.count == first.nuclei)
            #expect(resultB.count == second.nuclei)
            #expect(resultA.id != resultB.id)
            #expect(resultA.name == "first.png" && resultB.name == "second.png")
            let archive = try await TestServer.get(base, "/api/archive?ids=\(resultA.id),\(resultB.id)")
            #expect(archive.status == 200)
            #expect(archive.body.range(of: Data("first_labels.png".utf8)) != nil)
            #expect(archive.body.range(of: Data("second_labels.png".utf8)) != nil)
        }
    }

    /// The model's queue is not Swift's thread pool: the page and the health check answer while
    /// an image is being segmented, and the health check counts it.
    @Test func serverAnswersWhileAnImageRuns() async throws {
        let image = try Data(contentsOf: TestImages.dsb("0ea221716cf13710214dcd331a61cea48308c3940df1d28cfc7fd817c83714e1"))  // 696x520
        try await TestServer.with { base, _ in
            let clock = ContinuousClock()
            let started = clock.now
            let segmentation = Task { () -> (TestServer.Reply, ContinuousClock.Instant) in
                let reply = try await TestServer.segment(base, image: image, name: "slow.png")
                return (reply, clock.now)
            }
            var sawRunning = false
            var answeredWhileRunning: ContinuousClock.Instant?
            for _ in 0..<400 where !sawRunning {
                let health = try await TestServer.get(base, "/api/health")
                if health.text.contains("\"waiting\":1") {
                    sawRunning = true
                    let page = try await TestServer.get(base, "/")
                    #expect(page.status == 200)
                    answeredWhileRunning = clock.now
                }
                try await Task.sleep(for: .milliseconds(10))
            }
            let (reply, finished) = try await segmentation.value
            #expect(reply.status == 200)
            #expect(sawRunning, "the health check saw the request waiting on the model")
            if let answeredWhileRunning { #expect(answeredWhileRunning < finished && answeredWhileRunning > started) }
        }
    }

    @Test func oldestResultIsDeletedPastTheLimit() async throws {
        let image = try Data(contentsOf: TestImages.first)
        try await TestServer.with(keptResults: 1) { base, server in
            let first = try await TestServer.segment(base, image: image, name: "one.png").json(SegmentationResponse.self)
            let second = try await TestServer.segment(base, image: image, name: "two.png").json(SegmentationResponse.self)
            #expect(try await TestServer.get(base, first.files["labels"]!).status == 404)
            #expect(try await TestServer.get(base, second.files["labels"]!).status == 200)
            let folders = try FileManager.default.contentsOfDirectory(atPath: server.temporaryFolder.appendingPathComponent("results").path)
            #expect(folders == [second.id])
        }
    }

    /// A folder left by a server that was killed (its process is gone) is removed by the next one.
    @Test func abandonedFolderOfADeadServerIsRemoved() async throws {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/bin/true")
        try process.run()
        process.waitUntilExit()
        let dead = FileManager.default.temporaryDirectory.appendingPathComponent("nucleiseg-serve-\(process.processIdentifier)-abcdef")
        try FileManager.default.createDirectory(at: dead.appendingPathComponent("uploads/0001-x"), withIntermediateDirectories: true)
        let alive = FileManager.default.temporaryDirectory.appendingPathComponent("nucleiseg-serve-\(getpid())-keepme")
        try FileManager.default.createDirectory(at: alive, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: alive) }
        try await TestServer.with { _, server in
            #expect(!FileManager.default.fileExists(atPath: dead.path))
            #expect(FileManager.default.fileExists(atPath: alive.path), "a folder of a running process is left alone")
            let attributes = try FileManager.default.attributesOfItem(atPath: server.temporaryFolder.path)
            #expect((attributes[.posixPermissions] as? NSNumber)?.intValue == 0o700)
        }
    }

    /// DNS rebinding (a foreign name in Host) and cross-site posts (a foreign Origin) are refused.
    @Test func foreignHostAndOriginAreRefused() async throws {
        try await TestServer.with { base, _ in
            func get(_ headers: [String: String]) async throws -> TestServer.Reply {
                try await TestServer.request("GET", URL(string: base.absoluteString + "/api/health")!, headers: headers)
            }
            let rebinding = try await get(["Host": "evil.example:8080"])
            #expect(rebinding.status == 403)
            #expect(rebinding.errorMessage?.contains("'evil.example:8080'") == true)
            #expect(try await get(["Origin": "http://evil.example"]).status == 403)
            #expect(try await get(["Host": "localhost:1234"]).status == 200)
            #expect(try await get(["Origin": base.absoluteString]).status == 200)
            #expect(try await get(["Host": "[::1]:80", "Origin": "http://localhost:3"]).status == 200)
        }
    }

    @Test func pageIsSelfContained() async throws {
        try await TestServer.with { base, _ in
            let page = try await TestServer.get(base, "/")
            #expect(page.status == 200)
            #expect(page.headers["content-type"] == "text/html; charset=utf-8")
            #expect(page.text.contains("<script>") && page.text.contains("/api/segment"))
            #expect(!page.text.contains("http://") && !page.text.contains("https://"), "no resource from another host")
            #expect(!page.text.contains("<script src") && !page.text.contains("<link"))
        }
    }
}
