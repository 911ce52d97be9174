/// The images of a training run, loaded once and turned into batches each epoch.
public struct TrainingData: Sendable {
    public let options: TrainingOptions
    public let normalization: NormalizationSpec
    public let training: [PreparedSample]
    public let validation: [PreparedSample]
    /// Validation batches are fixed for the whole run (validation tiles in `crops` mode).
    public let validationBatches: [Batch]
    /// Training items per epoch: images (resize) or crops (crops).
    public let itemsPerEpoch: Int
    let cropOwners: [Int]

    /// Loads and normalises the training and validation images of `dataset`.
    ///
    /// - Throws: `ImagingError` naming the file for unreadable images or masks, and
    ///   `TrainingError` when a split is empty or an image is smaller than the crops.
    public init(dataset: Dataset, options: TrainingOptions, progress: ((Int, Int) -> Void)? = nil) throws {
        try self.init(datasets: [dataset], options: options, progress: progress)
    }

    /// Loads several datasets as one: each is split by its own rule (its `val` split, or the
    /// seeded fraction of its training images) and the parts are concatenated in order.
    public init(datasets: [Dataset], options: TrainingOptions, progress: ((Int, Int) -> Void)? = nil) throws {
        precondition(!datasets.isEmpty, "TrainingData needs at least one dataset")
        self.options = options
        let spec = NormalizationSpec(eightBit: options.eightBitIntensity, inputWidth: options.inputSize, inputHeight: options.inputSize)
        normalization = spec
        var trainingSamples: [DatasetSample] = [], validationSamples: [DatasetSample] = []
        for dataset in datasets {
            let (training, validation) = DatasetSplit.trainValidation(
                of: dataset, validationFraction: options.validationFraction, seed: options.seed)
            guard !training.isEmpty else { throw TrainingError.noTrainingImages(path: dataset.root.path) }
            guard !validation.isEmpty else { throw TrainingError.noValidationImages(path: dataset.root.path) }
            trainingSamples += training
            validationSamples += validation
        }
        let native = options.sampling == .crops
        let total = trainingSamples.count + validationSamples.count
        training = try PreparedSample.load(trainingSamples, spec: spec, resized: !native) { done, _ in progress?(done, total) }
        validation = try PreparedSample.load(validationSamples, spec: spec, resized: !native) { done, _ in
            progress?(trainingSamples.count + done, total)
        }
        let size = options.inputSize
        if native {
            var owners: [Int] = []
            for (index, sample) in training.enumerated() {
                let area = sample.image.width * sample.image.height
                let crops = options.cropsPerImage > 0 ? options.cropsPerImage : max(1, (area + size * size - 1) / (size * size))
                owners += Array(repeating: index, count: crops)
            }
            cropOwners = owners
            itemsPerEpoch = owners.count
            validationBatches = Self.tiledBatches(validation, size: size, batchSize: options.batchSize, head: options.head)
        } else {
            cropOwners = []
            itemsPerEpoch = training.count
            validationBatches = Self.sequentialBatches(validation, batchSize: options.batchSize, head: options.head)
        }
    }

    var sampler: BatchSampler { BatchSampler(count: itemsPerEpoch, batchSize: options.batchSize, seed: options.seed) }

    /// Steps (batches) per epoch.
    public var stepsPerEpoch: Int { sampler.batchesPerEpoch }

    /// The shuffled, augmented batches of `epoch` (the same for the same seed and epoch, so a
    /// resumed run sees exactly the batches an uninterrupted run would).
    public func batches(epoch: Int) -> (batches: [[Int]], generator: SeededGenerator) {
        (sampler.batches(epoch: epoch), sampler.augmentationGenerator(epoch: epoch))
    }

    /// Builds one training batch from item indices, drawing the augmentation (and crops) from
    /// `generator`. A flips-only policy takes the seed's exact path (`RandomFlip`, `RandomCrop`).
    public func batch(_ indices: [Int], generator: inout SeededGenerator) -> Batch {
        var batch = inputBatch(indices, generator: &generator)
        batch.encodeClasses(for: options.head)
        return batch
    }

    private func inputBatch(_ indices: [Int], generator: inout SeededGenerator) -> Batch {
        let policy = options.augmentation
        let items = options.sampling == .crops ? indices.map { cropOwners[$0] } : indices
        if !policy.isFlipsOnly {
            return Batch(augmenting: training, indices: items, augmenter: Augmenter(policy: policy, outputSize: options.inputSize),
                         using: &generator)
        }
        let flip = policy.flips ? RandomFlip() : nil
        switch options.sampling {
        case .resize:
            return Batch(training, indices: items, flip: flip, using: &generator)
        case .crops:
            let crop = RandomCrop(width: options.inputSize, height: options.inputSize)
            return Batch(cropping: training, indices: items, crop: crop, flip: flip, using: &generator)
        }
    }

    /// Median equivalent diameter (2 sqrt(area / pi)) of the training nuclei, in pixels of the
    /// images the network saw (native resolution for `crops`, the resized input for `resize`);
    /// nil without nuclei.
    public var medianNucleusDiameter: Double? {
        LabelImage.median(training.flatMap(\.labels.equivalentDiameters))
    }

    /// Every image cut into a grid of `size` tiles (the last tile flush with the edge).
    static func tiledBatches(_ samples: [PreparedSample], size: Int, batchSize: Int, head: SegmentationHead = .seed) -> [Batch] {
        var tiles: [PreparedSample] = []
        for sample in samples {
            for y in Segmenter.tileOrigins(length: sample.image.height, tile: size, overlap: 0) {
                for x in Segmenter.tileOrigins(length: sample.image.width, tile: size, overlap: 0) {
                    let (image, labels) = RandomCrop.crop(image: sample.image, labels: sample.labels, x: x, y: y, width: size, height: size)
                    tiles.append(PreparedSample(key: "\(sample.key)@\(x),\(y)", image: image, labels: labels))
                }
            }
        }
        return sequentialBatches(tiles, batchSize: batchSize, head: head)
    }

    /// Consecutive batches in sample order, without augmentation.
    static func sequentialBatches(_ samples: [PreparedSample], batchSize: Int, head: SegmentationHead = .seed) -> [Batch] {
        var unused = SeededGenerator(seed: 0)
        return stride(from: 0, to: samples.count, by: batchSize).map { start in
            var batch = Batch(samples, indices: Array(start..<min(start + batchSize, samples.count)), using: &unused)
            batch.encodeClasses(for: head)
            return batch
        }
    }
}
