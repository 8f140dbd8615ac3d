// The HDF5 C API for Swift. HDF5's type, property-list and flag constants are
// macros that call H5open() or read library globals, so Swift cannot import
// them; each is wrapped here in a static inline function of the same meaning.
#ifndef GILBERT_CHDF5_SHIM_H
#define GILBERT_CHDF5_SHIM_H
#include <hdf5.h>
#include <stdlib.h>
#include <unistd.h>
#include <sys/resource.h>

static inline hid_t gh5_native_double(void) { return H5T_NATIVE_DOUBLE; }
static inline hid_t gh5_native_int64(void) { return H5T_NATIVE_INT64; }
static inline hid_t gh5_native_int32(void) { return H5T_NATIVE_INT32; }
static inline hid_t gh5_native_uint8(void) { return H5T_NATIVE_UINT8; }
static inline hid_t gh5_c_s1(void) { return H5T_C_S1; }
static inline hid_t gh5_p_default(void) { return H5P_DEFAULT; }
static inline hid_t gh5_p_dataset_create(void) { return H5P_DATASET_CREATE; }
static inline hid_t gh5_p_link_create(void) { return H5P_LINK_CREATE; }
static inline hid_t gh5_p_file_access(void) { return H5P_FILE_ACCESS; }
static inline hid_t gh5_s_all(void) { return H5S_ALL; }
static inline hsize_t gh5_s_unlimited(void) { return H5S_UNLIMITED; }
static inline unsigned gh5_f_acc_trunc(void) { return H5F_ACC_TRUNC; }
static inline unsigned gh5_f_acc_excl(void) { return H5F_ACC_EXCL; }
static inline unsigned gh5_f_acc_rdonly(void) { return H5F_ACC_RDONLY; }
static inline unsigned gh5_f_acc_rdwr(void) { return H5F_ACC_RDWR; }
static inline size_t gh5_variable(void) { return H5T_VARIABLE; }
static inline unsigned gh5_f_acc_swmr_read(void) { return H5F_ACC_SWMR_READ; }
/// The version of the file's superblock (2 or more: the latest format, which SWMR files use); -1 on failure.
static inline int gh5_superblock_version(hid_t file) {
  H5F_info2_t info;
  if (H5Fget_info2(file, &info) < 0) return -1;
  return (int)info.super.version;
}

/// A file-access property list that clears the "open for writing" flags a
/// crashed SWMR writer leaves in the superblock (what `h5clear -s` does).
static inline hid_t gh5_fapl_clear_status_flags(void) {
  hid_t fapl = H5Pcreate(H5P_FILE_ACCESS);
  hbool_t clear = 1;
  H5Pset(fapl, "clear_status_flags", &clear);
  return fapl;
}

/// A file-access property list for a file written frame by frame, so that
/// a kill -9 leaves what the last flush wrote. HDF5 1.10 without SWMR
/// orders nothing between flushes: its metadata cache may evict (write) an
/// entry at any moment, so the disk can hold a dataset's new extent before
/// its data's index. Evictions are turned off (entries reach the disk only
/// in H5Fflush; we flush every sample, so the cache stays small), and file
/// space comes from 256 KiB aggregator blocks, so the end of the allocated
/// space (the superblock's EOA, written last in a flush) grows once per
/// block rather than once per frame: a kill inside a flush can then leave an
/// index pointing past the EOA only at the rare flush that starts a block.
/// (The blocks are backed by disk blocks when allocated, CH5Driver: larger
/// ones would hold more of a nearly full disk for nothing.)
/// With `latest` the file uses the latest format (SWMR needs it, and orders
/// its own writes, so its cache is left as HDF5 sets it).
static inline hid_t gh5_fapl_writing(int latest) {
  hid_t fapl = H5Pcreate(H5P_FILE_ACCESS);
  if (latest) {
    H5Pset_libver_bounds(fapl, H5F_LIBVER_LATEST, H5F_LIBVER_LATEST);
  } else {
    H5AC_cache_config_t config;
    config.version = H5AC__CURR_CACHE_CONFIG_VERSION;
    if (H5Pget_mdc_config(fapl, &config) >= 0) {
      config.evictions_enabled = 0;
      config.incr_mode = H5C_incr__off;
      config.flash_incr_mode = H5C_flash_incr__off;
      config.decr_mode = H5C_decr__off;
      H5Pset_mdc_config(fapl, &config);
    }
  }
  // Under a file-size limit (ulimit -f, a batch system's) the blocks are
  // kept small beside it: the end of allocation runs ahead of the data by up
  // to a block, and a superblock may not record an end past the limit.
  hsize_t meta = 256 << 10, small = 256 << 10;
  struct rlimit limit;
  if (getrlimit(RLIMIT_FSIZE, &limit) == 0 && limit.rlim_cur != RLIM_INFINITY) {
    hsize_t cap = (hsize_t)(limit.rlim_cur / 64);
    if (cap < 4096) cap = 4096;
    if (meta > cap) meta = cap;
    if (small > cap) small = cap;
  }
  H5Pset_meta_block_size(fapl, meta);
  H5Pset_small_data_block_size(fapl, small);
  return fapl;
}

/// Silences HDF5's automatic error-stack printing; Swift reports errors itself.
static inline void gh5_silence_errors(void) { H5Eset_auto2(H5E_DEFAULT, NULL, NULL); }

/// One chunked dataset of `gh5_reindex_unreachable_chunks`: every chunk of
/// its extent is looked up by its coordinates (as a read does); the chunks a
/// lookup misses are searched for in HDF5's own iteration of the index,
/// from the last entry down, and each one found there is written again by
/// coordinates (H5Dwrite_chunk) from its bytes on disk, so the index holds
/// it where lookups search. Returns the number of chunks written again.
static inline long gh5_reindex_dataset(hid_t dataset, int fd) {
  long rewritten = 0;
  hid_t dcpl = H5Dget_create_plist(dataset);
  if (dcpl < 0) return 0;
  hsize_t chunk[H5S_MAX_RANK], extent[H5S_MAX_RANK], grid[H5S_MAX_RANK], offset[H5S_MAX_RANK];
  int rank = -1;
  if (H5Pget_layout(dcpl) == H5D_CHUNKED) rank = H5Pget_chunk(dcpl, H5S_MAX_RANK, chunk);
  H5Pclose(dcpl);
  hid_t space = H5Dget_space(dataset);
  if (rank <= 0 || space < 0 || H5Sget_simple_extent_dims(space, extent, NULL) != rank) {
    if (space >= 0) H5Sclose(space);
    return 0;
  }
  hsize_t cells = 1;
  for (int i = 0; i < rank; i++) {
    grid[i] = (extent[i] + chunk[i] - 1) / chunk[i];
    cells *= grid[i];
  }
  // The chunks a lookup misses, as their linear index in the chunk grid.
  unsigned char *missing = cells > 0 ? (unsigned char *)calloc(cells, 1) : NULL;
  hsize_t lowest = cells;
  for (hsize_t c = 0; missing != NULL && c < cells; c++) {
    hsize_t rest = c, size = 0;
    for (int i = rank - 1; i >= 0; i--) {
      offset[i] = (rest % grid[i]) * chunk[i];
      rest /= grid[i];
    }
    if (H5Dget_chunk_storage_size(dataset, offset, &size) < 0 || size == 0) {
      missing[c] = 1;
      if (c < lowest) lowest = c;
    }
  }
  hsize_t entries = 0;
  if (lowest < cells && H5Dget_num_chunks(dataset, space, &entries) >= 0) {
    for (hsize_t k = entries; k-- > 0;) {
      unsigned mask = 0;
      haddr_t address = HADDR_UNDEF;
      hsize_t size = 0, c = 0;
      if (H5Dget_chunk_info(dataset, space, k, offset, &mask, &address, &size) < 0) break;
      int inside = 1;
      for (int i = 0; i < rank; i++) {
        if (offset[i] % chunk[i] != 0 || offset[i] / chunk[i] >= grid[i]) inside = 0;
        else c = c * grid[i] + offset[i] / chunk[i];
      }
      if (!inside || address == HADDR_UNDEF || size == 0) continue;
      // Entries come in coordinate order: below the lowest missing chunk there is nothing to find.
      if (c < lowest) break;
      if (!missing[c]) continue;
      void *bytes = malloc(size);
      if (bytes != NULL && pread(fd, bytes, size, (off_t)address) == (ssize_t)size &&
          H5Dwrite_chunk(dataset, H5P_DEFAULT, mask, offset, size, bytes) >= 0) {
        missing[c] = 0;
        rewritten++;
      }
      free(bytes);
    }
  }
  free(missing);
  H5Sclose(space);
  return rewritten;
}

typedef struct {
  int fd;
  long rewritten;
} gh5_reindex_state;

static inline herr_t gh5_reindex_visit(hid_t object, const char *name, const H5O_info_t *info, void *data) {
  if (info->type != H5O_TYPE_DATASET) return 0;
  hid_t dataset = H5Dopen2(object, name, H5P_DEFAULT);
  if (dataset < 0) return 0;
  ((gh5_reindex_state *)data)->rewritten += gh5_reindex_dataset(dataset, ((gh5_reindex_state *)data)->fd);
  H5Dclose(dataset);
  return 0;
}

/// Repairs the chunk index of a file whose writer was killed inside a flush
/// that split a node of a dataset's version-1 B-tree (HDF5 1.10 writes the
/// nodes of a split in address order, nothing between them): lookups then
/// miss entries that the index still holds. `file` is open for reading and
/// writing, `fd` reads the same file (its addresses are byte offsets: gilbert
/// writes no user block). Returns the number of chunks written again.
static inline long gh5_reindex_unreachable_chunks(hid_t file, int fd) {
  gh5_reindex_state state = {fd, 0};
  H5Ovisit2(file, H5_INDEX_NAME, H5_ITER_NATIVE, gh5_reindex_visit, &state, H5O_INFO_BASIC);
  return state.rewritten;
}

#endif
