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
      // A damaged file may hold anything here: check before any conversion to Int.
      guard n.count == 3, n.allSatisfy({ $0 >= 1 && $0 <= Double(MeshSection.maximumCells) && $0 == $0.rounded() }),
        n[0] * n[1] * n[2] <= Double(MeshSection.maximumCells)
      else { fail("'\(file)': /mesh@n is \(n), not three cell counts; the file is damaged (gilbert repair may help)") }
      guard cell.count == 3, cell.allSatisfy({ $0 > 0 && $0.isFinite }) else {
        fail("'\(file)': /mesh@cellsize is \(cell), not three positive sizes; the file is damaged")
      }
      guard h5.exists("/fields/\(field)/value") else {
        fail("'\(file)' has no field '\(field)'; it has: " + (try h5.members(of: "/fields")).joined(separator: ", "))
      }
      let shape = try h5.shape("/fields/\(field)/value")
      let components = shape.last ?? 0
      let unit = (try? h5.stringAttribute("unit", on: "/fields/\(field)/value")) ?? ""
      guard shape.count == 5, components == 1 || components == 3, shape[0] > 0 else {
        fail("'\(file)': /fields/\(field)/value has shape \(shape) (no frames, or not a scalar or vector field)")
      }
      // The complete frames: a crashed or running file may hold a frame
      // being written; only the counted ones are whole on disk.
      let count = try TrajectoryWriter.countedFrames(h5)
      guard count > 0 else { fail("'\(file)' has no complete frame of \(field) yet") }
      let index = frame < 0 ? count + frame : frame
      guard index >= 0, index < count else {
        fail(
          "--frame is \(frame); '\(file)' has \(count) complete frames of \(field) (0 ... \(count - 1), or −1 for the last)"
        )
      }
      let row = try h5.readRow("/fields/\(field)/value", row: index)
      let time = try h5.readRow("/fields/\(field)/time", row: index)[0]
      h5.close()
      let grid = Grid(nx: Int(n[0]), ny: Int(n[1]), dx: cell[0], dy: cell[1], dz: cell[2])
      // Interleaved [cell][component] to planes.
      let cells = grid.cellCount
      var planes = [Double](repeating: 0, count: components * cells)
      for c in 0..<cells {
        for k in 0..<components { planes[k * cells + c] = row[components * c + k] }
      }
      let labels = components == 3 ? ["\(field)_x", "\(field)_y", "\(field)_z"] : [field]
      try OVF.write(
        path: output, grid: grid, planes: planes, title: "\(field) frame \(index) of \(file)",
        unit: field == "m" ? "" : unit, time: time, labels: labels)
      print("wrote \(output): \(field) frame \(index), t = \(time) s")
    } catch let error as HDF5Error {
      fail(error.message)
    } catch let error as ConfigError {
      fail("--frame: \(error.message)")
    }
  }
}
