import ArgumentParser
import Foundation
import GilbertIO

/// `gilbert table`: a run's table (`/table`) as CSV, for spreadsheets and pandas.
struct TableCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "table",
    abstract: "Write a run's table (t, ⟨m⟩, energies, wall position and tilt, …) as CSV.",
    discussion: """
      The header names each column with its unit, as name [unit]; t comes first. Only
      complete rows are written (a running or crashed file's rows_complete, or the
      shortest column). pandas: pd.read_csv("run.csv").
      """)

  @Argument(help: "A Gilbert HDF5 file.")
  var file: String

  @Option(name: .shortAndLong, help: "The CSV file to write (default: standard output).")
  var output: String?

  @Flag(help: "Replace the output file if it exists.")
  var force = false

  func run() throws {
    guard FileManager.default.fileExists(atPath: file) else { fail("file '\(file)' does not exist") }
    if let output, !force && FileManager.default.fileExists(atPath: output) {
      fail("output file '\(output)' exists; pass --force to replace it")
    }
    let columns: [(name: String, unit: String, values: [Double])]
    var rows: Int
    do {
      let h5 = try HDF5File(reading: file)
      defer { h5.close() }
      guard h5.exists("/table") else { fail("'\(file)' has no /table (a sweep file? read its /sweep group)") }
      var names = try h5.members(of: "/table")
      if let t = names.firstIndex(of: "t") { names.insert(names.remove(at: t), at: 0) }
      columns = try names.map { name in
        (
          name, (try? h5.stringAttribute("unit", on: "/table/\(name)")) ?? "",
          try h5.readDoubles("/table/\(name)").values
        )
      }
      rows = columns.map(\.values.count).min() ?? 0
      if let complete = try? h5.doubleAttribute("rows_complete", on: "/table").first, complete > 0 {
        rows = min(rows, Int(complete))
      }
    } catch let error as HDF5Error {
      fail(error.message)
    }
    var text = columns.map { $0.unit.isEmpty ? $0.name : "\($0.name) [\($0.unit)]" }.joined(separator: ",") + "\n"
    for r in 0..<rows {
      text += columns.map { "\($0.values[r])" }.joined(separator: ",") + "\n"
    }
    if let output {
      do { try AtomicText.write(text, to: output) } catch {
        fail((error as? HDF5Error)?.message ?? "cannot write '\(output)': \(error)")
      }
      FileHandle.standardError.write(Data("wrote \(output): \(rows) rows, \(columns.count) columns\n".utf8))
    } else {
      FileHandle.standardOutput.write(Data(text.utf8))
    }
  }
}
