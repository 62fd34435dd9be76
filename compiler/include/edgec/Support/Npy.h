//===- Npy.h - NumPy .npy reading and writing -------------------*- C++ -*-===//
#pragma once

#include "edgec/Support/Tensor.h"

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

namespace edgec {

/// Reads a little-endian, C-order .npy file (float32/float64/int8/uint8/
/// int32/int64/bool). float64 is narrowed to float32. On failure returns false
/// and sets `error` to a sentence naming the file and the problem.
bool readNpy(const std::string &path, Tensor &out, std::string &error);
/// The same, from the bytes of a .npy file (`path` names it in messages).
bool parseNpy(const std::string &bytes, const std::string &path, Tensor &out,
              std::string &error);
/// Reads every array of a .npz archive (numpy.savez or savez_compressed), in
/// archive order, keyed by its name without ".npy". False with `error` set
/// for a file that is not a zip, a corrupt entry or a bad array.
bool readNpz(const std::string &path, std::vector<std::pair<std::string, Tensor>> &out,
             std::string &error);
/// The same, from the bytes of an archive, reading no array larger than
/// `maxEntryBytes` (nor 2 GiB) as its directory declares it.
bool parseNpz(const std::string &bytes, const std::string &path, uint64_t maxEntryBytes,
              std::vector<std::pair<std::string, Tensor>> &out, std::string &error);
bool writeNpy(const std::string &path, const Tensor &t, std::string &error);
/// The bytes of a .npy file holding `t` (version 1.0, C order).
std::string npyBytes(const Tensor &t);

} // namespace edgec
