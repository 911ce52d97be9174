import Foundation

/// Reader for the Keras project's preprocessed copy: `ROOT/{train,test}/{inputs,masks}/NAME.png`,
/// one binary mask per image, paired by identical file name (never by listing order).
public enum PairsDataset {
    /// Lists the samples and the problems found (nothing is decoded). Every input without a
    /// mask of the same name stops training; masks without an input are warnings.
    public static func scan(_ root: URL) throws(ImagingError) -> (samples: [DatasetSample], problems: [DatasetProblem]) {
        let listing = try FolderListing(root)
        var samples: [DatasetSample] = []
        var problems: [DatasetProblem] = []
        let splitFolders = listing.folders.filter { (try? FolderListing($0))?.folder(named: "inputs") != nil }
        if splitFolders.isEmpty {
            problems.append(DatasetProblem(.missingFolder(path: root.appendingPathComponent("train/inputs").path,
                                                          expected: "{train,test}/{inputs,masks}/NAME.png")))
        }
        for splitFolder in splitFolders {
            let split = splitFolder.lastPathComponent
            let inputs = (try? FolderListing(splitFolder.appendingPathComponent("inputs")))?.imageFiles ?? []
            let masksFolder = splitFolder.appendingPathComponent("masks")
            guard let maskListing = try? FolderListing(masksFolder) else {
                problems.append(DatasetProblem(.missingFolder(path: masksFolder.path, expected: "\(split)/masks/ beside \(split)/inputs/")))
                continue
            }
            let masks = maskListing.imageFiles
            let maskNames = Set(masks.map(\.lastPathComponent))
            let inputNames = Set(inputs.map(\.lastPathComponent))
            var inputsWithoutMask: [String] = []
            for input in inputs {
                let name = input.lastPathComponent
                if maskNames.contains(name) {
                    samples.append(DatasetSample(split: split, name: input.deletingPathExtension().lastPathComponent, imageFile: input,
                                                 maskFiles: [masksFolder.appendingPathComponent(name)], maskKind: .binary))
                } else {
                    inputsWithoutMask.append(name)
                    problems.append(DatasetProblem(.missingMask(image: input.path, expected: "\(split)/masks/\(name) (pairs match by identical file name)")))
                }
            }
            let masksWithoutInput = masks.map(\.lastPathComponent).filter { !inputNames.contains($0) }
            for name in masksWithoutInput {
                problems.append(DatasetProblem(.maskWithoutImage(mask: masksFolder.appendingPathComponent(name).path,
                                                                 expected: "\(split)/inputs/\(name)"), stopsTraining: false))
            }
            if !inputsWithoutMask.isEmpty && !masksWithoutInput.isEmpty {
                problems.append(DatasetProblem(.unmatchedPairs(folder: splitFolder.path, inputsWithoutMask: inputsWithoutMask,
                                                               masksWithoutInput: masksWithoutInput)))
            }
        }
        return (samples, problems)
    }
}
