// swift-tools-version:6.0
import PackageDescription

let package = Package(
  name: "Gilbert",
  products: [
    .executable(name: "gilbert", targets: ["gilbert"]),
    .library(name: "Gilbert", targets: ["Gilbert"]),
    .library(name: "GilbertIO", targets: ["GilbertIO"]),
  ],
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
      ]
    ),
    .testTarget(
      name: "GilbertTests",
      dependencies: ["Gilbert", "GilbertIO", "gilbert"]
    ),
  ]
)
