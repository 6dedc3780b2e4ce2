// Binary matrix files: a checksummed header and the raw doubles (see binary_format.h for the layout).
#include "runtime/io/binary_format.h"

#include "runtime/io/checksum.h"
#include "runtime/io/matrix_io.h"
#include "runtime/io/output_file.h"

#include <tbb/parallel_for.h>
#include <tbb/task_group.h>

#include <algorithm>
#include <array>
#include <cerrno>
#include <climits>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <stdexcept>
#include <utility>
#include <vector>

namespace linea::io {

namespace {

namespace fs = std::filesystem;
using kernels::MatrixBlock;
using kernels::MatrixPtr;

constexpr char kMagic[8] = {'L', 'I', 'N', 'E', 'A', 'M', 'T', 'X'};
constexpr uint32_t kVersion = 1;
constexpr uint32_t kLayoutDense = 0;
constexpr uint32_t kLayoutCsr = 1;

struct Header {
    uint32_t version = kVersion;
    uint32_t layout = kLayoutDense;
    int64_t rows = 0, cols = 0, nnz = 0;
    uint64_t payload_bytes = 0;
    uint64_t payload_checksum = 0;
};

template <class T> void put(unsigned char *buf, size_t off, T v) {
    std::memcpy(buf + off, &v, sizeof v);
}

template <class T> T get(const unsigned char *buf, size_t off) {
    T v;
    std::memcpy(&v, buf + off, sizeof v);
    return v;
}

std::array<unsigned char, kBinaryHeaderBytes> encode(const Header &h) {
    std::array<unsigned char, kBinaryHeaderBytes> b{};
    std::memcpy(b.data(), kMagic, sizeof kMagic);
    put(b.data(), 8, h.version);
    put(b.data(), 12, h.layout);
    put(b.data(), 16, h.rows);
    put(b.data(), 24, h.cols);
    put(b.data(), 32, h.nnz);
    put(b.data(), 40, h.payload_bytes);
    put(b.data(), 48, h.payload_checksum);
    put(b.data(), 56, xxh64(b.data(), 56));
    return b;
}

std::string hex(uint64_t v) {
    char buf[24];
    std::snprintf(buf, sizeof buf, "0x%016llx", static_cast<unsigned long long>(v));
    return buf;
}

[[noreturn]] void corrupt(const std::string &file, const std::string &what) {
    throw IoError("cannot read '" + file + "': " + what);
}

uint64_t csr_payload_bytes(int64_t rows, int64_t nnz) {
    return static_cast<uint64_t>(rows + 1) * sizeof(int64_t) +
           static_cast<uint64_t>(nnz) * (sizeof(int32_t) + sizeof(double));
}

uint64_t csr_checksum_parts(const void *rp, const void *ci, const void *cv, int64_t rows, int64_t nnz) {
    uint64_t h = xxh64(rp, static_cast<size_t>(rows + 1) * sizeof(int64_t));
    h = xxh64(ci, static_cast<size_t>(nnz) * sizeof(int32_t), h);
    return xxh64(cv, static_cast<size_t>(nnz) * sizeof(double), h);
}

uint64_t csr_checksum(const unsigned char *payload, int64_t rows, int64_t nnz) {
    const unsigned char *ci = payload + static_cast<size_t>(rows + 1) * sizeof(int64_t);
    const unsigned char *cv = ci + static_cast<size_t>(nnz) * sizeof(int32_t);
    return csr_checksum_parts(payload, ci, cv, rows, nnz);
}

/// Checks a part's payload against the checksum in its (already validated) header.
void verify_payload(const SourceFile &f, const Header &h) {
    const auto *b = reinterpret_cast<const unsigned char *>(f.text().data());
    const uint64_t sum = h.layout == kLayoutCsr ? csr_checksum(b + kBinaryHeaderBytes, h.rows, h.nnz)
                                                : xxh64(b + kBinaryHeaderBytes, h.payload_bytes);
    if (sum != h.payload_checksum)
        corrupt(f.name(), "checksum mismatch (stored " + hex(h.payload_checksum) + ", computed " + hex(sum) +
                              "): the data is corrupt");
}

/// Validates one part file's header and size and returns the header; the payload's checksum is
/// checked separately (verify_payload), so a dense read can overlap it with the copy.
Header decode(const SourceFile &f) {
    const std::string_view t = f.text();
    const auto *b = reinterpret_cast<const unsigned char *>(t.data());
    if (t.size() < kBinaryHeaderBytes)
        corrupt(f.name(), "truncated: expected at least " + std::to_string(kBinaryHeaderBytes) +
                              " bytes (the binary header), found " + std::to_string(t.size()));
    if (std::memcmp(b, kMagic, sizeof kMagic) != 0)
        corrupt(f.name(), "not a linea binary matrix file (bad magic number)");
    if (get<uint64_t>(b, 56) != xxh64(b, 56)) corrupt(f.name(), "corrupt header (checksum mismatch)");
    Header h;
    h.version = get<uint32_t>(b, 8);
    h.layout = get<uint32_t>(b, 12);
    h.rows = get<int64_t>(b, 16);
    h.cols = get<int64_t>(b, 24);
    h.nnz = get<int64_t>(b, 32);
    h.payload_bytes = get<uint64_t>(b, 40);
    h.payload_checksum = get<uint64_t>(b, 48);
    if (h.version != kVersion)
        corrupt(f.name(), "unsupported binary format version " + std::to_string(h.version) +
                              " (this linea reads version " + std::to_string(kVersion) + ")");
    if (h.layout != kLayoutDense && h.layout != kLayoutCsr)
        corrupt(f.name(), "unknown binary layout " + std::to_string(h.layout));
    const uint64_t max_cells = (uint64_t{1} << 60) / sizeof(double);
    if (h.rows < 0 || h.cols < 0 ||
        (h.cols > 0 && static_cast<uint64_t>(h.rows) > max_cells / static_cast<uint64_t>(h.cols)))
        corrupt(f.name(), "corrupt header: invalid dimensions " + std::to_string(h.rows) + "x" +
                              std::to_string(h.cols));
    if (h.layout == kLayoutDense &&
        h.payload_bytes != static_cast<uint64_t>(h.rows) * static_cast<uint64_t>(h.cols) * sizeof(double))
        corrupt(f.name(), "corrupt header: a payload of " + std::to_string(h.payload_bytes) +
                              " bytes does not hold a dense " + std::to_string(h.rows) + "x" +
                              std::to_string(h.cols) + " matrix");
    if (h.layout == kLayoutCsr &&
        (h.nnz < 0 || h.cols > INT32_MAX ||
         static_cast<uint64_t>(h.nnz) > static_cast<uint64_t>(h.rows) * static_cast<uint64_t>(h.cols) ||
         h.payload_bytes != csr_payload_bytes(h.rows, h.nnz)))
        corrupt(f.name(), "corrupt header: a payload of " + std::to_string(h.payload_bytes) +
                              " bytes does not hold a sparse " + std::to_string(h.rows) + "x" +
                              std::to_string(h.cols) + " matrix with " + std::to_string(h.nnz) +
                              " non-zeros");
    const uint64_t want = kBinaryHeaderBytes + h.payload_bytes;
    if (t.size() < want)
        corrupt(f.name(),
                "truncated: expected " + std::to_string(want) + " bytes, found " + std::to_string(t.size()));
    if (t.size() > want)
        corrupt(f.name(), "unexpected trailing data: expected " + std::to_string(want) + " bytes, found " +
                              std::to_string(t.size()));
    return h;
}

/// Concatenates part files of which at least one is CSR into one CSR block (dense parts are
/// compressed), checking each part's structure.
MatrixPtr read_csr_parts(const std::vector<SourceFile> &files, const std::vector<Header> &headers,
                         const std::string &path, int64_t total_rows, int64_t ncols, int64_t nnz) {
    kernels::CsrVector<int64_t> rp;
    kernels::CsrVector<int32_t> ci;
    kernels::CsrVector<double> cv;
    rp.reserve(static_cast<size_t>(total_rows) + 1);
    rp.push_back(0);
    ci.reserve(static_cast<size_t>(nnz));
    cv.reserve(static_cast<size_t>(nnz));
    for (size_t k = 0; k < files.size(); ++k) {
        const Header &h = headers[k];
        const char *payload = files[k].text().data() + kBinaryHeaderBytes;
        if (h.layout == kLayoutDense) {
            for (int64_t i = 0; i < h.rows; ++i) {
                for (int64_t j = 0; j < h.cols; ++j) {
                    double v;
                    std::memcpy(&v, payload + static_cast<size_t>(i * h.cols + j) * sizeof(double), sizeof v);
                    if (v != 0.0) {
                        ci.push_back(static_cast<int32_t>(j));
                        cv.push_back(v);
                    }
                }
                rp.push_back(static_cast<int64_t>(ci.size()));
            }
            continue;
        }
        std::vector<int64_t> prp(static_cast<size_t>(h.rows) + 1);
        std::memcpy(prp.data(), payload, prp.size() * sizeof(int64_t));
        const char *pci = payload + prp.size() * sizeof(int64_t);
        const char *pcv = pci + static_cast<size_t>(h.nnz) * sizeof(int32_t);
        if (prp[0] != 0 || prp.back() != h.nnz)
            corrupt(files[k].name(), "corrupt sparse data: the row offsets do not span the " +
                                         std::to_string(h.nnz) + " non-zeros");
        const size_t base = ci.size();
        ci.resize(base + static_cast<size_t>(h.nnz));
        cv.resize(base + static_cast<size_t>(h.nnz));
        std::memcpy(ci.data() + base, pci, static_cast<size_t>(h.nnz) * sizeof(int32_t));
        std::memcpy(cv.data() + base, pcv, static_cast<size_t>(h.nnz) * sizeof(double));
        for (int64_t i = 0; i < h.rows; ++i) {
            if (prp[i + 1] < prp[i]) corrupt(files[k].name(), "corrupt sparse data: decreasing row offsets");
            rp.push_back(static_cast<int64_t>(base) + prp[i + 1]);
        }
    }
    if (static_cast<int64_t>(cv.size()) != nnz)
        throw IoError("cannot read '" + path + "': corrupt header: it says nnz=" + std::to_string(nnz) +
                      " but the data holds " + std::to_string(cv.size()) + " non-zeros");
    try {
        // Checks sorted in-range columns; drops stored zeros (then nnz disagrees below).
        auto out = MatrixBlock::sparse(total_rows, ncols, std::move(rp), std::move(ci), std::move(cv));
        if (out->nnz() != nnz)
            throw IoError("cannot read '" + path + "': corrupt sparse data: stored zero values");
        return out;
    } catch (const std::logic_error &) {
        throw IoError("cannot read '" + path +
                      "': corrupt sparse data: unsorted or out-of-range column indexes");
    }
}

} // namespace

void write_binary(const std::string &path, const MatrixBlock &m) {
    Header h;
    h.rows = m.rows();
    h.cols = m.cols();
    h.nnz = m.nnz();
    // Sections of the payload: one for dense, three for CSR.
    std::vector<std::pair<const void *, size_t>> sections;
    if (m.is_sparse()) {
        h.layout = kLayoutCsr;
        h.payload_bytes = csr_payload_bytes(h.rows, h.nnz);
        h.payload_checksum = csr_checksum_parts(m.row_ptr(), m.col_idx(), m.values(), h.rows, h.nnz);
        sections = {{m.row_ptr(), static_cast<size_t>(h.rows + 1) * sizeof(int64_t)},
                    {m.col_idx(), static_cast<size_t>(h.nnz) * sizeof(int32_t)},
                    {m.values(), static_cast<size_t>(h.nnz) * sizeof(double)}};
    } else {
        h.payload_bytes = m.size_in_bytes();
        h.payload_checksum = xxh64(m.data(), h.payload_bytes);
        sections = {{m.data(), h.payload_bytes}};
    }
    const auto header = encode(h);
    OutputFile f(path);
    f.write(header.data(), header.size());
    for (const auto &[p, n] : sections) f.write(p, n);
    f.commit();
}

MatrixPtr read_binary(const std::vector<SourceFile> &files, const std::string &path,
                      std::optional<int64_t> rows, std::optional<int64_t> cols) {
    std::vector<Header> headers;
    headers.reserve(files.size());
    int64_t total_rows = 0, ncols = -1, nnz = 0;
    for (const auto &f : files) {
        headers.push_back(decode(f));
        const Header &h = headers.back();
        if (ncols >= 0 && h.cols != ncols)
            corrupt(f.name(), "this part holds " + std::to_string(h.cols) + " columns but the first part " +
                                  std::to_string(ncols));
        ncols = h.cols;
        total_rows += h.rows;
        nnz += h.nnz;
    }
    if (ncols < 0) { // an empty directory
        if (rows.value_or(0) != 0) throw IoError("cannot read '" + path + "': no binary part files");
        ncols = cols.value_or(0);
    }
    if ((rows && *rows != total_rows) || (cols && *cols != ncols))
        throw IoError("cannot read '" + path + "': the file holds a " + std::to_string(total_rows) + "x" +
                      std::to_string(ncols) + " matrix but " + std::to_string(rows.value_or(total_rows)) +
                      "x" + std::to_string(cols.value_or(ncols)) + " was expected");
    bool any_csr = false;
    for (const Header &h : headers) any_csr = any_csr || h.layout == kLayoutCsr;
    if (any_csr) {
        for (size_t k = 0; k < files.size(); ++k) verify_payload(files[k], headers[k]);
        return read_csr_parts(files, headers, path, total_rows, ncols, nnz);
    }
    auto check_nnz = [&](const MatrixBlock &m) {
        if (m.nnz() != nnz)
            throw IoError("cannot read '" + path + "': corrupt header: it says nnz=" + std::to_string(nnz) +
                          " but the data holds " + std::to_string(m.nnz()) + " non-zeros");
    };
    if (files.size() == 1 && total_rows * ncols > 0) {
        if (auto mapping = files[0].share_mapping()) {
            // One mapped part: the block is the mapping itself (private, copy-on-write; the payload
            // starts 64 bytes into the page-aligned map, so it is 64-byte aligned). No copy and no
            // fresh pages to fault in and zero; the checksum and the nnz count read it side by side.
            auto *cells =
                reinterpret_cast<double *>(const_cast<char *>(files[0].text().data()) + kBinaryHeaderBytes);
            tbb::task_group checks;
            checks.run([&files, &headers] { verify_payload(files[0], headers[0]); });
            auto out = MatrixBlock::dense_over(total_rows, ncols, cells, std::move(mapping));
            checks.wait();
            check_nnz(*out);
            return out;
        }
    }
    auto out = MatrixBlock::uninitialized(total_rows, ncols);
    char *dst = reinterpret_cast<char *>(out->mutable_data());
    for (size_t k = 0; k < files.size(); ++k) {
        // The checksum (one sequential pass) runs beside the parallel copy; a mismatch is reported
        // once both are done.
        tbb::task_group checks;
        checks.run([&files, &headers, k] { verify_payload(files[k], headers[k]); });
        const char *src = files[k].text().data() + kBinaryHeaderBytes;
        const size_t n = headers[k].payload_bytes;
        constexpr size_t kGrain = size_t{8} << 20; // copy large payloads on all threads
        tbb::parallel_for(size_t{0}, (n + kGrain - 1) / kGrain, [&](size_t c) {
            const size_t lo = c * kGrain, len = std::min(n, lo + kGrain) - lo;
            std::memcpy(dst + lo, src + lo, len);
        });
        checks.wait();
        dst += n;
    }
    out->recompute_nnz();
    check_nnz(*out);
    return out;
}

} // namespace linea::io
