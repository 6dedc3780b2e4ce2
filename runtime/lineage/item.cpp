#include "runtime/lineage/item.h"

#include <functional>
#include <set>
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
} // namespace

Item::Item(std::string opcode, std::string data, std::vector<ItemPtr> inputs)
    : opcode_(std::move(opcode)), data_(std::move(data)), inputs_(std::move(inputs)) {
    uint64_t h = mix(hash_string(opcode_), hash_string(data_));
    uint32_t height = 0;
    for (const auto &in : inputs_) {
        h = mix(h, in->hash_);
        height = std::max(height, in->height_ + 1);
    }
    hash_ = h;
    height_ = height;
}

Item::~Item() {
    std::vector<ItemPtr> stack = std::move(inputs_);
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
    return std::make_shared<const Item>("L", typed_text, std::vector<ItemPtr>{});
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
        if (!it->data_.empty()) out += " " + it->data_;
        for (const auto &in : it->inputs_) out += " (" + std::to_string(ids.at(in.get())) + ")";
        out += "\n";
        stack.pop_back();
    }
    return out;
}

} // namespace linea::lineage
