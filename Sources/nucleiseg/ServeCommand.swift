import ArgumentParser
import Foundation
import NucleiSeg
import NucleiServe

struct ServeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "serve",
        abstract: "Serve a web page (and a JSON API) that segments images on this machine; Ctrl-C stops it.")

    @Option(help: "Port to listen on (0: any free port, printed at start).") var port = 8080
    @Option(help: "Address to listen on; the default keeps the page on this machine.") var host = "127.0.0.1"
    @Option(help: "Model checkpoint (default: the shipped nuclei model).") var model: String?
    @Option(name: .customLong("max-upload-mb"), help: "Refuse uploads larger than this many megabytes.") var maxUploadMB = 256
    @Option(name: .customLong("tile-size"), help: "Tile side in pixels for tiled prediction (multiple of 32).") var tileSize = 256

    func validate() throws {
        guard (0...65535).contains(port) else { throw ValidationError("--port must be 0...65535") }
        guard maxUploadMB >= 1, maxUploadMB <= 4096 else { throw ValidationError("--max-upload-mb must be 1...4096") }
        guard tileSize >= 64, tileSize % 32 == 0 else { throw ValidationError("--tile-size must be a multiple of 32, at least 64") }
    }

    func run() async throws {
        var settings = ServeConfiguration()
        settings.host = host
        settings.port = port
        settings.maxUploadBytes = maxUploadMB * 1_048_576
        let server: SegmentationServer
        do {
            let segmenter = try ShippedModel.segmenter(path: model, tileSize: tileSize)
            server = try SegmentationServer(segmenter: segmenter, configuration: settings)
        } catch {
            throw userFailure(error)
        }
        let host = self.host
        try await server.run(onReady: { port in
            let shown = host.contains(":") ? "[\(host)]" : host
            print("serving http://\(shown):\(port)/ (Ctrl-C stops)")
            if !["127.0.0.1", "localhost", "::1"].contains(host) {
                print("note: --host \(host) makes the page reachable from other machines")
            }
            fflush(nil)
        }, onInterrupt: {
            print("stopping: finishing the requests in flight (Ctrl-C again to quit now)")
            fflush(nil)
        })
        print("stopped; temporary files removed")
    }
}
