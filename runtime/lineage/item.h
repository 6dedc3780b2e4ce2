// Lineage items: the immutable trace of how a value was computed.
#pragma once

#include "runtime/lineage/item_pool.h"

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

namespace linea::lineage {

class Item;
using ItemPtr = std::shared_ptr<const Item>;
/// An item's inputs, stored in the items' own memory (item_pool.h).
using ItemList = std::vector<ItemPtr, PoolAllocator<ItemPtr>>;

/// A read-only view of an item's inputs; converts to a std::vector where one is needed.
class Inputs {
public:
    Inputs(const ItemPtr *begin, const ItemPtr *end) : begin_(begin), end_(end) {}
    const ItemPtr *begin() const { return begin_; }
    const ItemPtr *end() const { return end_; }
    size_t size() const { return static_cast<size_t>(end_ - begin_); }
    bool empty() const { return begin_ == end_; }
    const ItemPtr &operator[](size_t i) const { return begin_[i]; }
    const ItemPtr &front() const { return *begin_; }
    const ItemPtr &back() const { return end_[-1]; }
    operator std::vector<ItemPtr>() const { return std::vector<ItemPtr>(begin_, end_); }

private:
    const ItemPtr *begin_;
    const ItemPtr *end_;
};

/// One node of a lineage trace: an opcode, literal data and input items. The hash is computed once at
/// construction from the inputs' hashes; equality is structural, short-cut by pointer and hash.
class Item {
public:
    Item(std::string opcode, std::string data, const std::vector<ItemPtr> &inputs);
    /// The same with head_hash(opcode, data) computed by the caller (tracing keeps it per instruction).
    Item(std::string opcode, std::string data, ItemList inputs, uint64_t head);
    /// A new item in the items' own memory (item_pool.h): what tracing uses instead of make_shared.
    static ItemPtr make(std::string opcode, std::string data, const std::vector<ItemPtr> &inputs);
    static ItemPtr make(std::string opcode, std::string data, ItemList inputs);
    static ItemPtr make(std::string opcode, std::string data, ItemList inputs, uint64_t head);
    /// The part of an item's hash that comes from its opcode and data (the inputs' hashes are mixed in).
    static uint64_t head_hash(const std::string &opcode, const std::string &data);
    /// Releases long input chains iteratively (a loop's trace can be 100000s of items deep).
    ~Item();
    Item(const Item &) = delete;
    Item &operator=(const Item &) = delete;

    const std::string &opcode() const { return opcode_; }
    const std::string &data() const { return data_; }
    Inputs inputs() const { return Inputs(inputs_.data(), inputs_.data() + inputs_.size()); }
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
    /// Counts `n` instructions run with lineage on (traced, or replayed by loop deduplication without
    /// items of their own); traced_ops() is the total, the denominator of the bytes per traced op.
    static void count_traced_ops(int64_t n);
    static int64_t traced_ops();
    /// The `-stats` lines on trace memory: items created and peak alive, instructions traced, peak bytes
    /// and peak bytes per traced instruction (what a trace costs per traced operation).
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
    ItemList inputs_; // cleared only by the destructor
    uint64_t hash_;
    uint32_t height_;
    uint32_t bytes_; ///< this item's share of live_bytes()
};

} // namespace linea::lineage
