/// The local part of the right-hand side in one pass over the grid's rows.
///
/// Every local term (exchange with its interfaces, uniaxial anisotropy,
/// Zeeman, interfacial DMI, Zhang–Li, δβ) supplies a *kernel*: its
/// coefficients and its cell formula, written once in the term's own file,
/// generic over a ``Lane``. The pass reads m and its neighbours once per
/// cell, forms the central differences once for every term that needs them,
/// sums the fields in the terms' order (the non-local fields, computed before
/// the pass, enter where the first of them stood), takes the torque
/// −γ m × B, adds the current torques in their order, applies the damping
/// (``LLGFormula``) and, for the co-moving frame, writes (∂x m)⊥. Only dm/dt
/// (and the frame's gradient) is written.
///
/// Cells are taken four at a time (`SIMD4<Double>`) where the four and
/// their neighbours are magnetic and inside the row; the rest (row ends,
/// periodic wraps, cells next to empty ones) one at a time (`Double`), with
/// the neighbour rules of ``NeighborStencil``. Each lane does the operations
/// of one scalar evaluation, so the two agree to the bit.
///
/// The same pass, given one term, is that term's own evaluation
/// (``FieldTerm/addField(to:m:time:)``, ``TorqueTerm/addTorque(to:m:time:drive:)``):
/// a term's formula has no second copy.
public final class LocalPass: Sendable {
  /// What a field slot of the pass adds: a term's kernel, or the field of
  /// a term computed before the pass (a non-local term, a local term
  /// without a kernel), the k-th of the `precomputed` fields.
  public enum FieldSlot: Sendable {
    case kernel(FusedField)
    case precomputed(Int)
  }

  /// What the pass writes.
  public enum Mode: Sendable {
    /// Adds the sum of the field slots (T) to the output.
    case field
    /// Adds the sum of the torque kernels (rad/s) to the output.
    case torque
    /// Writes dm/dt (rad/s).
    case rate
  }

  let geometry: LocalGeometry
  /// The field slots, in the terms' order.
  public let fields: [FieldSlot]
  /// The current torques, in the terms' order.
  public let torques: [FusedTorque]
  /// α of every cell.
  let damping: CellCoefficient
  /// γ/γ_e of every cell (nil: γ_e everywhere) and 0 in frozen cells, 1
  /// elsewhere (nil: none frozen).
  let gyro: CellCoefficient?, mobility: CellCoefficient?
  /// The slots as the loops read them, prepared once where nothing in them
  /// depends on time (nil when a slot does: then prepared at every run).
  let staticFields: [PreparedSlot]?
  let preparedTorques: [FusedTorque.Cell]
  /// Whether any slot reads ∂m.
  let slotsReadGradient: Bool

  /// A pass over `geometry` with the given slots.
  public init(
    geometry: LocalGeometry, fields: [FieldSlot], torques: [FusedTorque], damping: CellCoefficient,
    gyro: CellCoefficient? = nil, mobility: CellCoefficient? = nil
  ) {
    self.geometry = geometry
    self.fields = fields
    self.torques = torques
    self.damping = damping
    self.gyro = gyro
    self.mobility = mobility
    let timeDependent = fields.contains { if case .kernel(let k) = $0 { k.dependsOnTime } else { false } }
    staticFields = timeDependent ? nil : Self.prepare(fields, time: 0)
    preparedTorques = torques.map(\.prepared)
    slotsReadGradient =
      !torques.isEmpty || fields.contains { if case .kernel(let k) = $0 { k.readsGradient } else { false } }
  }

  static func prepare(_ fields: [FieldSlot], time: Double) -> [PreparedSlot] {
    fields.map { slot -> PreparedSlot in
      switch slot {
      case .kernel(let k): return .kernel(k.prepared(time: time))
      case .precomputed(let k): return .precomputed(k)
      }
    }
  }

  /// A pass over `magnet` with the given slots and its damping.
  public convenience init(magnet: Magnet, fields: [FieldSlot], torques: [FusedTorque]) {
    self.init(
      geometry: magnet.localGeometry, fields: fields, torques: torques, damping: magnet.dampingCoefficient,
      gyro: magnet.gyroCoefficient, mobility: magnet.mobilityCoefficient)
  }


  /// Adds the fields of the kernels (T) to `b`: a field term's own
  /// evaluation, the pass with that term alone.
  public func addField(to b: inout VectorField, m: VectorField, time: Double) {
    var none: VectorField? = nil
    run(.field, m: m, time: time, drive: Drive(), into: &b, gradient: &none)
  }

  /// Runs the pass over the kernels alone (no precomputed fields).
  public func run(
    _ mode: Mode, m: VectorField, time: Double, drive: Drive, into out: inout VectorField,
    gradient: inout VectorField?
  ) {
    var none: [VectorField] = []
    run(mode, m: m, time: time, drive: drive, precomputed: &none, into: &out, gradient: &gradient)
  }

  /// Runs the pass.
  ///
  /// - `precomputed`: the fields of the `.precomputed(k)` slots, k = 0, 1, …;
  ///   in mode `.rate` each cell of them is set back to zero once read, so
  ///   the next evaluation finds them cleared without a pass of its own
  ///   (the caller adds its terms' fields into zeros).
  /// - `thermal`: a field added after every slot (Brown's thermal field).
  /// - `precomputedTorque`: torques (rad/s) added after the fused ones (torque terms without a kernel).
  /// - `gradient`: when given (mode `.rate`), receives (∂x m)⊥ of every magnetic cell.
  public func run(
    _ mode: Mode, m: VectorField, time: Double, drive: Drive, precomputed: inout [VectorField],
    thermal: VectorField? = nil, precomputedTorque: VectorField? = nil, precession: Bool = true,
    into out: inout VectorField,
    gradient: inout VectorField?
  ) {
    let fieldCells = staticFields ?? Self.prepare(fields, time: time)
    let torqueCells = preparedTorques
    let hasCurrent = drive.velocity != nil || drive.uniformVelocity != nil
    let needsVelocity = mode != .field && !torques.isEmpty && hasCurrent
    let g = geometry
    let withGradient = gradient != nil
    var grad = gradient ?? VectorField(count: 0)
    gradient = nil  // no second reference while it is written
    let settings = Settings(
      mode: mode, precession: precession, withGradient: withGradient,
      gradientNeeded: withGradient || slotsReadGradient, hasY: g.ny > 1, hasZ: g.nz > 1,
      hx: 0.5 / g.dx, hy: 0.5 / g.dy)
    let alpha = damping.view
    m.withPlanes { mx, my, mz in
      out.withMutablePlanes { ox, oy, oz in
        grad.withMutablePlanes { gx, gy, gz in
          withMutablePlanes(list: &precomputed, []) { pre in
            withPlanes(thermal) { hx, hy, hz in
             withPlanes(needsVelocity && drive.uniformVelocity == nil ? drive.velocity : nil) { ux, uy, uz in
              withPlanes(precomputedTorque) { qx, qy, qz in
              fieldCells.withUnsafeBufferPointer { fieldCells in
                torqueCells.withUnsafeBufferPointer { torqueCells in
                  let io = Planes(
                    m: (mx, my, mz), out: (ox, oy, oz), gradient: (gx, gy, gz), pre: pre,
                    thermal: (hx, hy, hz), preTorque: (qx, qy, qz), 
                    hasThermal: thermal != nil, hasPreTorque: precomputedTorque != nil)
                  let velocity = DriveView(
                    uniform: needsVelocity ? drive.uniformVelocity : .zero, planes: (ux, uy, uz),
                    scale: drive.scale(at: time))
                  let work = Work(
                    io: io, fields: fieldCells, torques: needsVelocity ? torqueCells : .init(start: nil, count: 0),
                    velocity: velocity, alpha: alpha, uniformScale: damping.uniform.map { LLGFormula.scale(alpha: $0) },
                    gyro: gyro?.view, mobility: mobility?.view, settings: settings, geometry: g.view)
                  Parallel.forEachChunk(g.rowCount, minimumPerTask: max(1, Parallel.minimumPerTask / g.nx)) { rows in
                    for r in rows { work.row(r) }
                  }
                }
              }
              }
             }
            }
          }
        }
      }
    }
    if withGradient { gradient = grad }
  }
}

/// The pass's view of three planes, or nil pointers for an absent field.
@inline(__always)
func withPlanes<R>(
  _ field: VectorField?, _ body: (UnsafePointer<Double>?, UnsafePointer<Double>?, UnsafePointer<Double>?) -> R
) -> R {
  guard let field else { return body(nil, nil, nil) }
  return field.withPlanes { body($0, $1, $2) }
}

/// The planes of every field of `list`, appended to `planes`, for `body`.
func withMutablePlanes(
  list: inout [VectorField], _ planes: [PlanePointers], _ body: ([PlanePointers]) -> Void
) {
  guard !list.isEmpty else { return body(planes) }
  list.withUnsafeMutableBufferPointer { fields in
    /// Field k's planes, then the rest (distinct elements, so no access overlaps).
    func nest(_ k: Int, _ planes: [PlanePointers]) {
      guard k < fields.count else { return body(planes) }
      fields[k].withMutablePlanes { x, y, z in nest(k + 1, planes + [PlanePointers(x: x, y: y, z: z)]) }
    }
    nest(0, planes)
  }
}

/// The three planes of a field computed before the pass.
struct PlanePointers {
  let x: UnsafeMutablePointer<Double>, y: UnsafeMutablePointer<Double>, z: UnsafeMutablePointer<Double>
}

/// A slot with its time-dependent values fixed for one evaluation.
enum PreparedSlot: @unchecked Sendable {
  case kernel(FusedField.Cell)
  case precomputed(Int)
}

/// The switches of one run of the pass.
struct Settings {
  let mode: LocalPass.Mode
  let precession: Bool, withGradient: Bool, gradientNeeded: Bool, hasY: Bool, hasZ: Bool
  let hx: Double, hy: Double
}

/// The planes one run reads and writes.
struct Planes {
  typealias In = (UnsafePointer<Double>, UnsafePointer<Double>, UnsafePointer<Double>)
  typealias Out = (UnsafeMutablePointer<Double>, UnsafeMutablePointer<Double>, UnsafeMutablePointer<Double>)
  typealias Optional = (UnsafePointer<Double>?, UnsafePointer<Double>?, UnsafePointer<Double>?)
  let m: In, out: Out, gradient: Out, pre: [PlanePointers], thermal: Optional, preTorque: Optional
  let hasThermal: Bool, hasPreTorque: Bool
}

/// u of every cell at one time: uniform, per cell, or none.
struct DriveView {
  /// s(t) u where u is one vector everywhere (zero with no current), else nil.
  let uniform: SIMD3<Double>?
  /// The planes of u's amplitude, where it is per cell.
  let planes: Planes.Optional
  /// s(t).
  let scale: Double

  init(uniform: SIMD3<Double>?, planes: Planes.Optional, scale: Double) {
    self.uniform = uniform.map { scale * $0 }
    self.planes = planes
    self.scale = scale
  }

  /// u of cell(s) i, m/s.
  @inline(__always) func lane<L: Lane>(_ i: Int) -> Vec3<L> {
    if let uniform { return Vec3(splat: uniform) }
    let s = L.splat(scale)
    return Vec3(s * .load(planes.0!, i), s * .load(planes.1!, i), s * .load(planes.2!, i))
  }
}

/// m of a cell (or four) and of its neighbours, with the central
/// differences ∂x m, ∂y m (1/m) where a term needs them: what a local
/// kernel sees. A missing neighbour (a free edge, an empty cell, the y and
/// z neighbours of a wire) is the cell itself. The neighbours are read when
/// a kernel asks for them (from L1), not held, which keeps registers free.
public struct Neighbourhood<L: Lane> {
  public let m: Vec3<L>
  public let dx: Vec3<L>, dy: Vec3<L>
  /// Whether the grid has more than one row (y) or layer (z).
  public let hasY: Bool, hasZ: Bool
  /// Whether every lane has all its in-plane neighbours (none missing at an
  /// edge or empty), so boundary terms vanish.
  public let complete: Bool
  let planes: Planes.In
  /// The indices of the −x, +x, −y, +y, −z, +z neighbours (of the first lane).
  let near: (Int, Int, Int, Int, Int, Int)

  @inline(__always) func load(_ i: Int) -> Vec3<L> { Vec3(planes.0, planes.1, planes.2, i) }
  public var left: Vec3<L> { @inline(__always) get { load(near.0) } }
  public var right: Vec3<L> { @inline(__always) get { load(near.1) } }
  public var down: Vec3<L> { @inline(__always) get { load(near.2) } }
  public var up: Vec3<L> { @inline(__always) get { load(near.3) } }
  public var below: Vec3<L> { @inline(__always) get { load(near.4) } }
  public var above: Vec3<L> { @inline(__always) get { load(near.5) } }
}

/// One run of the pass over its rows.
struct Work {
  let io: Planes
  let fields: UnsafeBufferPointer<PreparedSlot>
  let torques: UnsafeBufferPointer<FusedTorque.Cell>
  let velocity: DriveView
  let alpha: Coefficient
  /// 1/(1 + α²) when α is one value.
  let uniformScale: Double?
  /// γ/γ_e (nil: 1) and the frozen mask (nil: none frozen).
  let gyro: Coefficient?, mobility: Coefficient?
  let settings: Settings
  let geometry: LocalGeometry.View

  /// Every cell of row r.
  @inline(__always) func row(_ r: Int) {
    let g = geometry
    let nx = g.nx
    let start = r * nx
    let iy = r % g.ny, iz = r / g.ny
    // The row's y and z neighbours (wrapped where periodic; 0 offset: none).
    let wrapY = g.periodicY && g.ny > 1, wrapZ = g.periodicZ && g.nz > 1
    let down = iy > 0 ? -nx : (wrapY ? (g.ny - 1) * nx : 0)
    let up = iy < g.ny - 1 ? nx : (wrapY ? -(g.ny - 1) * nx : 0)
    let below = iz > 0 ? -g.layer : (wrapZ ? (g.nz - 1) * g.layer : 0)
    let above = iz < g.nz - 1 ? g.layer : (wrapZ ? -(g.nz - 1) * g.layer : 0)
    // Blocks of four in this row have both x neighbours; their y neighbours too unless the row is at an open edge.
    let innerRow = g.ny == 1 || wrapY || (iy > 0 && iy < g.ny - 1)
    var ix = 0
    while ix < nx {
      let i = start + ix
      if ix >= 1 && ix + 4 <= nx - 1 && g.regularBlock(i) {
        block(SIMD4<Double>.self, i, (i - 1, i + 1, i + down, i + up, i + below, i + above), complete: innerRow)
        ix += 4
      } else {
        scalarCell(i, g.neighbours(i, ix: ix, iy: iy, iz: iz))
        ix += 1
      }
    }
  }

  /// One cell by itself (row ends, cells next to empty ones), out of line:
  /// the loop over blocks of four then holds only their code.
  @inline(never) func scalarCell(_ i: Int, _ n: (Int, Int, Int, Int, Int, Int)) {
    block(Double.self, i, n, complete: false)
  }

  /// Cell(s) i with neighbours at the given indices (of the first lane).
  @_transparent func block<L: Lane>(_: L.Type, _ i: Int, _ n: (Int, Int, Int, Int, Int, Int), complete: Bool) {
    let s = settings
    let (mx, my, mz) = io.m
    let m = Vec3<L>(mx, my, mz, i)
    var dx = Vec3<L>.zero, dy = Vec3<L>.zero
    if s.gradientNeeded {
      dx = L.splat(s.hx) * (Vec3<L>(mx, my, mz, n.1) - Vec3<L>(mx, my, mz, n.0))
      if s.hasY { dy = L.splat(s.hy) * (Vec3<L>(mx, my, mz, n.3) - Vec3<L>(mx, my, mz, n.2)) }
    }
    let c = Neighbourhood(
      m: m, dx: dx, dy: dy, hasY: s.hasY, hasZ: s.hasZ, complete: complete, planes: io.m, near: n)
    let magnetic = geometry.isMagnetic(i) || L.width > 1  // blocks of four are magnetic throughout
    switch s.mode {
    case .field:
      guard magnetic else { return }
      add(field(c, i), i)
    case .torque:
      guard magnetic else { return }
      add(torque(c, i, start: .zero), i)
    case .rate:
      guard magnetic else {
        store(Vec3<L>.zero, to: io.out, i)
        for p in io.pre { clear(p, i, L.self) }
        return
      }
      var b = field(c, i)
      if let g = gyro { b = g.lane(i) * b }  // −γ m × B with γ = (γ/γ_e) γ_e
      let t = torque(c, i, start: LLGFormula.precession(m: m, field: b))
      let a: L = alpha.lane(i)
      var scale: L = uniformScale.map { .splat($0) } ?? LLGFormula.scale(alpha: a)
      if let f = mobility { scale = scale * f.lane(i) }  // frozen cells: dm/dt = 0
      store(LLGFormula.damping(m: m, torque: t, alpha: a, scale: scale, precession: s.precession), to: io.out, i)
      if s.withGradient { store(perpendicular(dx, to: m), to: io.gradient, i) }
    }
  }

  /// The sum of the field slots (and the thermal field), T.
  @_transparent func field<L: Lane>(_ c: Neighbourhood<L>, _ i: Int) -> Vec3<L> {
    var b = Vec3<L>.zero
    for slot in fields {
      switch slot {
      case .kernel(let k): k.add(c, i, to: &b)
      case .precomputed(let k):
        let p = io.pre[k]
        b += Vec3(UnsafePointer(p.x), UnsafePointer(p.y), UnsafePointer(p.z), i)
        if settings.mode == .rate { clear(p, i, L.self) }
      }
    }
    if io.hasThermal { b += Vec3(io.thermal.0!, io.thermal.1!, io.thermal.2!, i) }
    return b
  }

  /// `start` plus the current torques, rad/s.
  @_transparent func torque<L: Lane>(_ c: Neighbourhood<L>, _ i: Int, start: Vec3<L>) -> Vec3<L> {
    var t = start
    if !torques.isEmpty {
      let u: Vec3<L> = velocity.lane(i)
      for k in torques { t += k.torque(c, u: u, i) }
    }
    if settings.mode == .rate && io.hasPreTorque { t += Vec3(io.preTorque.0!, io.preTorque.1!, io.preTorque.2!, i) }
    return t
  }

  @inline(__always) func add<L: Lane>(_ v: Vec3<L>, _ i: Int) {
    let (ox, oy, oz) = io.out
    (L.load(ox, i) + v.x).store(ox, i)
    (L.load(oy, i) + v.y).store(oy, i)
    (L.load(oz, i) + v.z).store(oz, i)
  }

  /// Sets cell(s) i of a precomputed field back to zero.
  @inline(__always) func clear<L: Lane>(_ p: PlanePointers, _ i: Int, _: L.Type) {
    L.splat(0).store(p.x, i)
    L.splat(0).store(p.y, i)
    L.splat(0).store(p.z, i)
  }

  @inline(__always) func store<L: Lane>(_ v: Vec3<L>, to p: Planes.Out, _ i: Int) {
    v.x.store(p.0, i)
    v.y.store(p.1, i)
    v.z.store(p.2, i)
  }
}

/// The grid and mask as the pass walks them: which blocks of four are
/// regular (all four and their neighbours magnetic) and the neighbours of a
/// single cell by ``NeighborStencil``'s rules.
public final class LocalGeometry: @unchecked Sendable {
  let nx: Int, ny: Int, nz: Int, periodicX: Bool, periodicY: Bool, periodicZ: Bool
  let dx: Double, dy: Double
  var rowCount: Int { ny * nz }
  /// 1 where the cell is magnetic, nil when every cell is.
  let magnetic: PinnedDoubles?
  /// 1 where the cell and every neighbour it has are magnetic, nil when every cell is.
  let surrounded: PinnedDoubles?

  /// The geometry of a grid whose cells have the given Ms (0: empty).
  /// Built once per magnet (``Magnet/localGeometry``) and shared by every pass.
  init(grid g: Grid, saturationMagnetization ms: [Double]) {
    (nx, ny, nz, periodicX, dx, dy) = (g.nx, g.ny, g.nz, g.periodicX, g.dx, g.dy)
    (periodicY, periodicZ) = (g.periodicY, g.periodicZ)
    guard ms.contains(where: { $0 <= 0 }) else {
      magnetic = nil
      surrounded = nil
      return
    }
    let isMagnetic = ms.map { $0 > 0 ? 1.0 : 0 }
    magnetic = PinnedDoubles(isMagnetic)
    surrounded = PinnedDoubles(
      (0..<g.cellCount).map { i in
        // A neighbour that exists (wrapped where periodic) must be magnetic; a missing one (an edge) does not count.
        func ok(_ axis: Int, _ step: Int) -> Bool { g.neighbour(i, axis: axis, step: step).map { isMagnetic[$0] == 1 } ?? true }
        let all = isMagnetic[i] == 1 && ok(0, -1) && ok(0, 1) && ok(1, -1) && ok(1, 1) && ok(2, -1) && ok(2, 1)
        return all ? 1 : 0
      })
  }

  /// The pointers the pass reads (no reference counting in its loops).
  var view: View {
    View(
      nx: nx, ny: ny, nz: nz, layer: nx * ny, periodicX: periodicX, periodicY: periodicY, periodicZ: periodicZ,
      magnetic: magnetic.map { UnsafePointer($0.pointer) }, surrounded: surrounded.map { UnsafePointer($0.pointer) })
  }

  struct View {
    let nx: Int, ny: Int, nz: Int, layer: Int, periodicX: Bool, periodicY: Bool, periodicZ: Bool
    let magnetic: UnsafePointer<Double>?, surrounded: UnsafePointer<Double>?

    @inline(__always) func isMagnetic(_ i: Int) -> Bool { magnetic.map { $0[i] != 0 } ?? true }

    /// Whether cells i..<i+4 and their neighbours are all magnetic.
    @inline(__always) func regularBlock(_ i: Int) -> Bool {
      guard let s = surrounded else { return true }
      return s[i] != 0 && s[i + 1] != 0 && s[i + 2] != 0 && s[i + 3] != 0
    }

    /// The neighbours of cell i (−x, +x, −y, +y, −z, +z): the cell itself
    /// where there is none or it is empty; x wraps when periodic.
    @inline(__always) func neighbours(_ i: Int, ix: Int, iy: Int, iz: Int) -> (Int, Int, Int, Int, Int, Int) {
      @inline(__always) func pick(_ j: Int?) -> Int {
        guard let j else { return i }
        return isMagnetic(j) ? j : i
      }
      let row = i - ix
      // Across a periodic axis of more than one cell the neighbour wraps.
      let wrapY = periodicY && ny > 1, wrapZ = periodicZ && nz > 1
      return (
        pick(ix > 0 ? i - 1 : (periodicX ? row + nx - 1 : nil)),
        pick(ix < nx - 1 ? i + 1 : (periodicX ? row : nil)),
        pick(iy > 0 ? i - nx : (wrapY ? i + (ny - 1) * nx : nil)),
        pick(iy < ny - 1 ? i + nx : (wrapY ? i - (ny - 1) * nx : nil)),
        pick(iz > 0 ? i - layer : (wrapZ ? i + (nz - 1) * layer : nil)),
        pick(iz < nz - 1 ? i + layer : (wrapZ ? i - (nz - 1) * layer : nil))
      )
    }
  }
}

/// A coefficient as the pass reads it: a value, or a pointer to one per cell.
public struct Coefficient: @unchecked Sendable {
  let value: Double
  let pointer: UnsafePointer<Double>?
  /// The value of cell(s) i.
  @inline(__always) func lane<L: Lane>(_ i: Int) -> L {
    guard let p = pointer else { return .splat(value) }
    return .load(p, i)
  }
}

extension CellCoefficient {
  /// The pointer view (valid while this coefficient lives).
  public var view: Coefficient {
    Coefficient(value: uniform ?? 0, pointer: storage.map { UnsafePointer($0.pointer) })
  }
}

extension Magnet {
  /// A coefficient of every cell from a parameter given once or per region
  /// (`values`) and each cell's Ms, by `formula(value, Ms)`: one value when
  /// every magnetic region gives the same (empty cells are never read).
  public func coefficient(perRegion values: [Double], _ formula: (Double, Double) -> Double) -> CellCoefficient {
    Self.coefficient(perRegion: values, materials: materials, regions: regions, formula)
  }

  /// ``coefficient(perRegion:_:)`` from the parts of a magnet (for its own init).
  static func coefficient(
    perRegion values: [Double], materials: [Material], regions: [Int], _ formula: (Double, Double) -> Double
  ) -> CellCoefficient {
    let value = { (r: Int) in values.count == 1 ? values[0] : values[r] }
    let magnetic = materials.indices.filter { materials[$0].saturationMagnetization > 0 }
    let perRegion = materials.indices.map { formula(value($0), materials[$0].saturationMagnetization) }
    let first = magnetic.first.map { perRegion[$0] }
    let uniform = first.flatMap { f in magnetic.allSatisfy { perRegion[$0] == f } ? f : nil }
    return CellCoefficient(uniform: uniform) {
      regions.map { materials[$0].saturationMagnetization > 0 ? perRegion[$0] : 0 }
    }
  }

  /// A material property as a coefficient of every cell (see ``coefficient(perRegion:_:)``).
  public func coefficient(_ property: (Material) -> Double) -> CellCoefficient {
    coefficient(perRegion: materials.map(property)) { v, _ in v }
  }

}
