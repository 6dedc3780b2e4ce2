// Memory-mapped input files: parsers read the bytes in place (and in parallel) without a copy.
#include "runtime/io/source_files.h"

#include "runtime/io/matrix_io.h"

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <fcntl.h>
#include <filesystem>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

namespace linea::io {

namespace fs = std::filesystem;

std::string read_whole(const std::string &path) {
    std::FILE *f = std::fopen(path.c_str(), "rb");
    if (!f) throw IoError("cannot read '" + path + "': " + std::strerror(errno));
    std::string out;
    char buf[1 << 16];
    size_t n;
    while ((n = std::fread(buf, 1, sizeof buf, f)) > 0) out.append(buf, n);
    const bool err = std::ferror(f);
    std::fclose(f);
    if (err) throw IoError("cannot read '" + path + "': read error");
    return out;
}

SourceFile::SourceFile(std::string path) : name_(std::move(path)) {
    const int fd = ::open(name_.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) throw IoError("cannot read '" + name_ + "': " + std::strerror(errno));
    struct stat st {};
    if (::fstat(fd, &st) == 0 && S_ISREG(st.st_mode) && st.st_size > 0) {
        // Private and writable: a block shared out of the mapping (share_mapping) may be written in
        // place by its sole owner, which then copies the page instead of touching the file.
        void *p =
            ::mmap(nullptr, static_cast<size_t>(st.st_size), PROT_READ | PROT_WRITE, MAP_PRIVATE, fd, 0);
        if (p != MAP_FAILED) {
            const auto len = static_cast<size_t>(st.st_size);
            map_ = std::shared_ptr<void>(p, [len](void *q) { ::munmap(q, len); });
            view_ = std::string_view(static_cast<const char *>(p), len);
            ::close(fd);
            return;
        }
    }
    ::close(fd);
    // Empty files, pipes and devices (and failed maps) are read the ordinary way.
    owned_ = read_whole(name_);
    view_ = owned_;
}

SourceFile::SourceFile(SourceFile &&o) noexcept
    : name_(std::move(o.name_)), owned_(std::move(o.owned_)), map_(std::move(o.map_)) {
    view_ = map_ ? o.view_ : std::string_view(owned_);
    o.view_ = {};
}

std::vector<SourceFile> load_sources(const std::string &path) {
    std::error_code ec;
    if (fs::is_directory(path, ec)) {
        std::vector<std::string> parts;
        for (const auto &e : fs::directory_iterator(path, ec)) {
            const std::string name = e.path().filename().string();
            if (name.empty() || name[0] == '.' || name[0] == '_') continue;
            if (name.ends_with(".mtd") || name.ends_with(".crc")) continue;
            if (!e.is_regular_file()) continue;
            parts.push_back(e.path().string());
        }
        if (ec) throw IoError("cannot read '" + path + "': " + ec.message());
        std::sort(parts.begin(), parts.end());
        std::vector<SourceFile> out;
        out.reserve(parts.size());
        for (auto &p : parts) out.emplace_back(std::move(p));
        return out;
    }
    std::vector<SourceFile> out;
    out.emplace_back(path);
    return out;
}

} // namespace linea::io
