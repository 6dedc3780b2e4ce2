// Lineage items: the immutable trace of how a value was computed.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

namespace linea::lineage {

class Item;
using ItemPtr = std::shared_ptr<const Item>;

/// One node of a lineage trace: an opcode, literal data and input items. The hash is computed once at
/// construction from the inputs' hashes; equality is structural, short-cut by pointer and hash.
class Item {
public:
    Item(std::string opcode, std::string data, std::vector<ItemPtr> inputs);
    /// Releases long input chains iteratively (a loop's trace can be 100000s of items deep).
    ~Item();
    Item(const Item &) = delete;
    Item &operator=(const Item &) = delete;

    const std::string &opcode() const { return opcode_; }
    const std::string &data() const { return data_; }
    const std::vector<ItemPtr> &inputs() const { return inputs_; }
    uint64_t hash() const { return hash_; }
    uint32_t height() const { return height_; }

    /// Items alive in this process, their approximate bytes (object, control block, input vector, long
    /// strings) and the peak of both since reset_peak(): the memory a trace holds.
    static int64_t live_count();
    static int64_t live_bytes();
    static int64_t peak_count();
    static int64_t peak_bytes();
    static void reset_peak();
    /// Items constructed in this process (each traced instruction output and literal is one).
    static int64_t created_count();
    /// The `-stats` lines on trace memory: items created and peak alive, peak bytes and peak bytes per
    /// item created (what a trace costs per traced operation).
    static std::string memory_text();

    /// Structural equality without recursion (traces of long loops are deep).
    static bool equal(const Item &a, const Item &b);

    /// A leaf for a literal value (data = its text with a type tag).
    static ItemPtr literal(const std::string &typed_text);

    /// The trace as text, one line per distinct item, inputs before their users, the root last:
    /// "(id) opcode data (input id) ...". In `data`, a backslash, '(' and line breaks are escaped with a
    /// backslash ("\\", "\(", "\n", "\r"), so that the text parses back unambiguously.
    static std::string explain(const ItemPtr &root);
    /// Parses explain() text back into items (equal to the traced ones: same hashes). Throws
    /// std::invalid_argument naming the line for malformed text or references to unknown ids.
    static ItemPtr parse(const std::string &text);

private:
    std::string opcode_;
    std::string data_;
    std::vector<ItemPtr> inputs_; // cleared only by the destructor
    uint64_t hash_;
    uint32_t height_;
    uint32_t bytes_; ///< this item's share of live_bytes()
};

} // namespace linea::lineage
