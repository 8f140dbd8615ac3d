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

/// A file-access property list for the latest file format (SWMR needs it).
static inline hid_t gh5_fapl_latest(void) {
  hid_t fapl = H5Pcreate(H5P_FILE_ACCESS);
  H5Pset_libver_bounds(fapl, H5F_LIBVER_LATEST, H5F_LIBVER_LATEST);
  return fapl;
}

/// Silences HDF5's automatic error-stack printing; Swift reports errors itself.
static inline void gh5_silence_errors(void) { H5Eset_auto2(H5E_DEFAULT, NULL, NULL); }

#endif
