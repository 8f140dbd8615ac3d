/// A lane of the cell formulas: one cell (`Double`) or four cells at once
/// (`SIMD4<Double>`, what the fused pass uses). A local term writes its cell
/// formula once, generic over the lane; the same source then serves the
/// per-term loops, the fused pass and the stiff solver's local Jacobian.
/// Every operation is lane by lane, so four lanes give the bits of four
/// scalar evaluations.
public protocol Lane: Sendable {
  /// Every lane `s`.
  static func splat(_ s: Double) -> Self
  /// The lanes of cells i, i + 1, … of a plane.
  static func load(_ p: UnsafePointer<Double>, _ i: Int) -> Self
  /// The lanes from `value(k)` for k = 0, 1, … (a gather).
  static func make(_ value: (Int) -> Double) -> Self
  /// Writes the lanes to cells i, i + 1, … of a plane.
  func store(_ p: UnsafeMutablePointer<Double>, _ i: Int)
  /// Lane k.
  subscript(lane k: Int) -> Double { get }
  static func + (a: Self, b: Self) -> Self
  static func - (a: Self, b: Self) -> Self
  static func * (a: Self, b: Self) -> Self
  static func / (a: Self, b: Self) -> Self
  static prefix func - (a: Self) -> Self
  static func += (a: inout Self, b: Self)
  /// How many cells a lane holds.
  static var width: Int { get }
}

extension Double: Lane {
  @inlinable @inline(__always) public static func splat(_ s: Double) -> Double { s }
  @inlinable @inline(__always) public static func load(_ p: UnsafePointer<Double>, _ i: Int) -> Double { p[i] }
  @inlinable @inline(__always) public static func make(_ value: (Int) -> Double) -> Double { value(0) }
  @inlinable @inline(__always) public func store(_ p: UnsafeMutablePointer<Double>, _ i: Int) { p[i] = self }
  @inlinable public subscript(lane k: Int) -> Double { self }
  @inlinable public static var width: Int { 1 }
}

extension SIMD4: Lane where Scalar == Double {
  @inlinable @inline(__always) public static func splat(_ s: Double) -> Self { Self(repeating: s) }
  @inlinable @inline(__always) public static func load(_ p: UnsafePointer<Double>, _ i: Int) -> Self {
    UnsafeRawPointer(p + i).loadUnaligned(as: Self.self)
  }
  @inlinable @inline(__always) public static func make(_ value: (Int) -> Double) -> Self {
    Self(value(0), value(1), value(2), value(3))
  }
  @inlinable @inline(__always) public func store(_ p: UnsafeMutablePointer<Double>, _ i: Int) {
    UnsafeMutableRawPointer(p + i).storeBytes(of: self, as: Self.self)
  }
  @inlinable public subscript(lane k: Int) -> Double { self[k] }
  @inlinable public static var width: Int { 4 }
}

/// A vector of lanes: the x, y and z components of one cell, or of four.
public struct Vec3<L: Lane>: Sendable {
  public var x: L, y: L, z: L
  @inlinable @inline(__always) public init(_ x: L, _ y: L, _ z: L) { (self.x, self.y, self.z) = (x, y, z) }
  /// Every lane `v`.
  @inlinable @inline(__always) public init(splat v: SIMD3<Double>) { (x, y, z) = (.splat(v.x), .splat(v.y), .splat(v.z)) }
  @inlinable @inline(__always) public static var zero: Vec3 { Vec3(.splat(0), .splat(0), .splat(0)) }
  /// Cell(s) i of three planes.
  @inlinable @inline(__always) public init(
    _ px: UnsafePointer<Double>, _ py: UnsafePointer<Double>, _ pz: UnsafePointer<Double>, _ i: Int
  ) {
    (x, y, z) = (.load(px, i), .load(py, i), .load(pz, i))
  }
  /// Lane k of each component from `index(k)` of three planes.
  @inlinable @inline(__always) public init(
    gather px: UnsafePointer<Double>, _ py: UnsafePointer<Double>, _ pz: UnsafePointer<Double>, _ index: (Int) -> Int
  ) {
    (x, y, z) = (.make { px[index($0)] }, .make { py[index($0)] }, .make { pz[index($0)] })
  }
  @inlinable @inline(__always) public static func + (a: Vec3, b: Vec3) -> Vec3 { Vec3(a.x + b.x, a.y + b.y, a.z + b.z) }
  @inlinable @inline(__always) public static func - (a: Vec3, b: Vec3) -> Vec3 { Vec3(a.x - b.x, a.y - b.y, a.z - b.z) }
  @inlinable @inline(__always) public static func += (a: inout Vec3, b: Vec3) { a = a + b }
  /// s·v, lane by lane.
  @inlinable @inline(__always) public static func * (s: L, v: Vec3) -> Vec3 { Vec3(s * v.x, s * v.y, s * v.z) }
}

/// a × b, lane by lane (the operations of ``cross(_:_:)``).
@inlinable @inline(__always) public func cross<L: Lane>(_ a: Vec3<L>, _ b: Vec3<L>) -> Vec3<L> {
  Vec3(a.y * b.z - a.z * b.y, a.z * b.x - a.x * b.z, a.x * b.y - a.y * b.x)
}

/// a · b, lane by lane (the operations of ``dot(_:_:)``).
@inlinable @inline(__always) public func dot<L: Lane>(_ a: Vec3<L>, _ b: Vec3<L>) -> L {
  a.x * b.x + a.y * b.y + a.z * b.z
}

/// v − (m·v) m/|m|²: the part of v perpendicular to m (m need not be unit).
@inlinable @inline(__always) public func perpendicular<L: Lane>(_ v: Vec3<L>, to m: Vec3<L>) -> Vec3<L> {
  let p = dot(m, v) / dot(m, m)
  return v - p * m
}

/// A coefficient of every cell, either one value everywhere (`uniform`) or
/// one per cell, held in memory of its own so the fused pass can read it
/// without an array's scope. Which of the two is decided when the term is
/// built, from its ``RegionParameter`` (one region's value, or one value for
/// every region), never by scanning cells.
public struct CellCoefficient: Sendable {
  /// The value of every cell, when it is one value.
  public let uniform: Double?
  @usableFromInline let storage: PinnedDoubles?

  /// One value everywhere.
  public init(uniform value: Double) {
    uniform = value
    storage = nil
  }

  /// One value per cell.
  public init(perCell values: [Double]) {
    uniform = nil
    storage = PinnedDoubles(values)
  }

  /// `uniform` when it is given, else `perCell()`.
  public init(uniform value: Double?, perCell values: () -> [Double]) {
    if let value { self.init(uniform: value) } else { self.init(perCell: values()) }
  }

  /// The value of cell(s) i.
  @inlinable @inline(__always) public func lane<L: Lane>(_ i: Int) -> L {
    if let u = uniform { return .splat(u) }
    return .load(storage.unsafelyUnwrapped.pointer, i)
  }

  /// The value of cell(s) `index(k)`, lane by lane.
  @inlinable @inline(__always) public func lane<L: Lane>(gather index: (Int) -> Int) -> L {
    if let u = uniform { return .splat(u) }
    let p = storage.unsafelyUnwrapped.pointer
    return .make { p[index($0)] }
  }

  /// The value of cell i.
  @inlinable public subscript(i: Int) -> Double { uniform ?? storage.unsafelyUnwrapped.pointer[i] }
}

/// Doubles in an allocation of their own, freed with the last reference
/// (immutable after init, so sharing them between threads is sound).
/// One value at a fixed address, read through a pointer: a kernel's
/// coefficients that the fused pass's slot reaches through 8 bytes (the pass
/// copies a slot per term and block of cells, so a slot is kept small).
/// Immutable after init, so sharing it between threads is sound.
public final class PinnedValue<T>: @unchecked Sendable {
  public let pointer: UnsafeMutablePointer<T>
  public init(_ value: T) {
    pointer = .allocate(capacity: 1)
    pointer.initialize(to: value)
  }
  deinit {
    pointer.deinitialize(count: 1)
    pointer.deallocate()
  }
}

public final class PinnedDoubles: @unchecked Sendable {
  public let pointer: UnsafeMutablePointer<Double>
  public let count: Int
  public init(_ values: [Double]) {
    count = values.count
    pointer = .allocate(capacity: max(1, count))
    _ = UnsafeMutableBufferPointer(start: pointer, count: count).initialize(from: values)
  }
  deinit { pointer.deallocate() }
}
