import Foundation

#if canImport(Glibc)
  import Glibc
#endif

/// An exclusive hold on an output path for the life of a process (a sweep
/// rewrites its file by renaming a new one over it, so the lock cannot be
/// HDF5's own on the file): `.<name>.lock` beside it, locked with `flock`.
/// The kernel drops the lock when the process dies, so a killed sweep never
/// blocks the next one; the lock file then stays, empty of meaning.
public final class OutputLock {
  public let path: String
  private var fd: Int32

  /// Takes the lock of `output`, or throws a usage error (exit 2) naming the
  /// output, the process that holds it and what to do.
  public init(for output: String, by command: String) throws {
    let directory = URL(fileURLWithPath: output).deletingLastPathComponent().path
    path = (directory as NSString).appendingPathComponent(".\((output as NSString).lastPathComponent).lock")
    while true {
      let fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0o644)
      guard fd >= 0 else {
        throw HDF5Error.io("cannot create the lock file '\(path)' of '\(output)'")
      }
      if flock(fd, LOCK_EX | LOCK_NB) != 0 {
        var text = [UInt8](repeating: 0, count: 32)
        let n = read(fd, &text, 31)
        Glibc.close(fd)
        let holder = n > 0 ? String(decoding: text.prefix(n), as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines) : ""
        throw HDF5Error(
          message:
            "'\(output)' is being written by another \(command)\(holder.isEmpty ? "" : " (process \(holder))"); wait for it to finish, or give another --output",
          isUsageError: true)
      }
      // The file may have been removed by the holder between our open and our
      // lock: hold it only if the path still names the file we locked.
      var opened = stat(), named = stat()
      if fstat(fd, &opened) == 0, stat(path, &named) == 0, opened.st_ino == named.st_ino, opened.st_dev == named.st_dev {
        self.fd = fd
        _ = ftruncate(fd, 0)
        let pid = "\(getpid())\n"
        _ = pid.withCString { pwrite(fd, $0, strlen($0), 0) }
        return
      }
      Glibc.close(fd)
    }
  }

  /// Removes the lock file and releases the lock (also at deinit).
  public func release() {
    guard fd >= 0 else { return }
    unlink(path)
    Glibc.close(fd)
    fd = -1
  }

  deinit { release() }
}

/// Text files written whole or not at all: a temporary file beside the
/// target, `.<name>.tmp-<pid>`, renamed over it. A process killed mid-write
/// leaves the temporary, and the next write beside it removes those of
/// processes no longer alive (Foundation's atomic write names its
/// temporaries at random, so a kill -9 left them for good).
public enum AtomicText {
  public static func write(_ text: String, to path: String) throws {
    let directory = URL(fileURLWithPath: path).deletingLastPathComponent().path
    let name = (path as NSString).lastPathComponent
    if firstWrite(of: path) { removeStale(prefix: ".\(name).tmp-", in: directory) }
    let temporary = (directory as NSString).appendingPathComponent(".\(name).tmp-\(getpid())")
    let fd = open(temporary, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
    guard fd >= 0 else { throw HDF5Error.io("cannot write '\(path)'") }
    var failure: Int32 = 0
    text.utf8CString.withUnsafeBufferPointer { buffer in
      var offset = 0
      let count = buffer.count - 1  // no terminating NUL
      while offset < count {
        let n = Glibc.write(fd, buffer.baseAddress! + offset, count - offset)
        if n < 0 {
          if errno == EINTR { continue }
          failure = errno
          return
        }
        offset += n
      }
    }
    if Glibc.close(fd) != 0 && failure == 0 { failure = errno }
    if failure == 0 && rename(temporary, path) != 0 { failure = errno }
    if failure != 0 {
      unlink(temporary)
      throw HDF5Error.io("cannot write '\(path)'", code: failure)
    }
  }

  private static let lock = NSLock()
  nonisolated(unsafe) private static var written: Set<String> = []

  /// Whether this process writes `path` for the first time (stale
  /// temporaries are looked for once per path, not at every frame).
  private static func firstWrite(of path: String) -> Bool {
    lock.lock()
    defer { lock.unlock() }
    return written.insert(path).inserted
  }

  /// Removes `<prefix><pid>` files of `directory` whose process is gone.
  static func removeStale(prefix: String, in directory: String) {
    guard let names = try? FileManager.default.contentsOfDirectory(atPath: directory) else { return }
    for name in names where name.hasPrefix(prefix) {
      guard let pid = Int32(name.dropFirst(prefix.count)), pid != getpid() else { continue }
      if kill(pid, 0) != 0 && errno == ESRCH {
        try? FileManager.default.removeItem(atPath: (directory as NSString).appendingPathComponent(name))
      }
    }
  }
}
