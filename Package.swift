// swift-tools-version:6.1
import Foundation
import PackageDescription

/// The CPU the Swift code is compiled for. On an x86-64 Linux machine whose
/// CPU has AVX2 (and the rest of the Haswell set), the build targets it, as
/// GROMACS's build picks the SIMD level of the machine it is built on: the
/// kernels then run four doubles per instruction instead of two (the 1D wire
/// 1.4e8 against 8.3e7 cell-updates/s). Swift never contracts a × b + c into
/// a fused multiply-add, so both builds give the same results to the bit.
/// `GILBERT_TARGET_CPU=x86-64` (or any CPU name swiftc takes) overrides it,
/// for a binary to be copied to older machines; `GILBERT_TARGET_CPU=native`
/// keeps the detection. Clear `.build` after changing it.
let targetCPU: String? = {
  let asked = ProcessInfo.processInfo.environment["GILBERT_TARGET_CPU"] ?? "native"
  if asked != "native" { return asked.isEmpty ? nil : asked }
  #if os(Linux) && arch(x86_64)
    guard let info = try? String(contentsOfFile: "/proc/cpuinfo", encoding: .utf8),
      let line = info.split(separator: "\n").first(where: { $0.hasPrefix("flags") })
    else { return nil }
    let flags = Set(line.split(separator: " ").map(String.init))
    let haswell = ["avx", "avx2", "bmi1", "bmi2", "f16c", "fma", "movbe", "abm", "xsave"]
    return haswell.allSatisfy(flags.contains) ? "haswell" : nil
  #else
    return nil
  #endif
}()
/// The flags, and a define that `gilbert bench` reports.
let codeGeneration: [SwiftSetting] =
  targetCPU.map { cpu in
    [
      .unsafeFlags(["-target-cpu", cpu]),
      .define(cpu == "haswell" ? "GILBERT_CPU_HASWELL" : cpu == "x86-64" ? "GILBERT_CPU_X86_64" : "GILBERT_CPU_OTHER"),
    ]
  } ?? []

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
    // The HDF5 file driver of the files a run writes (C): failures atomic and
    // final, the cause kept, a reserve for recording it, fault injection.
    .target(name: "CH5Driver", dependencies: ["CHDF5"]),
    // The engine: grids, fields, terms, solvers. Imports no IO and no CLI.
    .target(
      name: "Gilbert",
      dependencies: [
        "CFFTW3", "CLAPACK",
        .product(name: "RealModule", package: "swift-numerics"),
      ],
      swiftSettings: codeGeneration
    ),
    // HDF5 files and configuration parsing.
    .target(
      name: "GilbertIO",
      dependencies: [
        "Gilbert", "CHDF5", "CH5Driver",
        .product(name: "TOMLKit", package: "TOMLKit"),
      ],
      swiftSettings: codeGeneration
    ),
    // The command-line tool: thin commands that parse, build, call, write.
    .executableTarget(
      name: "gilbert",
      dependencies: [
        "Gilbert", "GilbertIO",
        .product(name: "ArgumentParser", package: "swift-argument-parser"),
        .target(name: "CMPI", condition: .when(traits: ["MPI"])),
      ],
      swiftSettings: [.define("GILBERT_MPI", .when(traits: ["MPI"]))] + codeGeneration
    ),
    .testTarget(
      name: "GilbertTests",
      dependencies: ["Gilbert", "GilbertIO", "gilbert"],
      swiftSettings: codeGeneration
    ),
  ]
)
