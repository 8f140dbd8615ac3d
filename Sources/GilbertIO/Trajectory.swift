import Foundation
import Gilbert

/// The version of the output layout (Documentation/OutputFormat.md).
public let gilbertFormatVersion = "0.1"
/// Name and version of this program, written as `creator`.
public let gilbertCreator = "gilbert 0.1.0"

extension HDF5File {
  /// The root attributes every Gilbert file starts with: `format`,
  /// `format_version`, `creator`, `created_utc` and the verbatim `config_toml`.
  func writeRootHeader(configText: String) throws {
    try setAttribute("format", string: "gilbert")
    try setAttribute("format_version", string: gilbertFormatVersion)
    try setAttribute("creator", string: gilbertCreator)
    try setAttribute("created_utc", string: ISO8601DateFormatter().string(from: Date()))
    try setAttribute("config_toml", string: configText)
  }

  /// Records the configuration after `--set` overrides (`config_resolved`)
  /// and the overrides themselves (`overrides`, one KEY=VALUE per line).
  func writeResolvedConfig(_ text: String, overrides: [String]) throws {
    try setAttribute("config_resolved", string: text)
    try setAttribute("overrides", string: overrides.joined(separator: "\n"))
  }
}

/// Writes one run to an HDF5 file in the layout of Documentation/OutputFormat.md
/// (Documentation/OutputFormat.md): root and mesh attributes, the verbatim
/// config, `/parameters`, `/fields/<q>/{value,time,step}` and `/table/<column>`.
///
/// Every sample is flushed to disk, so a killed run leaves a readable file
/// with every frame written before the kill.
public final class TrajectoryWriter {
  /// The open file; replaced by a fresh handle by ``reopenAfterFailure()``.
  private(set) var file: HDF5File
  let grid: Grid
  let columns: [(name: String, unit: String)]
  let fieldComponents: [String: Int]
  let fieldOrder: [(name: String, components: Int)]
  let path: String
  var frameTimes: [Double] = []
  /// Number of frames written per field.
  public private(set) var frames: [String: Int] = [:]
  /// Number of table rows written.
  public private(set) var rows = 0
  /// Whether the file is in SWMR mode: readers may open it while it is
  /// written (h5py `swmr=True`); the count attributes and `NSteps` are
  /// written when it ends (the `/counts` dataset holds the counts meanwhile).
  public private(set) var swmrActive = false

  /// Creates the file and its layout. Refuses to replace an existing file
  /// unless `overwrite`, and never replaces one that another process holds
  /// open. The new file is built under a temporary name beside the target and
  /// renamed over it once its layout is on disk, so a kill at any moment
  /// leaves either the old file or a readable new one.
  public init(
    path: String, overwrite: Bool, grid: Grid, configText: String, uConvention: String,
    parameters: [RegionParameter], tableColumns: [(name: String, unit: String)],
    fields: [(name: String, unit: String, components: Int)], compress: Bool, swmr: Bool = false,
    prepare: ((HDF5File) throws -> Void)? = nil
  ) throws {
    try Self.checkTarget(path, overwrite: overwrite)
    let directory = URL(fileURLWithPath: path).deletingLastPathComponent().path
    let temporary = (directory as NSString).appendingPathComponent(
      ".\((path as NSString).lastPathComponent).partial-\(getpid())")
    try? FileManager.default.removeItem(atPath: temporary)
    Self.removeStaleTemporaries(beside: path)
    do {
      file = try HDF5File(creating: temporary, overwrite: false, latestFormat: swmr)
    } catch let error as HDF5Error {
      // HDF5 may have made the file before the disk refused its superblock.
      try? FileManager.default.removeItem(atPath: temporary)
      var e = HDF5Error(
        message: "cannot create '\(path)'"
          + (error.fault != 0 ? ": " + HDF5Error.describe(errno: error.fault) : " (\(error.message))"))
      e.fault = error.fault
      throw e
    }
    (self.grid, self.path, columns) = (grid, path, tableColumns)
    (fieldComponents, fieldOrder) = Self.layout(fields)
    do {

      try file.writeRootHeader(configText: configText)
      try file.setAttribute("u_convention", string: uConvention)

      try file.createGroup("/mesh")
      try file.setAttribute("n", on: "/mesh", ints: [grid.nx, grid.ny, grid.nz])
      try file.setAttribute("cellsize", on: "/mesh", doubles: [grid.dx, grid.dy, grid.dz])
      try file.setAttribute("origin", on: "/mesh", doubles: [0, 0, 0])
      try file.setAttribute("pbc", on: "/mesh", ints: [grid.periodicX ? 1 : 0, grid.periodicY ? 1 : 0, grid.periodicZ ? 1 : 0])
      try file.setAttribute("unit", on: "/mesh", string: "m")
      try file.setAttribute("storage_order", on: "/mesh", string: "t z y x c")

      try file.createGroup("/parameters")
      for p in parameters {
        try file.writeDataset(
          "/parameters/\(p.name)", doubles: p.values, shape: p.values.count == 1 ? [] : [p.values.count])
        try file.setAttribute("unit", on: "/parameters/\(p.name)", string: p.unit)
      }

      // Fields: [T, Nz, Ny, Nx, C], chunks of one frame, or of as many rows as fit in 4 MiB.
      for f in fields {
        let base = "/fields/\(f.name)"
        try file.createGroup(base)
        let rowBytes = grid.nx * f.components * 8
        let rowsPerChunk = max(1, min(grid.ny, (4 << 20) / max(1, rowBytes)))
        try file.createGrowingDataset(
          "\(base)/value", rowShape: [grid.nz, grid.ny, grid.nx, f.components], chunkRows: 1,
          chunkRowShape: [1, rowsPerChunk, grid.nx, f.components], compress: compress)
        try file.setAttribute("unit", on: "\(base)/value", string: f.unit)
        try file.setAttribute("center", on: "\(base)/value", string: "cell")
        try file.createGrowingDataset("\(base)/time", rowShape: [], chunkRows: 256)
        try file.setAttribute("unit", on: "\(base)/time", string: "s")
        try file.createGrowingDataset("\(base)/step", element: .int64, rowShape: [], chunkRows: 256)
        frames[f.name] = 0
      }

      try file.createGroup("/fields")
      try Self.createVTKHDF(file, grid: grid, fields: fields.map(\.name))
      try file.createGroup("/table")
      // `/summary` exists from the start, empty until the run ends: writing
      // the summary then adds attributes to it and changes no link of the
      // root group, so a write that fails then cannot damage the root's
      // links (and with them every path in the file).
      try file.createGroup("/summary")
      for c in tableColumns {
        try file.createGrowingDataset("/table/\(c.name)", rowShape: [], chunkRows: 1024)
        try file.setAttribute("unit", on: "/table/\(c.name)", string: c.unit)
      }
      // Whatever else the run will write into (checkpoint slots) is made
      // now: a SWMR file takes no new objects once SWMR starts.
      try prepare?(file)
      // The counts exist from the start: a file killed before its first
      // sample says it holds no frame. A SWMR file cannot update attributes
      // while it runs: −1 says "the counts are in /counts" until it ends (its
      // extents are not counts: one ran ahead of its data when a flush failed).
      try file.setAttribute("frames_complete", on: "/fields", int: swmr ? -1 : 0)
      try file.setAttribute("rows_complete", on: "/table", int: swmr ? -1 : 0)
      if swmr { try file.writeDataset("/counts", doubles: [0, 0], shape: [2]) }
      try file.flush()
      // SWMR starts before the file takes its name, so a reader never finds it in another mode.
      if swmr {
        try file.startSWMR()
        swmrActive = true
      }
      try Self.checkTarget(path, overwrite: overwrite)
      try file.rename(to: path)
    } catch {
      file.close()
      try? FileManager.default.removeItem(atPath: temporary)
      // A disk's refusal is named by the output the user asked for, not the temporary name.
      guard var e = error as? HDF5Error, !e.isUsageError else { throw error }
      e.message = e.message.replacingOccurrences(of: temporary, with: path) + " (creating it; nothing was left)"
      throw e
    }
  }

  /// Removes the temporary files (`.NAME.partial-PID`) that runs killed while
  /// creating `path` left beside it, when their process is gone.
  static func removeStaleTemporaries(beside path: String) {
    let directory = URL(fileURLWithPath: path).deletingLastPathComponent().path
    AtomicText.removeStale(prefix: ".\((path as NSString).lastPathComponent).partial-", in: directory)
  }

  /// Whether a write to the file failed (the disk refused it); the handle
  /// is then abandoned and the run must stop.
  public var failed: Bool { file.failure != 0 }

  /// After a failed write: opens the file afresh from what the disk holds
  /// (the last complete flush, and a prefix of the failed one, repaired as
  /// a reader repairs a killed run's file), takes the counts the disk has,
  /// and leaves the writer on the new handle for the summary. The writes go to
  /// the blocks the driver kept in reserve, so a full disk still takes them.
  /// Throws when the disk refuses these too; the file then keeps the last
  /// flush, and `gilbert repair` finishes it.
  public func reopenAfterFailure() throws {
    guard failed else { return }
    swmrActive = false
    _ = try HDF5File.repair(path)  // what a half flush left, as after a kill
    let fresh = try HDF5File(updating: path, salvage: true)
    file = fresh
    // The counts as the disk has them. Datasets are not cut back here: a
    // half-flushed chunk index may list space that freeing would hand out
    // again over live metadata; `gilbert repair` cuts on a copy instead.
    let counted = try Self.countedFrames(fresh)
    for f in fieldOrder { frames[f.name] = min(counted, frames[f.name] ?? 0) }
    rows = min(rows, try Self.countedRows(fresh, columns: columns.map(\.name)))
    frameTimes = Array(frameTimes.prefix(frames[fieldOrder.first?.name ?? ""] ?? 0))
    try flush()
  }

  /// Cuts every growing dataset of a trajectory file back to what its
  /// counts cover (a failed or killed run may have extended a dataset with
  /// a frame or row it never counted, which h5py would read), and writes the
  /// counts of a SWMR file that stopped running (−1 until then). Touches
  /// the file only when there is something to do. Returns what it did.
  public static func dropUncountedFrames(_ path: String) throws -> [String] {
    func plan(_ f: HDF5File) throws -> (frames: Int, rows: Int, cuts: [(String, Int)], counts: Bool) {
      guard f.exists("/fields") else { return (0, 0, [], false) }
      let frames = try countedFrames(f)
      let columns = f.exists("/table") ? try f.members(of: "/table") : []
      let rows = try countedRows(f, columns: columns)
      var cuts: [(String, Int)] = []
      for name in try f.members(of: "/fields") {
        for d in ["value", "time", "step"] where f.exists("/fields/\(name)/\(d)") {
          if try f.shape("/fields/\(name)/\(d)")[0] > frames { cuts.append(("/fields/\(name)/\(d)", frames)) }
        }
        let offsets = "/VTKHDF/Steps/CellDataOffsets/\(name)"
        if f.exists(offsets), try f.shape(offsets)[0] > frames { cuts.append((offsets, frames)) }
      }
      for c in columns where try f.shape("/table/\(c)")[0] > rows { cuts.append(("/table/\(c)", rows)) }
      let stored = (try? f.doubleAttribute("frames_complete", on: "/fields").first) ?? 0
      return (frames, rows, cuts, stored < 0)
    }
    let reader = try HDF5File(reading: path)
    let p = try plan(reader)
    reader.close()
    guard !p.cuts.isEmpty || p.counts else { return [] }
    // On a copy, checked before it replaces the file: a chunk index the
    // failed run left half-written can make the cut fail or free live space.
    let directory = URL(fileURLWithPath: path).deletingLastPathComponent().path
    let copy = (directory as NSString).appendingPathComponent(
      ".\((path as NSString).lastPathComponent).repair-\(getpid())")
    try? FileManager.default.removeItem(atPath: copy)
    defer { try? FileManager.default.removeItem(atPath: copy) }
    do {
      try FileManager.default.copyItem(atPath: path, toPath: copy)
      let f = try HDF5File(updating: copy, salvage: true)
      for (dataset, n) in p.cuts { try f.setRows(dataset, n) }
      try f.setAttribute("frames_complete", on: "/fields", int: p.frames)
      try f.setAttribute("rows_complete", on: "/table", int: p.rows)
      if f.exists("/VTKHDF/Steps") { try f.setAttribute("NSteps", on: "/VTKHDF/Steps", int: p.frames) }
      try f.closeChecked()
      let check = try HDF5File(reading: copy)
      defer { check.close() }
      guard try countedFrames(check) == p.frames else { throw HDF5Error(message: "the cut copy counts another number of frames") }
      for name in try check.members(of: "/fields") where p.frames > 0 {
        _ = try check.readRow("/fields/\(name)/value", row: p.frames - 1)
      }
    } catch {
      return ["left the uncounted frames and rows in place (cutting them failed: \(error)); readers that follow the counts skip them"]
    }
    guard Foundation.rename(copy, path) == 0 else {
      throw HDF5Error.io("cannot replace '\(path)' by its repaired copy")
    }
    var done: [String] = []
    if !p.cuts.isEmpty {
      done.append("cut \(p.cuts.count) dataset(s) back to the \(p.frames) counted frame(s) and \(p.rows) row(s)")
    }
    if p.counts { done.append("recorded the counts of the SWMR run (\(p.frames) frames, \(p.rows) rows)") }
    return done
  }

  /// The frames a trajectory file counts, every one of them whole on disk:
  /// `/fields@frames_complete`, or, in a SWMR file while it runs (−1
  /// there), the first entry of the `/counts` dataset (a SWMR writer may
  /// not change attributes); never more than the fields' extents.
  public static func countedFrames(_ f: HDF5File) throws -> Int {
    var extent = Int.max
    for name in try f.members(of: "/fields") {
      for d in ["value", "time"] where f.exists("/fields/\(name)/\(d)") {
        extent = min(extent, try f.shape("/fields/\(name)/\(d)").first ?? 0)
      }
    }
    return try counted(f, "frames_complete", on: "/fields", entry: 0, extent: extent == Int.max ? 0 : extent)
  }

  /// The table rows a file counts, as ``countedFrames`` counts frames.
  public static func countedRows(_ f: HDF5File, columns: [String]) throws -> Int {
    let extent = try columns.map { try f.shape("/table/\($0)").first ?? 0 }.min() ?? 0
    return try counted(f, "rows_complete", on: "/table", entry: 1, extent: extent)
  }

  /// The count attribute `name`, or while a SWMR file runs (−1) entry
  /// `entry` of `/counts`, at most `extent`. A SWMR file of an earlier
  /// version kept no `/counts` and its count attribute at 0 until it ended
  /// (its extents were its counts): one that did not end counts its extent.
  private static func counted(_ f: HDF5File, _ name: String, on group: String, entry: Int, extent: Int) throws -> Int {
    let stored = Int((try? f.doubleAttribute(name, on: group).first) ?? 0)
    let hasCounts = f.exists("/counts")
    if stored == 0 && !hasCounts && f.isLatestFormat && (try? f.stringAttribute("status", on: "/summary")) == nil {
      return extent
    }
    if stored >= 0 { return min(stored, extent) }
    if hasCounts { return min(Int(try f.readDoubles("/counts").values[entry]), extent) }
    return extent
  }

  /// Reopens a run's file to continue it from a checkpoint: every growing
  /// dataset is cut back to the checkpoint's `frames` and `rows` (what came
  /// after it is computed again, bit for bit), and `/summary` is removed.
  public init(
    resuming path: String, grid: Grid, tableColumns: [(name: String, unit: String)],
    fields: [(name: String, unit: String, components: Int)], frames: Int, rows: Int, swmr: Bool = false
  ) throws {
    file = try HDF5File(updating: path)
    (self.grid, self.path, columns) = (grid, path, tableColumns)
    (fieldComponents, fieldOrder) = Self.layout(fields)
    for f in fields {
      for d in ["value", "time", "step"] { try file.setRows("/fields/\(f.name)/\(d)", frames) }
      if file.exists("/VTKHDF/Steps/CellDataOffsets/\(f.name)") {
        try file.setRows("/VTKHDF/Steps/CellDataOffsets/\(f.name)", frames)
      }
      self.frames[f.name] = frames
    }
    for c in tableColumns { try file.setRows("/table/\(c.name)", rows) }
    self.rows = rows
    if let first = fields.first { frameTimes = try file.readDoubles("/fields/\(first.name)/time").values }
    try file.remove("/summary")
    try file.createGroup("/summary")
    try flush()
    if swmr {
      // While SWMR runs the counts are in /counts (see the creating init).
      try file.setAttribute("frames_complete", on: "/fields", int: -1)
      try file.setAttribute("rows_complete", on: "/table", int: -1)
      try file.overwrite("/counts", doubles: [Double(frames), Double(rows)])
      try file.flush()
      // SWMR writing starts from a file closed cleanly after the cut-back,
      // not from the handle that opened a crashed SWMR file (status flags
      // cleared) and shrank its datasets: one resumed SWMR run in the full
      // test suite once lost a frame written after the cut-back (not seen
      // again in 80 runs alone); closing flushes the shrunk chunk indices.
      try file.reopenForWriting()
      try file.startSWMR()
      swmrActive = true
    }
  }

  /// Components by field name, and the fields in order.
  static func layout(_ fields: [(name: String, unit: String, components: Int)]) -> (
    [String: Int], [(name: String, components: Int)]
  ) {
    (Dictionary(uniqueKeysWithValues: fields.map { ($0.name, $0.components) }), fields.map { ($0.name, $0.components) })
  }

  /// Refuses a target that exists (without `overwrite`), that another
  /// process holds open, whose directory is missing, or that is not an .h5
  /// name (the XDMF index beside it takes the .xdmf name).
  static func checkTarget(_ path: String, overwrite: Bool) throws {
    let xdmf = XDMF.path(for: path)
    guard xdmf != path, !path.hasSuffix(".xdmf"), !path.hasSuffix(".xdmf2") else {
      throw HDF5Error(
        message: "output '\(path)' must name an HDF5 file (.h5); the XDMF index is written beside it",
        isUsageError: true)
    }
    let fm = FileManager.default
    if !overwrite {
      for p in [path, xdmf, XDMF.paraViewPath(for: path)] where fm.fileExists(atPath: p) {
        throw HDF5Error(
          message: "output file '\(p)' exists; pass --force to replace it or --output to choose another name",
          isUsageError: true)
      }
    }
    if fm.fileExists(atPath: path) && HDF5File.isLockedElsewhere(path) {
      throw HDF5Error(
        message:
          "output file \(HDF5File.heldElsewhere(path)): close it, or choose another --output",
        isUsageError: true)
    }
    let directory = URL(fileURLWithPath: path).deletingLastPathComponent().path
    var isDirectory: ObjCBool = false
    guard fm.fileExists(atPath: directory, isDirectory: &isDirectory), isDirectory.boolValue else {
      throw HDF5Error(
        message: "cannot write '\(path)': the directory '\(directory)' does not exist", isUsageError: true)
    }
  }

  /// Appends a frame of `name` given as planes (component-major), writing it
  /// as [z, y, x, c] with components interleaved.
  public func appendFrame(_ name: String, planes: [Double], time: Double, step: Int) throws {
    guard let c = fieldComponents[name] else { throw HDF5Error(message: "no field \(name) in the output layout") }
    let n = grid.cellCount
    precondition(planes.count == c * n, "frame size does not match the grid")
    var interleaved = [Double](repeating: 0, count: c * n)
    planes.withUnsafeBufferPointer { p in
      interleaved.withUnsafeMutableBufferPointer { o in
        for k in 0..<c {
          for i in 0..<n { o[i * c + k] = p[k * n + i] }
        }
      }
    }
    // Time and step first, the data last: in a SWMR file the extent of
    // `value` is the frame count, and a kill -9 between these appends then
    // leaves at most one time without its frame, never a frame without its time.
    try file.append("/fields/\(name)/time", doubles: [time])
    try file.append("/fields/\(name)/step", ints: [step])
    try file.append("/fields/\(name)/value", doubles: interleaved)
    frames[name, default: 0] += 1
    if name == fieldOrder.first?.name { frameTimes.append(time) }
    try file.append("/VTKHDF/Steps/CellDataOffsets/\(name)", ints: [frames[name]! - 1])
  }

  /// The VTK HDF "ImageData" time series (VTKHDF 2.x): `/VTKHDF` with the
  /// image's extent, origin and spacing; `CellData/<q>` hard links to
  /// `/fields/<q>/value` ([T, z, y, x, c], the layout VTKHDF wants for
  /// temporal images), `Steps/Values` a hard link to `/fields/<first>/time`,
  /// `Steps/CellDataOffsets/<q>` the frame of each step and `Steps@NSteps`
  /// updated at every flush. No data is copied.
  static func createVTKHDF(_ file: HDF5File, grid: Grid, fields: [String]) throws {
    guard let first = fields.first else { return }
    try file.createGroup("/VTKHDF/CellData")
    try file.setAttribute("Version", on: "/VTKHDF", ints: [2, 2])
    try file.setAttribute("Type", on: "/VTKHDF", fixedString: "ImageData")
    try file.setAttribute("WholeExtent", on: "/VTKHDF", ints: [0, grid.nx, 0, grid.ny, 0, grid.nz])
    try file.setAttribute("Origin", on: "/VTKHDF", doubles: [0, 0, 0])
    try file.setAttribute("Spacing", on: "/VTKHDF", doubles: [grid.dx, grid.dy, grid.dz])
    try file.setAttribute("Direction", on: "/VTKHDF", doubles: [1, 0, 0, 0, 1, 0, 0, 0, 1])
    try file.createGroup("/VTKHDF/Steps/CellDataOffsets")
    try file.setAttribute("NSteps", on: "/VTKHDF/Steps", int: 0)
    try file.hardLink("/fields/\(first)/time", as: "/VTKHDF/Steps/Values")
    for f in fields {
      try file.hardLink("/fields/\(f)/value", as: "/VTKHDF/CellData/\(f)")
      try file.createGrowingDataset("/VTKHDF/Steps/CellDataOffsets/\(f)", element: .int64, rowShape: [], chunkRows: 256)
    }
  }

  /// Writes `<run>.xdmf` for the frames so far (Documentation/OutputFormat.md).
  public func writeXDMF() {
    guard !fieldOrder.isEmpty else { return }
    try? XDMF.write(h5Path: path, grid: grid, fields: fieldOrder, times: frameTimes)
  }

  /// Space kept free on the disk for closing the file (summary, index), bytes.
  static let closingReserve: UInt64 = 256 << 10

  /// Stops before the disk fills: throws unless the disk has room for a
  /// sample (every field's frame, `frame` true, and a row) twice over plus
  /// the closing reserve. A run stopped here leaves a whole, closed file; a
  /// write that fails mid-frame cannot promise that.
  public func checkSpace(frame: Bool) throws {
    guard let free = HDF5File.freeSpace(near: path) else { return }
    let frameBytes = frame ? fieldOrder.reduce(0) { $0 + $1.components * grid.cellCount * 8 } : 0
    let needed = UInt64(2 * (frameBytes + columns.count * 8) + 65536) + Self.closingReserve
    if free < needed {
      throw HDF5Error(
        message:
          "cannot write '\(path)': the disk has \(free) bytes free and the next sample needs about \(needed) with the reserve for closing the file; the run stopped with every frame so far written and counted"
      )
    }
  }

  /// Appends one table row (values in the order of the columns).
  public func appendRow(_ values: [Double]) throws {
    precondition(values.count == columns.count, "row does not match the table columns")
    for (c, v) in zip(columns, values) { try file.append("/table/\(c.name)", doubles: [v]) }
    rows += 1
  }

  /// Writes `/summary` attributes (counts, numbers and strings).
  public func writeSummary(counts: [String: Int] = [:], numbers: [String: Double], strings: [String: String] = [:])
    throws
  {
    try file.createGroup("/summary")
    for (k, v) in counts.sorted(by: { $0.key < $1.key }) { try file.setAttribute(k, on: "/summary", int: v) }
    for (k, v) in numbers.sorted(by: { $0.key < $1.key }) { try file.setAttribute(k, on: "/summary", double: v) }
    for (k, v) in strings.sorted(by: { $0.key < $1.key }) { try file.setAttribute(k, on: "/summary", string: v) }
  }

  /// The wall columns of the table written so far: (t, wall_position, wall_tilt).
  public func wallSeries() throws -> ([Double], [Double], [Double]) {
    // The counted rows only: after a failed write a column may hold one more.
    let n = rows
    return (
      Array(try file.readDoubles("/table/t").values.prefix(n)),
      Array(try file.readDoubles("/table/wall_position").values.prefix(n)),
      Array(try file.readDoubles("/table/wall_tilt").values.prefix(n))
    )
  }

  /// Flushes everything written so far to disk, then records how many
  /// frames and rows are complete (`/fields@frames_complete`,
  /// `/table@rows_complete`) and flushes again: the counts reach the disk
  /// only after the data they count, and they count the frame just written.
  /// After a crash every frame below `frames_complete` is whole. Throws when
  /// the disk refuses; the counts then still describe what is on disk.
  public func flush() throws {
    try file.flush()
    // The XDMF index is rewritten now and then while the run goes on (its
    // size grows with the frames), and always at the end.
    let n = frameTimes.count
    if n > 0 && (n & (n - 1) == 0 || n % 256 == 0) { writeXDMF() }
    let counted = frames["m"] ?? frames.values.max() ?? 0
    if swmrActive {
      // A SWMR writer may write data but not attributes: the counts go to `/counts`.
      try file.overwrite("/counts", doubles: [Double(counted), Double(rows)])
      try file.flush()
      return
    }
    try file.setAttribute("frames_complete", on: "/fields", int: counted)
    if file.exists("/VTKHDF/Steps") { try file.setAttribute("NSteps", on: "/VTKHDF/Steps", int: frameTimes.count) }
    try file.setAttribute("rows_complete", on: "/table", int: rows)
    try file.flush()
  }

  /// Ends SWMR mode (closes and reopens the file) so the summary and the
  /// counts can be written; nothing when the file is not in SWMR mode.
  public func endSWMR() throws {
    guard swmrActive, !failed else { return }
    try file.flush()
    try file.reopenForWriting()
    swmrActive = false
    try flush()
  }

  /// Writes the final XDMF index and closes the file; throws when the disk
  /// refuses what the close writes (the file keeps its last flush).
  public func closeFile() throws {
    writeXDMF()
    try file.closeChecked()
  }

  /// Closes the file and writes the final XDMF index.
  public func close() {
    writeXDMF()
    file.close()
  }
}

/// Reads frames back from a Gilbert HDF5 file.
public enum TrajectoryReader {
  /// The values and shape of `dataset` in the input file `path` (a current
  /// profile, a region map): a missing or unreadable file is a ConfigError
  /// naming `pathKey`, a missing dataset one naming `datasetKey`.
  static func inputDataset(path: String, dataset: String, pathKey: String, datasetKey: String) throws(ConfigError) -> (
    values: [Double], shape: [Int]
  ) {
    guard FileManager.default.fileExists(atPath: path) else {
      throw ConfigError(key: pathKey, message: "names '\(path)', which does not exist")
    }
    do {
      let file = try HDF5File(reading: path)
      defer { file.close() }
      guard file.exists(dataset) else {
        throw ConfigError(key: datasetKey, message: "'\(path)' has no dataset \(dataset)")
      }
      return try file.readDoubles(dataset)
    } catch let e as ConfigError {
      throw e
    } catch {
      throw ConfigError(key: pathKey, message: "'\(path)' cannot be read as HDF5: \(error)")
    }
  }

  /// A per-cell vector dataset [Ny, Nx, 3] or [1, Ny, Nx, 3] (for example a current profile).
  public static func vectorDataset(path: String, dataset: String, grid: Grid, key: String) throws -> VectorField {
    let (values, shape) = try inputDataset(path: path, dataset: dataset, pathKey: key, datasetKey: key)
    let core = Array(shape.drop(while: { $0 == 1 }))
    guard values.count == 3 * grid.cellCount, shape.last == 3, core.count <= 4,
      core.dropLast().reduce(1, *) == grid.cellCount
    else {
      let expected = grid.nz == 1 ? "[\(grid.ny), \(grid.nx), 3]" : "[\(grid.nz), \(grid.ny), \(grid.nx), 3]"
      throw ConfigError(
        key: key,
        message: "dataset \(dataset) has shape \(shape); expected \(expected) (x fastest, components last)")
    }
    if let bad = values.firstIndex(where: { !$0.isFinite }) {
      throw ConfigError(
        key: key,
        message: "dataset \(dataset) of '\(path)' has \(values[bad]) in cell \(bad / 3); every value must be finite")
    }
    var f = VectorField(count: grid.cellCount)
    for c in 0..<grid.cellCount { f[c] = SIMD3(values[3 * c], values[3 * c + 1], values[3 * c + 2]) }
    return f
  }

  /// Frame `index` (negative counts from the end) of `/fields/m/value`, as a
  /// field on `grid`; the file's mesh must match.
  public static func frame(path: String, index: Int, grid: Grid, field: String = "m") throws -> VectorField {
    try locatedFrame(path: path, index: index, grid: grid, field: field).field
  }

  /// A frame with its index (a negative `index` counts from the end) and time (s).
  public static func locatedFrame(path: String, index: Int, grid: Grid, field: String = "m") throws -> (
    field: VectorField, index: Int, time: Double
  ) {
    guard FileManager.default.fileExists(atPath: path) else {
      throw ConfigError(key: "initial.path", message: "names '\(path)', which does not exist")
    }
    let file = try HDF5File(reading: path)
    defer { file.close() }
    let shape = try file.shape("/fields/\(field)/value")
    guard shape.count == 5, shape[1] == grid.nz, shape[2] == grid.ny, shape[3] == grid.nx, shape[4] == 3 else {
      throw ConfigError(
        key: "initial.path",
        message:
          "holds a field of shape \(shape), which does not fit the grid [T, \(grid.nz), \(grid.ny), \(grid.nx), 3]")
    }
    let i = index < 0 ? shape[0] + index : index
    guard i >= 0, i < shape[0] else {
      throw ConfigError(
        key: "initial.frame",
        message: "is \(index); the file has \(shape[0]) frames (0..<\(shape[0]), or −1 for the last)")
    }
    let row = try file.readRow("/fields/\(field)/value", row: i)
    let time = try file.readRow("/fields/\(field)/time", row: i)[0]
    var m = VectorField(count: grid.cellCount)
    for c in 0..<grid.cellCount { m[c] = SIMD3(row[3 * c], row[3 * c + 1], row[3 * c + 2]) }
    return (m, i, time)
  }
}

/// Writes a (q, φ) model table to HDF5: a `/model` group with one 1-D dataset per column.
public enum ModelTableWriter {
  /// Writes `rows` (columns `names`) and the regime of each row.
  public static func write(
    path: String, overwrite: Bool, configText: String, names: [String], rows: [[Double]], regimes: [String]
  ) throws {
    let f = try HDF5File(creating: path, overwrite: overwrite)
    defer { f.close() }
    try f.writeRootHeader(configText: configText)
    try f.createGroup("/model")
    let units = [
      "u": "m/s", "tilt": "rad", "width": "m", "model_velocity": "m/s", "walker_velocity": "m/s", "period": "s",
    ]
    for (c, name) in names.enumerated() {
      try f.writeDataset("/model/\(name)", doubles: rows.map { $0[c] }, shape: [rows.count])
      try f.setAttribute("unit", on: "/model/\(name)", string: units[name] ?? "")
    }
    try f.writeDataset("/model/regime", strings: regimes)
  }
}
