/* h5_sum_baseline: the one-thread reader of bench/hdf5_bench.sh. Opens FILE (serial, the
 * default file driver), reads the 1-D float64 dataset DATASET in hyperslabs of MIB MiB
 * (default 16) into one reused buffer, adds them up in a plain loop, and prints
 *   count N
 *   sum S        (%.17g)
 * the same lines as `h5_stats FILE:/DATASET sum`.
 *
 *   h5pcc -O2 -o h5_sum_baseline bench/h5_sum_baseline.c
 *   h5_sum_baseline FILE DATASET [MIB]
 */
#include <hdf5.h>
#include <stdio.h>
#include <stdlib.h>

static int fail(const char* what) {
  fprintf(stderr, "h5_sum_baseline: error: %s\n", what);
  return 1;
}

int main(int argc, char** argv) {
  if (argc != 3 && argc != 4) {
    fprintf(stderr, "usage: h5_sum_baseline FILE DATASET [MIB]\n");
    return 64;
  }
  const long mib = argc == 4 ? atol(argv[3]) : 16;
  if (mib <= 0) return fail("MIB must be a positive number");
  const hid_t file = H5Fopen(argv[1], H5F_ACC_RDONLY, H5P_DEFAULT);
  if (file < 0) return fail("cannot open the file");
  const hid_t dset = H5Dopen2(file, argv[2], H5P_DEFAULT);
  if (dset < 0) return fail("cannot open the dataset");
  const hid_t fspace = H5Dget_space(dset);
  hsize_t n = 0;
  if (H5Sget_simple_extent_ndims(fspace) != 1 || H5Sget_simple_extent_dims(fspace, &n, NULL) != 1) {
    return fail("the dataset is not 1-D");
  }
  const hsize_t block = (hsize_t)mib * 1024 * 1024 / sizeof(double);
  double* buf = malloc(block * sizeof(double));
  if (!buf) return fail("out of memory");
  double sum = 0;
  for (hsize_t at = 0; at < n; at += block) {
    hsize_t len = n - at < block ? n - at : block;
    const hid_t mspace = H5Screate_simple(1, &len, NULL);
    if (H5Sselect_hyperslab(fspace, H5S_SELECT_SET, &at, NULL, &len, NULL) < 0 ||
        H5Dread(dset, H5T_NATIVE_DOUBLE, mspace, fspace, H5P_DEFAULT, buf) < 0) {
      return fail("cannot read a hyperslab");
    }
    H5Sclose(mspace);
    for (hsize_t i = 0; i < len; ++i) sum += buf[i];
  }
  free(buf);
  H5Sclose(fspace);
  H5Dclose(dset);
  if (H5Fclose(file) < 0) return fail("cannot close the file");
  printf("count %llu\nsum %.17g\n", (unsigned long long)n, sum);
  return fflush(stdout) == 0 ? 0 : 1;
}
