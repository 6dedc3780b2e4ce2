// Files written under a temporary name and renamed into place (see output_file.h).
#include "runtime/io/output_file.h"

#include "runtime/io/matrix_io.h"

#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <system_error>

namespace linea::io {

namespace fs = std::filesystem;

OutputFile::OutputFile(std::string path) : path_(std::move(path)) {
    // Missing parent directories are created, as SystemDS does for out/model/file.
    const fs::path parent = fs::path(path_).parent_path();
    std::error_code ec;
    if (!parent.empty() && !fs::exists(parent, ec)) fs::create_directories(parent, ec);
    tmp_ = path_ + ".linea-tmp-" + std::to_string(::getpid());
    f_ = std::fopen(tmp_.c_str(), "wb");
    if (!f_) throw IoError("cannot write '" + path_ + "': " + std::strerror(errno));
}

OutputFile::~OutputFile() {
    if (f_) std::fclose(f_);
    if (!tmp_.empty()) std::remove(tmp_.c_str());
}

void OutputFile::fail(int err) {
    throw IoError("cannot write '" + path_ + "': " + std::strerror(err));
}

void OutputFile::write(const void *data, size_t n) {
    if (n > 0 && std::fwrite(data, 1, n, f_) != n) fail(errno);
}

void OutputFile::commit() {
    const int rc = std::fclose(f_);
    f_ = nullptr;
    if (rc != 0) fail(errno);
    std::error_code ec;
    if (fs::is_directory(path_, ec)) fs::remove_all(path_, ec); // replace an old part-file directory
    if (std::rename(tmp_.c_str(), path_.c_str()) != 0) fail(errno);
    tmp_.clear();
}

} // namespace linea::io
