import Foundation

/// Reader for StarDist / Cellpose / BBBC039-style folders and the bundled samples:
/// `ROOT/[split/]{images,masks}/NAME.{png,tif}` with instance-label masks (0 = background).
///
/// An image `NAME.ext` pairs with the mask whose name without extension is `NAME`,
/// `NAME_masks` (Cellpose) or `NAME_mask`; the extensions may differ (`a.tif` with `a.png`).
public enum LabelsDataset {
    /// Lists the samples and the problems found (nothing is decoded). Images without a mask
    /// stop training; masks without an image are warnings.
    public static func scan(_ root: URL) throws(ImagingError) -> (samples: [DatasetSample], problems: [DatasetProblem]) {
        let listing = try FolderListing(root)
        var samples: [DatasetSample] = []
        var problems: [DatasetProblem] = []
        var splitFolders: [(split: String?, folder: URL)] = []
        if listing.folder(named: "images") != nil {
            splitFolders = [(nil, root)]
        } else {
            for folder in listing.folders where (try? FolderListing(folder))?.folder(named: "images") != nil {
                splitFolders.append((folder.lastPathComponent, folder))
            }
        }
        if splitFolders.isEmpty {
            problems.append(DatasetProblem(.missingFolder(path: root.appendingPathComponent("images").path,
                                                          expected: "[split/]images/ and [split/]masks/")))
        }
        for (split, folder) in splitFolders {
            let prefix = split.map { "\($0)/" } ?? ""
            let images = (try? FolderListing(folder.appendingPathComponent("images")))?.imageFiles ?? []
            let masksFolder = folder.appendingPathComponent("masks")
            guard let maskListing = try? FolderListing(masksFolder) else {
                problems.append(DatasetProblem(.missingFolder(path: masksFolder.path, expected: "\(prefix)masks/ beside \(prefix)images/")))
                continue
            }
            var masksByStem: [String: URL] = [:]
            for mask in maskListing.imageFiles { masksByStem[mask.deletingPathExtension().lastPathComponent] = mask }
            var usedMasks = Set<URL>()
            for image in images {
                let stem = image.deletingPathExtension().lastPathComponent
                if let mask = [stem, stem + "_masks", stem + "_mask"].lazy.compactMap({ masksByStem[$0] }).first {
                    usedMasks.insert(mask)
                    samples.append(DatasetSample(split: split, name: stem, imageFile: image, maskFiles: [mask], maskKind: .instanceLabels))
                } else {
                    problems.append(DatasetProblem(.missingMask(image: image.path, expected: "\(prefix)masks/\(stem).png or .tif")))
                }
            }
            for mask in maskListing.imageFiles where !usedMasks.contains(mask) {
                problems.append(DatasetProblem(.maskWithoutImage(mask: mask.path,
                                                                 expected: "\(prefix)images/\(mask.deletingPathExtension().lastPathComponent).png or .tif"),
                                               stopsTraining: false))
            }
        }
        return (samples, problems)
    }
}
