// Internal to runtime/io: linea's own binary matrix format.
//
// A file is a 64-byte little-endian header followed by the payload:
//   0  char[8] magic "LINEAMTX"     8  u32 version (1)        12 u32 layout (0 = dense row-major f64)
//   16 i64 rows      24 i64 cols    32 i64 nnz                40 u64 payload bytes
//   48 u64 XXH64 of the payload     56 u64 XXH64 of header bytes 0..55
// Layout 1 is CSR: row pointers i64[rows+1], column indices i32[nnz] (0-based, increasing per row),
// values f64[nnz] (no zeros); its payload checksum chains the three sections: XXH64(values, seed =
// XXH64(columns, seed = XXH64(row pointers, seed = 0))). Sparse blocks are written in layout 1.
// A directory of part files holds row blocks with the same number of columns, concatenated by name.
#pragma once

#include "kernels/matrix_block.h"
#include "runtime/io/source_files.h"

#include <optional>
#include <string>
#include <vector>

namespace linea::io {

/// Size of the binary header in bytes.
inline constexpr size_t kBinaryHeaderBytes = 64;

/// Writes `m` to `path` in the binary format; throws IoError.
void write_binary(const std::string &path, const kernels::MatrixBlock &m);

/// Reads binary files (one file, or the parts of a directory); `rows`/`cols`, when given, must agree.
/// Corrupt or truncated files throw IoError naming the file and what is wrong.
kernels::MatrixPtr read_binary(const std::vector<SourceFile> &files, const std::string &path,
                               std::optional<int64_t> rows, std::optional<int64_t> cols);

} // namespace linea::io
