// Matrix/scalar file I/O. Files are memory-mapped and parsed with std::from_chars (no iostreams per
// value). csv and text are parsed in parallel: the bytes are split into ranges at line boundaries, each
// range is parsed on its own, and the results are merged in file order, so the matrix and the first
// error (with its file:line) are the same as a sequential parse, whatever the thread count.
#include "runtime/io/matrix_io.h"

#include "runtime/io/arrival_hook.h"
#include "runtime/io/binary_format.h"
#include "runtime/io/output_file.h"
#include "runtime/io/source_files.h"
#include "runtime/util/text.h"

#include "kernels/ops.h"

#include <nlohmann/json.hpp>
#include <tbb/parallel_for.h>
#include <tbb/parallel_pipeline.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <charconv>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <ctime>
#include <filesystem>
#include <fstream>
#include <limits>
#include <string_view>

namespace linea::io {

namespace fs = std::filesystem;
using kernels::MatrixBlock;
using kernels::MatrixPtr;

namespace {

[[noreturn]] void fail_at(const std::string &file, int64_t line, const std::string &msg) {
    throw IoError(file + ":" + std::to_string(line) + ": " + msg);
}

/// Iterates over the lines of a text (handles \n and \r\n); calls fn(line, 1-based number).
template <class F> void for_each_line(std::string_view text, F &&fn) {
    int64_t lineno = 0;
    size_t pos = 0;
    while (pos < text.size()) {
        size_t end = text.find('\n', pos);
        if (end == std::string_view::npos) end = text.size();
        std::string_view line = text.substr(pos, end - pos);
        if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
        ++lineno;
        if (!fn(line, lineno)) return;
        pos = end + 1;
    }
}

bool is_space(char c) {
    return c == ' ' || c == '\t' || c == '\r' || c == '\f' || c == '\v';
}

std::string_view trim(std::string_view s) {
    while (!s.empty() && is_space(s.front())) s.remove_prefix(1);
    while (!s.empty() && is_space(s.back())) s.remove_suffix(1);
    return s;
}

/// Parses a whole token as a double (accepts a leading '+', NaN, Infinity, Inf in any case).
bool parse_double_slow(std::string_view tok, double &out) {
    if (tok.empty()) return false;
    std::string_view body = tok;
    bool neg = false;
    if (body[0] == '+' || body[0] == '-') {
        neg = body[0] == '-';
        body.remove_prefix(1);
    }
    if (iequals(body, "nan")) {
        out = std::numeric_limits<double>::quiet_NaN();
        return true;
    }
    if (iequals(body, "infinity") || iequals(body, "inf")) {
        out = neg ? -std::numeric_limits<double>::infinity() : std::numeric_limits<double>::infinity();
        return true;
    }
    if (body.empty() || body[0] == '+' || body[0] == '-') return false;
    double v = 0;
    auto res = std::from_chars(body.data(), body.data() + body.size(), v);
    if (res.ec == std::errc::result_out_of_range) {
        // Overflow/underflow: fall back to strtod's IEEE result (Inf or a denormal/zero).
        v = std::strtod(std::string(body).c_str(), nullptr);
    } else if (res.ec != std::errc() || res.ptr != body.data() + body.size()) {
        return false;
    }
    out = neg ? -v : v;
    return true;
}

bool is_digit(char c) {
    return c >= '0' && c <= '9';
}

/// parse_double with a fast path for plain numbers ("12", "-0.5", "1e-3").
inline bool parse_double(std::string_view tok, double &out) {
    if (!tok.empty() && (is_digit(tok[0]) || tok[0] == '.' ||
                         (tok[0] == '-' && tok.size() > 1 && (is_digit(tok[1]) || tok[1] == '.')))) {
        auto res = std::from_chars(tok.data(), tok.data() + tok.size(), out);
        if (res.ec == std::errc() && res.ptr == tok.data() + tok.size()) return true;
    }
    return parse_double_slow(tok, out);
}

bool parse_index(std::string_view tok, int64_t &out) {
    auto res = std::from_chars(tok.data(), tok.data() + tok.size(), out);
    if (res.ec == std::errc() && res.ptr == tok.data() + tok.size()) return true;
    double d; // SystemDS tolerates indices written as doubles ("3.0")
    if (parse_double(tok, d) && std::isfinite(d) && d == std::floor(d) && std::abs(d) < 9e15) {
        out = static_cast<int64_t>(d);
        return true;
    }
    return false;
}

/// Splits on runs of whitespace into at most `max` tokens; returns the count (more than max → max+1).
size_t split_ws(std::string_view line, std::string_view *toks, size_t max) {
    size_t n = 0, i = 0;
    while (i < line.size()) {
        while (i < line.size() && is_space(line[i])) ++i;
        if (i >= line.size()) break;
        size_t j = i;
        while (j < line.size() && !is_space(line[j])) ++j;
        if (n == max) return max + 1;
        toks[n++] = line.substr(i, j - i);
        i = j;
    }
    return n;
}

std::string dims(int64_t r, int64_t c) {
    return std::to_string(r) + "x" + std::to_string(c);
}

// ------------------------------------------------------------------ line ranges (parallel parsing)

/// Bytes [begin, end) of one source file, starting at a line start and ending after a '\n' or at the
/// end of the file.
struct LineRange {
    size_t file;
    size_t begin, end;
};

/// Ranges are at least this big, so tiny files stay on one thread.
constexpr size_t kMinRangeBytes = size_t{256} << 10;

/// Range size: the whole file on one thread, else ~16 ranges per thread, within [kMinRangeBytes, max].
size_t range_bytes(size_t total, size_t max_bytes) {
    const int threads = kernels::num_threads();
    if (threads <= 1) return std::numeric_limits<size_t>::max();
    return std::clamp(total / (static_cast<size_t>(threads) * 16), kMinRangeBytes, max_bytes);
}

/// Splits each file, from byte starts[k] of file k, into line-aligned ranges of about `bytes` bytes.
std::vector<LineRange> split_ranges(const std::vector<SourceFile> &files, const std::vector<size_t> &starts,
                                    size_t bytes) {
    std::vector<LineRange> out;
    for (size_t k = 0; k < files.size(); ++k) {
        const std::string_view t = files[k].text();
        size_t pos = starts[k];
        while (pos < t.size()) {
            size_t end = t.size();
            if (t.size() - pos > bytes) {
                const void *nl = std::memchr(t.data() + pos + bytes, '\n', t.size() - pos - bytes);
                if (nl) end = static_cast<size_t>(static_cast<const char *>(nl) - t.data()) + 1;
            }
            out.push_back({k, pos, end});
            pos = end;
        }
    }
    return out;
}

std::string_view range_text(const std::vector<SourceFile> &files, const LineRange &r) {
    return files[r.file].text().substr(r.begin, r.end - r.begin);
}

/// Calls fn(line, index) for each line of `text` (index 0-based, a '\r' before the '\n' dropped) until
/// fn returns false; returns the number of lines visited.
template <class F> int64_t for_each_line_in(std::string_view text, F &&fn) {
    size_t pos = 0;
    int64_t idx = 0;
    while (pos < text.size()) {
        const void *nl = std::memchr(text.data() + pos, '\n', text.size() - pos);
        const size_t end =
            nl ? static_cast<size_t>(static_cast<const char *>(nl) - text.data()) : text.size();
        std::string_view line = text.substr(pos, end - pos);
        if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
        if (!fn(line, idx++)) return idx;
        pos = end + 1;
    }
    return idx;
}

/// Number of line ends in a fully visited range of `lines` lines.
int64_t newlines_of(std::string_view text, int64_t lines) {
    return !text.empty() && text.back() != '\n' ? lines - 1 : lines;
}

/// The first error of a range: its 0-based line index in the range and the message.
struct RangeError {
    int64_t line = -1;
    std::string msg;
    bool set() const { return line >= 0; }
};

// ------------------------------------------------------------------ text (ijv)

/// One parsed range of an ijv file: its non-zero cells in file order.
struct TextRangeResult {
    const LineRange *range = nullptr;
    std::vector<std::pair<int64_t, double>> cells; // (row-major cell index, value)
    int64_t newlines = 0;
    RangeError error;
};

void parse_text_range(std::string_view text, int64_t rows, int64_t cols, TextRangeResult &r) {
    r.cells.clear();
    r.error = {};
    const int64_t lines = for_each_line_in(text, [&](std::string_view line, int64_t idx) {
        auto bad = [&](std::string msg) {
            r.error = {idx, std::move(msg)};
            return false;
        };
        std::string_view t[3];
        const size_t n = split_ws(line, t, 3);
        if (n == 0) return true;
        if (n != 3) return bad("expected 'row col value', found '" + std::string(trim(line)) + "'");
        int64_t i, j;
        double v;
        if (!parse_index(t[0], i)) return bad("malformed row index '" + std::string(t[0]) + "'");
        if (!parse_index(t[1], j)) return bad("malformed column index '" + std::string(t[1]) + "'");
        if (!parse_double(t[2], v)) return bad("malformed number '" + std::string(t[2]) + "'");
        if (v == 0.0 && i == 0 && j == 0) return true; // "0 0 0" marks an all-zero matrix
        if (i < 1 || i > rows || j < 1 || j > cols)
            return bad("index (" + std::to_string(i) + "," + std::to_string(j) + ") out of range for a " +
                       dims(rows, cols) + " matrix");
        if (v != 0.0) r.cells.emplace_back((i - 1) * cols + (j - 1), v);
        return true;
    });
    r.newlines = newlines_of(text, lines);
}

/// The block of a cell list given in file order (linear row-major index, value; a later value for the
/// same cell wins): CSR when the format policy prefers it for this many entries, else dense.
MatrixPtr assemble_cells(std::vector<std::pair<int64_t, double>> &cells, int64_t rows, int64_t cols) {
    if (!kernels::prefer_sparse(rows, cols, static_cast<int64_t>(cells.size()))) {
        auto out = std::make_shared<MatrixBlock>(rows, cols, 0.0);
        double *data = out->mutable_data();
        for (const auto &[k, v] : cells) data[k] = v;
        out->recompute_nnz();
        return out;
    }
    auto by_index = [](const auto &a, const auto &b) { return a.first < b.first; };
    if (!std::is_sorted(cells.begin(), cells.end(), by_index))
        std::stable_sort(cells.begin(), cells.end(), by_index); // stable: file order among duplicates
    kernels::CsrVector<int64_t> rp(static_cast<size_t>(rows) + 1, 0);
    kernels::CsrVector<int32_t> ci;
    kernels::CsrVector<double> cv;
    ci.reserve(cells.size());
    cv.reserve(cells.size());
    for (size_t k = 0; k < cells.size(); ++k) {
        if (k + 1 < cells.size() && cells[k + 1].first == cells[k].first) continue; // the last one wins
        const int64_t idx = cells[k].first;
        ++rp[static_cast<size_t>(idx / cols) + 1];
        ci.push_back(static_cast<int32_t>(idx % cols));
        cv.push_back(cells[k].second);
    }
    std::vector<std::pair<int64_t, double>>().swap(cells);
    for (int64_t i = 0; i < rows; ++i) rp[i + 1] += rp[i];
    return MatrixBlock::sparse(rows, cols, std::move(rp), std::move(ci), std::move(cv)); // drops zeros
}

/// Ranges are parsed in parallel and applied in file order (a serial in-order pipeline stage), so a
/// cell listed twice keeps its last value and the first error reported is the first in the file.
MatrixPtr read_text(const std::vector<SourceFile> &files, int64_t rows, int64_t cols) {
    std::vector<std::pair<int64_t, double>> cells;
    size_t total = 0;
    for (const auto &f : files) total += f.text().size();
    const std::vector<LineRange> ranges =
        split_ranges(files, std::vector<size_t>(files.size(), 0), range_bytes(total, size_t{4} << 20));
    // At most `tokens` ranges are in flight and they retire in order, so range k can use slot k % tokens.
    const size_t tokens = 2 * static_cast<size_t>(std::max(1, kernels::num_threads())) + 1;
    std::vector<TextRangeResult> slots(std::min(tokens, std::max<size_t>(ranges.size(), 1)));
    std::vector<int64_t> lines_before(files.size(), 0);
    std::optional<std::string> error;
    std::atomic<bool> failed{false};
    size_t next = 0;
    tbb::parallel_pipeline(
        slots.size(),
        tbb::make_filter<void, TextRangeResult *>(tbb::filter_mode::serial_in_order,
                                                  [&](tbb::flow_control &fc) -> TextRangeResult * {
                                                      if (next == ranges.size() || failed.load()) {
                                                          fc.stop();
                                                          return nullptr;
                                                      }
                                                      TextRangeResult *r = &slots[next % slots.size()];
                                                      r->range = &ranges[next++];
                                                      return r;
                                                  }) &
            tbb::make_filter<TextRangeResult *, TextRangeResult *>(
                tbb::filter_mode::parallel,
                [&](TextRangeResult *r) {
                    parse_text_range(range_text(files, *r->range), rows, cols, *r);
                    return r;
                }) &
            tbb::make_filter<TextRangeResult *, void>(
                tbb::filter_mode::serial_in_order, [&](TextRangeResult *r) {
                    if (error) return;
                    const size_t f = r->range->file;
                    if (r->error.set()) {
                        error = files[f].name() + ":" + std::to_string(lines_before[f] + r->error.line + 1) +
                                ": " + r->error.msg;
                        failed = true;
                        return;
                    }
                    cells.insert(cells.end(), r->cells.begin(), r->cells.end());
                    lines_before[f] += r->newlines;
                }));
    if (error) throw IoError(*error);
    return assemble_cells(cells, rows, cols);
}

// ------------------------------------------------------------------ csv

bool is_blank(std::string_view line) {
    return trim(line).empty();
}

/// Number of fields of a csv line (separators + 1).
int64_t count_fields(std::string_view line, std::string_view sep) {
    int64_t n = 1;
    for (size_t pos = line.find(sep); pos != std::string_view::npos; pos = line.find(sep, pos + sep.size()))
        ++n;
    return n;
}

/// Per-range bookkeeping of the csv reader.
struct CsvRange {
    int64_t newlines = 0, rows = 0;      // pass 1
    int64_t line_base = 0, row_base = 0; // lines of the file before the range; data rows before it
    RangeError error;                    // pass 2
};

/// Parses the data lines of one range into rows [row_base, ...) of `data` (ncols doubles each).
void parse_csv_range(std::string_view text, const ReadOptions &o, std::string_view sep, int64_t ncols,
                     double *data, CsvRange &r) {
    const bool one_char = sep.size() == 1;
    const bool any_na = !o.na_strings.empty();
    int64_t row = r.row_base;
    for_each_line_in(text, [&](std::string_view line, int64_t idx) {
        auto bad = [&](std::string msg) {
            r.error = {idx, std::move(msg)};
            return false;
        };
        if (is_blank(line)) return true;
        double *dst = data + row * ncols;
        int64_t count = 0;
        size_t pos = 0;
        while (true) {
            size_t end = one_char ? line.find(sep[0], pos) : line.find(sep, pos);
            const bool last = end == std::string_view::npos;
            if (last) end = line.size();
            const std::string_view field = trim(line.substr(pos, end - pos));
            ++count;
            double v;
            if (field.empty()) {
                if (!o.fill) return bad("empty field in column " + std::to_string(count) + " (fill=FALSE)");
                v = o.fill_value;
            } else if (any_na &&
                       std::find(o.na_strings.begin(), o.na_strings.end(), field) != o.na_strings.end()) {
                v = std::numeric_limits<double>::quiet_NaN();
            } else if (!parse_double(field, v)) {
                return bad("malformed number '" + std::string(field) + "' in column " +
                           std::to_string(count));
            }
            if (count <= ncols) dst[count - 1] = v;
            if (last) break;
            pos = end + sep.size();
        }
        if (count != ncols)
            return bad("expected " + std::to_string(ncols) + " fields, found " + std::to_string(count));
        ++row;
        return true;
    });
}

/// Two parallel passes over line ranges: count the lines and data rows of each range, then parse each
/// range straight into its rows of the result.
MatrixPtr read_csv(const std::vector<SourceFile> &files, const std::string &path, const ReadOptions &o,
                   bool header, const std::string &sep) {
    if (sep.empty()) throw IoError("cannot read '" + path + "': empty csv separator");
    std::vector<size_t> starts(files.size(), 0);
    std::vector<int64_t> lines_before(files.size(), 0);
    size_t total = 0;
    for (const auto &f : files) total += f.text().size();
    if (header && !files.empty() && !files[0].text().empty()) { // the header is the first file's first line
        const size_t nl = files[0].text().find('\n');
        starts[0] = nl == std::string_view::npos ? files[0].text().size() : nl + 1;
        lines_before[0] = 1;
    }
    const std::vector<LineRange> ranges = split_ranges(files, starts, range_bytes(total, size_t{64} << 20));
    std::vector<CsvRange> info(ranges.size());
    tbb::parallel_for(size_t{0}, ranges.size(), [&](size_t k) {
        const std::string_view text = range_text(files, ranges[k]);
        int64_t rows = 0;
        const int64_t lines = for_each_line_in(text, [&](std::string_view line, int64_t) {
            rows += is_blank(line) ? 0 : 1;
            return true;
        });
        info[k].rows = rows;
        info[k].newlines = newlines_of(text, lines);
    });
    int64_t nrows = 0, ncols = -1;
    for (size_t k = 0; k < ranges.size(); ++k) {
        info[k].line_base = lines_before[ranges[k].file];
        lines_before[ranges[k].file] += info[k].newlines;
        info[k].row_base = nrows;
        nrows += info[k].rows;
        if (ncols < 0 && info[k].rows > 0) // the first data line fixes the number of columns
            for_each_line_in(range_text(files, ranges[k]), [&](std::string_view line, int64_t) {
                if (is_blank(line)) return true;
                ncols = count_fields(line, sep);
                return false;
            });
    }
    if (ncols < 0) ncols = o.cols.value_or(0);
    auto out = MatrixBlock::uninitialized(nrows, ncols);
    double *data = out->mutable_data();
    tbb::parallel_for(size_t{0}, ranges.size(), [&](size_t k) {
        parse_csv_range(range_text(files, ranges[k]), o, sep, ncols, data, info[k]);
    });
    for (size_t k = 0; k < ranges.size(); ++k)
        if (info[k].error.set())
            fail_at(files[ranges[k].file].name(), info[k].line_base + info[k].error.line + 1,
                    info[k].error.msg);
    if ((o.rows && *o.rows != nrows) || (o.cols && *o.cols != ncols))
        throw IoError("cannot read '" + path + "': the file holds a " + dims(nrows, ncols) + " matrix but " +
                      dims(o.rows.value_or(nrows), o.cols.value_or(ncols)) + " was expected");
    out->recompute_nnz();
    return out;
}

// ------------------------------------------------------------------ Matrix Market

MatrixPtr read_mm(const std::vector<SourceFile> &files, const std::string &path, const ReadOptions &o) {
    enum class Stage { Banner, Size, Entries } stage = Stage::Banner;
    bool coordinate = true, pattern = false, symmetric = false;
    int64_t rows = 0, cols = 0, expected = 0, seen = 0;
    std::vector<std::pair<int64_t, double>> cells;
    for (const auto &f : files) {
        for_each_line(f.text(), [&](std::string_view line, int64_t lineno) {
            if (stage == Stage::Banner) {
                std::string_view t[6];
                const size_t n = split_ws(line, t, 5);
                if (n != 5 || !iequals(t[0], "%%MatrixMarket") || !iequals(t[1], "matrix"))
                    fail_at(f.name(), lineno,
                            "expected a '%%MatrixMarket matrix <format> <field> <symmetry>' header");
                if (iequals(t[2], "coordinate"))
                    coordinate = true;
                else if (iequals(t[2], "array"))
                    coordinate = false;
                else
                    fail_at(f.name(), lineno, "unsupported Matrix Market format '" + std::string(t[2]) + "'");
                if (iequals(t[3], "pattern") && coordinate)
                    pattern = true;
                else if (!iequals(t[3], "real") && !iequals(t[3], "integer") && !iequals(t[3], "double"))
                    fail_at(f.name(), lineno, "unsupported Matrix Market field '" + std::string(t[3]) + "'");
                if (iequals(t[4], "symmetric"))
                    symmetric = true;
                else if (!iequals(t[4], "general"))
                    fail_at(f.name(), lineno,
                            "unsupported Matrix Market symmetry '" + std::string(t[4]) + "'");
                stage = Stage::Size;
                return true;
            }
            std::string_view tl = trim(line);
            if (tl.empty() || tl[0] == '%') return true;
            std::string_view t[3];
            const size_t n = split_ws(tl, t, 3);
            if (stage == Stage::Size) {
                const size_t want = coordinate ? 3 : 2;
                if (n != want || !parse_index(t[0], rows) || !parse_index(t[1], cols) ||
                    (coordinate && !parse_index(t[2], expected)) || rows < 0 || cols < 0)
                    fail_at(f.name(), lineno,
                            std::string("expected the size line '") +
                                (coordinate ? "rows cols nnz" : "rows cols") + "', found '" +
                                std::string(tl) + "'");
                if (!coordinate) expected = symmetric ? rows * (rows + 1) / 2 : rows * cols;
                if (symmetric && rows != cols) fail_at(f.name(), lineno, "a symmetric matrix must be square");
                if ((o.rows && *o.rows != rows) || (o.cols && *o.cols != cols))
                    throw IoError("cannot read '" + path + "': the file holds a " + dims(rows, cols) +
                                  " matrix but " + dims(o.rows.value_or(rows), o.cols.value_or(cols)) +
                                  " was expected");
                cells.reserve(static_cast<size_t>(std::min<int64_t>(expected, int64_t{1} << 28)));
                stage = Stage::Entries;
                return true;
            }
            if (seen >= expected)
                fail_at(f.name(), lineno, "more entries than the " + std::to_string(expected) + " announced");
            int64_t i, j;
            double v = 1.0;
            if (coordinate) {
                const size_t want = pattern ? 2 : 3;
                if (n != want)
                    fail_at(f.name(), lineno,
                            std::string("expected '") + (pattern ? "row col" : "row col value") +
                                "', found '" + std::string(tl) + "'");
                if (!parse_index(t[0], i))
                    fail_at(f.name(), lineno, "malformed row index '" + std::string(t[0]) + "'");
                if (!parse_index(t[1], j))
                    fail_at(f.name(), lineno, "malformed column index '" + std::string(t[1]) + "'");
                if (!pattern && !parse_double(t[2], v))
                    fail_at(f.name(), lineno, "malformed number '" + std::string(t[2]) + "'");
                if (i < 1 || i > rows || j < 1 || j > cols)
                    fail_at(f.name(), lineno,
                            "index (" + std::to_string(i) + "," + std::to_string(j) +
                                ") out of range for a " + dims(rows, cols) + " matrix");
            } else {
                if (n != 1)
                    fail_at(f.name(), lineno, "expected one value per line, found '" + std::string(tl) + "'");
                if (!parse_double(t[0], v))
                    fail_at(f.name(), lineno, "malformed number '" + std::string(t[0]) + "'");
                // Column-major; a symmetric array lists the lower triangle column by column.
                if (symmetric) {
                    int64_t k = seen, col = 0;
                    while (k >= rows - col) k -= rows - col++;
                    i = col + k + 1;
                    j = col + 1;
                } else {
                    i = seen % rows + 1;
                    j = seen / rows + 1;
                }
            }
            ++seen;
            cells.emplace_back((i - 1) * cols + (j - 1), v);
            if (symmetric && i != j) cells.emplace_back((j - 1) * cols + (i - 1), v);
            return true;
        });
    }
    if (stage == Stage::Banner) throw IoError("cannot read '" + path + "': empty Matrix Market file");
    if (stage == Stage::Size)
        throw IoError("cannot read '" + path + "': missing the Matrix Market size line");
    if (seen != expected)
        throw IoError("cannot read '" + path + "': expected " + std::to_string(expected) +
                      " entries, found " + std::to_string(seen));
    return assemble_cells(cells, rows, cols);
}

// ------------------------------------------------------------------ writing

class Writer {
public:
    explicit Writer(const std::string &path) : f_(path) { buf_.reserve(kFlush + 256); }
    std::string &buf() { return buf_; }
    void maybe_flush() {
        if (buf_.size() >= kFlush) flush();
    }
    void close() {
        flush();
        f_.commit();
    }

private:
    void flush() {
        f_.write(buf_.data(), buf_.size());
        buf_.clear();
    }
    static constexpr size_t kFlush = 1 << 20;
    OutputFile f_;
    std::string buf_;
};

void append_ijv(std::string &b, int64_t i, int64_t j, double v) {
    b += std::to_string(i);
    b += ' ';
    b += std::to_string(j);
    b += ' ';
    b += kernels::format_double(v);
    b += '\n';
}

std::string timestamp() {
    const std::time_t now = std::time(nullptr);
    std::tm tm{};
    localtime_r(&now, &tm);
    char buf[64];
    std::strftime(buf, sizeof buf, "%Y-%m-%d %H:%M:%S %Z", &tm);
    return buf;
}

} // namespace

std::optional<MatrixMeta> read_mtd(const std::string &path) {
    const std::string mtd = path + ".mtd";
    std::error_code ec;
    if (!fs::exists(mtd, ec)) return std::nullopt;
    const std::string text = read_whole(mtd);
    nlohmann::json j;
    try {
        j = nlohmann::json::parse(text);
    } catch (const nlohmann::json::exception &e) {
        throw IoError("malformed metadata file '" + mtd + "': " + e.what());
    }
    if (!j.is_object()) throw IoError("malformed metadata file '" + mtd + "': expected a JSON object");
    MatrixMeta m;
    try {
        auto opt_int = [&](const char *key) -> std::optional<int64_t> {
            if (!j.contains(key) || j[key].is_null()) return std::nullopt;
            const auto &v = j[key];
            int64_t x;
            if (v.is_string())
                x = std::stoll(v.get<std::string>());
            else if (v.is_number())
                x = static_cast<int64_t>(v.get<double>());
            else
                throw IoError("malformed metadata file '" + mtd + "': '" + key + "' must be a number");
            if (x < 0) return std::nullopt; // -1 means unknown
            return x;
        };
        auto str = [&](const char *key, std::string &dst) {
            if (!j.contains(key)) return;
            if (!j[key].is_string())
                throw IoError("malformed metadata file '" + mtd + "': '" + key + "' must be a string");
            dst = j[key].get<std::string>();
        };
        m.rows = opt_int("rows");
        m.cols = opt_int("cols");
        m.nnz = opt_int("nnz");
        str("format", m.format);
        str("data_type", m.data_type);
        str("value_type", m.value_type);
        str("sep", m.sep);
        str("description", m.description);
        if (j.contains("header")) {
            const auto &h = j["header"];
            if (h.is_boolean())
                m.header = h.get<bool>();
            else if (h.is_string())
                m.header = iequals(h.get<std::string>(), "true");
            else
                throw IoError("malformed metadata file '" + mtd + "': 'header' must be a boolean");
        }
    } catch (const std::logic_error &e) { // stoll / json type errors
        throw IoError("malformed metadata file '" + mtd + "': " + e.what());
    }
    m.format = ascii_lower(m.format);
    return m;
}

void write_mtd(const std::string &path, const MatrixMeta &meta) {
    nlohmann::ordered_json j;
    j["data_type"] = meta.data_type;
    j["value_type"] = meta.value_type;
    if (meta.data_type != "scalar") {
        j["rows"] = meta.rows.value_or(-1);
        j["cols"] = meta.cols.value_or(-1);
        j["nnz"] = meta.nnz.value_or(-1);
    }
    j["format"] = meta.format;
    if (meta.format == "csv") {
        j["header"] = meta.header;
        j["sep"] = meta.sep;
    }
    if (!meta.description.empty()) j["description"] = meta.description;
    j["author"] = "linea";
    j["created"] = timestamp();
    Writer w(path + ".mtd");
    w.buf() = j.dump(4) + "\n";
    w.close();
}

MatrixPtr read_matrix(const std::string &path, const ReadOptions &opts) {
    const std::optional<MatrixMeta> meta = read_mtd(path);
    ReadOptions o = opts;
    std::string format = o.format;
    if (format.empty()) format = meta ? meta->format : "text";
    format = ascii_lower(format);
    if (meta) {
        if (meta->data_type != "matrix")
            throw IoError("cannot read '" + path + "' as a matrix: its metadata says data_type \"" +
                          meta->data_type + "\"");
        auto merge = [&](std::optional<int64_t> &given, const std::optional<int64_t> &from_meta,
                         const char *what) {
            if (given && from_meta && *given != *from_meta)
                throw IoError("cannot read '" + path + "': " + what + "=" + std::to_string(*given) +
                              " but '" + path + ".mtd' says " + std::to_string(*from_meta));
            if (!given) given = from_meta;
        };
        merge(o.rows, meta->rows, "rows");
        merge(o.cols, meta->cols, "cols");
        if (!o.header) o.header = meta->header;
        if (o.sep == "," && meta->format == "csv") o.sep = meta->sep;
    }
    if (format != "text" && format != "csv" && format != "mm" && format != "binary")
        throw IoError("cannot read '" + path + "': unknown format '" + format + "'");
    if (format == "text" && (!o.rows || !o.cols))
        throw IoError("cannot read '" + path +
                      "': the text format needs the dimensions (rows and cols from read() or an .mtd file)");
    const std::vector<SourceFile> files = load_sources(path);
    if (format == "binary") return notify_matrix_arrival(read_binary(files, path, o.rows, o.cols));
    if (format == "text") return notify_matrix_arrival(read_text(files, *o.rows, *o.cols));
    if (format == "csv") return notify_matrix_arrival(read_csv(files, path, o, o.header, o.sep));
    return notify_matrix_arrival(read_mm(files, path, o));
}

void write_matrix(const std::string &path, const MatrixBlock &m, const WriteOptions &opts) {
    const std::string format = ascii_lower(opts.format);
    const int64_t rows = m.rows(), cols = m.cols();
    if (format == "binary") {
        write_binary(path, m);
    } else {
        Writer w(path);
        std::string &b = w.buf();
        // The non-zero cells of row i in column order, from either format.
        auto each_nonzero = [&](int64_t i, auto &&fn) {
            if (m.is_sparse()) {
                for (int64_t k = m.row_ptr()[i]; k < m.row_ptr()[i + 1]; ++k)
                    fn(m.col_idx()[k], m.values()[k]);
                return;
            }
            const double *r = m.row(i);
            for (int64_t j = 0; j < cols; ++j)
                if (r[j] != 0.0) fn(j, r[j]);
        };
        if (format == "text") {
            for (int64_t i = 0; i < rows; ++i) {
                each_nonzero(i, [&](int64_t j, double v) { append_ijv(b, i + 1, j + 1, v); });
                w.maybe_flush();
            }
            if (m.nnz() == 0) b += "0 0 0\n"; // all-zero matrix marker (DML.md)
        } else if (format == "mm") {
            b += "%%MatrixMarket matrix coordinate real general\n";
            b += std::to_string(rows) + " " + std::to_string(cols) + " " + std::to_string(m.nnz()) + "\n";
            for (int64_t i = 0; i < rows; ++i) {
                each_nonzero(i, [&](int64_t j, double v) { append_ijv(b, i + 1, j + 1, v); });
                w.maybe_flush();
            }
        } else if (format == "csv") {
            const MatrixPtr dense = kernels::dense_input(m);
            if (opts.header) {
                for (int64_t j = 0; j < cols; ++j) {
                    if (j > 0) b += opts.sep;
                    b += "C" + std::to_string(j + 1);
                }
                b += '\n';
            }
            for (int64_t i = 0; i < rows; ++i) {
                const double *r = dense->row(i);
                for (int64_t j = 0; j < cols; ++j) {
                    if (j > 0) b += opts.sep;
                    b += kernels::format_double(r[j]);
                }
                b += '\n';
                w.maybe_flush();
            }
        } else {
            throw IoError("cannot write '" + path + "': unknown format '" + format + "'");
        }
        w.close();
    }
    MatrixMeta meta;
    meta.rows = rows;
    meta.cols = cols;
    meta.nnz = m.nnz();
    meta.format = format;
    meta.header = opts.header;
    meta.sep = opts.sep;
    meta.description = opts.description;
    write_mtd(path, meta);
}

void write_scalar(const std::string &path, const std::string &text, const std::string &value_type) {
    {
        Writer w(path);
        w.buf() = text + "\n";
        w.close();
    }
    MatrixMeta meta;
    meta.data_type = "scalar";
    meta.value_type = value_type;
    meta.format = "text";
    write_mtd(path, meta);
}

std::string read_scalar_text(const std::string &path) {
    std::string text = read_whole(path);
    if (!text.empty() && text.back() == '\n') text.pop_back();
    if (!text.empty() && text.back() == '\r') text.pop_back();
    return text;
}

} // namespace linea::io
