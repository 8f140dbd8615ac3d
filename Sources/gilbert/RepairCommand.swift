import ArgumentParser
import Foundation
import GilbertIO

/// `gilbert repair`: makes a file left by a killed run readable by every
/// HDF5 tool (gilbert's own readers do the same by themselves).
struct RepairCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "repair",
    abstract: "Make a file left by a killed run readable by h5py, ParaView and other HDF5 tools.",
    discussion: """
      A run killed inside an HDF5 flush (kill -9, a node failure) can leave, without SWMR,
      an end of allocation short of the data or a half-written split of a chunk index
      (a counted frame then reads as zeros); with SWMR, the file stays marked as being
      written (other tools refuse it, h5py without swmr=True). This command repairs each
      of these in place: the end of allocation moved to the end of the file, every chunk
      the index lists but a lookup misses written again, the SWMR marks cleared (h5clear -s).
      A run stopped by a refused write can also leave a file shorter than its superblock
      records (extended to that end), the marks of a writer that did not close it (cleared),
      and frames or rows beyond the counts (cut, on a copy checked before it replaces the file).
      Gilbert's own readers (export, table, initial.type = "file", --resume) repair a
      file the same way when they open it, apart from the cut. A file another process
      holds open is refused.
      """)

  @Argument(help: "A Gilbert HDF5 file.")
  var file: String

  func run() throws {
    guard FileManager.default.fileExists(atPath: file) else { fail("file '\(file)' does not exist") }
    if HDF5File.isLockedElsewhere(file) {
      fail("'\(file)' is open in another process (a running gilbert, or a reader such as h5py); close it first")
    }
    var done: [String] = []
    do {
      done = try HDF5File.repair(file)
      done += try TrajectoryWriter.dropUncountedFrames(file)
    } catch let error as HDF5Error {
      fail(error.message)
    }
    print(done.isEmpty ? "\(file): nothing to repair" : "\(file): " + done.joined(separator: "; "))
  }
}
