// Binary matrix files: a checksummed header and the raw doubles (see binary_format.h for the layout).
#include "runtime/io/binary_format.h"

#include "runtime/io/checksum.h"
#include "runtime/io/matrix_io.h"

#include <tbb/parallel_for.h>

#include <algorithm>
#include <array>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <filesystem>

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

/// Validates one part file and returns its header (the payload is checked against its checksum).
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
    if (h.layout == kLayoutCsr) corrupt(f.name(), "the sparse (CSR) binary layout is not supported yet");
    if (h.layout != kLayoutDense) corrupt(f.name(), "unknown binary layout " + std::to_string(h.layout));
    const uint64_t max_cells = (uint64_t{1} << 60) / sizeof(double);
    if (h.rows < 0 || h.cols < 0 ||
        (h.cols > 0 && static_cast<uint64_t>(h.rows) > max_cells / static_cast<uint64_t>(h.cols)) ||
        h.payload_bytes != static_cast<uint64_t>(h.rows) * static_cast<uint64_t>(h.cols) * sizeof(double))
        corrupt(f.name(), "corrupt header: a payload of " + std::to_string(h.payload_bytes) +
                              " bytes does not hold a dense " + std::to_string(h.rows) + "x" +
                              std::to_string(h.cols) + " matrix");
    const uint64_t want = kBinaryHeaderBytes + h.payload_bytes;
    if (t.size() < want)
        corrupt(f.name(),
                "truncated: expected " + std::to_string(want) + " bytes, found " + std::to_string(t.size()));
    if (t.size() > want)
        corrupt(f.name(), "unexpected trailing data: expected " + std::to_string(want) + " bytes, found " +
                              std::to_string(t.size()));
    const uint64_t sum = xxh64(b + kBinaryHeaderBytes, h.payload_bytes);
    if (sum != h.payload_checksum)
        corrupt(f.name(), "checksum mismatch (stored " + hex(h.payload_checksum) + ", computed " + hex(sum) +
                              "): the data is corrupt");
    return h;
}

} // namespace

void write_binary(const std::string &path, const MatrixBlock &m) {
    std::error_code ec;
    if (fs::is_directory(path, ec)) fs::remove_all(path, ec); // replace an old part-file directory
    Header h;
    h.rows = m.rows();
    h.cols = m.cols();
    h.nnz = m.nnz();
    h.payload_bytes = m.size_in_bytes();
    h.payload_checksum = xxh64(m.data(), h.payload_bytes);
    const auto header = encode(h);
    std::FILE *f = std::fopen(path.c_str(), "wb");
    if (!f) throw IoError("cannot write '" + path + "': " + std::strerror(errno));
    bool ok = std::fwrite(header.data(), 1, header.size(), f) == header.size();
    if (ok && h.payload_bytes > 0) ok = std::fwrite(m.data(), 1, h.payload_bytes, f) == h.payload_bytes;
    const int err = errno;
    if (std::fclose(f) != 0 && ok) throw IoError("cannot write '" + path + "': " + std::strerror(errno));
    if (!ok) throw IoError("cannot write '" + path + "': " + std::strerror(err));
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
    auto out = MatrixBlock::uninitialized(total_rows, ncols);
    char *dst = reinterpret_cast<char *>(out->mutable_data());
    for (size_t k = 0; k < files.size(); ++k) {
        const char *src = files[k].text().data() + kBinaryHeaderBytes;
        const size_t n = headers[k].payload_bytes;
        constexpr size_t kGrain = size_t{8} << 20; // copy large payloads on all threads
        tbb::parallel_for(size_t{0}, (n + kGrain - 1) / kGrain, [&](size_t c) {
            const size_t lo = c * kGrain, len = std::min(n, lo + kGrain) - lo;
            std::memcpy(dst + lo, src + lo, len);
        });
        dst += n;
    }
    out->recompute_nnz();
    if (out->nnz() != nnz)
        throw IoError("cannot read '" + path + "': corrupt header: it says nnz=" + std::to_string(nnz) +
                      " but the data holds " + std::to_string(out->nnz()) + " non-zeros");
    return out;
}

} // namespace linea::io
