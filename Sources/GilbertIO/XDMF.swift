import Foundation
import Gilbert

/// Writes `<run>.xdmf` beside a run's HDF5 file: an XDMF 3 temporal collection
/// with one uniform grid per frame whose cell attributes are hyperslabs of
/// `/fields/<q>/value` (no copy of the data), so ParaView 5.11 (XDMF reader)
/// opens the trajectory.
public enum XDMF {
  /// The XDMF path for an HDF5 path: `run.h5` → `run.xdmf`.
  public static func path(for h5Path: String) -> String {
    let url = URL(fileURLWithPath: h5Path)
    return url.deletingPathExtension().appendingPathExtension("xdmf").path
  }

  /// The XDMF text for `frames` frames at `times` of the fields (name, components).
  public static func document(h5Name: String, grid: Grid, fields: [(name: String, components: Int)], times: [Double])
    -> String
  {
    let (nx, ny, nz) = (grid.nx, grid.ny, grid.nz)
    let total = times.count
    var s = """
      <?xml version="1.0" ?>
      <Xdmf Version="3.0">
      <Domain>
      <Grid Name="gilbert" GridType="Collection" CollectionType="Temporal">

      """
    for (k, t) in times.enumerated() {
      s += """
        <Grid Name="frame\(k)" GridType="Uniform">
        <Time Value="\(t)"/>
        <Topology TopologyType="3DCoRectMesh" Dimensions="\(nz + 1) \(ny + 1) \(nx + 1)"/>
        <Geometry GeometryType="ORIGIN_DXDYDZ">
        <DataItem Dimensions="3" NumberType="Float" Precision="8" Format="XML">0 0 0</DataItem>
        <DataItem Dimensions="3" NumberType="Float" Precision="8" Format="XML">\(grid.dz) \(grid.dy) \(grid.dx)</DataItem>
        </Geometry>

        """
      for f in fields {
        let type = f.components == 3 ? "Vector" : "Scalar"
        s += """
          <Attribute Name="\(f.name)" AttributeType="\(type)" Center="Cell">
          <DataItem ItemType="HyperSlab" Dimensions="\(nz) \(ny) \(nx) \(f.components)" Type="HyperSlab">
          <DataItem Dimensions="3 5" Format="XML">\(k) 0 0 0 0 1 1 1 1 1 1 \(nz) \(ny) \(nx) \(f.components)</DataItem>
          <DataItem Dimensions="\(total) \(nz) \(ny) \(nx) \(f.components)" NumberType="Float" Precision="8" Format="HDF">\(h5Name):/fields/\(f.name)/value</DataItem>
          </DataItem>
          </Attribute>

          """
      }
      s += "</Grid>\n"
    }
    s += "</Grid>\n</Domain>\n</Xdmf>\n"
    return s
  }

  /// The same index under the `.xdmf2` extension, for which ParaView picks its
  /// (legacy) XDMF reader by default: ParaView 5.11's default for `.xdmf`, the
  /// Xdmf3 reader, lists the time steps but reads no array through an HDF5
  /// hyperslab ("Skipping unrecognized array type"), which the XDMF reader does.
  public static func paraViewPath(for h5Path: String) -> String {
    URL(fileURLWithPath: h5Path).deletingPathExtension().appendingPathExtension("xdmf2").path
  }

  /// Writes the document beside `h5Path` as `.xdmf` and `.xdmf2` (replacing older ones for the same run).
  public static func write(h5Path: String, grid: Grid, fields: [(name: String, components: Int)], times: [Double])
    throws
  {
    let text = document(
      h5Name: URL(fileURLWithPath: h5Path).lastPathComponent, grid: grid, fields: fields, times: times)
    try AtomicText.write(text, to: path(for: h5Path))
    try AtomicText.write(text, to: paraViewPath(for: h5Path))
  }
}
