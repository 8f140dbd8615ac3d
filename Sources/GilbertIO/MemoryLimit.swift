import Foundation
import Gilbert

/// The memory a run may use, and the check that refuses a grid too large for
/// it before any grid-sized array is allocated (issue 27): the smallest of
/// the machine's memory, the process's address-space and data limits
/// (RLIMIT_AS, RLIMIT_DATA: `ulimit -v`, a batch scheduler's) less what the
/// process already maps, and its cgroup's `memory.max` less what the cgroup
/// already uses.
public enum MemoryLimit {
  /// Bytes a run on `grid` needs, roughly: 16 vector fields (m, the field,
  /// the integrator's stages and error, the outputs), and with FFT demag the
  /// padded spectra (4× the cells, 12 vector fields' worth each: 48 more).
  public static func estimate(grid: Grid, fftDemag: Bool) -> Double {
    let vectorField = Double(grid.cellCount) * 3 * 8
    return 16 * vectorField + (fftDemag ? 48 * vectorField : 0)
  }

  /// The smallest limit that applies, in bytes, and what it is.
  public static func available() -> (bytes: Double, what: String)? {
    var limits: [(Double, String)] = []
    let pages = sysconf(Int32(_SC_PHYS_PAGES)), size = sysconf(Int32(_SC_PAGESIZE))
    if pages > 0, size > 0 { limits.append((0.8 * Double(pages) * Double(size), "80% of this machine's memory")) }
    let mapped = Double(statusKiB("VmSize") ?? 0) * 1024
    // RLIMIT_AS is 9, RLIMIT_DATA 2 on Linux (Glibc imports neither name as such).
    for (resource, name) in [(9, "the address-space limit (RLIMIT_AS, ulimit -v)"), (2, "the data limit (RLIMIT_DATA)")] {
      var r = rlimit()
      if getrlimit(__rlimit_resource_t(UInt32(resource)), &r) == 0, r.rlim_cur != rlim_t.max {
        limits.append((Double(r.rlim_cur) - mapped, "\(name) of \(r.rlim_cur) bytes, less the \(Int(mapped)) this process maps already"))
      }
    }
    if let max = cgroupNumber("memory.max") ?? cgroupNumber("memory/memory.limit_in_bytes"), max < 1e18 {
      let used = cgroupNumber("memory.current") ?? cgroupNumber("memory/memory.usage_in_bytes") ?? 0
      limits.append((max - used, "the cgroup's memory.max of \(Int(max)) bytes, less the \(Int(used)) it uses already"))
    }
    return limits.min { $0.0 < $1.0 }
  }

  /// Throws a ConfigError naming `mesh.n`, the need and the limit, when the run would not fit.
  public static func check(grid: Grid, fftDemag: Bool) throws(ConfigError) {
    guard let (limit, what) = available() else { return }
    let needed = estimate(grid: grid, fftDemag: fftDemag)
    guard needed > limit else { return }
    let gib = { (b: Double) in String(format: "%.2f GiB", b / Double(1 << 30)) }
    throw ConfigError(
      key: "mesh.n",
      message:
        "is [\(grid.nx), \(grid.ny), \(grid.nz)]: the run needs about \(gib(needed)) (\(Int(needed)) bytes) and this process may use \(gib(max(0, limit))) (\(what)); use fewer cells, or raise the limit"
    )
  }

  /// A "Name:   N kB" line of /proc/self/status, in KiB.
  static func statusKiB(_ name: String) -> Int? {
    guard let text = try? String(contentsOfFile: "/proc/self/status", encoding: .utf8) else { return nil }
    for line in text.split(separator: "\n") where line.hasPrefix(name + ":") {
      return Int(line.split(separator: " ").dropFirst().first ?? "")
    }
    return nil
  }

  /// A number in this process's cgroup directory (v2, or v1's memory controller).
  static func cgroupNumber(_ file: String) -> Double? {
    var directory = "/sys/fs/cgroup"
    if let text = try? String(contentsOfFile: "/proc/self/cgroup", encoding: .utf8),
      let line = text.split(separator: "\n").first(where: { $0.hasPrefix("0::") })
    {
      directory += String(line.dropFirst(3))
    }
    for base in [directory, "/sys/fs/cgroup"] {
      if let text = try? String(contentsOfFile: base + "/" + file, encoding: .utf8),
        let v = Double(text.trimmingCharacters(in: .whitespacesAndNewlines))
      {
        return v
      }
    }
    return nil
  }
}
