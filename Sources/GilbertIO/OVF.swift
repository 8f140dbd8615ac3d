import Foundation
import Gilbert

/// OOMMF OVF 2.0 vector files ("Data Binary 8", x fastest, components
/// interleaved, check value 123456789012345.0), readable by OOMMF, mumax3
/// tools and discretisedfield.
public enum OVF {
  /// A field read from an OVF file.
  public struct Field: Sendable {
    public var nx: Int, ny: Int, nz: Int
    public var cellSize: SIMD3<Double>
    /// Interleaved values, x fastest: (v_x, v_y, v_z) of cell (0,0,0), then (1,0,0), ...
    public var values: [Double]
  }

  /// Reads an OVF 2.0 file with binary-8 data.
  public static func read(path: String) throws -> Field {
    guard let data = FileManager.default.contents(atPath: path) else {
      throw HDF5Error(message: "cannot read OVF file '\(path)'", isUsageError: true)
    }
    let marker = Data("# Begin: Data Binary 8".utf8)
    guard let range = data.range(of: marker) else {
      throw HDF5Error(message: "'\(path)' has no '# Begin: Data Binary 8' section (only binary-8 OVF 2.0 is read)", isUsageError: true)
    }
    let header = String(decoding: data[..<range.lowerBound], as: UTF8.self)
    var keys: [String: String] = [:]
    for line in header.split(separator: "\n") {
      let t = line.drop(while: { $0 == "#" || $0 == " " })
      if let colon = t.firstIndex(of: ":") {
        keys[t[..<colon].lowercased()] = t[t.index(after: colon)...].trimmingCharacters(in: .whitespaces)
      }
    }
    func int(_ k: String) throws -> Int {
      guard let v = keys[k].flatMap({ Int($0) }) else { throw HDF5Error(message: "'\(path)': OVF header lacks \(k)", isUsageError: true) }
      return v
    }
    func double(_ k: String) throws -> Double {
      guard let v = keys[k].flatMap({ Double($0) }) else {
        throw HDF5Error(message: "'\(path)': OVF header lacks \(k)", isUsageError: true)
      }
      return v
    }
    let nx = try int("xnodes"), ny = try int("ynodes"), nz = try int("znodes")
    guard nx >= 1, ny >= 1, nz >= 1, nx <= 1 << 20, ny <= 1 << 20, nz <= 1 << 20, nx * ny * nz <= 1 << 28 else {
      throw HDF5Error(
        message: "'\(path)': OVF header gives \(nx) × \(ny) × \(nz) nodes; each must be 1 to 2^20, 2^28 in all",
        isUsageError: true)
    }
    // The reader serves vector fields (a starting state m): valuedim must be 3.
    guard let dim = keys["valuedim"].flatMap({ Int($0) }), dim == 3 else {
      throw HDF5Error(
        message: "'\(path)': OVF valuedim is \(keys["valuedim"] ?? "missing"); a vector field (valuedim 3) is needed",
        isUsageError: true)
    }
    let cell = SIMD3(try double("xstepsize"), try double("ystepsize"), try double("zstepsize"))
    var start = range.upperBound
    while start < data.endIndex, data[start] == 0x0A || data[start] == 0x0D { start += 1 }
    let count = 3 * nx * ny * nz
    guard data.count >= start + 8 * (count + 1) else { throw HDF5Error(message: "'\(path)': OVF data is truncated", isUsageError: true) }
    var values = [Double](repeating: 0, count: count + 1)
    values.withUnsafeMutableBytes { dst in
      data.copyBytes(to: dst.bindMemory(to: UInt8.self), from: start..<(start + 8 * (count + 1)))
    }
    guard values[0] == 123456789012345.0 else {
      throw HDF5Error(message: "'\(path)': OVF binary-8 check value is \(values[0]), not 123456789012345.0", isUsageError: true)
    }
    return Field(nx: nx, ny: ny, nz: nz, cellSize: cell, values: Array(values.dropFirst()))
  }

  /// Writes a field of `labels.count` components (planes of `grid`, one
  /// per component: a vector m_x m_y m_z by default, or a scalar) as OVF
  /// 2.0, binary 8. `time` (s), when given, is written as mumax3 does
  /// (`# Desc: Total simulation time: … s`).
  public static func write(
    path: String, grid: Grid, planes: [Double], title: String, unit: String = "", time: Double? = nil,
    labels: [String] = ["m_x", "m_y", "m_z"]
  ) throws {
    let n = grid.cellCount, c = labels.count
    precondition(planes.count == c * n, "one plane per component")
    let units = [String](repeating: unit.isEmpty ? "1" : unit, count: c).joined(separator: " ")
    var text = """
      # OOMMF OVF 2.0
      # Segment count: 1
      # Begin: Segment
      # Begin: Header
      # Title: \(title)\(time.map { "\n# Desc: Total simulation time: \($0) s" } ?? "")
      # meshunit: m
      # meshtype: rectangular
      # xbase: \(grid.dx / 2)
      # ybase: \(grid.dy / 2)
      # zbase: \(grid.dz / 2)
      # xnodes: \(grid.nx)
      # ynodes: \(grid.ny)
      # znodes: 1
      # xstepsize: \(grid.dx)
      # ystepsize: \(grid.dy)
      # zstepsize: \(grid.dz)
      # xmin: 0
      # ymin: 0
      # zmin: 0
      # xmax: \(Double(grid.nx) * grid.dx)
      # ymax: \(Double(grid.ny) * grid.dy)
      # zmax: \(grid.dz)
      # valuedim: \(c)
      # valuelabels: \(labels.joined(separator: " "))
      # valueunits: \(units)
      # End: Header
      # Begin: Data Binary 8

      """
    var values = [123456789012345.0]
    values.reserveCapacity(c * n + 1)
    for i in 0..<n {
      for k in 0..<c { values.append(planes[k * n + i]) }
    }
    var data = Data(text.utf8)
    values.withUnsafeBytes { data.append(contentsOf: $0) }
    text = "\n# End: Data Binary 8\n# End: Segment\n"
    data.append(contentsOf: Data(text.utf8))
    guard FileManager.default.createFile(atPath: path, contents: data) else {
      throw HDF5Error(message: "cannot write OVF file '\(path)'")
    }
  }
}
