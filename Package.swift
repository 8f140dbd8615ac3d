// swift-tools-version:6.1
import PackageDescription

let package = Package(
  name: "Gilbert",
  products: [
    .executable(name: "gilbert", targets: ["gilbert"]),
    .library(name: "Gilbert", targets: ["Gilbert"]),
    .library(name: "GilbertIO", targets: ["GilbertIO"]),
  ],
  // `swift build --traits MPI`: `mpirun -n N gilbert sweep …` (needs libopenmpi-dev).
  traits: [.trait(name: "MPI", description: "Sweeps over MPI ranks (Open MPI); the default build needs no MPI.")],
  dependencies: [
    .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
    .package(url: "https://github.com/apple/swift-numerics", from: "1.0.0"),
    .package(url: "https://github.com/LebJe/TOMLKit", from: "0.6.0"),
  ],
  targets: [
    // C shims: a modulemap and a header each, nothing else.
    .systemLibrary(
      name: "CHDF5", pkgConfig: "hdf5", providers: [.apt(["libhdf5-dev"])]),
    .systemLibrary(
      name: "CFFTW3", pkgConfig: "fftw3", providers: [.apt(["libfftw3-dev"])]),
    .systemLibrary(
      name: "CLAPACK", providers: [.apt(["liblapack-dev"])]),
    .systemLibrary(
      name: "CMPI", pkgConfig: "ompi-c", providers: [.apt(["libopenmpi-dev"])]),
    // The engine: grids, fields, terms, solvers. Imports no IO and no CLI.
    .target(
      name: "Gilbert",
      dependencies: [
        "CFFTW3", "CLAPACK",
        .product(name: "RealModule", package: "swift-numerics"),
      ]
    ),
    // HDF5 files and configuration parsing.
    .target(
      name: "GilbertIO",
      dependencies: [
        "Gilbert", "CHDF5",
        .product(name: "TOMLKit", package: "TOMLKit"),
      ]
    ),
    // The command-line tool: thin commands that parse, build, call, write.
    .executableTarget(
      name: "gilbert",
      dependencies: [
        "Gilbert", "GilbertIO",
        .product(name: "ArgumentParser", package: "swift-argument-parser"),
        .target(name: "CMPI", condition: .when(traits: ["MPI"])),
      ],
      swiftSettings: [.define("GILBERT_MPI", .when(traits: ["MPI"]))]
    ),
    .testTarget(
      name: "GilbertTests",
      dependencies: ["Gilbert", "GilbertIO", "gilbert"]
    ),
  ]
)
