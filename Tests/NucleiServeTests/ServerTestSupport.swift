import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
import NucleiSeg
import NucleiServe

/// A real server on a free loopback port, and a real HTTP client (URLSession) talking to it.
enum TestServer {
    struct Failure: Error, CustomStringConvertible { var description: String }

    /// Starts a server with the shipped model, runs `body` with its base URL, stops it.
    static func with<Value>(maxUploadBytes: Int = 64 * 1_048_576, keptResults: Int = 200,
                            _ body: (URL, SegmentationServer) async throws -> Value) async throws -> Value {
        var configuration = ServeConfiguration()
        configuration.port = 0
        configuration.maxUploadBytes = maxUploadBytes
        configuration.keptResults = keptResults
        let server = try SegmentationServer(segmenter: try ShippedModel.segmenter(path: nil), configuration: configuration)
        let (ports, continuation) = AsyncStream<Int>.makeStream()
        let task = Task {
            defer { continuation.finish() }
            try await server.run(handleSignals: false) { port in continuation.yield(port) }
        }
        var iterator = ports.makeAsyncIterator()
        guard let port = await iterator.next() else {
            _ = await task.result
            throw Failure(description: "the server did not start")
        }
        let base = URL(string: "http://127.0.0.1:\(port)")!
        do {
            let value = try await body(base, server)
            task.cancel()
            try await task.value
            return value
        } catch {
            task.cancel()
            _ = await task.result
            throw error
        }
    }

    struct Reply {
        var status: Int
        var body: Data
        var headers: [String: String]
        var text: String { String(decoding: body, as: UTF8.self) }

        func json<Value: Decodable>(_ type: Value.Type) throws -> Value { try JSONDecoder().decode(type, from: body) }
        var errorMessage: String? { (try? JSONDecoder().decode([String: String].self, from: body))?["error"] }
    }

    static func request(_ method: String, _ url: URL, body: Data? = nil, streamed: Bool = false,
                        contentType: String = "application/octet-stream", headers extra: [String: String] = [:]) async throws -> Reply {
        var request = URLRequest(url: url, timeoutInterval: 300)
        request.httpMethod = method
        for (name, value) in extra { request.setValue(value, forHTTPHeaderField: name) }
        if let body {
            if streamed {
                request.httpBodyStream = InputStream(data: body)  // no Content-Length: sent chunked
            } else {
                request.httpBody = body
            }
            request.setValue(contentType, forHTTPHeaderField: "Content-Type")
        }
        let (data, response) = try await URLSession.shared.data(for: request)
        guard let http = response as? HTTPURLResponse else { throw Failure(description: "not an HTTP response") }
        var headers: [String: String] = [:]
        for (key, value) in http.allHeaderFields { headers[String(describing: key).lowercased()] = String(describing: value) }
        return Reply(status: http.statusCode, body: data, headers: headers)
    }

    static func segment(_ base: URL, image: Data, name: String, query: String = "", streamed: Bool = false) async throws -> Reply {
        let url = URL(string: "\(base.absoluteString)/api/segment?name=\(name)\(query.isEmpty ? "" : "&" + query)")!
        return try await request("POST", url, body: image, streamed: streamed)
    }

    static func get(_ base: URL, _ path: String) async throws -> Reply {
        try await request("GET", URL(string: base.absoluteString + path)!)
    }
}

enum TestImages {
    static var packageRoot: URL {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    }

    /// Bundled DSB2018 test images (256x256 fluorescence, 28 and 8 nuclei by hand; 696x520).
    static func dsb(_ id: String) -> URL {
        packageRoot.appendingPathComponent("data/dsb2018/test/\(id)/images/\(id).png")
    }
    static let first = dsb("0c6507d493bf79b2ba248c5cca3d14df8b67328b89efa5f4a32f97a06a88c92c")
    static let second = dsb("1a75e9f15481d11084fe66bc2a5afac6dc5bec20ed56a7351a6d65ef0fe8762b")

    static func temporaryFolder(_ name: String) -> URL {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("nucleiserve-tests-\(getpid())/\(name)")
        try? FileManager.default.removeItem(at: folder)
        try? FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        return folder
    }

    /// What `nucleiseg predict` writes for `image` with default options: PredictionWriter with
    /// a segmenter of its own.
    /// The post-processing the shipped model records (the server's defaults).
    static func shippedDefaults() throws -> SegmentationSettings {
        SegmentationSettings(defaults: try ShippedModel.segmenter(path: nil).postProcessing)
    }

    static func expected(_ image: URL, options: PredictionOptions? = nil) throws -> (result: PredictionResult, folder: URL) {
        let folder = temporaryFolder("expected-" + image.deletingPathExtension().lastPathComponent.prefix(12))
        let segmenter = try ShippedModel.segmenter(path: nil)
        let options = options ?? SegmentationSettings(defaults: segmenter.postProcessing).predictionOptions
        return (try PredictionWriter.predict(image, segmenter: segmenter, outputDirectory: folder, options: options), folder)
    }
}
