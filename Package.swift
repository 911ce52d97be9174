// swift-tools-version: 6.0
//
// NucleiSeg: nucleus segmentation with a MobileNetV2 U-Net on CPU.
//
// Layers (a lower one never imports a higher one, nor one beside it):
//   C shims (CDNNL, CLibPNG, CLibTIFF, _CKernels, _CImageIO), _FileSystemMessages (Foundation only)
//   NucleiBase (Raster, LabelImage, SeededGenerator, BoundingBox, connected components; imports nothing)
//   -> NucleiTensor (tensor, autodiff, kernels)             [NucleiBase, _CKernels]
//   -> NucleiNN (modules, layers, loss, Adam, safetensors)   [NucleiTensor]
//   NucleiImaging (image files, datasets, augmentation)      [NucleiBase, _CImageIO]
//   NucleiAnalysis (metrics, instances, measurements)        [NucleiBase]
//   NucleiFigures (raster drawing, charts, HTML report)      [NucleiBase]
//   -> NucleiSeg (model, training, prediction, figures, report)
//   -> NucleiServe (the local web page and JSON API, on Hummingbird)
//   -> nucleiseg (command line)
import PackageDescription

let optimize: [SwiftSetting] = []  // -O keeps preconditions (shape checks); -Ounchecked would drop them
let optimizeC: [CSetting] = [.unsafeFlags(["-O3", "-fopenmp"])]

let package = Package(
    name: "NucleiSeg",
    platforms: [.macOS(.v13)],
    products: [
        .executable(name: "nucleiseg", targets: ["nucleiseg"]),
        .library(name: "NucleiSeg", targets: ["NucleiSeg"]),
        .library(name: "NucleiServe", targets: ["NucleiServe"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
        .package(url: "https://github.com/hummingbird-project/hummingbird", from: "2.0.0"),
    ],
    targets: [
        // Layer 1: system libraries and our own C glue.
        .systemLibrary(name: "CDNNL", path: "Sources/CDNNL"),
        .systemLibrary(name: "CLibPNG", path: "Sources/CLibPNG", pkgConfig: "libpng16"),
        .systemLibrary(name: "CLibTIFF", path: "Sources/CLibTIFF", pkgConfig: "libtiff-4"),
        .target(
            name: "_CKernels", dependencies: ["CDNNL"], cSettings: optimizeC,
            linkerSettings: [.linkedLibrary("dnnl"), .linkedLibrary("gomp")]),
        .target(
            name: "_CImageIO", dependencies: ["CLibPNG", "CLibTIFF"], cSettings: [.unsafeFlags(["-O2"])],
            linkerSettings: [.linkedLibrary("png16"), .linkedLibrary("tiff")]),
        // File-error wording shared by the layers that read and write files (imports Foundation
        // only, so the numeric core stays free of it).
        .target(name: "_FileSystemMessages", swiftSettings: optimize),
        // The value types every layer shares (imports nothing, so no layer links a library only
        // for a type).
        .target(name: "NucleiBase", swiftSettings: optimize),
        // Layer 2: tensor engine.
        .target(name: "NucleiTensor", dependencies: ["NucleiBase", "_CKernels"], swiftSettings: optimize),
        // Layer 3: neural-network layers, optimizer, checkpoints.
        .target(name: "NucleiNN", dependencies: ["NucleiTensor", "_FileSystemMessages"], swiftSettings: optimize),
        // Layer 4: images and datasets.
        .target(name: "NucleiImaging", dependencies: ["NucleiBase", "_CImageIO", "_FileSystemMessages"], swiftSettings: optimize),
        // Layer 5: metrics and instances (pure Swift), then the segmentation pipeline.
        .target(name: "NucleiAnalysis", dependencies: ["NucleiBase"], swiftSettings: optimize),
        .target(name: "NucleiFigures", dependencies: ["NucleiBase"], swiftSettings: optimize),
        .target(
            name: "NucleiSeg", dependencies: ["NucleiNN", "NucleiImaging", "NucleiAnalysis", "NucleiFigures", "_FileSystemMessages"],
            resources: [.copy("Resources")], swiftSettings: optimize),
        // Layer 6: the local web page and its JSON API (`nucleiseg serve`).
        .target(
            name: "NucleiServe", dependencies: ["NucleiSeg", .product(name: "Hummingbird", package: "hummingbird")],
            swiftSettings: optimize),
        // Layer 7: command line.
        .executableTarget(
            name: "nucleiseg",
            dependencies: ["NucleiSeg", "NucleiServe", .product(name: "ArgumentParser", package: "swift-argument-parser")],
            swiftSettings: optimize),
        .testTarget(name: "NucleiBaseTests", dependencies: ["NucleiBase"], swiftSettings: optimize),
        .testTarget(name: "NucleiTensorTests", dependencies: ["NucleiTensor"], swiftSettings: optimize),
        .testTarget(name: "NucleiNNTests", dependencies: ["NucleiNN"], swiftSettings: optimize),
        .testTarget(name: "NucleiImagingTests", dependencies: ["NucleiImaging"], swiftSettings: optimize),
        .testTarget(name: "NucleiAnalysisTests", dependencies: ["NucleiAnalysis"], swiftSettings: optimize),
        .testTarget(name: "NucleiFiguresTests", dependencies: ["NucleiFigures"], swiftSettings: optimize),
        .testTarget(name: "NucleiSegTests", dependencies: ["NucleiSeg"], resources: [.copy("Resources")], swiftSettings: optimize),
        .testTarget(name: "NucleiServeTests", dependencies: ["NucleiServe", "NucleiSeg"], swiftSettings: optimize),
    ]
)
