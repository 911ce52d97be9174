import Foundation

/// Files next to the tests and in the repository.
enum TestResources {
    static var golden: URL {
        Bundle.module.url(forResource: "mobilenetv2_skips_128", withExtension: "safetensors", subdirectory: "Resources")
            ?? Bundle.module.url(forResource: "mobilenetv2_skips_128", withExtension: "safetensors")!
    }

    /// The package root, found from this file's location.
    static var packageRoot: URL {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    }

    static func temporaryFolder(_ name: String) -> URL {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("nucleiseg-tests-\(getpid())/\(name)")
        try? FileManager.default.removeItem(at: folder)
        try? FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        return folder
    }
}
