import Gilbert

/// `[[region]]`: boxes or ellipses (x and y ranges, m; a z range on grids of
/// several layers) whose cells take region `index` (1–255; region 0 is
/// everything else). Later entries win. `[region_map]` (`path`, `dataset`)
/// gives every cell's region from an HDF5 integer dataset first (an image of
/// a sample, or Ubermag parameters given as fields); boxes then apply on top.
public struct RegionSection: ConfigSection {
  /// Region of every cell.
  public let map: [Int]
  /// Number of regions (the largest index + 1).
  public let count: Int

  public static func read(from root: ConfigTable, context: ConfigContext) throws(ConfigError) -> RegionSection? {
    let tables = try root.tables("region")
    let file = try root.table("region_map")
    guard !tables.isEmpty || file != nil else { return nil }
    let g = try context.grid
    var map = [Int](repeating: 0, count: g.cellCount)
    var count = 1
    if let file {
      map = try readMap(file, context: context)
      count = (map.max() ?? 0) + 1
    }
    let sizeX = Double(g.nx) * g.dx, sizeY = Double(g.ny) * g.dy, sizeZ = Double(g.nz) * g.dz
    for r in tables {
      let index = try r.int(
        "index", valid: { $0 >= 1 && $0 < 256 }, expected: "an integer from 1 to 255 (region 0 is the default)")
      let xr = try r.numbers("x", count: 2, default: [0, sizeX], unit: "m")
      let yr = try r.numbers("y", count: 2, default: [0, sizeY], unit: "m")
      let zr = try r.numbers("z", count: 2, default: [0, sizeZ], unit: "m")
      let shape = try r.string("shape", default: "box", choices: ["box", "ellipse"])
      try r.finish()
      count = max(count, index + 1)
      for iz in 0..<g.nz {
        let z = g.centerZ(iz)
        guard z >= zr[0] && z < zr[1] else { continue }
        for iy in 0..<g.ny {
          for ix in 0..<g.nx where inside(g.center(ix, iy), x: xr, y: yr, ellipse: shape == "ellipse") {
            map[g.index(ix, iy, iz)] = index
          }
        }
      }
    }
    return RegionSection(map: map, count: count)
  }

  /// The region of every cell from `[region_map]`: an HDF5 dataset of
  /// integers 0–255, [Nz, Ny, Nx] or [Ny, Nx] (x fastest).
  static func readMap(_ t: ConfigTable, context: ConfigContext) throws(ConfigError) -> [Int] {
    let g = try context.grid
    let path = context.resolve(try t.string("path"))
    let dataset = try t.string("dataset", default: "/regions")
    try t.finish()
    let read = try TrajectoryReader.inputDataset(
      path: path, dataset: dataset, pathKey: "region_map.path", datasetKey: "region_map.dataset")
    let expected = g.nz == 1 ? "[\(g.ny), \(g.nx)]" : "[\(g.nz), \(g.ny), \(g.nx)]"
    guard read.values.count == g.cellCount, read.shape.drop(while: { $0 == 1 }).count <= 3 else {
      throw ConfigError(
        key: "region_map.dataset", message: "\(dataset) has shape \(read.shape); expected \(expected) (x fastest)")
    }
    var map = [Int](repeating: 0, count: g.cellCount)
    for (i, v) in read.values.enumerated() {
      guard v >= 0, v <= 255, v == v.rounded() else {
        throw ConfigError(
          key: "region_map.dataset",
          message: "\(dataset) holds \(v) at \(g.describe(i)); expected region indices, integers from 0 to 255")
      }
      map[i] = Int(v)
    }
    return map
  }

  static func inside(_ p: (x: Double, y: Double), x xr: [Double], y yr: [Double], ellipse: Bool) -> Bool {
    if !ellipse { return p.x >= xr[0] && p.x < xr[1] && p.y >= yr[0] && p.y < yr[1] }
    let cx = (xr[0] + xr[1]) / 2, cy = (yr[0] + yr[1]) / 2
    let ax = (xr[1] - xr[0]) / 2, ay = (yr[1] - yr[0]) / 2
    return ((p.x - cx) / ax) * ((p.x - cx) / ax) + ((p.y - cy) / ay) * ((p.y - cy) / ay) <= 1
  }
}
