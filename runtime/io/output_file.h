// Files written under a temporary name and renamed into place.
#pragma once

#include <cstddef>
#include <cstdio>
#include <string>

namespace linea::io {

/// An output file written beside `path` under a temporary name and renamed onto `path` by commit().
/// Readers keep what they read: a binary matrix read earlier in the run is a private mapping of the old
/// file, which a rename leaves intact (overwriting the file in place would change or truncate it under
/// that mapping). A write that fails, or is never committed, leaves the old file as it was.
class OutputFile {
public:
    /// Creates missing parent directories and opens the temporary file; throws IoError
    /// "cannot write '<path>': <reason>".
    explicit OutputFile(std::string path);
    OutputFile(const OutputFile &) = delete;
    OutputFile &operator=(const OutputFile &) = delete;
    /// Removes the temporary file unless commit() succeeded.
    ~OutputFile();

    /// Appends `n` bytes; throws IoError on a short write.
    void write(const void *data, size_t n);
    /// Closes the file and renames it onto the path (replacing a file or a directory of part files).
    void commit();

private:
    [[noreturn]] void fail(int err);

    std::string path_;
    std::string tmp_;
    std::FILE *f_ = nullptr;
};

} // namespace linea::io
