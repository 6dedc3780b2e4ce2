// Frame files: csv with an optional header line of column names, and a .mtd with data_type "frame"
// and the schema ("FP64,STRING,..."). Entry points: read_frame_csv / write_frame_csv.
#pragma once

#include "runtime/data/frame.h"
#include "runtime/io/matrix_io.h"

#include <optional>
#include <string>
#include <vector>

namespace linea::io {

/// Options of read(..., data_type="frame", format="csv").
struct FrameReadOptions {
    std::optional<int64_t> rows, cols; ///< when given, the file must agree
    bool header = false;               ///< the first line holds the column names
    std::string sep = ",";
    std::vector<ValueType> schema;       ///< one type per column; empty: from the .mtd, else all STRING
    std::vector<std::string> na_strings; ///< fields read as missing (0 / FALSE / "")
};

/// The column types the `.mtd` beside `path` lists under "schema" (empty when absent); throws IoError
/// for a malformed .mtd or an unknown type name.
std::vector<ValueType> read_frame_schema(const std::string &path);

/// Reads a csv file as a frame. Every line must have the same number of fields; a field that does not
/// parse as its column's type is an IoError naming file:line and the field. Fields may be quoted with
/// double quotes (the separator may then appear inside).
FramePtr read_frame_csv(const std::string &path, const FrameReadOptions &opts);

/// Writes the frame as csv (a header line of column names when `header`) and its .mtd.
void write_frame_csv(const std::string &path, const FrameBlock &f, bool header, const std::string &sep,
                     const std::string &description);

} // namespace linea::io
