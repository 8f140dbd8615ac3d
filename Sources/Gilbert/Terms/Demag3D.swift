/// The demagnetising field on a grid of several layers (Nz > 1):
/// B = −μ0 N ∗ M by 3-D FFT convolution with the full Newell tensor
/// (``DemagKernel``, all six components), energy density −(1/2) Ms m·B.
///
/// As ``Demag`` (the one-layer term, which stores four components and skips
/// the padding), with a third axis: M is zero-padded to 2Nx × 2Ny × 2Nz
/// (an axis of one cell stays one; periodic x is not padded and sums
/// `images` copies each side), so the cyclic convolution equals the open
/// one. N_xx, N_yy, N_zz are even in every offset and N_xy, N_xz, N_yz odd
/// in the two offsets they name, so all six spectra are real and only their
/// real parts are kept. The buffers are owned by the term and reused: it must
/// not be evaluated from two threads at once.
public struct Demag3D: LinearFieldTerm {
  public let name = "demag"
  public var isLocal: Bool { false }
  public let energyFactor = 0.5
  public let saturationMagnetization: [Double]
  public let cellVolume: Double
  let grid: Grid
  let fft: RealFFT3D
  /// Real spectra of N_xx, N_yy, N_zz, N_xy, N_xz, N_yz.
  let kernel: [[Double]]
  let work: Demag.Workspace

  /// The demag term of `magnet`; with periodic x, `images` copies each side.
  public init(magnet: Magnet, images: Int = 10) {
    let g = magnet.grid
    grid = g
    saturationMagnetization = magnet.saturationMagnetization
    cellVolume = g.cellVolume
    let px = g.periodicX ? g.nx : (g.nx == 1 ? 1 : 2 * g.nx)
    let py = g.periodicY ? g.ny : (g.ny == 1 ? 1 : 2 * g.ny)
    let pz = g.periodicZ ? g.nz : (g.nz == 1 ? 1 : 2 * g.nz)
    let cells = px * py * pz
    let transform = RealFFT3D(depth: pz, rows: py, columns: px, threads: cells >= 262_144 ? Parallel.workers : 1)
    let buffers = Demag.Workspace(realCount: cells, spectrumDoubles: 2 * transform.spectrumCount)
    fft = transform
    work = buffers
    let copies = images
    // The real-space kernel on the padded grid, from the octant of non-negative offsets by parity.
    var real = [[Double]](repeating: [Double](repeating: 0, count: cells), count: 6)
    var octant: [Int: [Double]] = [:]
    for zi in 0..<pz {
      guard let k = Demag.offset(zi, padded: pz, cells: g.nz, periodic: g.periodicZ) else { continue }
      for yi in 0..<py {
        guard let j = Demag.offset(yi, padded: py, cells: g.ny, periodic: g.periodicY) else { continue }
        for xi in 0..<px {
          guard let i = Demag.offset(xi, padded: px, cells: g.nx, periodic: g.periodicX) else { continue }
          let key = (abs(i) * (py + 1) + abs(j)) * (pz + 1) + abs(k)
          let t = octant[key] ?? Demag.realSpaceKernel(abs(i), abs(j), abs(k), grid: g, images: copies)
          octant[key] = t
          let sx: Double = i < 0 ? -1 : 1, sy: Double = j < 0 ? -1 : 1, sz: Double = k < 0 ? -1 : 1
          let at = (zi * py + yi) * px + xi
          real[0][at] = t[0]
          real[1][at] = t[1]
          real[2][at] = t[2]
          real[3][at] = sx * sy * t[3]
          real[4][at] = sx * sz * t[4]
          real[5][at] = sy * sz * t[5]
        }
      }
    }
    let spectra = buffers.spectra[0], count = transform.spectrumCount
    kernel = real.map { r in
      r.withUnsafeBufferPointer { buffers.padded.update(from: $0.baseAddress!, count: cells) }
      transform.forward(buffers.padded, spectra)
      return (0..<count).map { spectra[2 * $0] }
    }
  }

  public func addField(to b: inout VectorField, m: VectorField, time: Double) {
    let nx = grid.nx, ny = grid.ny, nz = grid.nz
    let px = fft.columns, py = fft.rows, cells = px * py * fft.depth
    let pad = work.padded, s = work.spectra
    let ms = saturationMagnetization
    m.withPlanes { mx, my, mz in
      for (c, plane) in [mx, my, mz].enumerated() {
        pad.update(repeating: 0, count: cells)
        for iz in 0..<nz {
          for iy in 0..<ny {
            let row = (iz * ny + iy) * nx, padded = (iz * py + iy) * px
            for ix in 0..<nx { pad[padded + ix] = ms[row + ix] * plane[row + ix] }
          }
        }
        fft.forward(pad, s[c])
      }
    }
    // H(k) = −N(k) M(k), with the factor μ0/cells of the unnormalised inverse.
    let scale = -PhysicalConstants.mu0 / Double(cells)
    let sx = s[0], sy = s[1], sz = s[2]
    for k in 0..<fft.spectrumCount {
      let xx = kernel[0][k] * scale, yy = kernel[1][k] * scale, zz = kernel[2][k] * scale
      let xy = kernel[3][k] * scale, xz = kernel[4][k] * scale, yz = kernel[5][k] * scale
      for part in 0..<2 {
        let at = 2 * k + part
        let ax = sx[at], ay = sy[at], az = sz[at]
        sx[at] = xx * ax + xy * ay + xz * az
        sy[at] = xy * ax + yy * ay + yz * az
        sz[at] = xz * ax + yz * ay + zz * az
      }
    }
    b.withMutablePlanes { bx, by, bz in
      for (c, plane) in [bx, by, bz].enumerated() {
        fft.backward(s[c], pad)
        for iz in 0..<nz {
          for iy in 0..<ny {
            let row = (iz * ny + iy) * nx, padded = (iz * py + iy) * px
            for ix in 0..<nx where ms[row + ix] > 0 { plane[row + ix] += pad[padded + ix] }
          }
        }
      }
    }
  }
}
