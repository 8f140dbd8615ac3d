import CH5Driver
import CHDF5
import Foundation

/// An error from the HDF5 library, with the operation and object it concerns.
public struct HDF5Error: Error, CustomStringConvertible {
  /// What failed, naming the file or object.
  public internal(set) var message: String
  /// True when the request itself was wrong (an existing file without
  /// --force, a missing directory, a file open elsewhere): exit status 2.
  /// Otherwise the disk or the library failed: exit status 1.
  public var isUsageError = false
  public var description: String { message }

  public init(message: String, isUsageError: Bool = false) {
    self.message = message
    self.isUsageError = isUsageError
  }

  /// The errno of the disk's refusal, when the file's driver saw one (the
  /// file was then abandoned: no later call touched it).
  public var fault: Int32 = 0

  /// An I/O failure, with the system's reason when it gave one (no space, I/O error).
  static func io(_ what: String, code: Int32 = errno) -> HDF5Error {
    HDF5Error(message: what + (code != 0 ? ": " + describe(errno: code) : ""))
  }

  /// "No space left on device (ENOSPC)".
  static func describe(errno code: Int32) -> String {
    let name = gfd_errno_name(code).map { " (" + String(cString: $0) + ")" } ?? ""
    return String(cString: strerror(code)) + name
  }
}

/// Element types stored by ``HDF5File``.
public enum HDF5Element: Sendable {
  case float64, int64

  var nativeType: hid_t {
    switch self {
    case .float64: return gh5_native_double()
    case .int64: return gh5_native_int64()
    }
  }
}

/// The serial HDF5 library is not thread-safe: every call into it, from
/// any thread (tests run in parallel; a sweep may too), holds this lock.
let hdf5Lock: NSRecursiveLock = {
  // Before any HDF5 call: no clean-up at exit (it would flush a file
  // abandoned after a failed write, and crash in HDF5), the write driver.
  gfd_setup()
  return NSRecursiveLock()
}()

/// An open HDF5 file: a thin, typed, throwing layer over the HDF5 C API.
/// The only Swift file that imports CHDF5. Objects are addressed by absolute
/// paths such as `/fields/m/value`.
public final class HDF5File {
  /// The file's path on disk.
  public private(set) var path: String
  private var id: hid_t
  /// The write driver's state of a file opened for writing (nil for reading).
  private var driver: OpaquePointer? = nil
  /// errno of the write the disk refused; 0 while none was. The file is then
  /// abandoned: its handle is never used again (HDF5 would write its caches,
  /// which no longer match the disk), and the disk keeps the last flush.
  public private(set) var failure: Int32 = 0

  /// After any failed call on a file opened for writing: when the driver saw
  /// the disk refuse a write, the file is abandoned and the error names the
  /// disk's reason; otherwise `error` itself.
  private func checked(_ error: HDF5Error) -> HDF5Error {
    guard let driver, gfd_failure(driver) != 0 else { return error }
    return abandon(driver)
  }

  private func abandon(_ driver: OpaquePointer) -> HDF5Error {
    failure = gfd_failure(driver)
    gfd_abandon(driver)
    if guardLock >= 0 {  // SWMR's lock of our own: a fresh handle needs the file
      Foundation.close(guardLock)
      guardLock = -1
    }
    self.driver = nil
    id = -1
    return abandonedError("write")
  }

  private func abandonedError(_ verb: String) -> HDF5Error {
    var e = HDF5Error(message: "cannot \(verb) '\(path)': " + HDF5Error.describe(errno: failure))
    e.fault = failure
    return e
  }

  /// Throws when the driver saw a write refused since the last check (HDF5
  /// may report it only at the next flush, or swallow it in a close).
  private func checkDriver() throws {
    if failure != 0 { throw abandonedError("write") }
    if let driver, gfd_failure(driver) != 0 { throw abandon(driver) }
  }

  /// Creates a file. Without `overwrite`, an existing file is an error. With
  /// `latestFormat` the file can later switch to SWMR writing (HDF5 1.10).
  public init(creating path: String, overwrite: Bool, latestFormat: Bool = false) throws {
    hdf5Lock.lock()
    defer { hdf5Lock.unlock() }
    gh5_silence_errors()
    self.path = path
    let fapl = gh5_fapl_writing(latestFormat ? 1 : 0)
    defer { H5Pclose(fapl) }
    gfd_use(fapl, 0)
    id = H5Fcreate(path, overwrite ? gh5_f_acc_trunc() : gh5_f_acc_excl(), gh5_p_default(), fapl)
    if id < 0 {
      // The cause the system gave (no space, no permission, exists), not a guess.
      let code = gfd_last_errno()
      var error = HDF5Error.io("cannot create HDF5 file '\(path)'", code: code)
      error.fault = code
      throw error
    }
    driver = gfd_of(id)
  }

  /// Opens an existing file for reading. A file being written in SWMR mode
  /// (or left so by a crash) is opened as a SWMR reader.
  public init(reading path: String) throws {
    hdf5Lock.lock()
    defer { hdf5Lock.unlock() }
    gh5_silence_errors()
    self.path = path
    // A writer finishing a SWMR file holds it for a moment to write its
    // summary: a reader that finds it locked waits for up to 2 s.
    var (opened, asSWMRReader): (hid_t, Bool) = (-1, false)
    for attempt in 0..<40 {
      (opened, asSWMRReader) = Self.openForReading(path)
      if opened >= 0 || attempt == 39 || !Self.isLockedElsewhere(path) { break }
      usleep(50_000)
    }
    if opened < 0, Self.padToStoredEnd(path) {
      paddedToStoredEnd = true
      (opened, asSWMRReader) = Self.openForReading(path)
    }
    id = opened
    openedAsSWMRReader = asSWMRReader
    if id < 0 { throw checked(HDF5Error(message: "cannot open '\(path)' as an HDF5 file")) }
    // A SWMR file orders its writes (and a crashed one is opened as a SWMR
    // reader opens it): only a file written without SWMR needs the repair.
    if !asSWMRReader { repairAfterAKill() }
  }

  /// Repairs what a writer killed inside an HDF5 flush can leave in a file
  /// written without SWMR (HDF5 1.10 orders nothing within a flush), when no
  /// process holds the file:
  ///
  /// - The superblock's end of allocated space (EOA) behind data the flush
  ///   had already written: the frame being written then lies past it and a
  ///   read of its dataset fails with "addr overflow". When the file is
  ///   longer than its EOA, the EOA is moved to the end of the file (what
  ///   `h5clear --increment=0` does).
  /// - A chunk index whose node split was half written: lookups (and so
  ///   reads) miss chunks the index still lists, and a counted frame reads
  ///   as zeros. In a trajectory whose run did not end (a `/fields` group and
  ///   no `/summary`), every chunk a lookup misses but the index lists is
  ///   written again by its coordinates (``gh5_reindex_unreachable_chunks``).
  ///
  /// The file is then reopened for reading. A file a run is still writing is
  /// left alone, and so is a file in the latest format (a SWMR file, whose
  /// writes are ordered).
  private func repairAfterAKill() {
    var eoa: haddr_t = 0
    guard H5Fget_eoa(id, &eoa) >= 0,
      let size = (try? FileManager.default.attributesOfItem(atPath: path))?[.size] as? UInt64
    else { return }
    let staleEnd = size > eoa
    // Unfinished: a trajectory whose /summary (made empty when the file is) has no status yet.
    let unfinished =
      H5Lexists(id, "/fields", gh5_p_default()) > 0
      && (H5Lexists(id, "/summary", gh5_p_default()) <= 0 || H5Aexists_by_name(id, "/summary", "status", gh5_p_default()) <= 0)
    guard staleEnd || unfinished else { return }
    // Our own read handle holds HDF5's shared lock: close it before asking.
    H5Fclose(id)
    defer { id = Self.openForReading(path).id }
    guard !Self.isLockedElsewhere(path) else { return }
    let fapl = gh5_fapl_writing(0)
    gfd_use(fapl, 1)
    let writable = H5Fopen(path, gh5_f_acc_rdwr(), fapl)
    H5Pclose(fapl)
    guard writable >= 0 else { return }
    if staleEnd { movedEndOfAllocation = H5Fincrement_filesize(writable, 0) >= 0 }
    if unfinished {
      let fd = open(path, O_RDONLY)
      if fd >= 0 {
        repairedChunks = gh5_reindex_unreachable_chunks(writable, fd)
        Glibc.close(fd)
      }
    }
    H5Fclose(writable)
  }

  /// Opens `path` read-only, or as a SWMR reader when it is marked as being
  /// written in SWMR mode (running, or left so by a crash).
  private static func openForReading(_ path: String) -> (id: hid_t, asSWMRReader: Bool) {
    let plain = H5Fopen(path, gh5_f_acc_rdonly(), gh5_p_default())
    if plain >= 0 { return (plain, false) }
    return (H5Fopen(path, gh5_f_acc_rdonly() | gh5_f_acc_swmr_read(), gh5_p_default()), true)
  }

  /// A file shorter than the end of allocation its superblock stores (a
  /// writer stopped by a file-size limit or a full disk between writing the
  /// superblock and extending the file) does not open in HDF5 ("truncated
  /// file"), though every byte it counts is there: the missing tail is
  /// allocated space nothing was written to yet. Extends the file to that
  /// end (a sparse tail of zeros, as the writer's truncate would have made)
  /// when no process holds it. Returns whether it did.
  private static func padToStoredEnd(_ path: String) -> Bool {
    let stored = gfd_stored_eoa(path)
    guard stored > 0, let size = (try? FileManager.default.attributesOfItem(atPath: path))?[.size] as? UInt64,
      UInt64(stored) > size, UInt64(stored) - size < (1 << 34), !Self.isLockedElsewhere(path)
    else { return false }
    return truncate(path, off_t(stored)) == 0
  }

  /// Repairs in place what a killed or failed writer can leave, when no
  /// process holds the file: a file shorter than its stored end
  /// (``padToStoredEnd``), the marks of a SWMR writer (as `h5clear -s`), an
  /// end of allocation short of the data and a half-split chunk index
  /// (``repairAfterAKill``, run once the SWMR marks are cleared). Returns
  /// what it did, in words.
  public static func repair(_ path: String) throws -> [String] {
    if isLockedElsewhere(path) {
      throw HDF5Error(message: "cannot repair \(heldElsewhere(path))", isUsageError: true)
    }
    var done: [String] = []
    var f: HDF5File
    do {
      f = try HDF5File(reading: path)
    } catch {
      // A file in the latest format whose writer stopped inside its close
      // stays marked as open for writing (not as SWMR): clear the marks.
      guard (try? HDF5File(updating: path, salvage: true).close()) != nil else { throw error }
      done.append("cleared the marks of a writer that did not close the file")
      f = try HDF5File(reading: path)
    }
    if f.paddedToStoredEnd { done.append("extended the file to the end its superblock records") }
    if f.openedAsSWMRReader {
      f.close()
      // Opening for writing clears the marks a SWMR writer leaves (as h5clear -s).
      try HDF5File(updating: path, salvage: true).close()
      done.append("cleared the SWMR writer's marks")
      f = try HDF5File(reading: path)
    }
    if f.movedEndOfAllocation { done.append("moved the end of allocation to the end of the file") }
    if f.repairedChunks > 0 { done.append("indexed \(f.repairedChunks) chunk(s) a lookup missed") }
    f.close()
    return done
  }

  /// Whether opening the file extended it to its stored end (``padToStoredEnd``).
  public private(set) var paddedToStoredEnd = false

  /// How many chunks ``repairAfterAKill`` wrote again when the file was opened.
  public private(set) var repairedChunks = 0
  /// Whether ``repairAfterAKill`` moved the end of allocation to the end of the file.
  public private(set) var movedEndOfAllocation = false
  /// Whether the file is marked as written in SWMR mode (running, or left so
  /// by a crash) and was opened as a SWMR reader.
  public private(set) var openedAsSWMRReader = false

  /// Switches a file created with `latestFormat` to single-writer/multiple-
  /// reader mode: from now on readers may open it (SWMR read) while it is
  /// written; no new objects or attributes until it is closed. HDF5 drops
  /// its file lock for SWMR, so a shared lock of our own keeps a second
  /// writer from taking the file (``isLockedElsewhere`` sees it).
  public func startSWMR() throws {
    hdf5Lock.lock()
    defer { hdf5Lock.unlock() }
    try checkDriver()
    if H5Fstart_swmr_write(id) < 0 { throw checked(HDF5Error(message: "cannot start SWMR writing of '\(path)'")) }
    guardLock = open(path, O_RDONLY)
    if guardLock >= 0 { flock(guardLock, LOCK_SH) }
  }

  /// The descriptor that holds the shared lock while in SWMR mode (-1: none).
  private var guardLock: Int32 = -1

  /// Closes and reopens the file for ordinary writing (ends SWMR mode;
  /// `close()` releases the guard lock first, as HDF5 wants its own).
  public func reopenForWriting() throws {
    hdf5Lock.lock()
    defer { hdf5Lock.unlock() }
    close()
    if driver == nil && failure != 0 { throw abandonedError("reopen") }
    let fapl = gh5_fapl_writing(0)
    gfd_use(fapl, 0)
    id = H5Fopen(path, gh5_f_acc_rdwr(), fapl)
    H5Pclose(fapl)
    if id < 0 { throw checked(HDF5Error.io("cannot reopen '\(path)' after SWMR writing", code: gfd_last_errno())) }
    driver = gfd_of(id)
  }

  /// Opens an existing file for reading and writing (to resume a run). With
  /// `salvage` (recording a write failure in the file) the writes may use
  /// the blocks the failed run kept in reserve.
  public init(updating path: String, salvage: Bool = false) throws {
    hdf5Lock.lock()
    defer { hdf5Lock.unlock() }
    gh5_silence_errors()
    self.path = path
    let writing = gh5_fapl_writing(0)
    gfd_use(writing, salvage ? 1 : 0)
    var opened = H5Fopen(path, gh5_f_acc_rdwr(), writing)
    H5Pclose(writing)
    if opened < 0 && !Self.isLockedElsewhere(path) {
      // A SWMR writer that crashed leaves the file marked open for writing.
      let fapl = gh5_fapl_clear_status_flags()
      gfd_use(fapl, salvage ? 1 : 0)
      opened = H5Fopen(path, gh5_f_acc_rdwr(), fapl)
      H5Pclose(fapl)
    }
    id = opened
    if id >= 0 { driver = gfd_of(id) }
    if id < 0, salvage, gfd_last_errno() != 0 {
      // The salvage's budget could not be had (the disk is full): nothing was written.
      throw HDF5Error.io("cannot write '\(path)'", code: gfd_last_errno())
    }
    if id < 0 {
      throw HDF5Error(
        message: "cannot open '\(path)' for writing (not an HDF5 file, or open in another process)", isUsageError: true)
    }
  }

  deinit { close() }

  /// Flushes everything written so far to disk: a crash after this loses
  /// nothing before it. Throws when the disk refuses (no space, I/O error).
  public func flush() throws {
    hdf5Lock.lock()
    defer { hdf5Lock.unlock() }
    try checkDriver()
    guard id >= 0 else { return }
    errno = 0
    if H5Fflush(id, H5F_SCOPE_GLOBAL) < 0 { throw checked(HDF5Error.io("cannot write '\(path)'")) }
    try checkDriver()
  }

  /// Renames the open file on disk (the handle stays valid; POSIX rename).
  public func rename(to newPath: String) throws {
    hdf5Lock.lock()
    defer { hdf5Lock.unlock() }
    errno = 0
    guard Foundation.rename(path, newPath) == 0 else { throw checked(HDF5Error.io("cannot rename '\(path)' to '\(newPath)'")) }
    path = newPath
  }

  /// Why a file another process holds is refused, for the messages of every
  /// command that would write it: "'PATH' is open in another process (…)".
  public static func heldElsewhere(_ path: String) -> String {
    "'\(path)' is open in another process (HDF5 file lock held by a running gilbert or a reader such as h5py); it was left untouched"
  }

  /// Whether another process holds `path` open with HDF5's file lock (a
  /// running writer, or a reader such as h5py). A file that cannot be
  /// opened at all is not locked.
  public static func isLockedElsewhere(_ path: String) -> Bool {
    hdf5Lock.lock()
    defer { hdf5Lock.unlock() }
    let fd = open(path, O_RDONLY)
    guard fd >= 0 else { return false }
    defer { Foundation.close(fd) }
    if flock(fd, LOCK_EX | LOCK_NB) == 0 {
      flock(fd, LOCK_UN)
      return false
    }
    return errno == EWOULDBLOCK
  }

  /// Closes the file, throwing when the disk refused what the close wrote
  /// (or an earlier write): the file then keeps its last flush.
  public func closeChecked() throws {
    hdf5Lock.lock()
    defer { hdf5Lock.unlock() }
    try checkDriver()
    guard id >= 0 else { return }
    if guardLock >= 0 {
      Foundation.close(guardLock)
      guardLock = -1
    }
    let status = H5Fclose(id)
    id = -1
    driver = nil
    if status < 0 {
      failure = gfd_last_errno()
      if failure == 0 { failure = EIO }
      throw abandonedError("write")
    }
  }

  /// Closes the file (idempotent); a failure shows in ``failure`` only.
  public func close() { try? closeChecked() }

  /// Bytes free for this process on the file system that holds `path`.
  public static func freeSpace(near path: String) -> UInt64? {
    hdf5Lock.lock()
    defer { hdf5Lock.unlock() }
    var s = statvfs()
    let directory = URL(fileURLWithPath: path).deletingLastPathComponent().path
    guard statvfs(directory, &s) == 0 else { return nil }
    return UInt64(s.f_bavail) * UInt64(s.f_frsize)
  }

  // MARK: Groups and links

  /// Whether an object exists at `objectPath` (every parent must exist too).
  /// Whether the file is in the latest format (superblock version 2 or
  /// more): a file written in SWMR mode is.
  public var isLatestFormat: Bool {
    hdf5Lock.lock()
    defer { hdf5Lock.unlock() }
    return gh5_superblock_version(id) >= 2
  }

  public func exists(_ objectPath: String) -> Bool {
    hdf5Lock.lock()
    defer { hdf5Lock.unlock() }
    var prefix = ""
    for part in objectPath.split(separator: "/") {
      prefix += "/" + part
      if H5Lexists(id, prefix, gh5_p_default()) <= 0 { return false }
    }
    return true
  }

  /// Creates a group, and its parents as needed.
  public func createGroup(_ groupPath: String) throws {
    hdf5Lock.lock()
    defer { hdf5Lock.unlock() }
    try checkDriver()
    var prefix = ""
    for part in groupPath.split(separator: "/") {
      prefix += "/" + part
      if H5Lexists(id, prefix, gh5_p_default()) > 0 { continue }
      let g = H5Gcreate2(id, prefix, gh5_p_default(), gh5_p_default(), gh5_p_default())
      if g < 0 { throw checked(HDF5Error(message: "cannot create group \(prefix) in '\(path)'")) }
      H5Gclose(g)
    }
  }

  /// Creates a hard link `linkPath` to the existing object `target` (no copy).
  public func hardLink(_ target: String, as linkPath: String) throws {
    hdf5Lock.lock()
    defer { hdf5Lock.unlock() }
    try checkDriver()
    if H5Lcreate_hard(id, target, id, linkPath, gh5_p_default(), gh5_p_default()) < 0 {
      throw checked(HDF5Error(message: "cannot link \(linkPath) to \(target) in '\(path)'"))
    }
  }

  /// The names of the members of a group.
  public func members(of groupPath: String) throws -> [String] {
    hdf5Lock.lock()
    defer { hdf5Lock.unlock() }
    let g = H5Gopen2(id, groupPath, gh5_p_default())
    if g < 0 { throw checked(HDF5Error(message: "no group \(groupPath) in '\(path)'")) }
    defer { H5Gclose(g) }
    var info = H5G_info_t()
    H5Gget_info(g, &info)
    var names: [String] = []
    for i in 0..<info.nlinks {
      let size = H5Lget_name_by_idx(g, ".", H5_INDEX_NAME, H5_ITER_INC, i, nil, 0, gh5_p_default())
      guard size >= 0 else { continue }
      var buffer = [CChar](repeating: 0, count: Int(size) + 1)
      H5Lget_name_by_idx(g, ".", H5_INDEX_NAME, H5_ITER_INC, i, &buffer, Int(size) + 1, gh5_p_default())
      names.append(String(decoding: buffer.prefix(Int(size)).map { UInt8(bitPattern: $0) }, as: UTF8.self))
    }
    return names
  }

  // MARK: Attributes

  private func withObject<R>(_ objectPath: String, _ body: (hid_t) throws -> R) throws -> R {
    hdf5Lock.lock()
    defer { hdf5Lock.unlock() }
    let o = H5Oopen(id, objectPath, gh5_p_default())
    if o < 0 { throw checked(HDF5Error(message: "no object \(objectPath) in '\(path)'")) }
    defer { H5Oclose(o) }
    return try body(o)
  }

  private func writeAttribute(
    _ name: String, on objectPath: String, type: hid_t, dims: [Int]?, _ write: (hid_t) -> herr_t
  ) throws {
    hdf5Lock.lock()
    defer { hdf5Lock.unlock() }
    try checkDriver()
    try withObject(objectPath) { o in
      if H5Aexists(o, name) > 0 { H5Adelete(o, name) }
      let space: hid_t
      if let dims {
        var d = dims.map { hsize_t($0) }
        space = H5Screate_simple(Int32(d.count), &d, nil)
      } else {
        space = H5Screate(H5S_SCALAR)
      }
      defer { H5Sclose(space) }
      let a = H5Acreate2(o, name, type, space, gh5_p_default(), gh5_p_default())
      if a < 0 { throw checked(HDF5Error(message: "cannot create attribute \(name) on \(objectPath)")) }
      defer { H5Aclose(a) }
      if write(a) < 0 { throw checked(HDF5Error(message: "cannot write attribute \(name) on \(objectPath)")) }
    }
  }

  private static func utf8StringType() -> hid_t {
    hdf5Lock.lock()
    defer { hdf5Lock.unlock() }
    let t = H5Tcopy(gh5_c_s1())
    H5Tset_size(t, gh5_variable())
    H5Tset_cset(t, H5T_CSET_UTF8)
    return t
  }

  /// Writes a variable-length UTF-8 string attribute (h5py reads it as `str`).
  public func setAttribute(_ name: String, on objectPath: String = "/", string value: String) throws {
    hdf5Lock.lock()
    defer { hdf5Lock.unlock() }
    let t = Self.utf8StringType()
    defer { H5Tclose(t) }
    try writeAttribute(name, on: objectPath, type: t, dims: nil) { a in
      value.withCString { cs in
        var p: UnsafePointer<CChar>? = cs
        return H5Awrite(a, t, &p)
      }
    }
  }

  /// Writes a fixed-length ASCII string attribute (for readers such as VTK's
  /// that expect one).
  public func setAttribute(_ name: String, on objectPath: String = "/", fixedString value: String) throws {
    hdf5Lock.lock()
    defer { hdf5Lock.unlock() }
    let t = H5Tcopy(gh5_c_s1())
    defer { H5Tclose(t) }
    H5Tset_size(t, max(1, value.utf8.count))
    H5Tset_strpad(t, H5T_STR_NULLPAD)
    try writeAttribute(name, on: objectPath, type: t, dims: nil) { a in
      var bytes = Array(value.utf8)
      if bytes.isEmpty { bytes = [0] }
      return H5Awrite(a, t, &bytes)
    }
  }

  /// Writes a scalar float64 attribute.
  public func setAttribute(_ name: String, on objectPath: String = "/", double value: Double) throws {
    hdf5Lock.lock()
    defer { hdf5Lock.unlock() }
    var v = value
    try writeAttribute(name, on: objectPath, type: gh5_native_double(), dims: nil) {
      H5Awrite($0, gh5_native_double(), &v)
    }
  }

  /// Writes a scalar int64 attribute.
  public func setAttribute(_ name: String, on objectPath: String = "/", int value: Int) throws {
    hdf5Lock.lock()
    defer { hdf5Lock.unlock() }
    var v = Int64(value)
    try writeAttribute(name, on: objectPath, type: gh5_native_int64(), dims: nil) {
      H5Awrite($0, gh5_native_int64(), &v)
    }
  }

  /// Writes a 1-D float64 array attribute.
  public func setAttribute(_ name: String, on objectPath: String = "/", doubles values: [Double]) throws {
    hdf5Lock.lock()
    defer { hdf5Lock.unlock() }
    try writeAttribute(name, on: objectPath, type: gh5_native_double(), dims: [values.count]) { a in
      values.withUnsafeBufferPointer { H5Awrite(a, gh5_native_double(), $0.baseAddress) }
    }
  }

  /// Writes a 1-D int64 array attribute.
  public func setAttribute(_ name: String, on objectPath: String = "/", ints values: [Int]) throws {
    hdf5Lock.lock()
    defer { hdf5Lock.unlock() }
    let v = values.map { Int64($0) }
    try writeAttribute(name, on: objectPath, type: gh5_native_int64(), dims: [v.count]) { a in
      v.withUnsafeBufferPointer { H5Awrite(a, gh5_native_int64(), $0.baseAddress) }
    }
  }

  /// Reads a string attribute.
  public func stringAttribute(_ name: String, on objectPath: String = "/") throws -> String {
    hdf5Lock.lock()
    defer { hdf5Lock.unlock() }
    return try withObject(objectPath) { o in
      let a = H5Aopen(o, name, gh5_p_default())
      if a < 0 { throw checked(HDF5Error(message: "no attribute \(name) on \(objectPath) in '\(path)'")) }
      defer { H5Aclose(a) }
      let t = Self.utf8StringType()
      defer { H5Tclose(t) }
      var p: UnsafeMutablePointer<CChar>? = nil
      if H5Aread(a, t, &p) < 0 { throw checked(HDF5Error(message: "attribute \(name) on \(objectPath) is not a string")) }
      guard let p else { return "" }
      defer { H5free_memory(p) }
      return String(cString: p)
    }
  }

  /// Reads a numeric attribute (scalar or 1-D) as float64 values.
  public func doubleAttribute(_ name: String, on objectPath: String = "/") throws -> [Double] {
    hdf5Lock.lock()
    defer { hdf5Lock.unlock() }
    return try withObject(objectPath) { o in
      let a = H5Aopen(o, name, gh5_p_default())
      if a < 0 { throw checked(HDF5Error(message: "no attribute \(name) on \(objectPath) in '\(path)'")) }
      defer { H5Aclose(a) }
      let s = H5Aget_space(a)
      defer { H5Sclose(s) }
      var out = [Double](repeating: 0, count: max(1, Int(H5Sget_simple_extent_npoints(s))))
      if H5Aread(a, gh5_native_double(), &out) < 0 {
        throw checked(HDF5Error(message: "attribute \(name) on \(objectPath) is not numeric"))
      }
      return out
    }
  }

  // MARK: Datasets

  /// Writes a whole fixed-size dataset of the given shape (row-major).
  public func writeDataset(_ datasetPath: String, doubles values: [Double], shape: [Int]) throws {
    hdf5Lock.lock()
    defer { hdf5Lock.unlock() }
    try checkDriver()
    precondition(shape.reduce(1, *) == values.count, "shape does not match the data")
    var d = shape.map { hsize_t($0) }
    let space = shape.isEmpty ? H5Screate(H5S_SCALAR) : H5Screate_simple(Int32(d.count), &d, nil)
    defer { H5Sclose(space) }
    let ds = H5Dcreate2(id, datasetPath, gh5_native_double(), space, gh5_p_default(), gh5_p_default(), gh5_p_default())
    if ds < 0 { throw checked(HDF5Error(message: "cannot create dataset \(datasetPath) in '\(path)'")) }
    defer { H5Dclose(ds) }
    let status = values.withUnsafeBufferPointer {
      H5Dwrite(ds, gh5_native_double(), gh5_s_all(), gh5_s_all(), gh5_p_default(), $0.baseAddress)
    }
    if status < 0 { throw checked(HDF5Error(message: "cannot write dataset \(datasetPath) in '\(path)'")) }
  }

  /// Writes a 1-D dataset of variable-length UTF-8 strings.
  public func writeDataset(_ datasetPath: String, strings values: [String]) throws {
    hdf5Lock.lock()
    defer { hdf5Lock.unlock() }
    try checkDriver()
    var d = [hsize_t(values.count)]
    let space = H5Screate_simple(1, &d, nil)
    defer { H5Sclose(space) }
    let t = Self.utf8StringType()
    defer { H5Tclose(t) }
    let ds = H5Dcreate2(id, datasetPath, t, space, gh5_p_default(), gh5_p_default(), gh5_p_default())
    if ds < 0 { throw checked(HDF5Error(message: "cannot create dataset \(datasetPath) in '\(path)'")) }
    defer { H5Dclose(ds) }
    let cStrings = values.map { strdup($0) }
    defer { for c in cStrings { free(c) } }
    var pointers = cStrings.map { UnsafePointer<CChar>($0) }
    if H5Dwrite(ds, t, gh5_s_all(), gh5_s_all(), gh5_p_default(), &pointers) < 0 {
      throw checked(HDF5Error(message: "cannot write dataset \(datasetPath) in '\(path)'"))
    }
  }

  /// Creates a dataset that grows along its first axis: shape [0, rest...],
  /// chunked `chunkRows` rows at a time (each chunk `chunkRowShape` of a row,
  /// the whole row by default), optionally gzip-compressed.
  public func createGrowingDataset(
    _ datasetPath: String, element: HDF5Element = .float64, rowShape: [Int], chunkRows: Int,
    chunkRowShape: [Int]? = nil, compress: Bool = false
  ) throws {
    hdf5Lock.lock()
    defer { hdf5Lock.unlock() }
    try checkDriver()
    var dims = [hsize_t(0)] + rowShape.map { hsize_t($0) }
    var maxDims = [gh5_s_unlimited()] + rowShape.map { hsize_t($0) }
    var chunk = [hsize_t(max(1, chunkRows))] + (chunkRowShape ?? rowShape).map { hsize_t($0) }
    let space = H5Screate_simple(Int32(dims.count), &dims, &maxDims)
    defer { H5Sclose(space) }
    let plist = H5Pcreate(gh5_p_dataset_create())
    defer { H5Pclose(plist) }
    H5Pset_chunk(plist, Int32(chunk.count), &chunk)
    if compress { H5Pset_deflate(plist, 4) }
    let ds = H5Dcreate2(id, datasetPath, element.nativeType, space, gh5_p_default(), plist, gh5_p_default())
    if ds < 0 { throw checked(HDF5Error(message: "cannot create dataset \(datasetPath) in '\(path)'")) }
    H5Dclose(ds)
  }

  /// Cuts (or grows) a growing dataset to `rows` rows.
  public func setRows(_ datasetPath: String, _ rows: Int) throws {
    hdf5Lock.lock()
    defer { hdf5Lock.unlock() }
    try checkDriver()
    let ds = H5Dopen2(id, datasetPath, gh5_p_default())
    if ds < 0 { throw checked(HDF5Error(message: "no dataset \(datasetPath) in '\(path)'")) }
    defer { H5Dclose(ds) }
    let space = H5Dget_space(ds)
    let rank = Int(H5Sget_simple_extent_ndims(space))
    var dims = [hsize_t](repeating: 0, count: rank)
    H5Sget_simple_extent_dims(space, &dims, nil)
    H5Sclose(space)
    dims[0] = hsize_t(rows)
    if H5Dset_extent(ds, &dims) < 0 { throw checked(HDF5Error.io("cannot resize \(datasetPath) in '\(path)'")) }
  }

  /// Overwrites the whole of an existing float64 dataset, or creates it (1-D) when missing.
  public func overwrite(_ datasetPath: String, doubles values: [Double]) throws {
    hdf5Lock.lock()
    defer { hdf5Lock.unlock() }
    try checkDriver()
    if !exists(datasetPath) {
      try writeDataset(datasetPath, doubles: values, shape: [values.count])
      return
    }
    let ds = H5Dopen2(id, datasetPath, gh5_p_default())
    if ds < 0 { throw checked(HDF5Error(message: "no dataset \(datasetPath) in '\(path)'")) }
    defer { H5Dclose(ds) }
    errno = 0
    let status = values.withUnsafeBufferPointer {
      H5Dwrite(ds, gh5_native_double(), gh5_s_all(), gh5_s_all(), gh5_p_default(), $0.baseAddress!)
    }
    if status < 0 { throw checked(HDF5Error.io("cannot write \(datasetPath) in '\(path)'")) }
  }

  /// Removes the link at `objectPath` if there is one.
  public func remove(_ objectPath: String) throws {
    hdf5Lock.lock()
    defer { hdf5Lock.unlock() }
    try checkDriver()
    guard exists(objectPath) else { return }
    if H5Ldelete(id, objectPath, gh5_p_default()) < 0 {
      throw checked(HDF5Error(message: "cannot remove \(objectPath) from '\(path)'"))
    }
  }

  /// Appends rows to a growing dataset; `values` holds whole rows.
  public func append(_ datasetPath: String, doubles values: [Double]) throws {
    hdf5Lock.lock()
    defer { hdf5Lock.unlock() }
    try appendRaw(datasetPath, element: .float64, count: values.count) { buf in
      values.withUnsafeBufferPointer { buf($0.baseAddress!) }
    }
  }

  /// Appends rows to a growing int64 dataset.
  public func append(_ datasetPath: String, ints values: [Int]) throws {
    hdf5Lock.lock()
    defer { hdf5Lock.unlock() }
    let v = values.map { Int64($0) }
    try appendRaw(datasetPath, element: .int64, count: v.count) { buf in
      v.withUnsafeBufferPointer { buf($0.baseAddress!) }
    }
  }

  private func appendRaw(
    _ datasetPath: String, element: HDF5Element, count: Int,
    _ withBuffer: ((UnsafeRawPointer) -> herr_t) -> herr_t
  ) throws {
    hdf5Lock.lock()
    defer { hdf5Lock.unlock() }
    try checkDriver()
    let ds = H5Dopen2(id, datasetPath, gh5_p_default())
    if ds < 0 { throw checked(HDF5Error(message: "no dataset \(datasetPath) in '\(path)'")) }
    defer { H5Dclose(ds) }
    let fileSpace0 = H5Dget_space(ds)
    let rank = Int(H5Sget_simple_extent_ndims(fileSpace0))
    var dims = [hsize_t](repeating: 0, count: rank)
    H5Sget_simple_extent_dims(fileSpace0, &dims, nil)
    H5Sclose(fileSpace0)
    let rowSize = dims.dropFirst().reduce(1) { $0 * Int($1) }
    precondition(count % rowSize == 0, "append: partial row")
    let rows = hsize_t(count / rowSize)
    var newDims = dims
    newDims[0] += rows
    if H5Dset_extent(ds, &newDims) < 0 { throw checked(HDF5Error.io("cannot extend \(datasetPath) in '\(path)'")) }
    let fileSpace = H5Dget_space(ds)
    defer { H5Sclose(fileSpace) }
    var start = [hsize_t](repeating: 0, count: rank)
    start[0] = dims[0]
    var extent = dims
    extent[0] = rows
    H5Sselect_hyperslab(fileSpace, H5S_SELECT_SET, &start, nil, &extent, nil)
    let memSpace = H5Screate_simple(Int32(rank), &extent, nil)
    defer { H5Sclose(memSpace) }
    errno = 0
    let status = withBuffer { p in H5Dwrite(ds, element.nativeType, memSpace, fileSpace, gh5_p_default(), p) }
    if status < 0 { throw checked(HDF5Error.io("cannot append to \(datasetPath) in '\(path)'")) }
  }

  /// The shape of a dataset.
  public func shape(_ datasetPath: String) throws -> [Int] {
    hdf5Lock.lock()
    defer { hdf5Lock.unlock() }
    let ds = H5Dopen2(id, datasetPath, gh5_p_default())
    if ds < 0 { throw checked(HDF5Error(message: "no dataset \(datasetPath) in '\(path)'")) }
    defer { H5Dclose(ds) }
    let s = H5Dget_space(ds)
    defer { H5Sclose(s) }
    var dims = [hsize_t](repeating: 0, count: Int(H5Sget_simple_extent_ndims(s)))
    H5Sget_simple_extent_dims(s, &dims, nil)
    return dims.map { Int($0) }
  }

  /// Reads a whole numeric dataset as float64, row-major, with its shape.
  public func readDoubles(_ datasetPath: String) throws -> (values: [Double], shape: [Int]) {
    hdf5Lock.lock()
    defer { hdf5Lock.unlock() }
    let shape = try shape(datasetPath)
    let ds = H5Dopen2(id, datasetPath, gh5_p_default())
    defer { H5Dclose(ds) }
    var out = [Double](repeating: 0, count: shape.reduce(1, *))
    if !out.isEmpty {
      let status = out.withUnsafeMutableBufferPointer {
        H5Dread(ds, gh5_native_double(), gh5_s_all(), gh5_s_all(), gh5_p_default(), $0.baseAddress)
      }
      if status < 0 { throw checked(HDF5Error(message: "cannot read \(datasetPath) in '\(path)' as numbers")) }
    }
    return (out, shape)
  }

  /// Reads one row (index `row` along the first axis) of a numeric dataset.
  public func readRow(_ datasetPath: String, row: Int) throws -> [Double] {
    hdf5Lock.lock()
    defer { hdf5Lock.unlock() }
    let shape = try shape(datasetPath)
    guard !shape.isEmpty, row >= 0, row < shape[0] else {
      throw checked(HDF5Error(message: "\(datasetPath) in '\(path)' has no row \(row) (it has \(shape.first ?? 0))"))
    }
    let ds = H5Dopen2(id, datasetPath, gh5_p_default())
    defer { H5Dclose(ds) }
    let fileSpace = H5Dget_space(ds)
    defer { H5Sclose(fileSpace) }
    var start = [hsize_t](repeating: 0, count: shape.count)
    start[0] = hsize_t(row)
    var extent = shape.map { hsize_t($0) }
    extent[0] = 1
    H5Sselect_hyperslab(fileSpace, H5S_SELECT_SET, &start, nil, &extent, nil)
    let memSpace = H5Screate_simple(Int32(shape.count), &extent, nil)
    defer { H5Sclose(memSpace) }
    var out = [Double](repeating: 0, count: shape.dropFirst().reduce(1, *))
    let status = out.withUnsafeMutableBufferPointer {
      H5Dread(ds, gh5_native_double(), memSpace, fileSpace, gh5_p_default(), $0.baseAddress)
    }
    if status < 0 { throw checked(HDF5Error(message: "cannot read row \(row) of \(datasetPath) in '\(path)'")) }
    return out
  }
}

#if canImport(Glibc)
  import Glibc
#endif
