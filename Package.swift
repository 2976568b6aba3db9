// swift-tools-version: 6.0
import PackageDescription

let strictSettings: [SwiftSetting] = [
    .enableUpcomingFeature("ExistentialAny"),
    .enableUpcomingFeature("InternalImportsByDefault"),
]

// Linux only (glibc: `mallopt`, `write`, `dlopen` of OpenBLAS; the CI and cluster targets). Static
// linking of the Swift runtime is a build-command choice, not a package setting, so other packages
// can depend on the libraries: `swift build -c release --static-swift-stdlib` (see README).

let package = Package(
    name: "rnn-gradient-lab",
    products: [
        .executable(name: "experiments", targets: ["experiments"]),
        .library(name: "RecurrentNets", targets: ["RecurrentNets"]),
        .library(name: "ExperimentKit", targets: ["ExperimentKit", "ExperimentSpec", "ExperimentRunner", "ExperimentReports", "EngineBinding"]),
        .library(name: "Interchange", targets: ["Interchange"]),
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
        // safetensors: a validating reader and a writer, and PyTorch's names for the engine's parameters.
        .target(
            name: "Interchange",
            dependencies: ["RecurrentNets", "LinearAlgebra"],
            swiftSettings: strictSettings),
        // Spec -> grid -> runs -> results -> charts/checks, in four layers:
        // the spec format: JSON, options, grid, run keys, typed charts and expectations, CSV tables.
        .target(
            name: "ExperimentSpec",
            dependencies: ["Studies", "RecurrentNets", "Training", "SequenceTasks", "LinearAlgebra", "Interchange"],
            swiftSettings: strictSettings),
        // running a grid: scheduler, records, the results folder (atomic files, manifest, lock), shards.
        .target(name: "ExperimentRunner", dependencies: ["ExperimentSpec", "Studies"], swiftSettings: strictSettings),
        // charts (gnuplot), expectations, report.md, comparisons of results folders.
        .target(
            name: "ExperimentReports", dependencies: ["ExperimentSpec", "ExperimentRunner"], swiftSettings: strictSettings),
        // the binding of runs to the engine's studies (StudyExecutor for the real engine).
        .target(
            name: "EngineBinding",
            dependencies: ["ExperimentSpec", "ExperimentRunner", "Studies", "RecurrentNets", "Training", "SequenceTasks",
                           "LinearAlgebra", "Interchange"],
            swiftSettings: strictSettings),
        // one entry point per `experiments` subcommand.
        .target(
            name: "ExperimentKit",
            dependencies: ["ExperimentSpec", "ExperimentRunner", "ExperimentReports", "Studies", "LinearAlgebra"],
            swiftSettings: strictSettings),
        // test-only executors (no engine), for the runner's tests.
        .target(
            name: "ExperimentTestSupport", dependencies: ["ExperimentSpec", "ExperimentRunner"], swiftSettings: strictSettings),
        // The command line: parsing and dispatch only.
        .executableTarget(
            name: "experiments",
            dependencies: ["ExperimentKit", "ExperimentSpec", "ExperimentRunner", "ExperimentReports", "EngineBinding",
                           "Studies", "LinearAlgebra", .product(name: "ArgumentParser", package: "swift-argument-parser")],
            swiftSettings: strictSettings),
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
            name: "InterchangeTests", dependencies: ["Interchange", "RecurrentNets", "LinearAlgebra"],
            resources: [.copy("Fixtures")], swiftSettings: strictSettings),
        .testTarget(
            name: "ExperimentKitTests",
            dependencies: ["ExperimentKit", "ExperimentSpec", "ExperimentRunner", "ExperimentReports", "EngineBinding",
                           "ExperimentTestSupport", "Studies", "LinearAlgebra"],
            swiftSettings: strictSettings),
    ],
    swiftLanguageModes: [.v6]
)
