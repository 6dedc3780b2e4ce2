// Spill files of the lineage cache: evicted values written to a private temporary directory and read back
// on a later hit.
#pragma once

#include "kernels/matrix_block.h"

#include <cstddef>
#include <optional>
#include <string>

namespace linea::lineage {

/// When the cache writes an evicted matrix to disk instead of dropping it. Auto: when recomputing it took
/// longer than the estimated disk round trip (write now, read on a hit). Always: every evicted matrix (a
/// test configuration). Never: evicted entries are dropped.
enum class SpillMode { Auto, Always, Never };

/// A private directory of spill files in linea's binary matrix format (checksummed), created on the first
/// write under `$TMPDIR` (else /tmp) and removed with all its files on destruction. Keeps estimates of
/// the disk's write and read throughput from the transfers it timed. Not thread-safe (the cache calls it
/// under its lock).
class SpillStore {
public:
    /// `parent`: where the private directory is created ("" = $TMPDIR, else /tmp).
    explicit SpillStore(std::string parent = "");
    ~SpillStore();
    SpillStore(const SpillStore &) = delete;
    SpillStore &operator=(const SpillStore &) = delete;

    /// Writes `m` to a new spill file and returns its path, or nullopt when it cannot be written (no
    /// space, no directory; a partial file is removed). `seconds` receives the time taken.
    std::optional<std::string> write(const kernels::MatrixBlock &m, double &seconds);
    /// Reads a spill file back and removes it; nullptr when it is missing or corrupt. `seconds` receives
    /// the time taken.
    kernels::MatrixPtr read(const std::string &path, double &seconds);
    /// Removes a spill file that is no longer needed.
    void remove(const std::string &path);

    /// Estimated seconds to write `bytes` now and read them back later.
    double round_trip_seconds(size_t bytes) const;
    /// The private directory ("" before the first write).
    const std::string &directory() const { return dir_; }
    /// Spill files currently on disk.
    size_t files() const { return files_; }

private:
    bool ensure_directory();
    /// Folds one timed transfer into a throughput estimate (large transfers only: small ones measure
    /// latency).
    static void learn(double &bytes_per_second, size_t bytes, double seconds);

    std::string parent_;
    std::string dir_;
    bool failed_ = false; ///< the directory could not be created: spilling is off
    size_t next_ = 0;
    size_t files_ = 0;
    double write_bps_;
    double read_bps_;
};

} // namespace linea::lineage
