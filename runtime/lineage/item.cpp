#include "runtime/lineage/item.h"

#include "runtime/lineage/item_pool.h"

#include <atomic>
#include <cstdio>
#include <functional>
#include <optional>
#include <set>
#include <stdexcept>
#include <unordered_map>
#include <utility>

namespace linea::lineage {

namespace {
uint64_t mix(uint64_t h, uint64_t v) {
    // 64-bit combine (boost-style with a 64-bit golden ratio constant).
    return h ^ (v + 0x9e3779b97f4a7c15ULL + (h << 12) + (h >> 4));
}
uint64_t hash_string(const std::string &s) {
    return std::hash<std::string>{}(s);
}

std::string escape(const std::string &data) {
    std::string out;
    out.reserve(data.size());
    for (char c : data) {
        if (c == '\\' || c == '(') out += '\\';
        if (c == '\n')
            out += "\\n";
        else if (c == '\r')
            out += "\\r";
        else
            out += c;
    }
    return out;
}

std::atomic<int64_t> g_live{0}, g_live_bytes{0}, g_peak{0}, g_peak_bytes{0}, g_created{0}, g_traced_ops{0};

void raise_peak(std::atomic<int64_t> &peak, int64_t v) {
    int64_t p = peak.load(std::memory_order_relaxed);
    while (v > p && !peak.compare_exchange_weak(p, v, std::memory_order_relaxed)) {
    }
}

[[noreturn]] void bad_line(size_t line, const std::string &what) {
    throw std::invalid_argument("lineage trace line " + std::to_string(line) + ": " + what);
}

/// Parses "(digits)" at `pos` of `s`, advancing pos; nullopt if there is none.
std::optional<size_t> ref_at(const std::string &s, size_t &pos) {
    if (pos >= s.size() || s[pos] != '(') return std::nullopt;
    size_t q = pos + 1, v = 0;
    while (q < s.size() && s[q] >= '0' && s[q] <= '9') v = v * 10 + static_cast<size_t>(s[q++] - '0');
    if (q == pos + 1 || q >= s.size() || s[q] != ')') return std::nullopt;
    pos = q + 1;
    return v;
}
} // namespace

ItemPtr Item::parse(const std::string &text) {
    std::unordered_map<size_t, ItemPtr> items;
    ItemPtr last;
    size_t line_no = 0, start = 0;
    while (start < text.size()) {
        size_t end = text.find('\n', start);
        if (end == std::string::npos) end = text.size();
        const std::string line = text.substr(start, end - start);
        start = end + 1;
        ++line_no;
        if (line.empty()) continue;
        size_t pos = 0;
        std::optional<size_t> id = ref_at(line, pos);
        if (!id || pos >= line.size() || line[pos] != ' ') bad_line(line_no, "expected '(id) opcode ...'");
        const size_t op_begin = ++pos;
        while (pos < line.size() && line[pos] != ' ') ++pos;
        std::string opcode = line.substr(op_begin, pos - op_begin);
        if (opcode.empty()) bad_line(line_no, "missing opcode");
        // Data: everything up to the first unescaped '(' (unescaped), then " (id)" references.
        std::string data;
        ItemList inputs;
        if (pos < line.size()) ++pos; // the space after the opcode
        bool in_refs = false;
        while (pos < line.size()) {
            if (!in_refs && line[pos] == '(') {
                in_refs = true;
                if (!data.empty()) {
                    if (data.back() != ' ') bad_line(line_no, "expected a space before an input reference");
                    data.pop_back();
                }
            }
            if (in_refs) {
                std::optional<size_t> ref = ref_at(line, pos);
                if (!ref) bad_line(line_no, "malformed input reference");
                auto it = items.find(*ref);
                if (it == items.end())
                    bad_line(line_no, "input (" + std::to_string(*ref) + ") is not defined above");
                inputs.push_back(it->second);
                if (pos < line.size()) {
                    if (line[pos] != ' ') bad_line(line_no, "expected a space between input references");
                    ++pos;
                }
                continue;
            }
            char c = line[pos++];
            if (c == '\\') {
                if (pos >= line.size()) bad_line(line_no, "dangling escape");
                char e = line[pos++];
                data += e == 'n' ? '\n' : e == 'r' ? '\r' : e;
            } else {
                data += c;
            }
        }
        if (items.count(*id)) bad_line(line_no, "id (" + std::to_string(*id) + ") defined twice");
        last = make(std::move(opcode), std::move(data), std::move(inputs));
        items[*id] = last;
    }
    if (!last) throw std::invalid_argument("lineage trace: empty text");
    return last;
}

ItemPtr Item::make(std::string opcode, std::string data, const std::vector<ItemPtr> &inputs) {
    return make(std::move(opcode), std::move(data), ItemList(inputs.begin(), inputs.end()));
}

ItemPtr Item::make(std::string opcode, std::string data, ItemList inputs) {
    const uint64_t head = head_hash(opcode, data);
    return make(std::move(opcode), std::move(data), std::move(inputs), head);
}

ItemPtr Item::make(std::string opcode, std::string data, ItemList inputs, uint64_t head) {
    return std::allocate_shared<const Item>(PoolAllocator<Item>{}, std::move(opcode), std::move(data),
                                            std::move(inputs), head);
}

uint64_t Item::head_hash(const std::string &opcode, const std::string &data) {
    return mix(hash_string(opcode), hash_string(data));
}

Item::Item(std::string opcode, std::string data, const std::vector<ItemPtr> &inputs)
    : Item(opcode, data, ItemList(inputs.begin(), inputs.end()), head_hash(opcode, data)) {}

Item::Item(std::string opcode, std::string data, ItemList inputs, uint64_t head)
    : opcode_(std::move(opcode)), data_(std::move(data)), inputs_(std::move(inputs)) {
    uint64_t h = head;
    uint32_t height = 0;
    for (const auto &in : inputs_) {
        h = mix(h, in->hash_);
        height = std::max(height, in->height_ + 1);
    }
    hash_ = h;
    height_ = height;
    size_t bytes = sizeof(Item) + 16 + inputs_.capacity() * sizeof(ItemPtr);
    if (opcode_.capacity() > 15) bytes += opcode_.capacity() + 1;
    if (data_.capacity() > 15) bytes += data_.capacity() + 1;
    bytes_ = static_cast<uint32_t>(bytes);
    g_created.fetch_add(1, std::memory_order_relaxed);
    raise_peak(g_peak, g_live.fetch_add(1, std::memory_order_relaxed) + 1);
    raise_peak(g_peak_bytes, g_live_bytes.fetch_add(static_cast<int64_t>(bytes_), std::memory_order_relaxed) +
                                 static_cast<int64_t>(bytes_));
}

int64_t Item::live_count() {
    return g_live.load(std::memory_order_relaxed);
}
int64_t Item::live_bytes() {
    return g_live_bytes.load(std::memory_order_relaxed);
}
int64_t Item::peak_count() {
    return g_peak.load(std::memory_order_relaxed);
}
int64_t Item::peak_bytes() {
    return g_peak_bytes.load(std::memory_order_relaxed);
}
int64_t Item::created_count() {
    return g_created.load(std::memory_order_relaxed);
}

void Item::count_traced_ops(int64_t n) {
    g_traced_ops.fetch_add(n, std::memory_order_relaxed);
}
int64_t Item::traced_ops() {
    return g_traced_ops.load(std::memory_order_relaxed);
}

std::string Item::memory_text() {
    const int64_t created = created_count(), peak = peak_bytes(), ops = traced_ops();
    char buf[320];
    std::snprintf(buf, sizeof buf,
                  "Lineage items (created/peak live): \t%lld/%lld.\nLineage traced ops: \t%lld.\n"
                  "Lineage bytes (peak/per traced op): \t%lld/%.1f.\n",
                  static_cast<long long>(created), static_cast<long long>(peak_count()),
                  static_cast<long long>(ops), static_cast<long long>(peak),
                  ops > 0 ? static_cast<double>(peak) / static_cast<double>(ops) : 0.0);
    return buf;
}

void Item::reset_peak() {
    g_peak.store(g_live.load(std::memory_order_relaxed), std::memory_order_relaxed);
    g_peak_bytes.store(g_live_bytes.load(std::memory_order_relaxed), std::memory_order_relaxed);
}

Item::~Item() {
    g_live.fetch_sub(1, std::memory_order_relaxed);
    g_live_bytes.fetch_sub(static_cast<int64_t>(bytes_), std::memory_order_relaxed);
    std::vector<ItemPtr> stack(std::make_move_iterator(inputs_.begin()),
                               std::make_move_iterator(inputs_.end()));
    inputs_.clear();
    while (!stack.empty()) {
        ItemPtr p = std::move(stack.back());
        stack.pop_back();
        if (p && p.use_count() == 1) {
            // Last owner: take its inputs so that destroying it does not recurse.
            auto &in = const_cast<Item &>(*p).inputs_;
            for (auto &c : in) stack.push_back(std::move(c));
            in.clear();
        }
    }
}

bool Item::equal(const Item &a, const Item &b) {
    std::vector<std::pair<const Item *, const Item *>> work{{&a, &b}};
    std::set<std::pair<const Item *, const Item *>> done;
    while (!work.empty()) {
        auto [x, y] = work.back();
        work.pop_back();
        if (x == y) continue;
        if (x->hash_ != y->hash_ || x->height_ != y->height_ || x->opcode_ != y->opcode_ ||
            x->data_ != y->data_ || x->inputs_.size() != y->inputs_.size())
            return false;
        if (!done.insert({x, y}).second) continue;
        for (size_t i = 0; i < x->inputs_.size(); ++i)
            work.emplace_back(x->inputs_[i].get(), y->inputs_[i].get());
    }
    return true;
}

ItemPtr Item::literal(const std::string &typed_text) {
    return make("L", typed_text, ItemList{});
}

std::string Item::explain(const ItemPtr &root) {
    std::unordered_map<const Item *, size_t> ids;
    std::string out;
    std::vector<std::pair<const Item *, size_t>> stack{{root.get(), 0}};
    while (!stack.empty()) {
        auto &[it, i] = stack.back();
        if (ids.count(it)) {
            stack.pop_back();
            continue;
        }
        if (i < it->inputs_.size()) {
            const Item *in = it->inputs_[i++].get();
            if (!ids.count(in)) stack.emplace_back(in, 0);
            continue;
        }
        size_t id = ids.size() + 1;
        ids[it] = id;
        out += "(" + std::to_string(id) + ") " + it->opcode_;
        if (!it->data_.empty()) out += " " + escape(it->data_);
        for (const auto &in : it->inputs_) out += " (" + std::to_string(ids.at(in.get())) + ")";
        out += "\n";
        stack.pop_back();
    }
    return out;
}

} // namespace linea::lineage
