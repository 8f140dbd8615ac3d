import CFFTW3

/// Real-to-complex 2-D FFTs of one fixed size, planned once with FFTW and
/// reused: the only Swift file that imports CFFTW3.
///
/// Arrays are row-major with `rows` × `columns` reals; their spectra hold
/// `rows` × (`columns`/2 + 1) complex numbers (FFTW's r2c layout), stored as
/// interleaved (re, im) pairs. The backward transform is unnormalised.
///
/// With `occupiedRows` < `rows` (demag's zero padding: only the first rows
/// of the real array hold data, and only they are read back) the 2-D
/// transform is done as its two passes, skipping the padding: forward, the
/// row transforms of the occupied rows only (the rest of the spectrum rows
/// are zero), then every column; backward, every column, then the row
/// transforms of the occupied rows only (the other rows of the real array are
/// not written). The row passes shrink by rows/occupiedRows (half, for
/// demag).
public final class RealFFT2D: @unchecked Sendable {
  /// Rows (y) and columns (x) of the real arrays.
  public let rows: Int, columns: Int
  /// The rows that hold data (all, unless the padding is skipped).
  public let occupiedRows: Int
  /// Complex entries per spectrum: rows × (columns/2 + 1).
  public let spectrumCount: Int
  private let forward: fftw_plan
  private let backward: fftw_plan
  /// With skipped padding: the column passes (``forward``/``backward`` are then the row passes).
  private let columnForward: fftw_plan?
  private let columnBackward: fftw_plan?

  /// FFTW's one-time set-up: a thread-safe planner (tests plan in parallel)
  /// and the threads library.
  fileprivate static let initialized: Bool = {
    fftw_make_planner_thread_safe()
    return fftw_init_threads() != 0
  }()

  /// Plans both directions. `measure` lets FFTW time candidate algorithms
  /// (seconds for large grids, faster transforms); otherwise it estimates.
  public init(rows: Int, columns: Int, occupiedRows: Int? = nil, threads: Int = 1, measure: Bool = false) {
    precondition(rows > 0 && columns > 0)
    _ = Self.initialized
    self.rows = rows
    self.columns = columns
    let occupied = min(rows, max(1, occupiedRows ?? rows))
    self.occupiedRows = occupied
    let half = columns / 2 + 1
    spectrumCount = rows * half
    let real = fftw_alloc_real(rows * columns)!
    let complex = fftw_alloc_complex(spectrumCount)!
    defer {
      fftw_free(real)
      fftw_free(complex)
    }
    if Self.initialized { fftw_plan_with_nthreads(Int32(max(1, threads))) }
    let flags = measure ? UInt32(FFTW_MEASURE) : UInt32(FFTW_ESTIMATE)
    if occupied == rows {
      forward = fftw_plan_dft_r2c_2d(Int32(rows), Int32(columns), real, complex, flags)
      backward = fftw_plan_dft_c2r_2d(Int32(rows), Int32(columns), complex, real, flags)
      columnForward = nil
      columnBackward = nil
    } else {
      var n = [Int32(columns)]
      var m = [Int32(rows)]
      // Rows: `occupied` transforms of length columns, contiguous, one row apart.
      forward = fftw_plan_many_dft_r2c(
        1, &n, Int32(occupied), real, nil, 1, Int32(columns), complex, nil, 1, Int32(half), flags)
      backward = fftw_plan_many_dft_c2r(
        1, &n, Int32(occupied), complex, nil, 1, Int32(half), real, nil, 1, Int32(columns), flags)
      // Columns: `half` transforms of length rows, stride half, in place.
      columnForward = fftw_plan_many_dft(
        1, &m, Int32(half), complex, nil, Int32(half), 1, complex, nil, Int32(half), 1, FFTW_FORWARD, flags)
      columnBackward = fftw_plan_many_dft(
        1, &m, Int32(half), complex, nil, Int32(half), 1, complex, nil, Int32(half), 1, FFTW_BACKWARD, flags)
    }
  }

  deinit {
    fftw_destroy_plan(forward)
    fftw_destroy_plan(backward)
    if let p = columnForward { fftw_destroy_plan(p) }
    if let p = columnBackward { fftw_destroy_plan(p) }
  }

  /// Allocates an array aligned as FFTW wants (SIMD), `count` doubles, zeroed.
  public static func allocate(_ count: Int) -> UnsafeMutablePointer<Double> {
    _ = initialized
    let p = fftw_alloc_real(max(1, count))!
    p.initialize(repeating: 0, count: max(1, count))
    return p
  }

  /// Frees an array from ``allocate(_:)``.
  public static func free(_ p: UnsafeMutablePointer<Double>) { fftw_free(p) }

  /// Spectrum of `real` (rows × columns; only the occupied rows are read
  /// when the padding is skipped) into `spectrum` (2 × spectrumCount doubles).
  public func forward(_ real: UnsafeMutablePointer<Double>, _ spectrum: UnsafeMutablePointer<Double>) {
    spectrum.withMemoryRebound(to: fftw_complex.self, capacity: spectrumCount) { c in
      fftw_execute_dft_r2c(forward, real, c)
      if let columns = columnForward {
        let half = self.columns / 2 + 1
        (c + occupiedRows * half).withMemoryRebound(to: Double.self, capacity: 2 * (rows - occupiedRows) * half) {
          $0.update(repeating: 0, count: 2 * (rows - occupiedRows) * half)
        }
        fftw_execute_dft(columns, c, c)
      }
    }
  }

  /// Unnormalised inverse of `spectrum` into `real` (only the occupied rows
  /// are written when the padding is skipped); destroys `spectrum`.
  public func backward(_ spectrum: UnsafeMutablePointer<Double>, _ real: UnsafeMutablePointer<Double>) {
    spectrum.withMemoryRebound(to: fftw_complex.self, capacity: spectrumCount) { c in
      if let columns = columnBackward { fftw_execute_dft(columns, c, c) }
      fftw_execute_dft_c2r(backward, c, real)
    }
  }
}

/// Type-II / type-III discrete cosine transforms of one fixed 2-D size
/// (FFTW's REDFT10 and REDFT01), in place on a buffer the transform owns.
///
/// The DCT-II diagonalises the cell-centred Laplacian with Neumann
/// boundaries (ghost = self): mode (kx, ky) has eigenvalue
/// −[(2 − 2cos(π kx/Nx))/dx² + (2 − 2cos(π ky/Ny))/dy²]. Forward then
/// backward multiplies by 4 Nx Ny (by 2 Nx when Ny = 1).
public final class CosineTransform2D: @unchecked Sendable {
  /// Rows (y) and columns (x).
  public let rows: Int, columns: Int
  /// The buffer transformed in place, rows × columns, row-major.
  public let buffer: UnsafeMutablePointer<Double>
  private let forwardPlan: fftw_plan
  private let backwardPlan: fftw_plan

  /// Plans both transforms for `rows` × `columns` (rows may be 1).
  public init(rows: Int, columns: Int) {
    self.rows = rows
    self.columns = columns
    buffer = RealFFT2D.allocate(rows * columns)  // also runs FFTW's one-time set-up
    if rows == 1 {
      forwardPlan = fftw_plan_r2r_1d(Int32(columns), buffer, buffer, FFTW_REDFT10, UInt32(FFTW_ESTIMATE))
      backwardPlan = fftw_plan_r2r_1d(Int32(columns), buffer, buffer, FFTW_REDFT01, UInt32(FFTW_ESTIMATE))
    } else {
      forwardPlan = fftw_plan_r2r_2d(
        Int32(rows), Int32(columns), buffer, buffer, FFTW_REDFT10, FFTW_REDFT10, UInt32(FFTW_ESTIMATE))
      backwardPlan = fftw_plan_r2r_2d(
        Int32(rows), Int32(columns), buffer, buffer, FFTW_REDFT01, FFTW_REDFT01, UInt32(FFTW_ESTIMATE))
    }
  }

  deinit {
    fftw_destroy_plan(forwardPlan)
    fftw_destroy_plan(backwardPlan)
    RealFFT2D.free(buffer)
  }

  /// DCT-II of ``buffer`` in place.
  public func forward() { fftw_execute(forwardPlan) }
  /// DCT-III of ``buffer`` in place (unnormalised inverse of ``forward()``).
  public func backward() { fftw_execute(backwardPlan) }
  /// The factor forward-then-backward multiplies by.
  public var roundTripScale: Double { Double(rows == 1 ? 2 * columns : 4 * rows * columns) }
}

/// Real-to-complex 3-D FFTs of one fixed size (z, y, x; x fastest), planned
/// once with FFTW: the transforms of the demag field on grids of several
/// layers. Spectra hold depth × rows × (columns/2 + 1) complex numbers as
/// interleaved (re, im) pairs; the backward transform is unnormalised.
public final class RealFFT3D: @unchecked Sendable {
  /// Layers (z), rows (y) and columns (x) of the real arrays.
  public let depth: Int, rows: Int, columns: Int
  /// Complex entries per spectrum.
  public let spectrumCount: Int
  private let forwardPlan: fftw_plan
  private let backwardPlan: fftw_plan

  /// Plans both directions (FFTW_ESTIMATE: the same plan, so the same bits, every run).
  public init(depth: Int, rows: Int, columns: Int, threads: Int = 1) {
    precondition(depth > 0 && rows > 0 && columns > 0)
    _ = RealFFT2D.initialized
    self.depth = depth
    self.rows = rows
    self.columns = columns
    spectrumCount = depth * rows * (columns / 2 + 1)
    let real = fftw_alloc_real(depth * rows * columns)!
    let complex = fftw_alloc_complex(spectrumCount)!
    defer {
      fftw_free(real)
      fftw_free(complex)
    }
    if RealFFT2D.initialized { fftw_plan_with_nthreads(Int32(max(1, threads))) }
    let flags = UInt32(FFTW_ESTIMATE)
    forwardPlan = fftw_plan_dft_r2c_3d(Int32(depth), Int32(rows), Int32(columns), real, complex, flags)
    backwardPlan = fftw_plan_dft_c2r_3d(Int32(depth), Int32(rows), Int32(columns), complex, real, flags)
  }

  deinit {
    fftw_destroy_plan(forwardPlan)
    fftw_destroy_plan(backwardPlan)
  }

  /// Spectrum of `real` into `spectrum` (2 × spectrumCount doubles).
  public func forward(_ real: UnsafeMutablePointer<Double>, _ spectrum: UnsafeMutablePointer<Double>) {
    spectrum.withMemoryRebound(to: fftw_complex.self, capacity: spectrumCount) {
      fftw_execute_dft_r2c(forwardPlan, real, $0)
    }
  }

  /// Unnormalised inverse of `spectrum` into `real`; destroys `spectrum`.
  public func backward(_ spectrum: UnsafeMutablePointer<Double>, _ real: UnsafeMutablePointer<Double>) {
    spectrum.withMemoryRebound(to: fftw_complex.self, capacity: spectrumCount) {
      fftw_execute_dft_c2r(backwardPlan, $0, real)
    }
  }
}
