// Gilbert's HDF5 file driver for the files a run writes: POSIX I/O as HDF5's
// own sec2 driver does it, plus what a run needs to stop cleanly when the
// disk fails under it (Documentation/Reliability.md):
//
// - Every failure is atomic and final. File space is backed by disk blocks
//   (fallocate) when HDF5 allocates it, before anything is written there, so
//   no space (ENOSPC), a quota (EDQUOT) or the file-size limit (EFBIG,
//   checked against RLIMIT_FSIZE) fails an allocation, never a write inside
//   a flush: as far as space goes, a flush is written whole or not at all.
//   After the first failure the file is "failed": every later write and
//   truncate is refused without touching the disk, so the disk keeps the
//   last complete flush (plus, after an I/O error, a prefix of the failed
//   one: what a kill -9 inside a flush leaves, which the readers repair).
// - The superblock is never written with an end of allocation past the
//   file-size limit (a file shorter than its superblock says does not open).
// - A reserve of allocated blocks is kept beyond the end of allocation, so
//   that after a failure a fresh handle can still record the failure in the
//   file (gfd_use(…, salvage = 1) may use the reserve, all of it or nothing,
//   and only it). Handles of one process pass the reserve on to the next
//   handle of the same file.
// - The real cause is kept (errno of the first failure) for the message.
// - Fault injection for the tests: GILBERT_FAULT_INJECT="OP:N:ERR" makes the
//   Nth OP of the process fail with ERR ("OP:N+:ERR": the Nth and every later
//   one); OP is write, truncate or reserve, ERR is ENOSPC, EIO, EFBIG or
//   EDQUOT. Counts cover the files of this driver only.
//   GILBERT_FAULT_INJECT=count prints the counts at exit.
#ifndef GILBERT_H5DRIVER_H
#define GILBERT_H5DRIVER_H
#include <hdf5.h>

/// Once per process, before any other HDF5 call: no HDF5 clean-up at exit
/// (it would flush a file abandoned after a write failure), no error-stack
/// printing, SIGXFSZ ignored (a write past the file-size limit then fails
/// with EFBIG instead of killing the process), the driver registered.
void gfd_setup(void);

/// Makes a file-access property list write through the driver. `salvage`:
/// the handle that records a failure may use the reserve kept for it.
herr_t gfd_use(hid_t fapl, int salvage);

/// The driver's state of an open file (NULL when the file is not the driver's).
typedef struct gfd_t gfd_t;
gfd_t *gfd_of(hid_t file);

/// errno of the file's first failed write or truncate; 0 while none failed.
int gfd_failure(const gfd_t *file);

/// Abandons a file after a failure: its descriptor is closed (its lock
/// released) and HDF5 is never to be called on it again; the driver refuses
/// every later call on it.
void gfd_abandon(gfd_t *file);

/// errno of the last open or create the driver refused, or of the last
/// write refused since the last open (a create whose superblock the disk
/// refused); 0: none.
int gfd_last_errno(void);

/// Writes that the fault injection counted so far, by operation (0 write,
/// 1 truncate, 2 reserve), for the tests.
long gfd_operations(int op);

/// The end of allocation stored in the superblock of the HDF5 file at
/// `path` (relative to the start of the file, user block included), or -1
/// when the file has no HDF5 superblock this function understands.
long long gfd_stored_eoa(const char *path);

/// The errno's symbolic name ("ENOSPC"), or NULL.
const char *gfd_errno_name(int code);

#endif
