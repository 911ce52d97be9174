import Foundation

/// Reader for the Kaggle Data Science Bowl 2018 layout (`stage1_train`, BBBC038):
/// `ROOT/<id>/images/<id>.png` and `ROOT/<id>/masks/*.png`, one binary mask per nucleus.
/// Samples have no split; `DatasetSplit` makes the seeded train/validation split.
public enum DSB2018Dataset {
    /// Lists the samples and the problems found (nothing is decoded).
    public static func scan(_ root: URL) throws(ImagingError) -> (samples: [DatasetSample], problems: [DatasetProblem]) {
        let listing = try FolderListing(root)
        var samples: [DatasetSample] = []
        var problems: [DatasetProblem] = []
        for folder in listing.folders {
            let id = folder.lastPathComponent
            let inner = (try? FolderListing(folder)) ?? FolderListing()
            guard let imagesFolder = inner.folder(named: "images") else {
                problems.append(DatasetProblem(.missingFolder(path: folder.appendingPathComponent("images").path,
                                                              expected: "\(id)/images/\(id).png")))
                continue
            }
            let images = (try? FolderListing(imagesFolder))?.imageFiles ?? []
            guard let image = images.first(where: { $0.deletingPathExtension().lastPathComponent == id }) ?? (images.count == 1 ? images[0] : nil) else {
                problems.append(DatasetProblem(.missingFolder(path: imagesFolder.path,
                                                              expected: "one image named \(id).png (found \(images.count) images)")))
                continue
            }
            let masksFolder = folder.appendingPathComponent("masks")
            let masks = (try? FolderListing(masksFolder))?.imageFiles ?? []
            if masks.isEmpty {
                problems.append(DatasetProblem(.missingMask(image: image.path,
                                                            expected: "\(id)/masks/*.png, one binary mask per nucleus")))
                continue
            }
            samples.append(DatasetSample(split: nil, name: id, imageFile: image, maskFiles: masks, maskKind: .perNucleusMasks))
        }
        for file in listing.files where ImageFile.imageExtensions.contains(file.pathExtension.lowercased()) {
            problems.append(DatasetProblem(.missingMask(image: file.path, expected: "images inside <id>/images/ with masks in <id>/masks/"),
                                           stopsTraining: false))
        }
        return (samples, problems)
    }
}
