// Internal to runtime/io: the bytes of a file (or of each part file of a directory), memory-mapped.
#pragma once

#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace linea::io {

/// One input file's bytes: memory-mapped when possible (else read whole). Move-only; unmaps on destruction.
class SourceFile {
public:
    /// Maps (or reads) `path`; throws IoError "cannot read '<path>': <reason>".
    explicit SourceFile(std::string path);
    SourceFile(SourceFile &&other) noexcept;
    SourceFile &operator=(SourceFile &&) = delete;
    SourceFile(const SourceFile &) = delete;
    SourceFile &operator=(const SourceFile &) = delete;
    ~SourceFile() = default;

    /// The file name as shown in messages.
    const std::string &name() const { return name_; }
    std::string_view text() const { return view_; }
    /// Hands the file's private, copy-on-write mapping to shared owners: text() stays valid as long as
    /// the returned pointer (or a copy) lives, also after this SourceFile is gone. Null when the file
    /// was read rather than mapped.
    std::shared_ptr<void> share_mapping() const { return map_; }

private:
    std::string name_;
    std::string owned_;         // the bytes when the file could not be mapped
    std::shared_ptr<void> map_; // the mapping, unmapped when its last owner goes
    std::string_view view_;
};

/// The file itself, or the part files of a directory sorted by name (hidden, `_*`, .mtd and .crc skipped).
std::vector<SourceFile> load_sources(const std::string &path);

/// Reads a small file whole (metadata, scalars).
std::string read_whole(const std::string &path);

} // namespace linea::io
