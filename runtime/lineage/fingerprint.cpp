#include "runtime/lineage/fingerprint.h"

#include "runtime/io/checksum.h"

#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <vector>

namespace linea::lineage {

namespace {
namespace fs = std::filesystem;

constexpr char kBinaryMagic[8] = {'L', 'I', 'N', 'E', 'A', 'M', 'T', 'X'};

/// "size:mtime:hash" of one regular file, or nullopt if it cannot be read.
std::optional<std::string> one_file(const fs::path &p) {
    std::error_code ec;
    const auto size = fs::file_size(p, ec);
    if (ec) return std::nullopt;
    const auto mtime = fs::last_write_time(p, ec);
    if (ec) return std::nullopt;
    std::ifstream in(p, std::ios::binary);
    if (!in) return std::nullopt;
    uint64_t hash = 0;
    char header[64];
    in.read(header, sizeof header);
    const auto got = static_cast<size_t>(in.gcount());
    if (got == sizeof header && std::memcmp(header, kBinaryMagic, sizeof kBinaryMagic) == 0) {
        // Our binary format: the header checksums cover header and payload, no need to hash the payload.
        hash = io::xxh64(header, sizeof header);
    } else {
        // Any other file: hash every byte (XXH64 runs far faster than the parse that follows).
        std::vector<char> buf(header, header + got);
        buf.resize(static_cast<size_t>(size));
        if (size > got) {
            in.read(buf.data() + got, static_cast<std::streamsize>(size - got));
            if (static_cast<uint64_t>(in.gcount()) != size - got) return std::nullopt;
        }
        hash = io::xxh64(buf.data(), buf.size());
    }
    char text[80];
    std::snprintf(text, sizeof text, "%llu:%lld:%016llx", static_cast<unsigned long long>(size),
                  static_cast<long long>(mtime.time_since_epoch().count()),
                  static_cast<unsigned long long>(hash));
    return std::string(text);
}
} // namespace

std::optional<std::string> file_fingerprint(const std::string &path) {
    std::error_code ec;
    const fs::path p(path);
    std::string out;
    if (fs::is_directory(p, ec)) {
        std::vector<fs::path> parts;
        for (const auto &e : fs::directory_iterator(p, ec))
            if (e.is_regular_file(ec)) parts.push_back(e.path());
        if (ec) return std::nullopt;
        std::sort(parts.begin(), parts.end());
        out = "dir[";
        for (const auto &part : parts) {
            auto f = one_file(part);
            if (!f) return std::nullopt;
            out += part.filename().string() + "=" + *f + ";";
        }
        out += "]";
    } else {
        auto f = one_file(p);
        if (!f) return std::nullopt;
        out = *f;
    }
    const fs::path mtd(path + ".mtd");
    if (fs::exists(mtd, ec)) {
        auto f = one_file(mtd);
        if (!f) return std::nullopt;
        out += ",mtd=" + *f;
    }
    return out;
}

} // namespace linea::lineage
