#include "runtime/util/paths.h"

#include <cstdlib>
#include <filesystem>

namespace linea {

std::string find_builtin_dir() {
    namespace fs = std::filesystem;
    std::error_code ec;
    if (const char *env = std::getenv("LINEA_BUILTIN_DIR"); env && *env) return env;
    fs::path exe = fs::read_symlink("/proc/self/exe", ec);
    if (!ec) {
        fs::path installed = exe.parent_path().parent_path() / "share" / "linea" / "builtin";
        if (fs::is_directory(installed, ec)) return installed.string();
    }
    fs::path configured = fs::path(LINEA_INSTALL_DATADIR) / "builtin";
    if (fs::is_directory(configured, ec)) return configured.string();
    if (fs::is_directory(LINEA_SOURCE_BUILTIN_DIR, ec)) return LINEA_SOURCE_BUILTIN_DIR;
    return "";
}

} // namespace linea
