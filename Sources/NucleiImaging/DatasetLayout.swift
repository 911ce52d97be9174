import Foundation
import _FileSystemMessages

/// The dataset folder layouts we read (see DESIGN.md).
public enum DatasetLayout: String, CaseIterable, Codable, Sendable, CustomStringConvertible {
    /// Kaggle Data Science Bowl 2018: `ROOT/<id>/images/<id>.png` and `ROOT/<id>/masks/*.png`,
    /// one binary mask per nucleus, merged into one instance-label image.
    case dsb2018
    /// The Keras project's copy: `ROOT/{train,test}/{inputs,masks}/NAME.png`, one binary mask
    /// per image, paired by identical file name.
    case pairs
    /// StarDist / Cellpose / BBBC039 style and the bundled samples:
    /// `ROOT/[split/]{images,masks}/NAME.{png,tif}`, instance-label masks (0 = background).
    case labels

    public var description: String { rawValue }

    static var summary: String {
        "dsb2018 (<id>/images/<id>.png + <id>/masks/*.png), pairs ({train,test}/{inputs,masks}/NAME.png), "
            + "labels ([split/]{images,masks}/NAME.png|tif)"
    }

    /// Parses a `--layout` value: "auto" gives nil (detect), otherwise a layout.
    /// - Throws: `ImagingError.unknownLayoutName`.
    public static func parse(_ text: String) throws(ImagingError) -> DatasetLayout? {
        if text.lowercased() == "auto" { return nil }
        guard let layout = DatasetLayout(rawValue: text.lowercased()) else { throw .unknownLayoutName(text) }
        return layout
    }

    /// Detects the layout of `root` from its folder structure.
    /// - Throws: `ImagingError.unreadableFile` (not a folder), `.emptyDataset` (nothing in it),
    ///   `.unknownLayout` naming what was found.
    public static func detect(at root: URL) throws(ImagingError) -> DatasetLayout {
        let listing = try FolderListing(root)
        if listing.folders.isEmpty && listing.files.isEmpty { throw .emptyDataset(path: root.path) }
        let folders = Set(listing.folders.map { $0.lastPathComponent })
        if folders.contains("images") && folders.contains("masks") { return .labels }
        var sawLabelsSplit = false
        for folder in listing.folders {
            let inner = (try? FolderListing(folder)) ?? FolderListing()
            let names = Set(inner.folders.map { $0.lastPathComponent })
            if names.contains("inputs") { return .pairs }
            if names.contains("images") {
                let images = (try? FolderListing(folder.appendingPathComponent("images")))?.imageFiles ?? []
                if images.contains(where: { $0.deletingPathExtension().lastPathComponent == folder.lastPathComponent }) {
                    return .dsb2018
                }
                if names.contains("masks") { sawLabelsSplit = true }
            }
        }
        if sawLabelsSplit { return .labels }
        let imageCount = listing.imageFiles.count
        if imageCount == 0 && listing.folders.isEmpty { throw .emptyDataset(path: root.path) }
        var found: [String] = []
        if !listing.folders.isEmpty {
            let names = listing.folders.prefix(5).map { $0.lastPathComponent + "/" }.joined(separator: ", ")
            found.append("subfolders \(names)\(listing.folders.count > 5 ? " and \(listing.folders.count - 5) more" : "")")
        }
        if !listing.files.isEmpty { found.append("\(listing.files.count) files, \(imageCount) of them images") }
        throw .unknownLayout(path: root.path, found: found.joined(separator: " and "))
    }
}

/// The visible entries of one folder, sorted by name (directory order differs between file
/// systems; sorting makes every reader, and so the seeded split, the same on every machine).
struct FolderListing {
    var folders: [URL] = []
    var files: [URL] = []

    init() {}

    init(_ folder: URL) throws(ImagingError) {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: folder.path, isDirectory: &isDirectory) else {
            let probe = FileProbe.kind(of: folder.path)
            throw .unreadableFile(path: folder.path, reason: probe == .missing ? "no such folder" : probe.missingReason ?? "no such folder")
        }
        guard isDirectory.boolValue else { throw .unreadableFile(path: folder.path, reason: "expected a folder, found a file") }
        let names: [String]
        do {
            names = try FileManager.default.contentsOfDirectory(atPath: folder.path)
        } catch {
            throw .unreadableFile(path: folder.path, reason: FileSystemMessage.reason(error))
        }
        for name in names.sorted() where !name.hasPrefix(".") {
            let url = folder.appendingPathComponent(name)
            var entryIsDirectory: ObjCBool = false
            _ = FileManager.default.fileExists(atPath: url.path, isDirectory: &entryIsDirectory)
            if entryIsDirectory.boolValue { folders.append(url) } else { files.append(url) }
        }
    }

    /// Files with an image extension (.png, .tif, .tiff; any case).
    var imageFiles: [URL] { files.filter { ImageFile.imageExtensions.contains($0.pathExtension.lowercased()) } }

    func folder(named name: String) -> URL? { folders.first { $0.lastPathComponent == name } }
}
