// Frames: two-dimensional tables whose columns each have one value type (FP64, INT64, BOOLEAN or
// STRING) and a name. Immutable once built and shared by FramePtr, like matrix blocks.
#pragma once

#include "kernels/matrix_block.h"
#include "runtime/data/value.h"

#include <cstdint>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <variant>
#include <vector>

namespace linea {

/// A cell that cannot be converted to the type asked for (as.matrix of "abc", a csv cell "x" in an
/// FP64 column). The message names the cell (1-based row and column) and its text.
class FrameCellError : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

/// SystemDS's name of a column type: "FP64", "INT64", "BOOLEAN", "STRING".
const char *frame_type_name(ValueType vt);
/// The column type named `name` (also FP32/INT32 and lower case, as SystemDS .mtd files may spell
/// them); nullopt for an unknown name.
std::optional<ValueType> parse_frame_type(const std::string &name);

class FrameBlock {
public:
    /// An empty frame with `rows` rows and one column per schema entry (cells 0, FALSE or "").
    /// `names` is empty for the default names C1..Cn, else one name per column.
    FrameBlock(int64_t rows, std::vector<ValueType> schema, std::vector<std::string> names = {});

    /// as.frame(X): one FP64 column per matrix column, default names.
    static FramePtr from_matrix(const kernels::MatrixBlock &m);

    int64_t rows() const { return rows_; }
    int64_t cols() const { return static_cast<int64_t>(columns_.size()); }
    ValueType type(int64_t j) const;
    /// The schema as SystemDS prints it, one type name per column.
    std::vector<std::string> schema_names() const;
    /// True when the columns carry the default names C1..Cn (recomputed after a slice or bind).
    bool default_names() const { return names_.empty(); }
    /// Name of column j (0-based): the given name, or "C<j+1>".
    std::string column_name(int64_t j) const;

    /// Cell (i, j), 0-based, as a scalar of the column's type.
    Value get(int64_t i, int64_t j) const;
    /// Sets cell (i, j) from a scalar, converted to the column's type; throws FrameCellError if it
    /// does not convert. Only while building a frame (frames are immutable once shared).
    void set(int64_t i, int64_t j, const Value &v);
    /// Sets cell (i, j) from its text as a csv file holds it; throws FrameCellError if it does not
    /// parse as the column's type.
    void set_text(int64_t i, int64_t j, const std::string &text);
    /// The text of cell (i, j) as csv and STRING conversion write it (doubles as Java prints them).
    std::string text(int64_t i, int64_t j) const;

    /// as.matrix(F): every cell as a double (BOOLEAN as 0/1, STRING parsed); throws FrameCellError
    /// naming the first cell that is not a number.
    kernels::MatrixPtr to_matrix() const;
    /// Rows [r0, r1) and columns [c0, c1), 0-based; explicit column names are kept.
    FramePtr slice(int64_t r0, int64_t r1, int64_t c0, int64_t c1) const;
    /// cbind: equal row counts; names concatenated (default only when every part has default names).
    static FramePtr cbind(const std::vector<const FrameBlock *> &parts);
    /// rbind: equal column counts; the first part's schema and names, other parts' cells converted.
    static FramePtr rbind(const std::vector<const FrameBlock *> &parts);

    /// SystemDS toString(F): "# FRAME: nrow = r, ncol = c", a "#" line of column names, a "#" line of
    /// the schema, then at most max_rows rows of max_cols cells (FP64 with `decimal` digits).
    std::string to_string(int64_t max_rows = 100, int64_t max_cols = 100, int decimal = 3,
                          const std::string &sep = " ", const std::string &linesep = "\n") const;

    /// Approximate bytes held (for statistics and budgets).
    size_t size_in_bytes() const;

private:
    using Cells = std::variant<std::vector<double>, std::vector<int64_t>, std::vector<uint8_t>,
                               std::vector<std::string>>;
    struct Column {
        ValueType type;
        Cells cells;
    };
    static Cells make_cells(ValueType vt, int64_t rows);

    int64_t rows_ = 0;
    std::vector<Column> columns_;
    std::vector<std::string> names_; ///< empty: default names
};

} // namespace linea
