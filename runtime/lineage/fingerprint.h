// File fingerprints: the identity of the data behind a read, so that a read is a reusable lineage leaf
// and a changed file is never confused with the old one.
#pragma once

#include <optional>
#include <string>

namespace linea::lineage {

/// A text fingerprint of `path` (a file, or a directory of part files) and its `.mtd` sidecar:
/// for every file its size, modification time (ns) and a content hash. Linea binary files are
/// identified by their header (which holds the XXH64 of header and payload); other files by the XXH64
/// of all their bytes. std::nullopt if `path` does not exist or cannot be read.
std::optional<std::string> file_fingerprint(const std::string &path);

} // namespace linea::lineage
