import ArgumentParser
import Foundation
import Gilbert
import GilbertIO

/// `gilbert export`: one frame of a Gilbert HDF5 file as OVF 2.0 (binary 8),
/// for OOMMF and mumax3 tools and discretisedfield.
struct ExportCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "export", abstract: "Write one frame of a run's field as an OVF 2.0 file.")

  @Argument(help: "A Gilbert HDF5 file.")
  var file: String

  @Option(parsing: .unconditional, help: "Frame index; negative counts from the end (--frame -1 is the last).")
  var frame = -1

  @Option(help: "The field: m, or B_<term> when it was written.")
  var field = "m"

  @Option(name: .shortAndLong, help: "The OVF file to write.")
  var output: String

  @Flag(help: "Replace the output file if it exists.")
  var force = false

  func run() throws {
    guard FileManager.default.fileExists(atPath: file) else { fail("file '\(file)' does not exist") }
    if !force && FileManager.default.fileExists(atPath: output) {
      fail("output file '\(output)' exists; pass --force to replace it")
    }
    do {
      let h5 = try HDF5File(reading: file)
      let n = try h5.doubleAttribute("n", on: "/mesh"), cell = try h5.doubleAttribute("cellsize", on: "/mesh")
      guard h5.exists("/fields/\(field)/value") else {
        fail("'\(file)' has no field '\(field)'; it has: " + (try h5.members(of: "/fields")).joined(separator: ", "))
      }
      h5.close()
      let grid = Grid(nx: Int(n[0]), ny: Int(n[1]), dx: cell[0], dy: cell[1], dz: cell[2])
      let (m, index, time) = try TrajectoryReader.locatedFrame(path: file, index: frame, grid: grid, field: field)
      try OVF.write(
        path: output, grid: grid, planes: m.storage, title: "\(field) frame \(index) of \(file)",
        unit: field == "m" ? "" : "T", time: time)
      print("wrote \(output): \(field) frame \(index), t = \(time) s")
    } catch let error as HDF5Error {
      fail(error.message)
    } catch let error as ConfigError {
      fail("--frame: \(error.message)")
    }
  }
}
