//===- Npz.cpp - NumPy .npz archives (numpy.savez / savez_compressed) ------===//
//
// A .npz is a zip archive of .npy files, one per array, named "<key>.npy";
// libzip reads both the stored and the deflated form.
//
//===----------------------------------------------------------------------===//

#include "edgec/Support/Npy.h"

#include <zip.h>

#include <algorithm>
#include <memory>

namespace edgec {

namespace {
/// Largest array read from an archive (the size its directory declares).
constexpr zip_uint64_t kMaxEntryBytes = zip_uint64_t(1) << 31;

struct ZipCloser {
  void operator()(zip_t *z) const { zip_discard(z); }
};
struct EntryCloser {
  void operator()(zip_file_t *f) const { zip_fclose(f); }
};
} // namespace

namespace {

/// Every array of the open archive `z`, read as readNpz describes.
bool readEntries(zip_t *z, const std::string &path, zip_uint64_t maxEntryBytes,
                 std::vector<std::pair<std::string, Tensor>> &out, std::string &error) {
  zip_int64_t n = zip_get_num_entries(z, 0);
  for (zip_int64_t k = 0; k < n; ++k) {
    zip_stat_t st;
    zip_stat_init(&st);
    if (zip_stat_index(z, k, 0, &st) != 0 || !(st.valid & ZIP_STAT_NAME) ||
        !(st.valid & ZIP_STAT_SIZE)) {
      error = "'" + path + "': entry " + std::to_string(k) + " of the archive is unreadable";
      return false;
    }
    std::string name = st.name;
    if (!name.empty() && name.back() == '/')
      continue; // a folder entry
    if (name.size() < 5 || name.compare(name.size() - 4, 4, ".npy") != 0) {
      error = "'" + path + "' holds '" + name + "', which is not a .npy array";
      return false;
    }
    if (st.size > maxEntryBytes) {
      error = "'" + path + "': array '" + name + "' is " + std::to_string(st.size) +
              " bytes, more than the " + std::to_string(maxEntryBytes) + " edgec reads";
      return false;
    }
    std::unique_ptr<zip_file_t, EntryCloser> f(zip_fopen_index(z, k, 0));
    std::string bytes(st.size, '\0');
    zip_int64_t got = f ? zip_fread(f.get(), bytes.data(), st.size) : -1;
    if (got < 0 || (zip_uint64_t)got != st.size) {
      error = "'" + path + "': array '" + name + "' is truncated or corrupt (" +
              (f ? zip_strerror(z) : "cannot open it") + ")";
      return false;
    }
    Tensor t;
    if (!parseNpy(bytes, path + ":" + name, t, error))
      return false;
    out.emplace_back(name.substr(0, name.size() - 4), std::move(t));
  }
  if (out.empty()) {
    error = "'" + path + "' holds no arrays";
    return false;
  }
  return true;
}

std::string zipError(int code) {
  zip_error_t e;
  zip_error_init_with_code(&e, code);
  std::string r = zip_error_strerror(&e);
  zip_error_fini(&e);
  return r;
}

} // namespace

bool readNpz(const std::string &path, std::vector<std::pair<std::string, Tensor>> &out,
             std::string &error) {
  int code = 0;
  std::unique_ptr<zip_t, ZipCloser> z(zip_open(path.c_str(), ZIP_RDONLY, &code));
  if (!z) {
    error = "cannot read '" + path + "' as a .npz (zip) archive: " + zipError(code);
    return false;
  }
  return readEntries(z.get(), path, kMaxEntryBytes, out, error);
}

bool parseNpz(const std::string &bytes, const std::string &path, uint64_t maxEntryBytes,
              std::vector<std::pair<std::string, Tensor>> &out, std::string &error) {
  zip_error_t e;
  zip_error_init(&e);
  zip_source_t *src = zip_source_buffer_create(bytes.data(), bytes.size(), 0, &e);
  zip_t *raw = src ? zip_open_from_source(src, ZIP_RDONLY, &e) : nullptr;
  if (!raw) {
    error = "cannot read '" + path + "' as a .npz (zip) archive: " + zip_error_strerror(&e);
    zip_error_fini(&e);
    if (src)
      zip_source_free(src);
    return false;
  }
  zip_error_fini(&e);
  std::unique_ptr<zip_t, ZipCloser> z(raw); // owns the source now
  return readEntries(z.get(), path, std::min<uint64_t>(maxEntryBytes, kMaxEntryBytes), out,
                     error);
}

} // namespace edgec
