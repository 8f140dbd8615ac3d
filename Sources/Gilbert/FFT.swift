import CFFTW3
import Dispatch
import Glibc
import Synchronization

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

  /// Whether the plans came from FFTW's wisdom (no timing): from earlier
  /// plans of this size in the process, the machine's cache, or a file
  /// being resumed (``FFTWisdom``). Always false when estimating.
  public let fromWisdom: Bool

  /// Plans both directions. `measure` lets FFTW time candidate algorithms
  /// (milliseconds for SP4's grid, tens of seconds for 4096² padded cells;
  /// transforms 1.3–2× faster than estimated plans) unless ``FFTWisdom``
  /// already holds plans for this size, which are then taken as they are;
  /// otherwise it estimates.
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
    let (plans, wise) = FFTWisdom.plans(
      measure: measure, threads: threads, problem: "\(rows) × \(columns) transform"
    ) { flags -> [fftw_plan?] in
      if occupied == rows {
        return [
          fftw_plan_dft_r2c_2d(Int32(rows), Int32(columns), real, complex, flags),
          fftw_plan_dft_c2r_2d(Int32(rows), Int32(columns), complex, real, flags),
        ]
      }
      var n = [Int32(columns)]
      var m = [Int32(rows)]
      // Rows: `occupied` transforms of length columns, contiguous, one row
      // apart. Columns: `half` transforms of length rows, stride half, in place.
      return [
        fftw_plan_many_dft_r2c(
          1, &n, Int32(occupied), real, nil, 1, Int32(columns), complex, nil, 1, Int32(half), flags),
        fftw_plan_many_dft_c2r(
          1, &n, Int32(occupied), complex, nil, 1, Int32(half), real, nil, 1, Int32(columns), flags),
        fftw_plan_many_dft(
          1, &m, Int32(half), complex, nil, Int32(half), 1, complex, nil, Int32(half), 1, FFTW_FORWARD, flags),
        fftw_plan_many_dft(
          1, &m, Int32(half), complex, nil, Int32(half), 1, complex, nil, Int32(half), 1, FFTW_BACKWARD, flags),
      ]
    }
    (forward, backward) = (plans[0], plans[1])
    (columnForward, columnBackward) = plans.count == 4 ? (plans[2], plans[3]) : (nil, nil)
    fromWisdom = wise
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

/// The transforms of a zero-padded 2-D convolution with the spectra stored
/// column by column: for demag on grids that are not much wider than tall,
/// where the column transforms dominate and FFTW, given the row-major
/// spectrum, does them through its own buffered copies (`fftw_cpy2d`, 12 %
/// of SP4's run).
///
/// Rows × columns real arrays hold data in their first `occupiedRows` rows.
/// Forward: the row transforms of those rows write their spectra column by
/// column into a staging spectrum (spectrum column k, row j at
/// k × ``leading`` + j), whose padding rows are zero and never written; the
/// column transforms then read it out of place (contiguous transforms) into
/// the caller's spectrum. Backward: the column transforms in place, then the
/// row transforms of the occupied rows into ``output``. So nothing is zeroed
/// per call: ``input``'s padding columns stay zero because only the caller
/// writes it (the data columns), and the staging spectrum's padding rows
/// because only the row transforms write it (the occupied rows).
///
/// A column is ``leading`` complex numbers apart from the next: `rows`, or
/// `rows` + 2 when `rows` is a multiple of 8, because strides of a power of
/// two times 128 bytes map every column onto the same cache sets (a C
/// prototype, 128² cells: 1.7 ms per convolution with `rows`, 0.66 ms with
/// `rows` + 2).
public final class ColumnMajorFFT2D: @unchecked Sendable {
  /// Rows (y) and columns (x) of the real arrays, and the rows holding data.
  public let rows: Int, columns: Int, occupiedRows: Int
  /// Spectrum columns: columns/2 + 1.
  public let half: Int
  /// Complex numbers from one spectrum column to the next.
  public let leading: Int
  /// Doubles in a spectrum: 2 × half × leading.
  public var spectrumDoubles: Int { 2 * half * leading }
  /// Whether every plan came from FFTW's wisdom (``RealFFT2D/fromWisdom``).
  public let fromWisdom: Bool
  /// The real input, occupiedRows × columns, row-major: the caller writes
  /// the data; what it never writes stays zero (the padding columns).
  public let input: UnsafeMutablePointer<Double>
  /// The real output of ``backward(_:)``, occupiedRows × columns.
  public let output: UnsafeMutablePointer<Double>
  /// The row spectra, column-major, padding rows zero.
  private let staging: UnsafeMutablePointer<fftw_complex>
  private let rowForward: fftw_plan, rowBackward: fftw_plan
  private let columnForward: fftw_plan, columnBackward: fftw_plan

  /// The column distance for `rows` rows (see the type's description).
  public static func leading(rows: Int) -> Int { rows.isMultiple(of: 8) ? rows + 2 : rows }

  /// Plans the four passes (with `threads` FFTW threads), measured or from
  /// the wisdom as ``RealFFT2D`` does.
  public init(rows: Int, columns: Int, occupiedRows: Int, threads: Int = 1, measure: Bool = true) {
    precondition(rows > 1 && columns > 0 && occupiedRows > 0 && occupiedRows <= rows)
    _ = RealFFT2D.initialized
    self.rows = rows
    self.columns = columns
    self.occupiedRows = occupiedRows
    let half = columns / 2 + 1, leading = Self.leading(rows: rows)
    self.half = half
    self.leading = leading
    input = RealFFT2D.allocate(occupiedRows * columns)
    output = RealFFT2D.allocate(occupiedRows * columns)
    staging = fftw_alloc_complex(half * leading)!
    let spectrum = fftw_alloc_complex(half * leading)!
    defer { fftw_free(spectrum) }
    var n = [Int32(columns)], m = [Int32(rows)]
    let (input, output, staging) = (input, output, staging)
    // Rows: `occupied` transforms of length columns; row j's frequency k
    // at k × leading + j. Columns: `half` contiguous transforms of length
    // rows, `leading` apart.
    let (plans, wise) = FFTWisdom.plans(
      measure: measure, threads: threads, problem: "\(rows) × \(columns) column-major convolution"
    ) { flags -> [fftw_plan?] in
      [
        fftw_plan_many_dft_r2c(
          1, &n, Int32(occupiedRows), input, nil, 1, Int32(columns), staging, nil, Int32(leading), 1, flags),
        fftw_plan_many_dft_c2r(
          1, &n, Int32(occupiedRows), spectrum, nil, Int32(leading), 1, output, nil, 1, Int32(columns), flags),
        fftw_plan_many_dft(
          1, &m, Int32(half), staging, nil, 1, Int32(leading), spectrum, nil, 1, Int32(leading), FFTW_FORWARD,
          flags),
        fftw_plan_many_dft(
          1, &m, Int32(half), spectrum, nil, 1, Int32(leading), spectrum, nil, 1, Int32(leading), FFTW_BACKWARD,
          flags),
      ]
    }
    (rowForward, rowBackward, columnForward, columnBackward) = (plans[0], plans[1], plans[2], plans[3])
    fromWisdom = wise
    // Measuring wrote into the arrays: the zeros the transforms rely on.
    input.update(repeating: 0, count: occupiedRows * columns)
    UnsafeMutableRawPointer(staging).initializeMemory(as: Double.self, repeating: 0, count: 2 * half * leading)
  }

  deinit {
    for p in [rowForward, rowBackward, columnForward, columnBackward] { fftw_destroy_plan(p) }
    RealFFT2D.free(input)
    RealFFT2D.free(output)
    fftw_free(staging)
  }

  /// The spectrum of ``input`` (zero-padded to rows × columns) into
  /// `spectrum` (``spectrumDoubles`` doubles, column-major).
  public func forward(into spectrum: UnsafeMutablePointer<Double>) {
    fftw_execute_dft_r2c(rowForward, input, staging)
    spectrum.withMemoryRebound(to: fftw_complex.self, capacity: half * leading) {
      fftw_execute_dft(columnForward, staging, $0)
    }
  }

  /// The unnormalised inverse of `spectrum` on the occupied rows, into
  /// ``output``; destroys `spectrum`.
  public func backward(_ spectrum: UnsafeMutablePointer<Double>) {
    spectrum.withMemoryRebound(to: fftw_complex.self, capacity: half * leading) {
      fftw_execute_dft(columnBackward, $0, $0)
      fftw_execute_dft_c2r(rowBackward, $0, output)
    }
  }
}

/// The transforms of a zero-padded 2-D convolution arranged so that the
/// column passes stay in the caches: for grids whose spectra are larger
/// than the caches (demag from about 512 × 512 cells).
///
/// Rows × columns real arrays hold data in their first `occupiedRows` rows
/// only. Forward, the row transforms of those rows go into a compact
/// spectrum of `occupiedRows` × (columns/2 + 1) complex numbers (the
/// padding rows' spectra are zero and not stored). The column transforms,
/// the products with the kernel and the inverse column transforms are then
/// done block by block: `blockWidth` spectrum columns of every component are
/// copied into a small buffer (rows × blockWidth, the padding rows zero),
/// transformed along the columns, handed to the caller to multiply, and
/// transformed back, and their occupied rows copied back; so each spectrum
/// crosses memory once for all three column steps, where the two-pass
/// ``RealFFT2D`` crosses it five times (bench --demag: 1024² 1.3×, 2048²
/// 1.7× faster convolutions; below 512² the plain passes are as fast or
/// faster). Backward, the row transforms of the occupied rows. The blocks
/// are split over `threads` workers, each with its own buffer.
public final class BlockedConvolution2D: @unchecked Sendable {
  /// Rows (y) and columns (x) of the real arrays, and the rows holding data.
  public let rows: Int, columns: Int, occupiedRows: Int
  /// Spectrum columns: columns/2 + 1.
  public let half: Int
  /// Spectrum columns per block.
  public let blockWidth: Int
  /// Arrays transformed per block (demag: the three components of M).
  public let components: Int
  /// Doubles in a compact spectrum: 2 × occupiedRows × half.
  public var compactCount: Int { 2 * occupiedRows * half }
  /// Whether every plan came from FFTW's wisdom (``RealFFT2D/fromWisdom``).
  public let fromWisdom: Bool
  private let rowForward: fftw_plan, rowBackward: fftw_plan
  private let columnForward: fftw_plan, columnBackward: fftw_plan
  /// One buffer per worker: components × rows × blockWidth complex.
  private let buffers: [UnsafeMutablePointer<fftw_complex>]

  /// Plans the row transforms (with `threads` FFTW threads) and the block
  /// column transforms (one thread each), measured or from the wisdom as
  /// ``RealFFT2D`` does.
  public init(
    rows: Int, columns: Int, occupiedRows: Int, components: Int = 3, blockWidth: Int = 16, threads: Int = 1,
    measure: Bool = true
  ) {
    precondition(rows > 1 && columns > 0 && occupiedRows > 0 && occupiedRows <= rows && blockWidth > 0)
    _ = RealFFT2D.initialized
    self.rows = rows
    self.columns = columns
    self.occupiedRows = occupiedRows
    self.components = components
    let half = columns / 2 + 1
    self.half = half
    let width = min(blockWidth, half)
    self.blockWidth = width
    let workers = max(1, min(threads, (half + width - 1) / width))
    buffers = (0..<workers).map { _ in fftw_alloc_complex(components * rows * width)! }
    let real = fftw_alloc_real(occupiedRows * columns)!
    let compact = fftw_alloc_complex(occupiedRows * half)!
    defer {
      fftw_free(real)
      fftw_free(compact)
    }
    let block = buffers[0]
    var n = [Int32(columns)], m = [Int32(rows)]
    // Rows: `occupied` transforms of length columns, contiguous. Columns:
    // `width` transforms of length rows, in place, stride width.
    func rowPlans(_ flags: UInt32) -> [fftw_plan?] {
      [
        fftw_plan_many_dft_r2c(
          1, &n, Int32(occupiedRows), real, nil, 1, Int32(columns), compact, nil, 1, Int32(half), flags),
        fftw_plan_many_dft_c2r(
          1, &n, Int32(occupiedRows), compact, nil, 1, Int32(half), real, nil, 1, Int32(columns), flags),
      ]
    }
    func columnPlans(_ flags: UInt32) -> [fftw_plan?] {
      [
        fftw_plan_many_dft(
          1, &m, Int32(width), block, nil, Int32(width), 1, block, nil, Int32(width), 1, FFTW_FORWARD, flags),
        fftw_plan_many_dft(
          1, &m, Int32(width), block, nil, Int32(width), 1, block, nil, Int32(width), 1, FFTW_BACKWARD, flags),
      ]
    }
    let problem = "\(rows) × \(columns) convolution"
    let r = FFTWisdom.plans(measure: measure, threads: threads, problem: problem, rowPlans)
    let c = FFTWisdom.plans(measure: measure, threads: 1, problem: problem, columnPlans)
    (rowForward, rowBackward) = (r.plans[0], r.plans[1])
    (columnForward, columnBackward) = (c.plans[0], c.plans[1])
    fromWisdom = r.fromWisdom && c.fromWisdom
  }

  deinit {
    for p in [rowForward, rowBackward, columnForward, columnBackward] { fftw_destroy_plan(p) }
    for b in buffers { fftw_free(b) }
  }

  /// The row transforms of `real`'s occupied rows into `compact`
  /// (``compactCount`` doubles).
  public func forwardRows(_ real: UnsafeMutablePointer<Double>, _ compact: UnsafeMutablePointer<Double>) {
    compact.withMemoryRebound(to: fftw_complex.self, capacity: occupiedRows * half) {
      fftw_execute_dft_r2c(rowForward, real, $0)
    }
  }

  /// The unnormalised inverse row transforms of `compact` into `real`'s
  /// occupied rows; destroys `compact`.
  public func backwardRows(_ compact: UnsafeMutablePointer<Double>, _ real: UnsafeMutablePointer<Double>) {
    compact.withMemoryRebound(to: fftw_complex.self, capacity: occupiedRows * half) {
      fftw_execute_dft_c2r(rowBackward, $0, real)
    }
  }

  /// The column steps on `components` compact spectra, block by block:
  /// copy in (padding rows zero), forward column transforms, `multiply`,
  /// backward column transforms (unnormalised), copy the occupied rows back.
  /// `multiply` gets the block's buffers (per component, rows × blockWidth
  /// (re, im) pairs, row-major), the block's first spectrum column and its
  /// width (≤ blockWidth; the columns past it are zero and not copied back).
  /// It runs concurrently on different blocks when there are several workers.
  public func convolveColumns(
    _ spectra: [UnsafeMutablePointer<Double>],
    _ multiply: (_ blocks: [UnsafeMutablePointer<Double>], _ firstColumn: Int, _ width: Int) -> Void
  ) {
    precondition(spectra.count == components)
    let blockCount = (half + blockWidth - 1) / blockWidth
    let rows = rows, occupied = occupiedRows, half = half, bw = blockWidth
    withoutActuallyEscaping(multiply) { multiply in
      let body = { (worker: Int, range: Range<Int>) in
        let base = UnsafeMutableRawPointer(self.buffers[worker]).assumingMemoryBound(to: Double.self)
        let blocks = (0..<self.components).map { base + 2 * $0 * rows * bw }
        for k in range {
          let k0 = k * bw, w = min(bw, half - k0)
          for (c, block) in blocks.enumerated() {
            let s = spectra[c]
            for j in 0..<occupied {
              (block + 2 * j * bw).update(from: s + 2 * (j * half + k0), count: 2 * w)
              if w < bw { (block + 2 * (j * bw + w)).update(repeating: 0, count: 2 * (bw - w)) }
            }
            (block + 2 * occupied * bw).update(repeating: 0, count: 2 * (rows - occupied) * bw)
            block.withMemoryRebound(to: fftw_complex.self, capacity: rows * bw) {
              fftw_execute_dft(self.columnForward, $0, $0)
            }
          }
          multiply(blocks, k0, w)
          for (c, block) in blocks.enumerated() {
            block.withMemoryRebound(to: fftw_complex.self, capacity: rows * bw) {
              fftw_execute_dft(self.columnBackward, $0, $0)
            }
            let s = spectra[c]
            for j in 0..<occupied { (s + 2 * (j * half + k0)).update(from: block + 2 * j * bw, count: 2 * w) }
          }
        }
      }
      let workers = buffers.count
      if workers == 1 {
        body(0, 0..<blockCount)
        return
      }
      let work = UncheckedSendable(value: body)
      DispatchQueue.concurrentPerform(iterations: workers) { t in
        work.value(t, (blockCount * t / workers)..<(blockCount * (t + 1) / workers))
      }
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
    let b = RealFFT2D.allocate(rows * columns)  // also runs FFTW's one-time set-up
    buffer = b
    (forwardPlan, backwardPlan) = FFTWisdom.planning(measure: false, threads: 1) {
      if rows == 1 {
        return (
          fftw_plan_r2r_1d(Int32(columns), b, b, FFTW_REDFT10, UInt32(FFTW_ESTIMATE))!,
          fftw_plan_r2r_1d(Int32(columns), b, b, FFTW_REDFT01, UInt32(FFTW_ESTIMATE))!
        )
      }
      return (
        fftw_plan_r2r_2d(Int32(rows), Int32(columns), b, b, FFTW_REDFT10, FFTW_REDFT10, UInt32(FFTW_ESTIMATE))!,
        fftw_plan_r2r_2d(Int32(rows), Int32(columns), b, b, FFTW_REDFT01, FFTW_REDFT01, UInt32(FFTW_ESTIMATE))!
      )
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
    let flags = UInt32(FFTW_ESTIMATE)
    (forwardPlan, backwardPlan) = FFTWisdom.planning(measure: false, threads: threads) {
      (
        fftw_plan_dft_r2c_3d(Int32(depth), Int32(rows), Int32(columns), real, complex, flags)!,
        fftw_plan_dft_c2r_3d(Int32(depth), Int32(rows), Int32(columns), complex, real, flags)!
      )
    }
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

/// FFTW's wisdom: the plans FFTW_MEASURE chose by timing, kept so that every
/// later plan of the same size is the same plan and so gives the same bits.
///
/// Measured plans are 1.3–2× faster than estimated ones (gilbert bench
/// --demag), but timing can pick differently in two processes, and two
/// plans round differently in the last bit. So a process starts from the
/// machine's cache (`$GILBERT_FFTW_WISDOM`, or
/// `$XDG_CACHE_HOME/gilbert/fftw-wisdom`, or `~/.cache/gilbert/fftw-wisdom`;
/// `GILBERT_FFTW_WISDOM=none` keeps none) and writes back what it measured
/// (atomically, by rename); a run's file stores the wisdom it used
/// (``text``), and a resumed run plans from that alone (``adopt(_:)``).
/// All planning goes through one lock: FFTW's thread count is a global.
public enum FFTWisdom {
  struct State {
    var loaded = false
    var saved = ""
  }
  static let state = Mutex(State())

  /// The cache file, or nil when none is kept.
  public static var cachePath: String? {
    if let p = getenv("GILBERT_FFTW_WISDOM").map({ String(cString: $0) }) {
      return p.isEmpty || p == "none" ? nil : p
    }
    if let x = getenv("XDG_CACHE_HOME").map({ String(cString: $0) }), !x.isEmpty {
      return x + "/gilbert/fftw-wisdom"
    }
    guard let home = getenv("HOME").map({ String(cString: $0) }), !home.isEmpty else { return nil }
    return home + "/.cache/gilbert/fftw-wisdom"
  }

  /// The plans `make` creates with the flags it is given, under
  /// ``planning(measure:threads:_:)``: estimated when not `measure`;
  /// otherwise taken from the wisdom alone when it holds every one of them
  /// (`fromWisdom` true), else measured. Stops the program, naming
  /// `problem`, when FFTW cannot plan one of them.
  static func plans(
    measure: Bool, threads: Int, problem: @autoclosure () -> String, _ make: (UInt32) -> [fftw_plan?]
  ) -> (plans: [fftw_plan], fromWisdom: Bool) {
    let (made, wise): ([fftw_plan?], Bool) = planning(measure: measure, threads: threads) {
      guard measure else { return (make(UInt32(FFTW_ESTIMATE)), false) }
      let known = make(UInt32(FFTW_MEASURE | FFTW_WISDOM_ONLY))
      if !known.contains(where: { $0 == nil }) { return (known, true) }
      for q in known { if let q { fftw_destroy_plan(q) } }
      return (make(UInt32(FFTW_MEASURE)), false)
    }
    let plans = made.compactMap { $0 }
    precondition(plans.count == made.count, "FFTW could not plan a \(problem())")
    return (plans, wise)
  }

  /// Runs `body` (which creates plans) under the planning lock, with FFTW's
  /// thread count set; when measuring, loads the cache first (once per
  /// process) and saves what is new afterwards.
  static func planning<T>(measure: Bool, threads: Int, _ body: () -> T) -> T {
    _ = RealFFT2D.initialized
    return state.withLock { s in
      if measure && !s.loaded {
        s.loaded = true
        if let p = cachePath { _ = fftw_import_wisdom_from_filename(p) }
        s.saved = exported()
      }
      if RealFFT2D.initialized { fftw_plan_with_nthreads(Int32(max(1, threads))) }
      let result = body()
      if measure, let p = cachePath {
        let now = exported()
        if now != s.saved {
          s.saved = now
          save(to: p)
        }
      }
      return result
    }
  }

  /// Writes the process's wisdom to `path` through a temporary file and a
  /// rename, so a reader sees the old cache or the new one; a cache that
  /// cannot be written is not an error (the plans are measured again).
  static func save(to path: String) {
    // mkdir -p of the directories above the file (errors show at the export).
    let bytes = Array(path.utf8)
    for (k, byte) in bytes.enumerated() where byte == UInt8(ascii: "/") && k > 0 {
      _ = mkdir(String(decoding: bytes[..<k], as: UTF8.self), 0o755)
    }
    let temporary = path + ".tmp-\(getpid())"
    if fftw_export_wisdom_to_filename(temporary) != 0 {
      if rename(temporary, path) != 0 { unlink(temporary) }
    } else {
      unlink(temporary)
    }
  }

  static func exported() -> String {
    guard let c = fftw_export_wisdom_to_string() else { return "" }
    defer { Glibc.free(c) }
    return String(cString: c)
  }

  /// The wisdom this process holds: every plan it measured or took from
  /// the cache (FFTW's text format).
  public static var text: String { state.withLock { _ in exported() } }

  /// Replaces the process's wisdom with `text` (a run's stored wisdom) and
  /// keeps the cache out of it; false when FFTW cannot read the text (then
  /// the process holds no wisdom and will measure).
  @discardableResult
  public static func adopt(_ text: String) -> Bool {
    _ = RealFFT2D.initialized
    return state.withLock { s in
      s.loaded = true
      fftw_forget_wisdom()
      let ok = fftw_import_wisdom_from_string(text) != 0
      if !ok { fftw_forget_wisdom() }
      s.saved = exported()
      return ok
    }
  }
}
