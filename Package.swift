// swift-tools-version: 6.0
import PackageDescription

let strictSettings: [SwiftSetting] = [
    .enableUpcomingFeature("ExistentialAny"),
    .enableUpcomingFeature("InternalImportsByDefault"),
    // Release builds link the Swift runtime and Foundation statically (every module that imports
    // Foundation must be compiled so): the `experiments` process starts in half the time (7 vs 14
    // ms, which counts in a 0.2 s grid) and the binary runs on cluster nodes with no Swift toolchain.
    .unsafeFlags(["-static-stdlib"], .when(platforms: [.linux], configuration: .release)),
]

let package = Package(
    name: "rnn-gradient-lab",
    platforms: [.macOS(.v14)],
    products: [
        .executable(name: "experiments", targets: ["experiments"]),
        .library(name: "RecurrentNets", targets: ["RecurrentNets"]),
        .library(name: "ExperimentKit", targets: ["ExperimentKit"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
        .package(url: "https://github.com/apple/swift-numerics", from: "1.0.0"),
    ],
    targets: [
        // C shim: loads OpenBLAS at run time, only for the opt-in `numerics: openblas` mode.
        .target(name: "CBLASLoader", linkerSettings: [.linkedLibrary("dl")]),
        // C kernels: fixed-order GEMM, buffer tanh/sigmoid and BPTT rows, compiled for AVX-512,
        // AVX2 and portable C and picked at run time (or by RNNLAB_KERNEL); every variant gives the same bits.
        .target(name: "CFastMath"),
        // Matrices, fixed-order products (OpenBLAS as an opt-in), spectra, portable math, the seeded random generator.
        .target(
            name: "LinearAlgebra",
            dependencies: ["CBLASLoader", "CFastMath", .product(name: "RealModule", package: "swift-numerics")],
            swiftSettings: strictSettings),
        // Cells, stacks, heads, losses, exact BPTT (full and truncated), initialisers, diagnostics.
        .target(
            name: "RecurrentNets",
            dependencies: ["LinearAlgebra", "CFastMath", .product(name: "RealModule", package: "swift-numerics")],
            swiftSettings: strictSettings),
        // Optimisers, clipping, schedules, regularisation, early stopping, the training loop.
        .target(
            name: "Training",
            dependencies: ["RecurrentNets", "LinearAlgebra", "SequenceTasks"],
            swiftSettings: strictSettings),
        // Deterministic data generators: binary sum, adding, copy, temporal order, char LM, tagging.
        .target(
            name: "SequenceTasks",
            dependencies: ["LinearAlgebra"],
            resources: [.copy("Corpus")],
            swiftSettings: strictSettings),
        // The studies a spec can ask for, each one run on the engine: gradient-flow, propagation, train, states.
        .target(
            name: "Studies",
            dependencies: ["RecurrentNets", "Training", "SequenceTasks", "LinearAlgebra"],
            swiftSettings: strictSettings),
        // Spec -> grid -> runs -> results -> charts/checks.
        .target(
            name: "ExperimentKit",
            dependencies: [
                "Studies", "LinearAlgebra",
            ],
            swiftSettings: strictSettings),
        // The command line: parsing and dispatch only.
        .executableTarget(
            name: "experiments",
            dependencies: ["ExperimentKit", "Studies", "LinearAlgebra", .product(name: "ArgumentParser", package: "swift-argument-parser")],
            swiftSettings: strictSettings,
            linkerSettings: [.unsafeFlags(["-static-stdlib"], .when(platforms: [.linux], configuration: .release))]),
        .testTarget(name: "LinearAlgebraTests", dependencies: ["LinearAlgebra"], swiftSettings: strictSettings),
        .testTarget(
            name: "RecurrentNetsTests", dependencies: ["RecurrentNets", "LinearAlgebra"],
            resources: [.copy("Fixtures")], swiftSettings: strictSettings),
        .testTarget(
            name: "TrainingTests", dependencies: ["Training", "RecurrentNets", "SequenceTasks", "LinearAlgebra"],
            resources: [.copy("Fixtures")], swiftSettings: strictSettings),
        .testTarget(name: "SequenceTasksTests", dependencies: ["SequenceTasks"], swiftSettings: strictSettings),
        .testTarget(name: "StudiesTests", dependencies: ["Studies"], swiftSettings: strictSettings),
        .testTarget(
            name: "ExperimentKitTests", dependencies: ["ExperimentKit", "LinearAlgebra"], swiftSettings: strictSettings),
    ],
    swiftLanguageModes: [.v6]
)
