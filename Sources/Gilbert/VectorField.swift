/// A vector quantity on a grid, stored as three planes (x, then y, then z)
/// in one contiguous array so that FFTs and HDF5 writes take a plane as it is.
///
/// A value type with copy-on-write storage: solvers own their buffers and
/// update them in place through ``withMutablePlanes(_:)``; never write to a
/// field while a copy of it is alive, or the whole array is copied.
public struct VectorField: Sendable, Equatable {
  /// Number of cells.
  public let count: Int
  /// The three planes, x then y then z, each `count` long.
  public var storage: [Double]

  /// A field of `count` cells, every component `value`.
  public init(count: Int, value: Double = 0) {
    self.count = count
    self.storage = [Double](repeating: value, count: 3 * count)
  }

  /// A field with every cell equal to `v`.
  public init(count: Int, uniform v: SIMD3<Double>) {
    self.init(count: count)
    for i in 0..<count { self[i] = v }
  }

  /// The vector of cell `i`.
  @inlinable public subscript(i: Int) -> SIMD3<Double> {
    get { SIMD3(storage[i], storage[count + i], storage[2 * count + i]) }
    set {
      storage[i] = newValue.x
      storage[count + i] = newValue.y
      storage[2 * count + i] = newValue.z
    }
  }

  /// Calls `body` with read-only pointers to the x, y and z planes.
  @inlinable public func withPlanes<R>(
    _ body: (UnsafePointer<Double>, UnsafePointer<Double>, UnsafePointer<Double>) throws -> R
  ) rethrows -> R {
    let n = count
    return try storage.withUnsafeBufferPointer { p in
      let b = p.baseAddress!
      return try body(b, b + n, b + 2 * n)
    }
  }

  /// Calls `body` with mutable pointers to the x, y and z planes.
  @inlinable public mutating func withMutablePlanes<R>(
    _ body: (UnsafeMutablePointer<Double>, UnsafeMutablePointer<Double>, UnsafeMutablePointer<Double>) throws -> R
  ) rethrows -> R {
    let n = count
    return try storage.withUnsafeMutableBufferPointer { p in
      let b = p.baseAddress!
      return try body(b, b + n, b + 2 * n)
    }
  }

  /// Adds `other` component by component.
  public mutating func add(_ other: VectorField) {
    precondition(other.count == count, "fields of different sizes")
    other.storage.withUnsafeBufferPointer { b in
      storage.withUnsafeMutableBufferPointer { a in
        for i in 0..<a.count { a[i] += b[i] }
      }
    }
  }

  /// Sets every component to zero, in place.
  public mutating func zero() {
    storage.withUnsafeMutableBufferPointer { p in p.update(repeating: 0) }
  }

  /// The largest |v| over the cells (NaN when one is not finite).
  public var maxNorm: Double {
    let n = count
    return withPlanes { x, y, z in
      var worst = 0.0
      for i in 0..<n {
        let s = x[i] * x[i] + y[i] * y[i] + z[i] * z[i]
        if !s.isFinite { return .nan }
        worst = max(worst, s)
      }
      return worst.squareRoot()
    }
  }

  /// Scales every vector to unit length, in place; zero vectors stay zero.
  /// Returns the largest deviation | |v| − 1 | seen before scaling, over the
  /// nonzero vectors (NaN if any component is not finite).
  @discardableResult
  public mutating func normalize() -> Double { normalizeReportingWorst().deviation }

  /// Normalises every nonzero vector; returns the largest ||v| − 1| and its
  /// cell, or NaN and the first cell that is not finite.
  @discardableResult
  public mutating func normalizeReportingWorst() -> (deviation: Double, cell: Int) {
    let n = count
    return withMutablePlanes { x, y, z in
      var part = (worst: 0.0, cell: 0, bad: -1)
      Self.normalize(x, y, z, cells: 0..<n, into: &part)
      return part.bad < 0 ? (part.worst, part.cell) : (.nan, part.bad)
    }
  }

  /// Normalises the nonzero vectors of `cells` of the planes (x, y, z),
  /// keeping in `part` the worst ||v| − 1| and its cell (the first on ties)
  /// and the first cell that is not finite (`bad`, −1 for none). The one
  /// loop behind ``normalizeReportingWorst()`` and the steppers' fused
  /// last-stage pass (``RungeKutta/combine(into:base:stages:weights:step:normalize:)``).
  @inline(__always)
  static func normalize(
    _ x: UnsafeMutablePointer<Double>, _ y: UnsafeMutablePointer<Double>, _ z: UnsafeMutablePointer<Double>,
    cells: Range<Int>, into part: inout (worst: Double, cell: Int, bad: Int)
  ) {
    for i in cells {
      let r2 = x[i] * x[i] + y[i] * y[i] + z[i] * z[i]
      if !r2.isFinite {
        if part.bad < 0 { part.bad = i }
        continue
      }
      if r2 == 0 { continue }
      let r = r2.squareRoot()
      let d = abs(r - 1)
      if d > part.worst { (part.worst, part.cell) = (d, i) }
      let s = 1 / r
      x[i] *= s
      y[i] *= s
      z[i] *= s
    }
  }
}

/// Calls `body` with the storage of every field in `fields`, in order (the
/// fused stage updates of ``RungeKutta`` read several stages in one pass).
func withStoragePointers<R>(
  _ fields: ArraySlice<VectorField>, _ gathered: [UnsafePointer<Double>] = [],
  _ body: ([UnsafePointer<Double>]) -> R
) -> R {
  guard let first = fields.first else { return body(gathered) }
  return first.storage.withUnsafeBufferPointer { p in
    withStoragePointers(fields.dropFirst(), gathered + [p.baseAddress!], body)
  }
}

/// Four doubles, loaded from and stored to consecutive cells of a plane
/// (the SIMD kernels: exchange on a film, the 1D wire).
typealias V4 = SIMD4<Double>

extension SIMD4 where Scalar == Double {
  @inline(__always) static func load(_ p: UnsafeMutablePointer<Double>, _ i: Int) -> Self {
    UnsafeRawPointer(p + i).loadUnaligned(as: Self.self)
  }

  @inline(__always) static func load(_ p: UnsafeBufferPointer<Double>, _ i: Int) -> Self {
    UnsafeRawPointer(p.baseAddress! + i).loadUnaligned(as: Self.self)
  }

  /// (p[i], p[i], p[i + 1], p[i + 1]): two real factors, each beside the
  /// (re, im) pair it multiplies.
  @inline(__always) static func pairs(_ p: UnsafePointer<Double>, _ i: Int) -> Self {
    let v = UnsafeRawPointer(p + i).loadUnaligned(as: SIMD2<Double>.self)
    return Self(lowHalf: SIMD2(repeating: v.x), highHalf: SIMD2(repeating: v.y))
  }

  /// (p[i], p[i], p[i − 1], p[i − 1]): ``pairs(_:_:)`` read backwards.
  @inline(__always) static func pairsDescending(_ p: UnsafePointer<Double>, _ i: Int) -> Self {
    let v = UnsafeRawPointer(p + i - 1).loadUnaligned(as: SIMD2<Double>.self)
    return Self(lowHalf: SIMD2(repeating: v.y), highHalf: SIMD2(repeating: v.x))
  }

}
