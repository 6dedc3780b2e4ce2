// ASCII case folding for names that DML and its file formats match in any case (format names, rand, Inf).
#pragma once

#include <algorithm>
#include <string>
#include <string_view>

namespace linea {

/// c in lower case (ASCII letters only; other bytes, including non-ASCII ones, unchanged).
inline char ascii_lower(char c) {
    return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c;
}

/// s in lower case (ASCII letters only).
inline std::string ascii_lower(std::string_view s) {
    std::string out(s);
    for (char &c : out) c = ascii_lower(c);
    return out;
}

/// a == b ignoring the case of ASCII letters.
inline bool iequals(std::string_view a, std::string_view b) {
    return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
               return ascii_lower(x) == ascii_lower(y);
           });
}

} // namespace linea
