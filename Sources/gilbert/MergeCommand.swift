import ArgumentParser
import Foundation
import GilbertIO

/// `gilbert merge`: gathers the shards of one sweep (`gilbert sweep --shard K/N`) into one file.
struct MergeCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "merge",
    abstract: "Gather the sweep files of one sweep (its shards) into one sweep file.",
    discussion: """
      Every input must be the same sweep (config, --set and --vary); each point is
      taken from the shard that finished it. The result is the file a single
      `gilbert sweep` would have written, point for point, to the last bit.
      """)

  @Argument(help: "The shards' sweep files.")
  var inputs: [String]

  @Option(name: .shortAndLong, help: "The merged sweep file.")
  var output: String

  @Flag(help: "Replace the output file if it exists.")
  var force = false

  func run() throws {
    guard !inputs.isEmpty else { fail("merge needs the shards' sweep files (gilbert merge a.h5 b.h5 -o all.h5)") }
    for path in inputs where !FileManager.default.fileExists(atPath: path) { fail("file '\(path)' does not exist") }
    do {
      let points = try Sweep.merge(inputs, into: output, overwrite: force)
      let done = points.filter(\.isFinished).count
      print(
        "wrote \(output): \(done) of \(points.count) points"
          + (done < points.count ? " (the rest not run by any shard)" : ""))
    } catch let error as HDF5Error {
      fail(error.message)
    }
  }
}
