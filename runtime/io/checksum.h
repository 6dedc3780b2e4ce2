// 64-bit checksum of the binary matrix format.
#pragma once

#include <cstddef>
#include <cstdint>

namespace linea::io {

/// XXH64 (Yann Collet's xxHash, 64-bit variant; our own implementation of the published algorithm):
/// ~10 GB/s per core, so checking a payload costs far less than reading it.
uint64_t xxh64(const void *data, size_t len, uint64_t seed = 0);

} // namespace linea::io
