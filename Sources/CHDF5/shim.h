// The HDF5 C API for Swift. HDF5's type, property-list and flag constants are
// macros that call H5open() or read library globals, so Swift cannot import
// them; each is wrapped here in a static inline function of the same meaning.
#ifndef GILBERT_CHDF5_SHIM_H
#define GILBERT_CHDF5_SHIM_H
#include <hdf5.h>

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
/// space comes from large aggregator blocks, so the end of the allocated
/// space (the superblock's EOA, written last in a flush) grows once per
/// block rather than once per frame: a kill inside a flush can then leave an
/// index pointing past the EOA only at the rare flush that starts a block.
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
  H5Pset_meta_block_size(fapl, 1 << 20);
  H5Pset_small_data_block_size(fapl, 8 << 20);
  return fapl;
}

/// Silences HDF5's automatic error-stack printing; Swift reports errors itself.
static inline void gh5_silence_errors(void) { H5Eset_auto2(H5E_DEFAULT, NULL, NULL); }

#endif
