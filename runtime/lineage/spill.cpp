#include "runtime/lineage/spill.h"

#include "runtime/io/binary_format.h"
#include "runtime/io/source_files.h"

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <system_error>
#include <unistd.h>
#include <vector>

namespace linea::lineage {

namespace fs = std::filesystem;

namespace {
/// Throughput assumed before anything was measured (a slow disk: spilling must pay for itself).
constexpr double kDefaultWriteBytesPerSecond = 2e8;
constexpr double kDefaultReadBytesPerSecond = 4e8;
/// Fixed cost of one spill file each way (open, header, close), on top of the bytes.
constexpr double kFileSeconds = 2e-4;
/// The bytes of the probe that measures the disk when the directory is created.
constexpr size_t kProbeBytes = size_t{4} << 20;

double seconds_since(std::chrono::steady_clock::time_point t0) {
    return std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
}
} // namespace

SpillStore::SpillStore(std::string parent)
    : parent_(std::move(parent)), write_bps_(kDefaultWriteBytesPerSecond),
      read_bps_(kDefaultReadBytesPerSecond) {}

SpillStore::~SpillStore() {
    if (dir_.empty()) return;
    std::error_code ec;
    fs::remove_all(dir_, ec);
}

void SpillStore::learn(double &bytes_per_second, size_t bytes, double seconds) {
    if (bytes < (size_t{1} << 20) || seconds <= 0) return;
    const double measured = static_cast<double>(bytes) / seconds;
    bytes_per_second = 0.5 * bytes_per_second + 0.5 * measured;
}

bool SpillStore::ensure_directory() {
    if (!dir_.empty()) return true;
    if (failed_) return false;
    std::string parent = parent_;
    if (parent.empty()) {
        const char *tmp = std::getenv("TMPDIR");
        parent = tmp && *tmp ? tmp : "/tmp";
    }
    std::string templ = (fs::path(parent) / "linea-spill-XXXXXX").string();
    std::vector<char> buf(templ.begin(), templ.end());
    buf.push_back('\0');
    if (!mkdtemp(buf.data())) {
        failed_ = true;
        return false;
    }
    dir_ = buf.data();
    // Measure the disk once: write and read back a probe file (through the page cache, as spills are).
    const std::string probe = (fs::path(dir_) / "probe").string();
    std::vector<char> bytes(kProbeBytes, 1);
    auto t0 = std::chrono::steady_clock::now();
    std::FILE *f = std::fopen(probe.c_str(), "wb");
    bool ok = f && std::fwrite(bytes.data(), 1, bytes.size(), f) == bytes.size();
    if (f) ok = std::fclose(f) == 0 && ok;
    const double wt = seconds_since(t0);
    if (ok) {
        t0 = std::chrono::steady_clock::now();
        f = std::fopen(probe.c_str(), "rb");
        ok = f && std::fread(bytes.data(), 1, bytes.size(), f) == bytes.size();
        if (f) std::fclose(f);
        const double rt = seconds_since(t0);
        if (ok) {
            write_bps_ = static_cast<double>(kProbeBytes) / std::max(wt, 1e-6);
            read_bps_ = static_cast<double>(kProbeBytes) / std::max(rt, 1e-6);
        }
    }
    std::error_code ec;
    fs::remove(probe, ec);
    return true;
}

std::optional<std::string> SpillStore::write(const kernels::MatrixBlock &m, double &seconds) {
    seconds = 0;
    if (!ensure_directory()) return std::nullopt;
    const std::string path = (fs::path(dir_) / (std::to_string(next_++) + ".bin")).string();
    auto t0 = std::chrono::steady_clock::now();
    try {
        io::write_binary(path, m);
    } catch (const std::exception &) {
        std::error_code ec;
        fs::remove(path, ec);
        seconds = seconds_since(t0);
        return std::nullopt;
    }
    seconds = seconds_since(t0);
    learn(write_bps_, m.size_in_bytes(), seconds);
    files_++;
    return path;
}

kernels::MatrixPtr SpillStore::read(const std::string &path, double &seconds) {
    auto t0 = std::chrono::steady_clock::now();
    kernels::MatrixPtr m;
    try {
        std::vector<io::SourceFile> files;
        files.emplace_back(path);
        m = io::read_binary(files, path, std::nullopt, std::nullopt);
    } catch (const std::exception &) {
        m = nullptr;
    }
    seconds = seconds_since(t0);
    if (m) learn(read_bps_, m->size_in_bytes(), seconds);
    remove(path);
    return m;
}

void SpillStore::remove(const std::string &path) {
    std::error_code ec;
    if (fs::remove(path, ec) && files_ > 0) files_--;
}

double SpillStore::round_trip_seconds(size_t bytes) const {
    const double b = static_cast<double>(bytes);
    return 2 * kFileSeconds + b / write_bps_ + b / read_bps_;
}

} // namespace linea::lineage
