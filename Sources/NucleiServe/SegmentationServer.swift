import Foundation
import Hummingbird
import NucleiSeg

/// Settings of `nucleiseg serve`.
public struct ServeConfiguration: Sendable {
    /// The address to listen on: loopback unless the user names another.
    public var host = "127.0.0.1"
    /// 0 picks a free port (the tests use it); `onReady` is told which.
    public var port = 8080
    /// Larger uploads are refused with 413.
    public var maxUploadBytes = 256 * 1_048_576
    /// Results whose files stay downloadable; the oldest are deleted past this.
    public var keptResults = 200
    public init() {}
}

/// The web page and JSON API of `nucleiseg serve` on Hummingbird 2.
///
/// Routes:
/// - `GET /`: the page (one HTML document with its script and style inline; nothing from other hosts).
/// - `GET /api/health`: the model, the upload limit, requests waiting.
/// - `POST /api/segment?name=FILE&min_area=&split=&fill_holes=&threshold=&tta=&diameter=&channel=`: the
///   image as the raw request body, or as the file field of a multipart/form-data body; answers
///   a ``SegmentationResponse``.
/// - `GET /api/results/ID` (the same JSON), `GET /api/results/ID/{overlay.png,labels.png,mask.png,nuclei.csv,labels.tif,rois.zip,nuclei.geojson,all.zip}`
///   (`?download=1` for an attachment), `GET /api/archive?ids=ID,ID,...` (several results in one zip).
///
/// Each segmentation is `PredictionWriter.predict`, the code of `nucleiseg predict`, on the shared
/// ``InferenceQueue``; the upload is written to a folder of its own in the ``ResultStore`` and
/// deleted when the request ends.
public final class SegmentationServer: Sendable {
    public let configuration: ServeConfiguration
    let inference: InferenceQueue
    let store: ResultStore

    /// - Throws: `ServeError.temporaryFolder` when the private folder cannot be made.
    public init(segmenter: Segmenter, configuration: ServeConfiguration = .init()) throws(ServeError) {
        self.configuration = configuration
        inference = InferenceQueue(segmenter: segmenter)
        store = try ResultStore(capacity: configuration.keptResults)
    }

    /// The private folder holding uploads and results (deleted when `run` returns).
    public var temporaryFolder: URL { store.root }

    /// Serves until SIGINT or SIGTERM (when `handleSignals`) or until the task is cancelled; then
    /// lets the requests in flight finish and deletes the temporary folder. A second SIGINT while
    /// they finish deletes the folder and exits at once (status 130), as Ctrl-C twice does elsewhere.
    /// - Parameters:
    ///   - onReady: called with the port once the server listens.
    ///   - onInterrupt: called on the first SIGINT (the server then finishes the requests in flight).
    public func run(handleSignals: Bool = true, onReady: @escaping @Sendable (Int) async -> Void = { _ in },
                    onInterrupt: @escaping @Sendable () -> Void = {}) async throws {
        defer { store.removeAll() }
        var secondInterrupt: (any DispatchSourceSignal)?
        if handleSignals {
            // ServiceLifecycle sees the first SIGINT (graceful shutdown); this source sees every one.
            let source = DispatchSource.makeSignalSource(signal: SIGINT, queue: .global())
            let store = self.store
            let count = InterruptCount()
            source.setEventHandler {
                guard count.increment() >= 2 else { return onInterrupt() }
                store.removeAll()
                _exit(130)
            }
            source.resume()
            secondInterrupt = source
        }
        defer { secondInterrupt?.cancel() }
        let router = Router()
        if LocalOriginMiddleware<BasicRequestContext>.isLoopback(configuration.host) {
            router.add(middleware: LocalOriginMiddleware(configuredHost: configuration.host))
        }
        addRoutes(to: router)
        let port = configuration.port
        let application = Application(
            router: router,
            configuration: .init(address: .hostname(configuration.host, port: port), serverName: "nucleiseg"),
            onServerRunning: { channel in await onReady(channel.localAddress?.port ?? port) })
        if handleSignals {
            try await application.runService()
        } else {
            try await application.run()
        }
    }

    // MARK: Routes

    private func addRoutes(to router: Router<BasicRequestContext>) {
        router.get("/") { _, _ in
            Self.response(bytes: Array(WebPage.html.utf8), contentType: "text/html; charset=utf-8")
        }
        router.get("/api/health") { _, _ in
            await self.answer { try await self.health() }
        }
        router.post("/api/segment") { request, _ in
            await self.answer { try await self.segment(request) }
        }
        router.get("/api/results/:id") { _, context in
            await self.answer {
                let stored = try await self.store.result(context.parameters.get("id") ?? "")
                return try Self.json(stored.response)
            }
        }
        router.get("/api/results/:id/:file") { request, context in
            await self.answer {
                try await self.file(id: context.parameters.get("id") ?? "", name: context.parameters.get("file") ?? "",
                                    download: request.uri.queryParameters["download"] == "1")
            }
        }
        router.get("/api/archive") { request, _ in
            await self.answer {
                let ids = (request.uri.queryParameters["ids"].map(String.init) ?? "").split(separator: ",").map(String.init)
                return try await self.archive(ids: ids)
            }
        }
    }

    private struct Health: Encodable {
        var status = "ok"
        var head: String
        var mode: String
        var modelDiameter: Double?
        var maxUploadBytes: Int
        var waiting: Int
        var results: Int
        var defaults: SegmentationSettings
    }

    private func health() async throws -> Response {
        try Self.json(Health(head: inference.head, mode: inference.mode, modelDiameter: inference.modelDiameter, maxUploadBytes: configuration.maxUploadBytes,
                             waiting: inference.waiting, results: await store.count, defaults: SegmentationSettings(defaults: inference.postProcessing)))
    }

    private func segment(_ request: Request) async throws -> Response {
        var query: [String: String] = [:]
        for (key, value) in request.uri.queryParameters { query[String(key)] = String(value) }
        let settings = try SegmentationSettings(query: query, defaults: inference.postProcessing)
        let limit = configuration.maxUploadBytes
        // Refused from the header alone: none of an oversized body is read.
        if let declared = request.headers[.contentLength].flatMap({ Int($0) }), declared > limit {
            throw ServeError.uploadTooLarge(bytes: declared, limit: limit)
        }
        let (id, uploadFolder, outputFolder) = try await store.reserve()
        defer { try? FileManager.default.removeItem(at: uploadFolder) }
        var kept = false
        defer { if !kept { try? FileManager.default.removeItem(at: outputFolder) } }

        let upload: URL
        if let boundary = MultipartUpload.boundary(contentType: request.headers[.contentType]) {
            let form = uploadFolder.appendingPathComponent(".form")
            try await Self.receive(request.body, to: form, limit: limit)
            let part = uploadFolder.appendingPathComponent(".part")
            let partName = try MultipartUpload.extractFile(from: form, boundary: boundary, to: part)
            try? FileManager.default.removeItem(at: form)
            upload = uploadFolder.appendingPathComponent(Self.safeFileName(query["name"] ?? partName))
            do {
                try FileManager.default.moveItem(at: part, to: upload)
            } catch {
                throw ServeError.temporaryFolder(path: upload.path, reason: error.localizedDescription)
            }
            guard (try? upload.resourceValues(forKeys: [.fileSizeKey]).fileSize) ?? 0 > 0 else { throw ServeError.emptyUpload }
        } else {
            upload = uploadFolder.appendingPathComponent(Self.safeFileName(query["name"] ?? ""))
            try await Self.receive(request.body, to: upload, limit: limit)
        }
        let name = upload.lastPathComponent
        let started = ContinuousClock.now
        let options = settings.predictionOptions
        let tta = settings.testTimeAugmentation, diameter = settings.diameterSetting
        let result: PredictionResult
        do {
            result = try await inference.run { segmenter in
                segmenter.testTimeAugmentation = tta
                try segmenter.useDiameter(diameter, modelPath: "the model")
                defer {
                    segmenter.testTimeAugmentation = false
                    try? segmenter.useDiameter(.native, modelPath: "the model")
                }
                return try PredictionWriter.predict(upload, segmenter: segmenter, outputDirectory: outputFolder, options: options)
            }
        } catch {
            // The CLI's words, with the private folder left out: "NAME.png: reason".
            let message = UserMessage.text(for: error).replacingOccurrences(of: uploadFolder.path + "/", with: "")
            throw ServeError.segmentationFailed(message: message)
        }
        let seconds = (ContinuousClock.now - started).seconds
        var files: [OutputKind: URL] = [:]
        for kind in OutputKind.allCases {
            if let url = result.files.first(where: { $0.lastPathComponent.hasSuffix(kind.suffix) }) { files[kind] = url }
        }
        let csv = try files[.csv].map { try String(contentsOf: $0, encoding: .utf8) } ?? ""
        let table = MeasurementTable.parse(csv)
        let stem = upload.deletingPathExtension().lastPathComponent
        var urls: [String: String] = [:], fileNames: [String: String] = [:]
        for kind in files.keys {
            urls[kind.rawValue] = "/api/results/\(id)/\(kind.pathComponent)"
            fileNames[kind.rawValue] = stem + kind.suffix
        }
        urls["zip"] = "/api/results/\(id)/all.zip"
        fileNames["zip"] = stem + "_nucleiseg.zip"
        let response = SegmentationResponse(
            id: id, name: name, width: result.width, height: result.height, count: result.nuclei, seconds: seconds,
            settings: settings, columns: table.columns, rows: table.rows, files: urls, fileNames: fileNames)
        await store.add(.init(response: response, folder: outputFolder, files: files))
        kept = true
        return try Self.json(response)
    }

    /// Streams `body` into `file`, stopping with `uploadTooLarge` as soon as it passes `limit`
    /// (a body sent without Content-Length).
    private static func receive(_ body: RequestBody, to file: URL, limit: Int) async throws {
        guard FileManager.default.createFile(atPath: file.path, contents: nil, attributes: [.posixPermissions: 0o600]),
              let handle = FileHandle(forWritingAtPath: file.path) else {
            throw ServeError.temporaryFolder(path: file.path, reason: "cannot create the upload file")
        }
        defer { try? handle.close() }
        var received = 0
        for try await buffer in body {
            received += buffer.readableBytes
            guard received <= limit else { throw ServeError.uploadTooLarge(bytes: nil, limit: limit) }
            try handle.write(contentsOf: Data(buffer.readableBytesView))
        }
        guard received > 0 else { throw ServeError.emptyUpload }
    }

    private func file(id: String, name: String, download: Bool) async throws -> Response {
        let stored = try await store.result(id)
        if name == "all.zip" {
            let bytes = try Self.zip([stored])
            return Self.response(bytes: bytes, contentType: "application/zip", fileName: stored.response.fileNames["zip"], download: true)
        }
        guard let kind = OutputKind(pathComponent: name), let url = stored.files[kind] else { throw ServeError.resultNotFound(id: "\(id)/\(name)") }
        let bytes = try [UInt8](Data(contentsOf: url))
        return Self.response(bytes: bytes, contentType: kind.contentType, fileName: url.lastPathComponent, download: download)
    }

    private func archive(ids: [String]) async throws -> Response {
        guard !ids.isEmpty else { throw ServeError.invalidOption(name: "ids", value: "", expected: "result ids separated by commas") }
        var stored: [ResultStore.Stored] = []
        for id in ids { stored.append(try await store.result(id)) }
        return Self.response(bytes: try Self.zip(stored), contentType: "application/zip", fileName: "nucleiseg-results.zip", download: true)
    }

    /// The CLI's files of each result; a name that two results share gets the later one's id in front.
    static func zip(_ results: [ResultStore.Stored]) throws -> [UInt8] {
        var archive = ZipArchive()
        var used: Set<String> = []
        for stored in results {
            for kind in OutputKind.allCases {
                guard let url = stored.files[kind] else { continue }
                var entry = url.lastPathComponent
                if used.contains(entry) { entry = stored.response.id + "_" + entry }
                used.insert(entry)
                do {
                    try archive.add(name: entry, data: [UInt8](try Data(contentsOf: url)))
                } catch is ZipArchive.Failure {
                    throw ServeError.archiveTooLarge(name: entry)
                }
            }
        }
        do {
            return try archive.finished()
        } catch {
            throw ServeError.archiveTooLarge(name: "nucleiseg-results.zip")
        }
    }

    // MARK: Helpers

    /// The last path component, with characters other than letters, digits, `.`, `-` and `_`
    /// replaced by `_` (the upload is stored under this name; the outputs take its stem).
    public static func safeFileName(_ name: String) -> String {
        let last = name.split(whereSeparator: { $0 == "/" || $0 == "\\" }).last.map(String.init) ?? ""
        var cleaned = String(last.map { $0.isASCII && ($0.isLetter || $0.isNumber || "._-".contains($0)) ? $0 : "_" }.prefix(120))
        while cleaned.hasPrefix(".") { cleaned.removeFirst() }
        return cleaned.isEmpty ? "image" : cleaned
    }

    /// Runs a handler, turning its error into a JSON `{"error": message}` with the error's status.
    private func answer(_ handler: () async throws -> Response) async -> Response {
        do {
            return try await handler()
        } catch let error as ServeError {
            return Self.errorResponse(error.description, status: error.status)
        } catch {
            return Self.errorResponse(UserMessage.text(for: error), status: 500)
        }
    }

    private struct ErrorBody: Encodable { var error: String }

    static func errorResponse(_ message: String, status: Int) -> Response {
        let bytes = (try? JSONEncoder().encode(ErrorBody(error: message))).map { [UInt8]($0) } ?? Array("{}".utf8)
        var response = response(bytes: bytes, contentType: "application/json")
        response.status = HTTPResponse.Status(code: status)
        return response
    }

    static func json<Value: Encodable>(_ value: Value) throws -> Response {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return response(bytes: [UInt8](try encoder.encode(value)), contentType: "application/json")
    }

    static func response(bytes: [UInt8], contentType: String, fileName: String? = nil, download: Bool = false) -> Response {
        var headers: HTTPFields = [.contentType: contentType, .cacheControl: "no-store"]
        if let fileName {
            headers[.contentDisposition] = "\(download ? "attachment" : "inline"); filename=\"\(fileName)\""
        }
        return Response(status: .ok, headers: headers, body: .init(byteBuffer: ByteBuffer(bytes: bytes)))
    }
}

/// SIGINTs seen (touched only by one serial signal source, locked for the compiler's sake).
private final class InterruptCount: @unchecked Sendable {
    private let lock = NSLock()
    private var value = 0
    func increment() -> Int { lock.withLock { value += 1; return value } }
}

extension Duration {
    fileprivate var seconds: Double { Double(components.seconds) + Double(components.attoseconds) * 1e-18 }
}
