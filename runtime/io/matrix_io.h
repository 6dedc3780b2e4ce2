// Matrix and scalar file I/O (text/ijv, Matrix Market, csv) with SystemDS-style .mtd metadata.
// Entry points: read_matrix / write_matrix, read_mtd / write_mtd, write_scalar / read_scalar_text.
#pragma once

#include "kernels/matrix_block.h"

#include <cstdint>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

namespace linea::io {

/// A file could not be read or written, or its contents are malformed. The message names the file,
/// and the line when relevant ("f.csv:3: ...").
class IoError : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

/// Contents of a `.mtd` metadata file. Unknown sizes stay empty (written as -1 for nnz).
struct MatrixMeta {
    std::optional<int64_t> rows, cols, nnz;
    std::string format = "text";
    std::string data_type = "matrix";
    std::string value_type = "double";
    bool header = false;
    std::string sep = ",";
    std::string description;
};

/// Reads `<path>.mtd` if it exists (JSON); returns nullopt if absent; throws IoError if malformed.
std::optional<MatrixMeta> read_mtd(const std::string &path);
/// Writes `<path>.mtd` (adds author "linea" and a created timestamp).
void write_mtd(const std::string &path, const MatrixMeta &meta);

/// Options of read(): an empty `format` means "take it from the .mtd, else text".
struct ReadOptions {
    std::string format;
    std::optional<int64_t> rows, cols;
    bool header = false;
    std::string sep = ",";
    bool fill = true;
    double fill_value = 0;
    std::vector<std::string> na_strings;
};

/// Reads a matrix in text (ijv), mm (Matrix Market coordinate/array, general/symmetric,
/// real/integer/pattern) or csv. Dimensions come from the options or the .mtd; for text they are
/// required; for csv/mm they are derived if absent; when given they must agree with the data.
/// A path that is a directory is read as the concatenation of its part files (sorted by name,
/// skipping hidden files and .mtd/.crc files).
kernels::MatrixPtr read_matrix(const std::string &path, const ReadOptions &opts);

struct WriteOptions {
    std::string format = "text";
    bool header = false;
    std::string sep = ",";
    std::string description;
};

/// Writes the matrix file and its .mtd (rows, cols, nnz, format, data_type, value_type, header/sep
/// for csv, author, created).
void write_matrix(const std::string &path, const kernels::MatrixBlock &m, const WriteOptions &opts);

/// Writes a scalar's text plus an .mtd with data_type "scalar" and the given value_type.
void write_scalar(const std::string &path, const std::string &text, const std::string &value_type);
/// Reads a scalar file's text (without the trailing newline).
std::string read_scalar_text(const std::string &path);

} // namespace linea::io
